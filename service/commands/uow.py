"""unit_of_work(): one command = one transaction; all of it is committed or none of it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm.exc import StaleDataError

from service.commands import outbox, reactions
from service.commands.stopped import stop_instance
from service.core.errors import Conflict
from service.persistence.db import db
from workflows.engine import LimitExceeded


@contextmanager
def unit_of_work() -> Iterator[None]:
    """Run the follow-on actions of what the engine reported (commands.reactions), then commit;
    roll back whatever a failed command wrote. Lost races become 409 Conflict; a command that ran
    out of its engine budget stops its instance (commands.stopped) and becomes a 409 too."""
    with outbox.collecting():
        try:
            yield
            reactions.dispatch()
            db.session.commit()
        except StaleDataError as err:
            db.session.rollback()
            raise Conflict("数据已被他人修改（版本号已变化），请刷新后重试。", slug="stale-revision") from err
        except LimitExceeded as err:
            db.session.rollback()
            raise stop_instance(err) from err
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
        except BaseException:
            db.session.rollback()
            raise


def _is_serialization_failure(err: OperationalError) -> bool:
    code = getattr(getattr(err, "orig", None), "sqlstate", None)
    return code in {"40001", "40P01"} or "database is locked" in str(err)
