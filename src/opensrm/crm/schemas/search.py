"""API shapes for the global search."""

from ninja import Schema


class SearchHit(Schema):
    type: str
    id: int
    label: str
    detail: str


class SearchOut(Schema):
    items: list[SearchHit]
