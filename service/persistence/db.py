"""The one Flask-SQLAlchemy instance and the naming convention every table and migration shares."""

from typing import TYPE_CHECKING, ClassVar

import sqlalchemy as sa
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import MetaData, Table

# Deterministic constraint names so Alembic migrations (and SQLite batch mode) can address them.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

db = SQLAlchemy(metadata=MetaData(naming_convention=NAMING_CONVENTION))

# The base class of every model. db.Model is built when `db` is, so a type checker cannot use it as
# a base class; to the checker it is what it is at run time: a declarative base with
# Flask-SQLAlchemy's model mixin.
if TYPE_CHECKING:
    from flask_sqlalchemy.model import Model as _FlaskModel
    from sqlalchemy.orm import DeclarativeBase

    class Model(_FlaskModel, DeclarativeBase):
        __table__: ClassVar[Table]  # every model maps a table it declares
else:
    Model = db.Model


def end_read_only_transaction(exc: BaseException | None) -> None:
    """Commit, rather than roll back, a request's transaction that wrote nothing.

    Commands write inside commands.uow.unit_of_work, which commits or rolls back itself; what is
    still open when a request ends has only read. Flask-SQLAlchemy ends it with ROLLBACK, and
    psycopg forgets the statements it prepared on that connection at every ROLLBACK, so each
    request would prepare them again. A COMMIT ends the same read-only transaction and keeps them.
    Runs before Flask-SQLAlchemy's own teardown (teardowns run in reverse order of registration).
    """
    session = db.session()  # the request's own Session behind the scoped proxy
    if exc is not None or not session.in_transaction():
        return
    if session.new or session.dirty or session.deleted:
        return  # unflushed changes outside a unit of work: leave them to the rollback
    # Nothing was written, so the loaded objects are still current: keep them as they are (a
    # rollback would not expire them either).
    expire_on_commit, session.expire_on_commit = session.expire_on_commit, False
    try:
        session.commit()
    finally:
        session.expire_on_commit = expire_on_commit


# PostgreSQL's own answer to "has this transaction written anything?" (NULL: no transaction id
# was ever assigned, so no row was inserted, changed, deleted or locked).
_WROTE_NOTHING = sa.text("SELECT pg_current_xact_id_if_assigned() IS NULL")


def end_refused_command() -> None:
    """End the transaction of a command that was refused (not found, forbidden, a conflict, bad
    input): with a COMMIT when it wrote nothing, else with a ROLLBACK.

    Both leave the database as it was. The COMMIT matters on PostgreSQL: psycopg forgets every
    statement it prepared on the connection at a ROLLBACK, so the requests after a refusal would
    prepare them all again. Changes still pending in the session would be flushed by a COMMIT, so
    they, and every other doubt, take the ROLLBACK.
    """
    session = db.session()
    if session.in_transaction() and not (session.new or session.dirty or session.deleted) \
            and session.get_bind().dialect.name == "postgresql":
        try:
            wrote_nothing = session.execute(_WROTE_NOTHING).scalar()
        except sa.exc.SQLAlchemyError:
            wrote_nothing = False
        if wrote_nothing:
            session.commit()
            return
    session.rollback()
