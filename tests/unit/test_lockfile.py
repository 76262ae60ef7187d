"""The lock files agree with pyproject.toml, and the replay-relevant libraries are pinned exactly.

Replay re-executes recorded commands and compares the instance state hash after each, so the
libraries that shape that state must behave identically everywhere: the workflow engine, the script
sandbox and the holiday calendar. pyproject.toml pins them with `==` and both locks (made by
`make lock`) must hold exactly those versions. Every dependency named in pyproject.toml must be in
the lock that installs it, at a version its specifier allows.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from packaging.specifiers import SpecifierSet
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = ROOT / "pyproject.toml"
DEV_LOCK = ROOT / "requirements.lock"
PROD_LOCK = ROOT / "requirements-prod.lock"

REPLAY_RELEVANT = ("spiffworkflow", "restrictedpython", "chinesecalendar")

# name, [extras], specifier; an environment marker after ";" is not used here.
REQUIREMENT = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*([^;]*)")
LOCK_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)")


def normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def parse_requirements(lines: list[str]) -> dict[str, str]:
    """{normalized name: specifier} from pyproject requirement strings."""
    result = {}
    for line in lines:
        match = REQUIREMENT.match(line)
        assert match, f"cannot parse requirement {line!r}"
        result[normalize(match.group(1))] = match.group(2).strip()
    return result


def parse_lock(path: Path) -> dict[str, str]:
    """{normalized name: version} from a lock file; every pin must carry a hash."""
    pins: dict[str, str] = {}
    current = None
    hashed: set[str] = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        match = LOCK_PIN.match(line)
        if match:
            current = normalize(match.group(1))
            assert current not in pins, f"{path.name}: {current} pinned twice"
            pins[current] = match.group(2).rstrip("\\").strip()
        elif "--hash=sha256:" in line and current:
            hashed.add(current)
    assert pins, f"{path.name} pins nothing"
    unhashed = sorted(set(pins) - hashed)
    assert not unhashed, f"{path.name}: pins without --hash: {unhashed}"
    return pins


PROJECT = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]
RUNTIME = parse_requirements(PROJECT["dependencies"])
DEV = parse_requirements(PROJECT["optional-dependencies"]["dev"])


@pytest.mark.parametrize("name", REPLAY_RELEVANT)
def test_replay_relevant_pins_are_exact(name: str) -> None:
    assert name in RUNTIME, f"{name} is no longer a runtime dependency in pyproject.toml"
    spec = RUNTIME[name]
    assert re.fullmatch(r"==\s*[0-9][0-9A-Za-z.+!-]*", spec), (
        f"{name} must be pinned exactly (==X.Y.Z) in pyproject.toml, not {spec!r}: "
        "replay and the state hash depend on its behaviour"
    )


@pytest.mark.parametrize("lock", [DEV_LOCK, PROD_LOCK], ids=lambda p: p.name)
@pytest.mark.parametrize("name", REPLAY_RELEVANT)
def test_locks_hold_the_replay_versions(name: str, lock: Path) -> None:
    pinned = RUNTIME[name].removeprefix("==").strip()
    locked = parse_lock(lock).get(name)
    assert locked is not None, f"{name} is missing from {lock.name}"
    assert Version(locked) == Version(pinned), (
        f"{lock.name} has {name}=={locked}, pyproject.toml pins {pinned}: run `make lock`"
    )


@pytest.mark.parametrize(
    ("lock", "groups"),
    [(DEV_LOCK, ("runtime", "dev")), (PROD_LOCK, ("runtime",))],
    ids=["requirements.lock", "requirements-prod.lock"],
)
def test_every_declared_dependency_is_locked_at_an_allowed_version(
    lock: Path, groups: tuple[str, ...]
) -> None:
    pins = parse_lock(lock)
    declared = {**(RUNTIME if "runtime" in groups else {}), **(DEV if "dev" in groups else {})}
    missing = sorted(name for name in declared if name not in pins)
    assert not missing, f"{lock.name} lacks {missing}: run `make lock`"
    outside = {
        name: (pins[name], spec)
        for name, spec in declared.items()
        if spec and Version(pins[name]) not in SpecifierSet(spec)
    }
    assert not outside, f"{lock.name} pins versions pyproject.toml does not allow: {outside}"


def test_production_lock_matches_the_dev_lock_without_dev_tools() -> None:
    dev, prod = parse_lock(DEV_LOCK), parse_lock(PROD_LOCK)
    differ = {name: (version, dev.get(name)) for name, version in prod.items() if dev.get(name) != version}
    assert not differ, f"requirements-prod.lock differs from requirements.lock: {differ}"
    leaked = sorted(name for name in ("pytest", "ruff", "mypy", "import-linter") if name in prod)
    assert not leaked, f"dev tools in requirements-prod.lock: {leaked}"
