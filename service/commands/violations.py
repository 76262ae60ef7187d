"""Domain-rule refusals as 422 problem+json naming the request field and the rule (the Chinese
message in `errors`, the rule's code in `violations`)."""

from __future__ import annotations

from collections.abc import Iterable

from service.core.errors import ValidationFailed
from workflows.rules import Violation

# The engine's rules name fields of the process data; the request names the nominee by id.
REQUEST_FIELD = {
    "nominee_facts.party_status": "nominee_id",
    "nominee_facts.party_member_since": "nominee_id",
    "nominee_facts.party_confirmed_on": "nominee_id",
    "nominee_facts.supplier_id": "nominee_id",
    "nominee_facts.supplier_kind": "nominee_id",
    "nominee_facts.supplier_level": "nominee_id",
    "nominee_facts.work_start_date": "nominee_id",
    "nominee_facts.employment_type": "nominee_id",
    "nominee_facts.birth_date": "nominee_id",
    "term_start": "cadre_id",
}


def refuse(violations: Iterable[Violation], detail: str = "申请不符合驻村工作规定。",
           prefix: str = "") -> None:
    """Raise a 422 listing every violated rule, if there is any."""
    items = list(violations)
    if not items:
        return
    errors: dict[str, list[str]] = {}
    for v in items:
        field = prefix + REQUEST_FIELD.get(v["field"], v["field"])
        # People read the message; the rule's code stays in `violations` for programs.
        errors.setdefault(field, []).append(v["message"])
    named = [{**v, "field": prefix + REQUEST_FIELD.get(v["field"], v["field"])} for v in items]
    raise ValidationFailed(detail, errors=errors, slug="rule-violation", extra={"violations": named})


def unknown(field: str, code: str, message: str) -> ValidationFailed:
    """A request naming something that does not exist, as a refusal with its rule code."""
    return ValidationFailed(f"{message}。", errors={field: [message]}, slug="rule-violation",
                            extra={"violations": [{"rule": code, "field": field, "message": message}]})
