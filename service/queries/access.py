"""The access policy: who may see which instances, tasks and cadres, who may act on a task, and
who manages which user accounts.

The one definition for the JSON API, the pages and the commands. Each rule comes in two forms
written next to each other from the same tables: a SQL clause (for lists) and a Python predicate
(for one row already read). tests/integration/test_access_policy.py checks that they agree.

Each role reads what its work needs: a unit's HR its own cadres and cases; a township the cases
of its villages, its own staff, and the cadres posted there or named in those cases (the nominees
it consents to); a cadre the cases about themself and the handovers they take part in, but not, as a nominee,
the request that names them (its reason and evidence are about the cadre being replaced).

Reads never leak: what a caller may not see is answered as if it did not exist (404).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import sqlalchemy as sa
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.sql.elements import ColumnElement

from service.core.principal import SCOPE_KIND_BY_ROLE, Grant, Principal
from service.persistence.db import db
from service.persistence.models import (
    AddedSigner,
    AssessmentResult,
    Attachment,
    Cadre,
    CaseReader,
    HumanTask,
    Posting,
    PresenceMonth,
    ProcessInstance,
    User,
    UserRole,
    Village,
)

# How far each role reads: "county" is everything; otherwise the kind of scope whose id the grant
# names (a unit, a township, the cadre themself). A role missing here reads nothing.
COUNTY = "county"
INSTANCE_REACH: Mapping[str, str] = {
    "unit_hr": "unit",
    "township": "township",
    "cadre": "cadre",
    "county": COUNTY,
    "org_dept": COUNTY,
    "rrb": COUNTY,
    "auditor": COUNTY,  # read-only, everything
    "admin": COUNTY,
}
CADRE_REACH: Mapping[str, str] = INSTANCE_REACH

# The process whose instances a cadre reads as the new cadre too (it signs the handover).
HANDOVER = "handover"

# The columns a scope of each kind is matched against. An instance is also visible to its
# submitter (checked separately: that is a login, not a scope), and a handover to its new cadre.
INSTANCE_COLUMNS: Mapping[str, tuple[InstrumentedAttribute[str | None], ...]] = {
    "unit": (ProcessInstance.unit_id,),
    "township": (ProcessInstance.township_id,),
    # cadre_id is the cadre a case is about (a handover's old cadre); new_cadre_id of a replacement
    # or a recall is the nominee, who reads only the handover (below).
    "cadre": (ProcessInstance.cadre_id,),
}
CADRE_COLUMNS: Mapping[str, tuple[InstrumentedAttribute[str], ...]] = {
    "unit": (Cadre.unit_id,),
    # A township's own staff (the team members it supplies), posted or not: it keeps their facts.
    "township": (Cadre.unit_id,),
    "cadre": (Cadre.id,),
}


def _reach(principal: Principal, reach: Mapping[str, str]) -> dict[str, frozenset[str]] | None:
    """Scope ids by scope kind the caller reads in, or None when it reads the whole county."""
    kinds: dict[str, set[str]] = {}
    for grant in principal.grants:
        kind = reach.get(grant.role)
        if kind == COUNTY:
            return None
        if kind is not None:
            kinds.setdefault(kind, set()).add(grant.scope_id)
    return {kind: frozenset(ids) for kind, ids in kinds.items()}


def _scoped_clause(scopes: dict[str, frozenset[str]], columns: Mapping[str, tuple[InstrumentedAttribute, ...]]
                   ) -> list[ColumnElement[bool]]:
    return [column.in_(sorted(scopes[kind])) for kind, cols in columns.items() if kind in scopes
            for column in cols]


def _scoped_match(scopes: dict[str, frozenset[str]], columns: Mapping[str, tuple[InstrumentedAttribute, ...]],
                  row: object) -> bool:
    return any(getattr(row, column.key) in scopes[kind] for kind, cols in columns.items() if kind in scopes
               for column in cols)


# -- instances ------------------------------------------------------------------------------------

def instance_clause(principal: Principal) -> ColumnElement[bool] | None:
    """WHERE clause on ProcessInstance for the caller, or None when it may see every instance."""
    scopes = _reach(principal, INSTANCE_REACH)
    if scopes is None:
        return None
    conditions = [ProcessInstance.submitter == principal.login, *_scoped_clause(scopes, INSTANCE_COLUMNS),
                  ProcessInstance.id.in_(_named_cases(principal.login))]
    if "cadre" in scopes:
        conditions.append(sa.and_(ProcessInstance.process_key == HANDOVER,
                                  ProcessInstance.new_cadre_id.in_(sorted(scopes["cadre"]))))
    return sa.or_(*conditions)


def can_see_instance(principal: Principal, row: ProcessInstance) -> bool:
    """instance_clause for one row."""
    scopes = _reach(principal, INSTANCE_REACH)
    if scopes is None or row.submitter == principal.login:
        return True
    if row.process_key == HANDOVER and row.new_cadre_id in scopes.get("cadre", ()):
        return True
    if _scoped_match(scopes, INSTANCE_COLUMNS, row):
        return True
    return row.id in set(db.session.execute(_named_cases(principal.login)).scalars())


def _named_cases(login: str) -> sa.Select:
    """The cases that name `login` as a person: a signer of its countersign step (a personal task),
    a signer its task's holder added (加签) or a reader it was copied to (抄送)."""
    return sa.union(
        sa.select(HumanTask.instance_id.label("instance_id"))
        .where(HumanTask.scope_kind == PERSONAL, HumanTask.scope_id == login),
        sa.select(AddedSigner.instance_id.label("instance_id")).where(AddedSigner.login == login),
        sa.select(CaseReader.instance_id.label("instance_id")).where(CaseReader.login == login),
    ).subquery().select()


