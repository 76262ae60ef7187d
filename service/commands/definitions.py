"""deploy_definition: validated BPMN/DMN files become a new version of their process key."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from service.commands.uow import unit_of_work
from service.config import REPO_ROOT
from service.core.errors import ValidationFailed
from service.core.principal import Principal
from service.persistence.db import db
from service.persistence.models import ProcessDefinition
from workflows.engine import DefinitionError, load_definition

BUNDLED_DIR = REPO_ROOT / "bpmn"
ALLOWED_SUFFIXES = (".bpmn", ".dmn")


def _clean_files(files: dict[str, bytes]) -> dict[str, bytes]:
    if not files:
        raise ValidationFailed("请上传至少一个 .bpmn 或 .dmn 文件。", errors={"files": ["缺少文件。"]})
    clean: dict[str, bytes] = {}
    for raw_name, content in files.items():
        name = Path(str(raw_name).replace("\\", "/")).name  # never a path from the client
        if not name.lower().endswith(ALLOWED_SUFFIXES):
            raise ValidationFailed(f"文件 {name} 不是 .bpmn 或 .dmn 文件。",
                                   errors={"files": [f"{name}: 只接受 .bpmn / .dmn 文件。"]})
        clean[name] = content
    return clean


def deploy(actor: Principal, files: dict[str, bytes]) -> tuple[ProcessDefinition, bool]:
    """(definition row, created?) — identical content returns the existing version.

    A diagram drawn without cadreflow's properties is completed with defaults
    (workflows/plain_bpmn.py); the row's `warnings` say what was filled in, element by element.
    What could never run is refused (422, naming the element and the file)."""
    files = _clean_files(files)
    try:
        definition = load_definition(files)
        texts = {name: content.decode("utf-8") for name, content in files.items()}
    except DefinitionError as err:
        # One entry per element refused (an upload may hold several that cannot run).
        each = [f"{message}（文件 {name}，元素 {element}）" for name, element, message in err.problems]
        raise ValidationFailed(str(err), errors={"files": each or [str(err)]}, slug="invalid-definition",
                               extra={"element_id": err.element_id, "file_name": err.file_name,
                                      "element_ids": [e for _, e, _ in err.problems] or [err.element_id]}
                               ) from err
    except UnicodeDecodeError as err:
        raise ValidationFailed("文件不是 UTF-8 编码。", errors={"files": ["文件须为 UTF-8 编码。"]}) from err
    with unit_of_work():
        existing = db.session.execute(sa.select(ProcessDefinition).where(
            ProcessDefinition.key == definition.key,
            ProcessDefinition.content_hash == definition.content_hash)).scalar_one_or_none()
        if existing is not None:
            return existing, False
        latest = db.session.execute(sa.select(sa.func.max(ProcessDefinition.version)).where(
            ProcessDefinition.key == definition.key)).scalar()
        row = ProcessDefinition(key=definition.key, version=(latest or 0) + 1, name=definition.name,
                                content_hash=definition.content_hash, files=texts,
                                deployed_by=actor.login, warnings=list(definition.warnings))
        db.session.add(row)
    return row, True


def deploy_definition(actor: Principal, files: dict[str, bytes]) -> ProcessDefinition:
    return deploy(actor, files)[0]


def deploy_paths(actor: Principal, paths: list[Path]) -> list[tuple[ProcessDefinition, bool]]:
    """Each .bpmn file is one process; .dmn files given alongside go with every one of them."""
    files: list[Path] = []
    for path in paths:
        files += sorted(path.glob("*.bpmn")) + sorted(path.glob("*.dmn")) if path.is_dir() else [path]
    dmn = {p.name: p.read_bytes() for p in files if p.suffix.lower() == ".dmn"}
    return [deploy(actor, {p.name: p.read_bytes(), **dmn}) for p in files if p.suffix.lower() == ".bpmn"]


def deploy_bundled(actor: Principal) -> list[tuple[ProcessDefinition, bool]]:
    """The processes shipped in bpmn/ (seed-demo and fresh installs)."""
    return deploy_paths(actor, [BUNDLED_DIR])
