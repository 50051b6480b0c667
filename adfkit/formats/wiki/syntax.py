"""What Jira's wiki markup means, shared by its reader and its writer.

One table per rule, so that an escaping rule or a symbol is seen by both directions:
the text effects and their symbols, the characters a backslash escapes, the emoticons,
the panel colours, the code languages Atlassian's transformer knows. The facts follow
Jira's text-formatting notation help and Atlassian's transformer
(``@atlaskit/editor-wikimarkup-transformer``), which is the reference where the two
disagree; ``docs/wiki.md`` lists every construct.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

__all__ = [
    "BLOCK_TAG",
    "CODE_LANGUAGES",
    "CSS_COLORS",
    "EFFECTS",
    "EMOTICONS",
    "ESCAPABLE",
    "PANEL_COLORS",
    "closest_panel_type",
    "css_color",
    "wordy",
]

_WORD_ASCII = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")


def wordy(char: str) -> bool:
    """A character that glues a symbol to a word, so that it is no markup (``a*b*`` is
    not bold): ASCII letters and digits, and anything beyond ASCII but the no-break
    space. Both directions ask it: the reader to read, the writer to escape."""
    return char in _WORD_ASCII or (char > "\x7f" and char != "\xa0")


BLOCK_TAG = re.compile(r"\{(code|noformat|quote|panel)(?::([^{}\n]*))?\}", re.IGNORECASE)
"""A block macro's opening tag: ``{code}``, ``{noformat}``, ``{quote}``, ``{panel}``,
with parameters after a colon; such a macro may start anywhere on a line."""

EFFECTS: Mapping[str, tuple[str, dict[str, str] | None]] = {
    "*": ("strong", None),
    "_": ("em", None),
    "-": ("strike", None),
    "+": ("underline", None),
    "^": ("subsup", {"type": "sup"}),
    "~": ("subsup", {"type": "sub"}),
    "??": ("em", None),  # citation: an em-dash and emphasis, as Atlassian's transformer
}
"""Text-effect symbol -> (ADF mark type, its attrs). ``{{...}}`` (code) stands apart:
its content is not parsed."""

ESCAPABLE = frozenset("-#*_+?^~|%{}[]()!@")
"""Characters a backslash escapes (Jira's renderer's list): ``\\*`` is a literal star,
while ``\\a`` keeps its backslash."""

EMOTICONS: Mapping[str, tuple[str, str, str]] = {
    ":)": ("1f642", ":slight_smile:", "\U0001f642"),
    ":-)": ("1f642", ":slight_smile:", "\U0001f642"),
    ":(": ("1f61e", ":disappointed:", "\U0001f61e"),
    ":-(": ("1f61e", ":disappointed:", "\U0001f61e"),
    ":P": ("1f61b", ":stuck_out_tongue:", "\U0001f61b"),
    ":-P": ("1f61b", ":stuck_out_tongue:", "\U0001f61b"),
    ":p": ("1f61b", ":stuck_out_tongue:", "\U0001f61b"),
    ":-p": ("1f61b", ":stuck_out_tongue:", "\U0001f61b"),
    ":D": ("1f603", ":smiley:", "\U0001f603"),
    ":-D": ("1f603", ":smiley:", "\U0001f603"),
    ";)": ("1f609", ":wink:", "\U0001f609"),
    ";-)": ("1f609", ":wink:", "\U0001f609"),
    "(y)": ("1f44d", ":thumbsup:", "\U0001f44d"),
    "(n)": ("1f44e", ":thumbsdown:", "\U0001f44e"),
    "(i)": ("atlassian-info", ":info:", ":info:"),
    "(/)": ("atlassian-check_mark", ":check_mark:", ":check_mark:"),
    "(x)": ("atlassian-cross_mark", ":cross_mark:", ":cross_mark:"),
    "(!)": ("atlassian-warning", ":warning:", ":warning:"),
    "(+)": ("atlassian-plus", ":plus:", ":plus:"),
    "(-)": ("atlassian-minus", ":minus:", ":minus:"),
    "(?)": ("atlassian-question_mark", ":question:", ":question:"),
    "(on)": ("atlassian-light_bulb_on", ":light_bulb_on:", ":light_bulb_on:"),
    "(off)": ("atlassian-light_bulb_off", ":light_bulb_off:", ":light_bulb_off:"),
    "(*)": ("atlassian-yellow_star", ":yellow_star:", ":yellow_star:"),
    "(*y)": ("atlassian-yellow_star", ":yellow_star:", ":yellow_star:"),
    "(*r)": ("atlassian-red_star", ":red_star:", ":red_star:"),
    "(*g)": ("atlassian-green_star", ":green_star:", ":green_star:"),
    "(*b)": ("atlassian-blue_star", ":blue_star:", ":blue_star:"),
    "(flag)": ("atlassian-flag_on", ":flag_on:", ":flag_on:"),
    "(flagoff)": ("atlassian-flag_off", ":flag_off:", ":flag_off:"),
}
"""Emoticon -> (emoji id, shortName, text), as Atlassian's transformer maps them."""

