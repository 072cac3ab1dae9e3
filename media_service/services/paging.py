"""Paging of long lists (the catalogue, the editor's items, the audit log)."""

from __future__ import annotations


def page_count(total: int, per_page: int) -> int:
    """How many pages ``total`` entries fill at ``per_page`` a page (at least one, even when empty)."""
    return max(1, -(-total // per_page))
