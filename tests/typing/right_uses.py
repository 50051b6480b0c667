"""Right uses of the builder: ``mypy --strict`` must accept every line
(``tests/test_builder_typing.py``), and running it must build valid documents."""

from __future__ import annotations

import adfkit
from adfkit.build import (
    bullet_list,
    code,
    code_block,
    date,
    doc,
    em,
    emoji,
    hard_break,
    heading,
    layout_column,
    layout_section,
    link,
    list_item,
    media,
    media_single,
    mention,
    ordered_list,
    panel,
    paragraph,
    status,
    strong,
    table,
    table_cell,
    table_header,
    table_row,
    task_item,
    task_list,
    text,
    text_color,
)
from adfkit.nodes import Doc, Paragraph

report: Doc = doc(
    heading("Checkout fails", level=2),
    paragraph("Clicking submit on checkout returns a 500 error."),
    paragraph(strong("Browser: "), "Chrome 124 on macOS 14"),
    paragraph(
        text("see the runbook", marks=[link("https://example.com/runbook", title="Runbook")]),
        " and ",
        em(strong("hurry")),
        hard_break(),
        code("npm test"),
        text(" red", marks=[text_color("#ff0000")]),
    ),
    bullet_list(
        list_item(paragraph("one")),
        list_item(paragraph("two"), ordered_list(list_item(paragraph("2a")), order=3)),
    ),
    panel(paragraph("Careful"), panel_type="warning"),
    code_block(text("print('hi')"), language="python"),
    table(
        table_row(table_header(paragraph("Step")), table_header(paragraph("Result"))),
        table_row(
            table_cell(paragraph("Pay")),
            table_cell(paragraph(status(text="FAILED", color="red")), colspan=1),
        ),
    ),
    task_list(
        task_item("Reproduce", local_id="t1", state="DONE"),
        task_item(
            "Fix", mention(id="5b10ac8d82e05b22cc7d4ef5", text="@Ana"), local_id="t2", state="TODO"
        ),
        local_id="tasks",
    ),
    paragraph(emoji(short_name=":warning:"), " due ", date(timestamp="1735689600000")),
    media_single(media(type="external", url="https://example.com/a.png"), layout="center"),
    media_single(
        media(type="file", id="abc-123", collection="uploads"),
        layout="wide",
        width=640,
        width_type="pixel",
    ),
    layout_section(
        layout_column(paragraph("left"), width=50), layout_column(paragraph("right"), width=50)
    ),
)

first: Paragraph = paragraph("x")

# What the library gives, it takes: a built document where a document is expected.

document: adfkit.Document = report
assert adfkit.is_valid(report)
adfkit.validate(document)
checked: list[adfkit.ValidationError] = list(adfkit.iter_errors(report))
as_dict: adfkit.Document = report.to_json()
