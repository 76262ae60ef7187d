"""unit_of_work(): one command = one transaction; all of it is committed or none of it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm.exc import StaleDataError

from service.core.errors import Conflict
from service.persistence.db import db
from service.persistence.transaction_end import end_transaction


@contextmanager
def unit_of_work(*, keep_loaded: bool = False) -> Iterator[None]:
    """Commit on success; roll back whatever a failed command wrote (a command refused before it
    wrote anything ends its read-only transaction with COMMIT: nothing to undo, and the
    connection keeps its prepared statements). Lost races become 409 Conflict.

    `keep_loaded`: the session's objects keep their values after the commit instead of being
    expired (re-read on the next access). Only for a command whose objects hold exactly what it
    committed (it writes every changed column and sets it as the committed value), so a later
    read in the same request would only read the same values again."""
    try:
        yield
        _commit(keep_loaded)
    except StaleDataError as err:
        db.session.rollback()
        raise Conflict("数据已被他人修改（版本号已变化），请刷新后重试。", slug="stale-revision") from err
    except IntegrityError as err:
        db.session.rollback()
        # unique (instance_id, seq) of history_events, or a projection row written twice: someone
        # else committed a command on the same instance first.
        raise Conflict("并发操作冲突，请刷新后重试。", slug="concurrent-write") from err
    except OperationalError as err:
        db.session.rollback()
        if _is_serialization_failure(err):
            raise Conflict("并发操作冲突，请刷新后重试。", slug="concurrent-write") from err
        raise
    except DBAPIError:
        db.session.rollback()  # the database refused a statement: its transaction may be aborted
        raise
    except BaseException:
        end_transaction(db.session())  # refused before writing: COMMIT; anything written: ROLLBACK
        raise


def _is_serialization_failure(err: OperationalError) -> bool:
    code = getattr(getattr(err, "orig", None), "sqlstate", None)
    return code in {"40001", "40P01"} or "database is locked" in str(err)


def _commit(keep_loaded: bool) -> None:
    session = db.session()
    if not keep_loaded:
        session.commit()
        return
    expire, session.expire_on_commit = session.expire_on_commit, False
    try:
        session.commit()
    finally:
        session.expire_on_commit = expire