# -- attachments ----------------------------------------------------------------------------------
# A file a step submitted is read by whoever may see its case; a pending upload (not yet submitted
# by any step) only by its uploader.

def attachment_clause(principal: Principal) -> ColumnElement[bool]:
    """WHERE clause on Attachment for the caller (can_see_attachment as SQL)."""
    pending = sa.and_(Attachment.event_seq.is_(None), Attachment.uploaded_by == principal.login)
    cases = instance_clause(principal)
    submitted: ColumnElement[bool] = Attachment.event_seq.is_not(None)
    if cases is not None:
        submitted = sa.and_(submitted, Attachment.instance_id.in_(sa.select(ProcessInstance.id).where(cases)))
    return sa.or_(pending, submitted)


def can_see_attachment(principal: Principal, attachment: Attachment, case: ProcessInstance | None) -> bool:
    """attachment_clause for one row; `case`: the instance it was submitted in (None: pending)."""
    if attachment.event_seq is None:
        return attachment.uploaded_by == principal.login
    return case is not None and can_see_instance(principal, case)


# -- cadres ---------------------------------------------------------------------------------------

def _township_cadres(townships: frozenset[str]) -> sa.CompoundSelect:
    """Ids of the cadres a township's work concerns: those posted in its villages now, and those
    named in its cases (the cadre replaced or recalled, the nominee, a handover's two cadres)."""
    posted = (sa.select(Posting.cadre_id).join(Village, Village.id == Posting.village_id)
              .where(Posting.active.is_(True), Village.township_id.in_(sorted(townships))))
    cases = ProcessInstance.township_id.in_(sorted(townships))
    columns = (ProcessInstance.cadre_id, ProcessInstance.old_cadre_id, ProcessInstance.new_cadre_id)
    named = [sa.select(column).where(cases, column.is_not(None)) for column in columns]
    return sa.union(posted, *named)


def cadre_clause(principal: Principal) -> ColumnElement[bool] | None:
    """WHERE clause on Cadre for the caller, or None when it may see every cadre."""
    scopes = _reach(principal, CADRE_REACH)
    if scopes is None:
        return None
    conditions = _scoped_clause(scopes, CADRE_COLUMNS)
    if "township" in scopes:
        conditions.append(Cadre.id.in_(_township_cadres(scopes["township"])))
    return sa.or_(*conditions) if conditions else sa.false()


