"""?page=&per_page= validation and the {"items", "total", "page", "per_page"} envelope."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from marshmallow import RAISE, Schema, fields, validate

from service.persistence.db import db

DEFAULT_PER_PAGE = 20
MAX_PER_PAGE = 100
# Far beyond any list's last page; a larger number would overflow the database's OFFSET.
MAX_PAGE = 100_000


class PaginationQuerySchema(Schema):
    """Base of every list endpoint's query schema; filters are added by subclasses."""

    class Meta:
        unknown = RAISE

    page = fields.Integer(
        load_default=1, validate=validate.Range(min=1, max=MAX_PAGE),
        metadata={"description": f"页码，从 1 开始，至多 {MAX_PAGE}"},
    )
    per_page = fields.Integer(
        load_default=DEFAULT_PER_PAGE,
        validate=validate.Range(min=1, max=MAX_PER_PAGE),
        metadata={"description": f"每页条数，1-{MAX_PER_PAGE}"},
    )


_PAGE_SCHEMAS: dict[type[Schema], type[Schema]] = {}


def page_schema(item_schema: type[Schema]) -> type[Schema]:
    """The envelope schema for a list of `item_schema` (one class per item schema, for OpenAPI)."""
    if item_schema not in _PAGE_SCHEMAS:
        name = item_schema.__name__.removesuffix("Schema") + "PageSchema"
        _PAGE_SCHEMAS[item_schema] = type(
            name,
            (Schema,),
            {
                "items": fields.List(fields.Nested(item_schema), required=True),
                "total": fields.Integer(required=True),
                "page": fields.Integer(required=True),
                "per_page": fields.Integer(required=True),
            },
        )
    return _PAGE_SCHEMAS[item_schema]


def paginate(statement: sa.Select, page: int, per_page: int) -> dict[str, Any]:
    """Run `statement` (already filtered and ordered) for one page; scalars of its first entity."""
    count = sa.select(sa.func.count()).select_from(statement.order_by(None).subquery())
    total = db.session.execute(count).scalar_one()
    items = db.session.execute(statement.limit(per_page).offset((page - 1) * per_page)).scalars().all()
    return {"items": list(items), "total": total, "page": page, "per_page": per_page}
