"""No page session is ever signed with a public key: serving processes refuse a missing, short or
known CADREFLOW_SECRET_KEY; an app made in-process without one signs with a random key."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from flask.sessions import SecureCookieSessionInterface

from service.app import create_app
from service.cli import cli
from service.config import KNOWN_PUBLIC_KEYS, Settings, SettingsError


@pytest.mark.parametrize("key", ["", "short-key", *sorted(KNOWN_PUBLIC_KEYS)])
def test_a_serving_process_refuses_a_weak_or_public_key(key: str) -> None:
    with pytest.raises(SettingsError, match="CADREFLOW_SECRET_KEY"):
        Settings(secret_key=key).check_secret_key()


def test_a_random_key_of_32_characters_or_more_is_accepted() -> None:
    Settings(secret_key="x" * 32).check_secret_key()


def test_the_key_can_come_from_a_file(tmp_path) -> None:
    path = tmp_path / "secret_key"
    path.write_text("f" * 40 + "\n")
    assert Settings.from_env({"CADREFLOW_SECRET_KEY_FILE": str(path)}).secret_key == "f" * 40
    with pytest.raises(SettingsError, match="CADREFLOW_SECRET_KEY_FILE"):
        Settings.from_env({"CADREFLOW_SECRET_KEY_FILE": str(tmp_path / "missing")})


def test_cadreflow_serve_refuses_to_start_with_the_old_default_key(tmp_path) -> None:
    env = {"CADREFLOW_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
           "CADREFLOW_SECRET_KEY": "cadreflow-dev-secret"}
    result = CliRunner().invoke(cli, ["serve", "--no-scheduler"], env=env)
    assert result.exit_code != 0
    assert "CADREFLOW_SECRET_KEY" in result.output


def test_a_cookie_signed_with_a_public_key_opens_no_session(tmp_path) -> None:
    app = create_app(Settings(database_url=f"sqlite:///{tmp_path / 'db.sqlite3'}"))
    assert app.secret_key not in KNOWN_PUBLIC_KEYS and len(app.secret_key) >= 32
    forger = create_app(Settings(database_url=f"sqlite:///{tmp_path / 'db.sqlite3'}",
                                 secret_key="cadreflow-dev-secret"))
    serializer = SecureCookieSessionInterface().get_signing_serializer(forger)
    assert serializer is not None
    forged = serializer.dumps({"login": "admin"})
    genuine = SecureCookieSessionInterface().get_signing_serializer(app)
    assert genuine is not None
    with pytest.raises(Exception, match="Signature"):
        genuine.loads(forged)