def can_see_cadre(principal: Principal, cadre: Cadre) -> bool:
    """cadre_clause for one row (a township's reach is read from its postings and cases)."""
    scopes = _reach(principal, CADRE_REACH)
    if scopes is None or _scoped_match(scopes, CADRE_COLUMNS, cadre):
        return True
    if "township" not in scopes:
        return False
    found = db.session.execute(sa.select(sa.literal(1)).where(
        sa.literal(cadre.id).in_(_township_cadres(scopes["township"])))).first()
    return found is not None


# -- presence (在村天数) ----------------------------------------------------------------------------
# A month is read by whoever reads the whole county, by the cadre themself, by the township that
# confirms it (the township of the village the cadre was posted to that month, even after the
# cadre has left) and by the HR of the cadre's unit.

def presence_clause(principal: Principal) -> ColumnElement[bool] | None:
    """WHERE clause on PresenceMonth for the caller, or None when it may see every month."""
    scopes = _reach(principal, CADRE_REACH)
    if scopes is None:
        return None
    conditions: list[ColumnElement[bool]] = []
    if "cadre" in scopes:
        conditions.append(PresenceMonth.cadre_id.in_(sorted(scopes["cadre"])))
    if "township" in scopes:
        conditions.append(PresenceMonth.township_id.in_(sorted(scopes["township"])))
    if "unit" in scopes:
        conditions.append(PresenceMonth.cadre_id.in_(
            sa.select(Cadre.id).where(Cadre.unit_id.in_(sorted(scopes["unit"])))))
    return sa.or_(*conditions) if conditions else sa.false()


def can_see_presence(principal: Principal, row: PresenceMonth) -> bool:
    """presence_clause for one row."""
    scopes = _reach(principal, CADRE_REACH)
    if scopes is None or row.cadre_id in scopes.get("cadre", ()):
        return True
    if row.township_id in scopes.get("township", ()):
        return True
    if "unit" not in scopes:
        return False
    unit = db.session.execute(sa.select(Cadre.unit_id).where(Cadre.id == row.cadre_id)).scalar_one_or_none()
    return unit in scopes["unit"]


# -- villages (coverage) --------------------------------------------------------------------------
# The coverage list shows who is stationed where: the county bodies read every village, a township
# its own villages, a unit's HR the villages where its cadres are posted now. Cadres read none.

VILLAGE_REACH: Mapping[str, str] = {role: kind for role, kind in INSTANCE_REACH.items() if kind != "cadre"}
COVERAGE_ROLES = tuple(sorted(VILLAGE_REACH))


def _unit_villages(units: frozenset[str]) -> sa.Select:
    """Ids of the villages where a cadre of one of `units` holds an active posting."""
    return (sa.select(Posting.village_id).join(Cadre, Cadre.id == Posting.cadre_id)
            .where(Posting.active.is_(True), Cadre.unit_id.in_(sorted(units))))


def village_clause(principal: Principal) -> ColumnElement[bool] | None:
    """WHERE clause on Village for the caller, or None when it may see every village."""
    scopes = _reach(principal, VILLAGE_REACH)
    if scopes is None:
        return None
    conditions: list[ColumnElement[bool]] = []
    if "township" in scopes:
        conditions.append(Village.township_id.in_(sorted(scopes["township"])))
    if "unit" in scopes:
        conditions.append(Village.id.in_(_unit_villages(scopes["unit"])))
    return sa.or_(*conditions) if conditions else sa.false()


def can_see_village(principal: Principal, village: Village) -> bool:
    """village_clause for one row (a unit's reach is read from its cadres' postings)."""
    scopes = _reach(principal, VILLAGE_REACH)
    if scopes is None or village.township_id in scopes.get("township", ()):
        return True
    if "unit" not in scopes:
        return False
    found = db.session.execute(sa.select(sa.literal(1)).where(
        sa.literal(village.id).in_(_unit_villages(scopes["unit"])))).first()
    return found is not None


