"""marshmallow schemas of the HTTP API; every input schema rejects unknown fields."""
