"""会签 (countersign): a parallel multi-instance user task whose signers all sign, or any one, or a
share of them.

The BPMN names the rule in the task's `countersign` property (`all`, `any`, `share:0.5`) and the
signers in the loop's collection (`camunda:collection`, `camunda:elementVariable`): one instance
per signer, each a task of its own for that signer (`scope` = `user:<element variable>`).

When a signer completes their instance the facade tallies the votes cast so far (the parent's
data, into which SpiffWorkflow merges each completed instance) with this one, and writes the tally
into the instance's data as `<step>_countersign`: rule, votes by signer, outcome. The loop's
completion condition reads that outcome, so a decided step cancels the instances still open and
moves on; `<step>_decision` is then the step's outcome, which the gateways after it read. Votes
are data of the completed tasks, so the replay recomputes the same tally from the same inputs.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

APPROVE, REJECT = "approve", "reject"


@dataclass(frozen=True)
class Rule:
    kind: str  # all | any | share
    share: float = 1.0

    @property
    def text(self) -> str:
        return f"share:{self.share:g}" if self.kind == "share" else self.kind


def parse_rule(text: str | None) -> Rule:
    """`all`, `any` or `share:<fraction in (0, 1]>`; ValueError with a Chinese reason otherwise."""
    value = (text or "").strip()
    if value in ("all", "any"):
        return Rule(value)
    kind, sep, number = value.partition(":")
    if kind == "share" and sep:
        try:
            share = float(number)
        except ValueError:
            share = math.nan
        if 0 < share <= 1:
            return Rule("share", share)
    raise ValueError(f"countersign 须为 all、any 或 share:比例（0 到 1 之间），现为 {value!r}")


def data_key(spec_id: str) -> str:
    return f"{spec_id}_countersign"


def completion_condition(spec_id: str) -> str:
    """The loop's completion condition, evaluated on the instance just completed."""
    return f'{data_key(spec_id)}["outcome"] is not None'


def needed(rule: Rule, signers: int) -> int:
    """How many approvals carry the step."""
    if rule.kind == "any":
        return min(1, signers)
    if rule.kind == "all":
        return signers
    return max(1, math.ceil(rule.share * signers - 1e-9))


def outcome(rule: Rule, signers: int, votes: dict[str, str]) -> str | None:
    """approve once enough approved, reject once that can no longer happen, else None (open)."""
    approvals = sum(1 for v in votes.values() if v == APPROVE)
    rejections = sum(1 for v in votes.values() if v != APPROVE)
    need = needed(rule, signers)
    if approvals >= need:
        return APPROVE
    if signers - rejections < need:
        return REJECT
    return None


def tally(rule: Rule, signers: list[Any], earlier: dict[str, Any] | None, signer: str,
          decision: str) -> dict[str, Any]:
    """The step's tally after `signer` decided: the earlier votes (merged into the loop's data)
    with this one."""
    votes = dict((earlier or {}).get("votes") or {})
    votes[signer] = decision
    return {"rule": rule.text, "signers": [str(s) for s in signers], "votes": votes,
            "outcome": outcome(rule, len(signers), votes)}
