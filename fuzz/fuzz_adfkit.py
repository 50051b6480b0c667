"""Coverage-guided fuzzing with atheris, reusing the property tests of ``tests/``.

Each harness is a Hypothesis test from ``tests/``; atheris drives Hypothesis' byte
stream (``.hypothesis.fuzz_one_input``), so the fuzzer explores the same structured
inputs the tests draw, guided by coverage of ``adfkit``. Run::

    .venv/bin/pip install -e '.[fuzz]'
    .venv/bin/python fuzz/fuzz_adfkit.py -max_total_time=60

A failure prints the falsifying example; add it to ``tests/data/invalid`` or a unit test.
"""

from __future__ import annotations

import sys
from pathlib import Path

import atheris

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

with atheris.instrument_imports(include=["adfkit", "mistune"]):
    from test_cli_input import test_any_bytes_get_a_verdict_and_a_documented_exit_code
    from test_html import (
        test_arbitrary_text_converts_to_valid_adf as test_arbitrary_text_converts_to_valid_html_adf,
    )
    from test_html import (
        test_generated_html_converts_to_valid_adf,
        test_spliced_fixture_pages_convert_to_valid_adf,
    )
    from test_html_sources import test_pieces_of_real_sources_convert_to_valid_adf
    from test_html_writer import test_any_valid_document_renders_to_html_that_reads_back_valid
    from test_jsonfile import (
        test_dumps_is_byte_identical_to_json_dumps,
        test_the_iterative_reader_agrees_with_json_on_any_text,
    )
    from test_markdown import (
        test_arbitrary_text_converts_to_valid_adf,
        test_generated_markdown_converts_to_valid_adf_keeping_every_word,
        test_spliced_corpus_documents_convert_to_valid_adf,
    )
    from test_render import (
        test_markdown_output_is_a_fixed_point_after_one_pass,
        test_markdown_round_trip_is_exact_on_the_expressible_subset,
    )
    from test_validate_api import test_arbitrary_json_never_raises_and_every_path_resolves
    from test_validate_fastpath import test_fast_path_and_explainer_agree_on_mutated_documents
    from test_wiki import (
        test_arbitrary_text_converts_to_valid_adf as test_arbitrary_text_converts_to_valid_wiki_adf,
    )
    from test_wiki import (
        test_generated_wiki_converts_to_valid_adf,
        test_to_wiki_writes_any_valid_document_and_reads_back_valid,
        test_wiki_round_trip_is_exact_on_the_expressible_subset,
    )

    import adfkit.cli
    import adfkit.jsonfile
    import adfkit.validator  # noqa: F401  (instrumented for coverage, with the two above)

HARNESSES = {
    "arbitrary-json": test_arbitrary_json_never_raises_and_every_path_resolves,
    "fast-vs-explainer": test_fast_path_and_explainer_agree_on_mutated_documents,
    "markdown-text": test_arbitrary_text_converts_to_valid_adf,
    "markdown-generated": test_generated_markdown_converts_to_valid_adf_keeping_every_word,
    "markdown-round-trip": test_markdown_round_trip_is_exact_on_the_expressible_subset,
    "markdown-fixed-point": test_markdown_output_is_a_fixed_point_after_one_pass,
    "markdown-corpus": test_spliced_corpus_documents_convert_to_valid_adf,
    "html-text": test_arbitrary_text_converts_to_valid_html_adf,
    "html-generated": test_generated_html_converts_to_valid_adf,
    "html-fixtures": test_spliced_fixture_pages_convert_to_valid_adf,
    "html-sources": test_pieces_of_real_sources_convert_to_valid_adf,
    "html-writer": test_any_valid_document_renders_to_html_that_reads_back_valid,
    "wiki-text": test_arbitrary_text_converts_to_valid_wiki_adf,
    "wiki-generated": test_generated_wiki_converts_to_valid_adf,
    "wiki-writer": test_to_wiki_writes_any_valid_document_and_reads_back_valid,
    "wiki-round-trip": test_wiki_round_trip_is_exact_on_the_expressible_subset,
    "json-dumps": test_dumps_is_byte_identical_to_json_dumps,
    "json-reader": test_the_iterative_reader_agrees_with_json_on_any_text,
    "cli-input": test_any_bytes_get_a_verdict_and_a_documented_exit_code,
}


def main() -> None:
    if sys.argv[1:] == ["--list"]:
        print("\n".join(HARNESSES))
        return
    name = "arbitrary-json"
    if len(sys.argv) > 1 and sys.argv[1] in HARNESSES:
        name = sys.argv.pop(1)
    test = HARNESSES[name]
    atheris.Setup(sys.argv, test.hypothesis.fuzz_one_input)  # type: ignore[attr-defined]
    atheris.Fuzz()


if __name__ == "__main__":
    main()
