"""API tokens expire: an expired token is 401 with a Chinese message saying so."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from service.commands.tokens import rotate_token
from service.core.clock import ManualClock, install_clock
from service.persistence.db import db
from service.persistence.models import User


def me(app: Any, token: str) -> Any:
    return app.test_client().get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})


def test_a_token_works_until_it_expires_then_is_401_saying_so(make_app: Any) -> None:
    app = make_app(token_days=30)
    clock = install_clock(app, ManualClock(datetime.fromisoformat("2026-12-01T09:00:00+08:00")))
    with app.app_context():
        token, expires_at = rotate_token("hr_edu")
    assert expires_at == datetime.fromisoformat("2026-12-31T09:00:00+08:00")
    clock.advance(days=29, hours=23)
    assert me(app, token).status_code == 200
    clock.advance(hours=1)
    response = me(app, token)
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert response.get_json()["detail"] == (
        "访问令牌已于 2026-12-31 09:00 过期，请联系管理员签发新令牌（cadreflow users token rotate）。")
    assert me(app, "not-a-token").get_json()["detail"] == "访问令牌无效或已停用。"


def test_a_token_without_an_expiry_is_refused(make_app: Any, tokens: dict[str, str]) -> None:
    app = make_app()
    assert me(app, tokens["rrb"]).status_code == 200
    with app.app_context():
        db.session.get(User, "rrb").token_expires_at = None
        db.session.commit()
    response = me(app, tokens["rrb"])
    assert response.status_code == 401 and "已过期" in response.get_json()["detail"]
