"""Finding a cadre by what people know: the name, the unit, the village; never the internal id.

Forms offer the candidates as a list to pick from (a datalist: each entry's text names the person,
their unit and village), and the text that comes back is resolved here, server-side: an entry of
the list, a unique name, or a unique match of name, unit or village. Two people of the same name
are not guessed between: the form asks to choose.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from service.core.labels import POSTING_ROLE_NAMES
from service.persistence.db import db
from service.persistence.models import Cadre, Org, Posting, User, Village


@dataclass(frozen=True)
class Person:
    id: str
    name: str
    unit_name: str
    village_name: str | None  # where the cadre is posted now, if anywhere
    role: str | None  # the posting's role, if posted

    @property
    def label(self) -> str:
        """The entry text of the pick list; unique for different people in practice, and what
        the form sends back when an entry is picked."""
        where = f"{self.village_name} {POSTING_ROLE_NAMES.get(self.role or '', '')}".strip() \
            if self.village_name else "未驻村"
        return f"{self.name}（{self.unit_name}·{where}）"


class Unresolved(Exception):
    """The text names nobody, or more than one person; the message says which (Chinese)."""


def people(cadres: Sequence[Cadre]) -> list[Person]:
    """Cadres with their unit and current village (two queries for all of them)."""
    ids = [c.id for c in cadres]
    units = {unit_id: name for unit_id, name in db.session.execute(sa.select(Org.id, Org.name).where(
        Org.id.in_({c.unit_id for c in cadres})))} if cadres else {}
    rows: Iterable[Any] = db.session.execute(
        sa.select(Posting.cadre_id, Village.name, Posting.role)
        .join(Village, Village.id == Posting.village_id)
        .where(Posting.cadre_id.in_(ids), Posting.active.is_(True))) if ids else []
    posted = {cadre_id: (village, role) for cadre_id, village, role in rows}
    return [Person(c.id, c.name, units.get(c.unit_id, c.unit_id), *posted.get(c.id, (None, None)))
            for c in cadres]


def search_clause(q: str) -> sa.ColumnElement[bool]:
    """Cadres whose name, unit name or current village name contains `q` (the API's ?q=)."""
    q = q.strip()
    in_unit = sa.select(Org.id).where(Org.id == Cadre.unit_id, Org.name.contains(q, autoescape=True)).exists()
    in_village = (sa.select(Posting.id).join(Village, Village.id == Posting.village_id)
                  .where(Posting.cadre_id == Cadre.id, Posting.active.is_(True),
                         Village.name.contains(q, autoescape=True)).exists())
    return sa.or_(Cadre.name.contains(q, autoescape=True), in_unit, in_village)


def resolve(text: str, candidates: Sequence[Person], what: str) -> str:
    """The id of the one candidate `text` names; raises Unresolved saying why not.

    `what` names the field for the message ("拟任人选")."""
    text = text.strip()
    if not text:
        raise Unresolved(f"请填写{what}的姓名，并从列表中选择。")
    for matcher in (lambda p: text in (p.id, p.label), lambda p: p.name == text,
                    lambda p: text in p.name or text in p.unit_name or text in (p.village_name or "")):
        found = [p for p in candidates if matcher(p)]
        if len(found) == 1:
            return found[0].id
        if len(found) > 1:
            listed = "、".join(p.label for p in found[:5])
            raise Unresolved(f"“{text}”对应 {len(found)} 人：{listed}。请从列表中选择其中一人。")
    raise Unresolved(f"没有找到“{text}”。请输入{what}的姓名、单位或村名，并从列表中选择。")


# -- users (加签, 抄送) -------------------------------------------------------------------------------
# The same picking for accounts: a list of the active users, each entry "display name（login）",
# and the text that comes back resolved here: an entry, a login, a unique (part of a) name.

@dataclass(frozen=True)
class UserChoice:
    login: str
    display_name: str

    @property
    def label(self) -> str:
        return f"{self.display_name}（{self.login}）"


def user_choices(exclude: Iterable[str] = ()) -> list[UserChoice]:
    """The active users, by name, but those of `exclude`."""
    left_out = set(exclude)
    rows = db.session.execute(sa.select(User.login, User.display_name).where(User.active.is_(True))
                              .order_by(User.display_name, User.login)).all()
    return [UserChoice(login, name) for login, name in rows if login not in left_out]


def resolve_user(text: str, candidates: Sequence[UserChoice], what: str) -> str:
    """The login of the one active user `text` names; raises Unresolved saying why not."""
    text = text.strip()
    if not text:
        raise Unresolved(f"请填写{what}的姓名，并从列表中选择。")
    for matcher in (lambda u: text in (u.login, u.label), lambda u: u.display_name == text,
                    lambda u: text in u.display_name):
        found = [u for u in candidates if matcher(u)]
        if len(found) == 1:
            return found[0].login
        if len(found) > 1:
            listed = "、".join(u.label for u in found[:5])
            raise Unresolved(f"“{text}”对应 {len(found)} 人：{listed}。请从列表中选择其中一人。")
    raise Unresolved(f"没有找到有效用户“{text}”。请输入{what}的姓名，并从列表中选择。")
