"""The browser libraries come from package-lock.json through `make` (npm ci): each is pinned
exactly, the lock agrees with package.json, node_modules/ holds what the lock says, and every file
the service serves from it is there. node_modules/ itself is never committed."""

from __future__ import annotations

import json
import re
from pathlib import Path

from service.http.web.vendor import NODE_MODULES, VENDOR_FILES

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = json.loads((ROOT / "package.json").read_text(encoding="utf-8"))
LOCK = json.loads((ROOT / "package-lock.json").read_text(encoding="utf-8"))


def test_every_library_is_pinned_exactly_in_package_json_and_the_lock() -> None:
    # bpmn-js (viewer and modeller) and camunda-bpmn-moddle (the modeller's Camunda descriptor)
    assert {"bpmn-js", "camunda-bpmn-moddle"} <= set(PACKAGE["dependencies"])
    for name, wanted in PACKAGE["dependencies"].items():
        assert re.fullmatch(r"\d+\.\d+\.\d+", wanted), f"{name}: an exact version, no range"
        assert LOCK["packages"][f"node_modules/{name}"]["version"] == wanted, name
    assert LOCK["packages"][""]["dependencies"] == PACKAGE["dependencies"]


def test_every_locked_package_carries_its_integrity_hash() -> None:
    packages = {k: v for k, v in LOCK["packages"].items() if k}
    assert packages and all(p["integrity"].startswith("sha512-") for p in packages.values())


def test_node_modules_holds_the_locked_versions_and_the_served_files() -> None:
    # make test runs `npm ci` first (the node_modules/.installed stamp), so this holds after make
    assert (NODE_MODULES / ".installed").exists(), "run make: it installs node_modules from the lock"
    for path, locked in LOCK["packages"].items():
        if path:
            installed = json.loads((ROOT / path / "package.json").read_text(encoding="utf-8"))
            assert installed["version"] == locked["version"], path
    for served in VENDOR_FILES.values():
        assert (NODE_MODULES / served).is_file(), served


def test_make_installs_node_modules_before_running_or_testing() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    recipe = r"^\$\(NODE_STAMP\): package\.json package-lock\.json\n(?:\t.*\n)*\tnpm ci "
    assert re.search(recipe, makefile, re.M)
    for target in ("run", "test", "install"):
        line = re.search(rf"^{target}:(.*)$", makefile, re.M)
        assert line is not None and "$(NODE_STAMP)" in line.group(1), target


def test_node_modules_is_not_committed() -> None:
    ignored = (ROOT / ".gitignore").read_text(encoding="utf-8").split()
    assert "node_modules/" in ignored


def test_the_image_installs_the_same_lock_and_carries_every_served_file() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert re.search(r"^COPY package\.json package-lock\.json \./\nRUN npm ci ", dockerfile, re.M)
    copy = r"^COPY --from=\S+ /assets/(node_modules/\S+) \./(node_modules/\S+)$"
    copied = re.findall(copy, dockerfile, re.M)
    assert copied and all(source == target for source, target in copied)
    for served in VENDOR_FILES.values():
        assert any(f"node_modules/{served}".startswith(f"{source}/") for source, _ in copied), served
    assert "node_modules" in (ROOT / ".dockerignore").read_text(encoding="utf-8").split()  # never the host's
