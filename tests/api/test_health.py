"""GET /api/v1/health."""

from service.timers.scheduler_status import install


def test_health_reports_database_and_scheduler(client):
    response = client.get("/api/v1/health")
    assert response.status_code == 200
    # No scheduler in this process; the timer figures still come from the database (issue 4).
    body = response.get_json()
    uncovered = body["scheduler"].pop("calendar_uncovered_years")  # depends on today's date
    assert all(isinstance(year, int) for year in uncovered)
    assert body == {"status": "ok", "database": "ok", "scheduler": {
        "running": False, "pending": 0, "next_fire_at": None, "oldest_overdue_at": None}}


def test_health_shows_the_scheduler_installed_on_the_app(make_app):
    app = make_app()

    class FakeScheduler:
        def status(self):
            return {"running": True, "next_fire_at": None}

    install(app, FakeScheduler())
    body = app.test_client().get("/api/v1/health").get_json()
    assert body["scheduler"] == {"running": True, "next_fire_at": None}


def test_health_is_503_when_the_database_is_unreachable(tmp_path):
    from app_support import build_app

    # A directory cannot be opened as a SQLite database.
    (tmp_path / "dir.sqlite3").mkdir()
    app = build_app(f"sqlite:///{tmp_path / 'dir.sqlite3'}")
    response = app.test_client().get("/api/v1/health")
    assert response.status_code == 503
    assert response.get_json()["database"] == "error"
    assert response.get_json()["status"] == "degraded"