PANEL_COLORS: Mapping[str, str] = {
    "info": "#deebff",
    "note": "#eae6ff",
    "success": "#e3fcef",
    "warning": "#fffae6",
    "error": "#ffebe6",
}
"""ADF panel type -> the background colour that stands for it in ``{panel:bgColor=...}``;
a colour maps back to the panel type nearest to it."""

_LANGUAGE_NAMES = """
    abap actionscript ada arduino autoit c c++ clojure coffeescript csharp css cuda d dart
    delphi elixir erlang fortran foxpro go groovy haskell haxe html java javascript json julia
    kotlin latex livescript lua mathematica matlab objective-c objective-j objectpascal ocaml
    octave perl php powershell prolog puppet python qml r racket restructuredtext ruby rust
    sass scala scheme shell smalltalk sql standardml swift tcl tex typescript vala vbnet
    verilog vhdl xml xquery"""
CODE_LANGUAGES = frozenset(_LANGUAGE_NAMES.split())
"""``{code:LANG}`` languages Atlassian's transformer keeps; any other (and none) reads
as ``java``, Jira's default for ``{code}``."""

CSS_COLORS: Mapping[str, str] = {
    "aliceblue": "#f0f8ff",
    "antiquewhite": "#faebd7",
    "aqua": "#00ffff",
    "aquamarine": "#7fffd4",
    "azure": "#f0ffff",
    "beige": "#f5f5dc",
    "bisque": "#ffe4c4",
    "black": "#000000",
    "blanchedalmond": "#ffebcd",
    "blue": "#0000ff",
    "blueviolet": "#8a2be2",
    "brown": "#a52a2a",
    "burlywood": "#deb887",
    "cadetblue": "#5f9ea0",
    "chartreuse": "#7fff00",
    "chocolate": "#d2691e",
    "coral": "#ff7f50",
    "cornflowerblue": "#6495ed",
    "cornsilk": "#fff8dc",
    "crimson": "#dc143c",
    "cyan": "#00ffff",
    "darkblue": "#00008b",
    "darkcyan": "#008b8b",
    "darkgoldenrod": "#b8860b",
    "darkgray": "#a9a9a9",
    "darkgreen": "#006400",
    "darkgrey": "#a9a9a9",
    "darkkhaki": "#bdb76b",
    "darkmagenta": "#8b008b",
    "darkolivegreen": "#556b2f",
    "darkorange": "#ff8c00",
    "darkorchid": "#9932cc",
    "darkred": "#8b0000",
    "darksalmon": "#e9967a",
    "darkseagreen": "#8fbc8f",
    "darkslateblue": "#483d8b",
    "darkslategray": "#2f4f4f",
    "darkslategrey": "#2f4f4f",
    "darkturquoise": "#00ced1",
    "darkviolet": "#9400d3",
    "deeppink": "#ff1493",
    "deepskyblue": "#00bfff",
    "dimgray": "#696969",
    "dimgrey": "#696969",
    "dodgerblue": "#1e90ff",
    "firebrick": "#b22222",
    "floralwhite": "#fffaf0",
    "forestgreen": "#228b22",
    "fuchsia": "#ff00ff",
    "gainsboro": "#dcdcdc",
    "ghostwhite": "#f8f8ff",
    "gold": "#ffd700",
    "goldenrod": "#daa520",
    "gray": "#808080",
    "green": "#008000",
    "greenyellow": "#adff2f",
    "grey": "#808080",
    "honeydew": "#f0fff0",
    "hotpink": "#ff69b4",
    "indianred": "#cd5c5c",
    "indigo": "#4b0082",
    "ivory": "#fffff0",
    "khaki": "#f0e68c",
    "lavender": "#e6e6fa",
    "lavenderblush": "#fff0f5",
    "lawngreen": "#7cfc00",
    "lemonchiffon": "#fffacd",
    "lightblue": "#add8e6",
    "lightcoral": "#f08080",
    "lightcyan": "#e0ffff",
    "lightgoldenrodyellow": "#fafad2",
    "lightgray": "#d3d3d3",
    "lightgreen": "#90ee90",
    "lightgrey": "#d3d3d3",
    "lightpink": "#ffb6c1",
    "lightsalmon": "#ffa07a",
    "lightseagreen": "#20b2aa",
    "lightskyblue": "#87cefa",
    "lightslategray": "#778899",
    "lightslategrey": "#778899",
    "lightsteelblue": "#b0c4de",
    "lightyellow": "#ffffe0",
    "lime": "#00ff00",
    "limegreen": "#32cd32",
    "linen": "#faf0e6",
    "magenta": "#ff00ff",
    "maroon": "#800000",
    "mediumaquamarine": "#66cdaa",
    "mediumblue": "#0000cd",
    "mediumorchid": "#ba55d3",
    "mediumpurple": "#9370db",
    "mediumseagreen": "#3cb371",
    "mediumslateblue": "#7b68ee",
    "mediumspringgreen": "#00fa9a",
    "mediumturquoise": "#48d1cc",
    "mediumvioletred": "#c71585",
    "midnightblue": "#191970",
    "mintcream": "#f5fffa",
    "mistyrose": "#ffe4e1",
    "moccasin": "#ffe4b5",
    "navajowhite": "#ffdead",
    "navy": "#000080",
    "oldlace": "#fdf5e6",
    "olive": "#808000",
    "olivedrab": "#6b8e23",
    "orange": "#ffa500",
    "orangered": "#ff4500",
    "orchid": "#da70d6",
    "palegoldenrod": "#eee8aa",
    "palegreen": "#98fb98",
    "paleturquoise": "#afeeee",
    "palevioletred": "#db7093",
    "papayawhip": "#ffefd5",
    "peachpuff": "#ffdab9",
    "peru": "#cd853f",
    "pink": "#ffc0cb",
    "plum": "#dda0dd",
    "powderblue": "#b0e0e6",
    "purple": "#800080",
    "rebeccapurple": "#663399",
    "red": "#ff0000",
    "rosybrown": "#bc8f8f",
    "royalblue": "#4169e1",
    "saddlebrown": "#8b4513",
    "salmon": "#fa8072",
    "sandybrown": "#f4a460",
    "seagreen": "#2e8b57",
    "seashell": "#fff5ee",
    "sienna": "#a0522d",
    "silver": "#c0c0c0",
    "skyblue": "#87ceeb",
    "slateblue": "#6a5acd",
    "slategray": "#708090",
    "slategrey": "#708090",
    "snow": "#fffafa",
    "springgreen": "#00ff7f",
    "steelblue": "#4682b4",
    "tan": "#d2b48c",
    "teal": "#008080",
    "thistle": "#d8bfd8",
    "tomato": "#ff6347",
    "turquoise": "#40e0d0",
    "violet": "#ee82ee",
    "wheat": "#f5deb3",
    "white": "#ffffff",
    "whitesmoke": "#f5f5f5",
    "yellow": "#ffff00",
    "yellowgreen": "#9acd32",
}
"""CSS named colours (CSS Color Module Level 4), for ``{color:red}`` and panel colours."""


