"""Serving processes tune the garbage collector once they are set up (service/gc_tuning.py)."""

import gc
import importlib
import os
import signal
import sys

import pytest
from click.testing import CliRunner

from service.cli import cli
from service.observability import gc_tuning


@pytest.fixture
def restored_gc():
    threshold = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*threshold)


def test_tune_gc_freezes_start_up_objects_and_raises_the_first_threshold(restored_gc):
    gc.unfreeze()
    start_up_object = {"parsed": "spec"}
    gc_tuning.tune_gc()
    assert gc.get_freeze_count() > 0
    assert gc.get_threshold()[0] == gc_tuning.FIRST_GENERATION_THRESHOLD
    assert gc.get_referrers(start_up_object) is not None  # still alive, only out of the collector's view


@pytest.fixture
def tune_calls(monkeypatch):
    calls = []
    monkeypatch.setattr(gc_tuning, "tune_gc", lambda: calls.append("tuned"))
    monkeypatch.setattr("service.cli.server.tune_gc", gc_tuning.tune_gc)
    return calls


def test_the_wsgi_entry_tunes_the_collector_after_creating_the_app(tune_calls, empty_db_url, monkeypatch):
    monkeypatch.setenv("CADREFLOW_DATABASE_URL", empty_db_url)
    monkeypatch.setenv("CADREFLOW_SECRET_KEY", "s" * 40)
    monkeypatch.delitem(sys.modules, "service.wsgi", raising=False)
    module = importlib.import_module("service.wsgi")
    assert tune_calls == ["tuned"] and module.app is not None


def test_cadreflow_serve_tunes_the_collector_before_serving(tune_calls, empty_db_url, monkeypatch):
    served = []
    monkeypatch.setattr("flask.Flask.run", lambda self, **kwargs: served.append(list(tune_calls)))
    result = CliRunner().invoke(cli, ["serve", "--no-scheduler"],
                                env={"CADREFLOW_DATABASE_URL": empty_db_url,
                                     "CADREFLOW_SECRET_KEY": "s" * 40})
    assert result.exit_code == 0, result.output
    assert served == [["tuned"]]


class FakeTimerService:
    """Stands in for the timer service; once started, it asks the command to stop (SIGTERM)."""

    owner, total_fired = "fake", 0

    def __init__(self, app, config):
        pass

    def start(self):
        os.kill(os.getpid(), signal.SIGTERM)
        return self

    def shutdown(self):
        pass


def test_cadreflow_scheduler_tunes_the_collector_once_started(tune_calls, empty_db_url, monkeypatch):
    monkeypatch.setattr("service.cli.server.TimerService", FakeTimerService)
    handlers = {s: signal.getsignal(s) for s in (signal.SIGTERM, signal.SIGINT)}
    try:
        result = CliRunner().invoke(cli, ["scheduler"], env={"CADREFLOW_DATABASE_URL": empty_db_url})
    finally:
        for signum, handler in handlers.items():
            signal.signal(signum, handler)
    assert result.exit_code == 0, result.output
    assert tune_calls == ["tuned"]
