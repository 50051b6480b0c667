"""Jira wiki markup: its reader (``reader`` for blocks, ``inline`` for text) and its
writer side by side, sharing ``syntax``'s rules."""

from adfkit.formats.wiki.reader import from_wiki
from adfkit.formats.wiki.writer import to_wiki

__all__ = ["from_wiki", "to_wiki"]