def css_color(value: str) -> str | None:
    """``#rrggbb`` for a colour written as ``#rgb``, ``#rrggbb``, ``rgb(r, g, b)`` or a
    CSS name, else None."""
    value = value.strip().lower()
    if value.startswith("rgb(") and value.endswith(")"):
        parts = [p.strip() for p in value[4:-1].split(",")]
        if len(parts) == 3 and all(p.isdigit() and len(p) <= 3 for p in parts):
            return "#" + "".join(f"{min(int(p), 255):02x}" for p in parts)
        return None
    hexpart = value[1:] if value.startswith("#") else value
    is_hex = len(hexpart) in (3, 6) and all(c in "0123456789abcdef" for c in hexpart)
    if is_hex and (value.startswith("#") or value not in CSS_COLORS):
        return "#" + (hexpart if len(hexpart) == 6 else "".join(c * 2 for c in hexpart))
    return CSS_COLORS.get(value)


def closest_panel_type(color: str | None) -> str:
    """The ADF panel type whose colour is nearest ``color`` (``info`` when unknown)."""
    hexed = css_color(color) if color else None
    if hexed is None:
        return "info"
    rgb = tuple(int(hexed[i : i + 2], 16) for i in (1, 3, 5))

    def distance(kind: str) -> int:
        ref = PANEL_COLORS[kind]
        return sum((int(ref[1 + 2 * i : 3 + 2 * i], 16) - rgb[i]) ** 2 for i in range(3))

    return min(PANEL_COLORS, key=distance)