# -- support ledger (工作保障台账) -------------------------------------------------------------------
# A cadre's support is kept by their own organisation: a unit's HR reads its own cadres', a
# township its own staff's (the team members it supplies); the county bodies, auditors and the
# administrator read everyone's. Cadres read none here.

SUPPORT_REACH: Mapping[str, str] = VILLAGE_REACH
SUPPORT_ROLES = COVERAGE_ROLES


def support_cadre_clause(principal: Principal) -> ColumnElement[bool] | None:
    """WHERE clause on Cadre: whose support ledger the caller reads (None: everyone's)."""
    scopes = _reach(principal, SUPPORT_REACH)
    if scopes is None:
        return None
    units = scopes.get("unit", frozenset()) | scopes.get("township", frozenset())
    return Cadre.unit_id.in_(sorted(units)) if units else sa.false()


def can_see_support(principal: Principal, cadre: Cadre) -> bool:
    """support_cadre_clause for one row."""
    scopes = _reach(principal, SUPPORT_REACH)
    if scopes is None:
        return True
    return cadre.unit_id in scopes.get("unit", ()) or cadre.unit_id in scopes.get("township", ())


# -- tasks ----------------------------------------------------------------------------------------
# A task is acted on by whoever holds its role in its scope; it is seen by those and by everyone
# who may see its instance.

PERSONAL = "user"  # a task's scope kind when it names one person (scope_id: their login)


def acting_grant(principal: Principal, role: str, scope_id: str | None,
                 scope_kind: str | None = None) -> Grant | None:
    """The grant that lets the caller act as `role` in `scope_id`, if any. A personal task (a
    countersign signer's) is acted on by the person it names, under the task's role."""
    if scope_kind == PERSONAL:
        return Grant(role, PERSONAL, principal.login) if scope_id == principal.login else None
    for grant in principal.grants:
        if grant.role == role and grant.scope_id == scope_id:
            return grant
    return None


def inbox_clause(principal: Principal) -> ColumnElement[bool]:
    """WHERE clause on HumanTask: the open tasks the caller may act on (may_act as SQL). One
    branch per role, a range of the (status, role, scope_id, due_at) index, and one for the tasks
    that name the caller, a range of the (scope_kind, scope_id, status, due_at) index: each branch
    carries the status itself, so that SQLite too reads each branch from its index (it does not
    move a condition outside an OR into its branches)."""
    is_open = HumanTask.status == "open"
    branches = []
    for role in sorted(principal.roles):
        scopes = principal.scopes(role)
        branches.append(sa.and_(is_open, HumanTask.role == role, HumanTask.scope_id.in_(sorted(scopes)),
                                HumanTask.scope_kind != PERSONAL))
    branches.append(sa.and_(is_open, HumanTask.scope_kind == PERSONAL, HumanTask.scope_id == principal.login))
    return sa.or_(*branches)


def todo_clause(principal: Principal) -> ColumnElement[bool]:
    """WHERE clause on HumanTask: the caller's 待办, the open tasks they may act on (inbox_clause)
    and those waiting for their signature as a signer the task's holder added (加签). The latter's
    ids are read first (nearly always none), so the list's query keeps to its indexes."""
    signing = list(db.session.execute(sa.select(AddedSigner.task_id).where(
        AddedSigner.login == principal.login, AddedSigner.status == "open")).scalars())
    clause = inbox_clause(principal)
    if not signing:
        return clause
    return sa.or_(clause, sa.and_(HumanTask.status == "open", HumanTask.id.in_(signing)))


def may_act(principal: Principal, task: HumanTask) -> bool:
    """inbox_clause for one row."""
    return acting_grant(principal, task.role, task.scope_id, task.scope_kind) is not None


