"""The sandbox's own ADF check (``adfkit.sandbox.adf``): each rule over real HTTP
through the gateway, as a client that skips adfkit's pre-flight would meet it; that every
valid document adfkit's strategies draw passes it; and that it is independent of
adfkit's validator (no import of it anywhere in the sandbox)."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

import adfkit
from adfkit.sandbox import Sandbox
from adfkit.sandbox.adf import rejection
from adfkit.strategies import documents

from .sandbox_steps import gateway_post, login, pay_bug

SANDBOX_DIR = Path(adfkit.__file__).parent / "sandbox"
INVALID_INPUT = {"errorMessages": ["INVALID_INPUT"], "errors": {}}


def doc(*content: Any) -> dict[str, Any]:
    return {"type": "doc", "version": 1, "content": list(content)}


def para(*content: Any, **extra: Any) -> dict[str, Any]:
    return {"type": "paragraph", "content": list(content), **extra}


def text(value: str, *marks: str) -> dict[str, Any]:
    node: dict[str, Any] = {"type": "text", "text": value}
    if marks:
        node["marks"] = [
            {"type": m, "attrs": {"href": "https://example.com/"}}
            if m == "link"
            else {"type": m, "attrs": {"id": "c1", "annotationType": "inlineComment"}}
            if m == "annotation"
            else {"type": m}
            for m in marks
        ]
    return node


def table(*cells: Any) -> dict[str, Any]:
    return {
        "type": "table",
        "content": [{"type": "tableRow", "content": list(cells)}],
    }


def cell(*content: Any, kind: str = "tableCell") -> dict[str, Any]:
    return {"type": kind, "content": list(content)}


def bullets(*item_content: Any) -> dict[str, Any]:
    return {"type": "bulletList", "content": [{"type": "listItem", "content": list(item_content)}]}


def quote(*content: Any) -> dict[str, Any]:
    return {"type": "blockquote", "content": list(content)}


def heading(level: Any, *content: Any) -> dict[str, Any]:
    return {"type": "heading", "attrs": {"level": level}, "content": list(content)}


RULE = {"type": "rule"}

# (case id, document, the sandbox rule it breaks). Every one is also rejected by adfkit.
BROKEN: list[tuple[str, Any, str]] = [
    ("top-level-not-doc", {"type": "paragraph", "version": 1, "content": []}, "not-a-doc"),
    ("top-level-without-version", {"type": "doc", "content": []}, "not-a-doc"),
    ("top-level-version-2", {"type": "doc", "version": 2, "content": []}, "not-a-doc"),
    ("top-level-content-not-a-list", {"type": "doc", "version": 1, "content": {}}, "not-a-doc"),
    ("unknown-node-type", doc(para(text("a")), {"type": "marquee"}), "unknown-node"),
    ("unknown-mark-type", doc(para(text("a", "blink"))), "unknown-mark"),
    ("empty-text-node", doc(para(text(""))), "empty-text"),
    ("text-directly-in-table-cell", doc(table(cell(text("a")))), "inline-in-cell"),
    (
        "text-directly-in-table-header",
        doc(table(cell(text("a"), kind="tableHeader"))),
        "inline-in-cell",
    ),
    ("table-in-a-table-cell", doc(table(cell(table(cell(para(text("a"))))))), "nested-table"),
    ("heading-in-blockquote", doc(quote(heading(2, text("a")))), "not-in-quote-or-list"),
    ("rule-in-blockquote", doc(quote(RULE)), "not-in-quote-or-list"),
    ("rule-in-list-item", doc(bullets(RULE)), "not-in-quote-or-list"),
    ("heading-in-list-item", doc(bullets(heading(1, text("a")))), "not-in-quote-or-list"),
    ("table-in-list-item", doc(bullets(table(cell(para(text("a")))))), "not-in-quote-or-list"),
    ("code-with-strong", doc(para(text("a", "code", "strong"))), "code-with-other-marks"),
    ("code-with-em-and-link", doc(para(text("a", "em", "code", "link"))), "code-with-other-marks"),
    (
        "marks-on-code-block-text",
        doc({"type": "codeBlock", "content": [text("x = 1", "strong")]}),
        "marks-in-code-block",
    ),
    (
        "unknown-attr-on-paragraph",
        doc(para(text("a"), attrs={"alignment": "center"})),
        "unknown-attr",
    ),
    (
        "unknown-attr-on-mention",
        doc(para({"type": "mention", "attrs": {"id": "712020:x", "email": "a@b.c"}})),
        "unknown-attr",
    ),
    ("heading-level-7", doc(heading(7, text("a"))), "bad-attrs"),
]


@pytest.mark.parametrize(("document", "rule"), [c[1:] for c in BROKEN], ids=[c[0] for c in BROKEN])
def test_the_check_names_the_rule_each_broken_document_breaks(document: Any, rule: str) -> None:
    found = rejection(document)
    assert found is not None
    assert found.rule == rule


@pytest.mark.parametrize("document", [c[1] for c in BROKEN], ids=[c[0] for c in BROKEN])
def test_a_client_that_skips_preflight_gets_invalid_input_for_what_adfkit_rejects(
    jira_sandbox: Sandbox, document: Any
) -> None:
    assert not adfkit.is_valid(document)  # adfkit's pre-flight would have stopped it
    token = login(jira_sandbox).access
    response = gateway_post(jira_sandbox, token, "issue", pay_bug(description=document))
    assert response.status_code == 400
    assert response.json() == INVALID_INPUT
    assert jira_sandbox.issues() == []


RICH = doc(
    heading(1, text("Checkout fails")),
    para(
        text("See "),
        text("PAY-1", "link", "strong"),
        text(" and "),
        text("retry()", "code", "annotation"),
        {"type": "hardBreak"},
        {"type": "mention", "attrs": {"id": "712020:sandbox-sam", "text": "@Sam Reviewer"}},
    ),
    quote(para(text("quoted", "strong", "em")), bullets(para(text("in a quote")))),
    bullets(para(text("one")), bullets(para(text("nested")))),
    table(cell(para(text("a"))), cell(heading(3, text("b")), kind="tableHeader")),
    {"type": "codeBlock", "attrs": {"language": "python"}, "content": [text("x = 1\n")]},
    RULE,
    {"type": "panel", "attrs": {"panelType": "info"}, "content": [para(text("note"))]},
)


def test_a_rich_valid_document_is_created_in_every_adf_field(jira_sandbox: Sandbox) -> None:
    assert adfkit.is_valid(RICH)
    assert rejection(RICH) is None
    token = login(jira_sandbox).access
    body = pay_bug(description=RICH, environment=RICH, customfield_10061=RICH)
    created = gateway_post(jira_sandbox, token, "issue", body)
    assert created.status_code == 201, created.text
    assert jira_sandbox.issues()[0].fields["description"] == RICH


def test_code_with_link_is_accepted_as_on_jira_although_adfkit_refuses_it(
    jira_sandbox: Sandbox,
) -> None:
    # Section 3.4: "code mark only combines with link"; the ADF JSON schema agrees.
    # adfkit's validator refuses the pair (its mark table says code excludes link): a
    # real disagreement, recorded in docs/sandbox.md. Fix this test when one side moves.
    linked_code = doc(para(text("PAY-1", "code", "link")))
    assert rejection(linked_code) is None
    assert not adfkit.is_valid(linked_code)
    token = login(jira_sandbox).access
    created = gateway_post(jira_sandbox, token, "issue", pay_bug(description=linked_code))
    assert created.status_code == 201, created.text


def test_an_empty_document_is_accepted() -> None:
    assert rejection(doc()) is None


def test_invalid_adf_in_a_textarea_custom_field_is_invalid_input_too(
    jira_sandbox: Sandbox,
) -> None:
    token = login(jira_sandbox).access
    body = pay_bug(customfield_10061=doc(table(cell(text("a")))))
    response = gateway_post(jira_sandbox, token, "issue", body)
    assert (response.status_code, response.json()) == (400, INVALID_INPUT)


@settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(documents())
def test_every_valid_document_adfkit_draws_passes_the_sandbox_check(document: Any) -> None:
    # A failure here means a sandbox rule is stricter than the ADF schema: fix the rule
    # (or, for a real difference with Jira, document it in docs/sandbox.md).
    assert rejection(document) is None


VALIDATOR_MODULES = {"adfkit.validator", "adfkit.spec", "adfkit._spec_table", "adfkit._spec_model"}
VALIDATOR_NAMES = {"is_valid", "validate", "iter_errors", "NODES", "MARKS"}


def test_no_sandbox_module_imports_adfkits_validator_or_spec_table() -> None:
    offenders: list[str] = []
    modules = sorted(SANDBOX_DIR.glob("*.py"))
    assert any(m.name == "adf.py" for m in modules)
    for module in modules:
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = {alias.name for alias in node.names}
                offenders += [f"{module.name}: import {n}" for n in names & VALIDATOR_MODULES]
            elif isinstance(node, ast.ImportFrom) and node.module is not None:
                imported = {alias.name for alias in node.names}
                if node.module in VALIDATOR_MODULES or (
                    node.module == "adfkit" and imported & (VALIDATOR_NAMES | {"validator", "spec"})
                ):
                    offenders.append(f"{module.name}: from {node.module} import {imported}")
    assert offenders == []
