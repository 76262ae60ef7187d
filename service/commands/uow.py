"""unit_of_work(): one command = one transaction; all of it is committed or none of it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm.exc import StaleDataError

from service.commands import outbox, reactions
from service.commands.stopped import stop_instance
from service.core.errors import ApiError, Conflict
from service.persistence.constraints import breaks_one_open_case
from service.persistence.db import db, end_refused_command
from workflows.engine import LimitExceeded

ONE_OPEN_CASE_MESSAGE = "该干部已有正在办理的同类申请或案件（同时提交的另一件已受理），请勿重复提交。"


@contextmanager
def unit_of_work() -> Iterator[None]:
    """Run the follow-on actions of what the engine reported (commands.reactions), then commit;
    roll back whatever a failed command wrote. Lost races become 409 Conflict: a second open case
    of a cadre (`duplicate-open-case`, naming cadre_id), a stale revision, a unique-key clash; a
    command that ran out of its engine budget stops its instance (commands.stopped), a 409 too."""
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
            if breaks_one_open_case(err):
                # Two requests for the same cadre passed the command's check together; the
                # database kept the first (migration 0007).
                raise Conflict(ONE_OPEN_CASE_MESSAGE, errors={"cadre_id": [ONE_OPEN_CASE_MESSAGE]},
                               slug="duplicate-open-case") from err
            # unique (instance_id, seq) of history_events, or a projection row written twice: someone
            # else committed a command on the same instance first.
            raise Conflict("并发操作冲突，请刷新后重试。", slug="concurrent-write") from err
        except OperationalError as err:
            db.session.rollback()
            if _is_serialization_failure(err):
                raise Conflict("并发操作冲突，请刷新后重试。", slug="concurrent-write") from err
            raise
        except ApiError:
            end_refused_command()  # nothing of a refused command is kept
            raise
        except BaseException:
            db.session.rollback()
            raise


def _is_serialization_failure(err: OperationalError) -> bool:
    code = getattr(getattr(err, "orig", None), "sqlstate", None)
    return code in {"40001", "40P01"} or "database is locked" in str(err)