def can_see_task(principal: Principal, task: HumanTask, row: ProcessInstance) -> bool:
    """Whether the caller may see `task` of instance `row`."""
    return may_act(principal, task) or can_see_instance(principal, row)


# -- assessment results and the cadre's file ----------------------------------------------------------
# A result (考核结果) is the record of the unit that sent the cadre: the county bodies, auditors and
# admins read every one; a unit's HR its own cadres', a township those of the team members it
# supplied and of the cadres it evaluated in its villages, a cadre their own. A cadre's personal
# file (个人档案) is kept by the cadre's unit: its HR (a township for its own staff), the county
# bodies, auditors, admins and the cadre themself read it (CADRE_COLUMNS without the township's
# reach into the cadres posted in its villages).

RESULT_COLUMNS: Mapping[str, tuple[InstrumentedAttribute[str], ...]] = {
    "unit": (AssessmentResult.supplier_id,),
    "township": (AssessmentResult.supplier_id, AssessmentResult.township_id),
    "cadre": (AssessmentResult.cadre_id,),
}


def result_clause(principal: Principal) -> ColumnElement[bool] | None:
    """WHERE clause on AssessmentResult for the caller, or None when it reads every result."""
    scopes = _reach(principal, INSTANCE_REACH)
    if scopes is None:
        return None
    conditions = _scoped_clause(scopes, RESULT_COLUMNS)
    return sa.or_(*conditions) if conditions else sa.false()


def can_read_result(principal: Principal, result: AssessmentResult) -> bool:
    """result_clause for one row."""
    scopes = _reach(principal, INSTANCE_REACH)
    return scopes is None or _scoped_match(scopes, RESULT_COLUMNS, result)


def can_read_file(principal: Principal, cadre: Cadre) -> bool:
    """Whether the caller may read the cadre's personal file."""
    scopes = _reach(principal, CADRE_REACH)
    return scopes is None or _scoped_match(scopes, CADRE_COLUMNS, cadre)


def summary_orgs(principal: Principal) -> frozenset[str] | None:
    """The units (or supplying townships) whose yearly summary the caller reads; None: all."""
    scopes = _reach(principal, INSTANCE_REACH)
    if scopes is None:
        return None
    return scopes.get("unit", frozenset()) | scopes.get("township", frozenset())


# -- users ----------------------------------------------------------------------------------------
# Administrators manage every account. The Organization Department manages the accounts of the
# county's units, townships and cadres, never a county body's, an auditor's or an administrator's:
# it could otherwise make itself admin or blind the auditors. It sees only the accounts it manages.

USER_MANAGERS: Mapping[str, frozenset[str]] = {
    "admin": frozenset(SCOPE_KIND_BY_ROLE),
    "org_dept": frozenset({"unit_hr", "township", "cadre"}),
}


def user_manager_grant(principal: Principal) -> Grant | None:
    """The grant the caller manages users under (admin first), if any."""
    for role in USER_MANAGERS:
        for grant in principal.grants:
            if grant.role == role:
                return grant
    return None


def manageable_roles(principal: Principal) -> frozenset[str]:
    """The roles of the accounts the caller may see, create and change (empty: none)."""
    grant = user_manager_grant(principal)
    return USER_MANAGERS[grant.role] if grant is not None else frozenset()


def user_clause(principal: Principal) -> ColumnElement[bool]:
    """WHERE clause on User: the accounts the caller manages (may_manage_user as SQL)."""
    roles = manageable_roles(principal)
    if not roles:
        return sa.false()
    if roles == USER_MANAGERS["admin"]:
        return sa.true()
    return ~sa.select(UserRole.id).where(UserRole.login == User.login,
                                         UserRole.role.not_in(sorted(roles))).exists()


def may_manage_user(principal: Principal, roles: Iterable[str]) -> bool:
    """Whether the caller may manage an account holding `roles` (before or after a change)."""
    allowed = manageable_roles(principal)
    return bool(allowed) and set(roles) <= allowed
