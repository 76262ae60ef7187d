"""Base schema: unknown input fields are an error, never silently dropped."""

from marshmallow import RAISE, Schema


class StrictSchema(Schema):
    class Meta:
        unknown = RAISE
