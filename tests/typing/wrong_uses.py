"""Wrong uses of the builder: ``mypy --strict`` must report an error on every line
that ends in an E comment (whose text the message contains) and nowhere else
(``tests/test_builder_typing.py``). Never imported or run."""

from __future__ import annotations

from adfkit.build import (
    bullet_list,
    doc,
    heading,
    link,
    list_item,
    media,
    media_single,
    panel,
    paragraph,
    status,
    strong,
    table,
    table_cell,
    table_row,
    task_item,
    text,
)

paragraph(heading("x", level=1))  # E: incompatible type "Heading"
heading("x", level=7)  # E: incompatible type "Literal[7]"
bullet_list(paragraph("x"))  # E: incompatible type "Paragraph"
bullet_list()  # E: Too few arguments
doc(list_item(paragraph("x")))  # E: incompatible type "ListItem"
doc(text("x"))  # E: incompatible type "Text"
doc("loose text")  # E: incompatible type "str"
panel(paragraph("x"), panel_type="danger")  # E: incompatible type "Literal['danger']"
panel(paragraph("x"))  # E: Missing named argument "panel_type"
heading("x", 2)  # E: incompatible type "int"
table(table_cell(paragraph("x")))  # E: incompatible type "TableCell"
table_row(paragraph("x"))  # E: incompatible type "Paragraph"
task_item("x", local_id="1", state="WIP")  # E: incompatible type "Literal['WIP']"
text("x", marks=[strong("y")])  # E: List item 0 has incompatible type "Text"
link(href=3)  # E: incompatible type "int"
media_single(paragraph("x"), layout="center")  # E: No overload variant
picture = media(type="external", url="https://x.org/a.png")
media_single(picture, layout="middle")  # E: No overload variant
media(type="external", id="1", collection="c")  # E: No overload variant
list_item("bare text")  # E: incompatible type "str"
heading(level=1, colour="red")  # E: Unexpected keyword argument "colour"
status(text="DONE", color="grene")  # E: incompatible type "Literal['grene']"
