"""deploy_definition: validated BPMN/DMN files become a new version of their process key."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from service.commands.uow import unit_of_work
from service.config import REPO_ROOT
from service.core.clock import now
from service.core.errors import Forbidden, ValidationFailed
from service.core.principal import Principal
from service.persistence.db import db
from service.persistence.models import ProcessDefinition
from workflows.engine import DefinitionError, load_definition
from workflows.parsing import BPMN_NS, executable_processes, safe_parse_xml

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


def _invalid(err: DefinitionError) -> ValidationFailed:
    # One entry per element refused (an upload may hold several that cannot run).
    each = [f"{message}（文件 {name}，元素 {element}）" for name, element, message in err.problems]
    return ValidationFailed(str(err), errors={"files": each or [str(err)]}, slug="invalid-definition",
                            extra={"element_id": err.element_id, "file_name": err.file_name,
                                   "element_ids": [e for _, e, _ in err.problems] or [err.element_id]})


def deploy(actor: Principal, files: dict[str, bytes]) -> tuple[ProcessDefinition, bool]:
    """(definition row, created?) — identical content returns the existing version.

    Administrators deploy (the API, the pages), and the system (`cadreflow deploy`, seed-demo).
    A diagram drawn without cadreflow's properties is completed with defaults
    (workflows/plain_bpmn.py); the row's `warnings` say what was filled in, element by element.
    What could never run is refused (422, naming the element and the file)."""
    if not actor.has_role("admin", "system"):
        raise Forbidden("只有系统管理员可以部署流程定义。")
    files = _clean_files(files)
    try:
        definition = load_definition(files)
        texts = {name: content.decode("utf-8") for name, content in files.items()}
    except DefinitionError as err:
        raise _invalid(err) from err
    except UnicodeDecodeError as err:
        raise ValidationFailed("文件不是 UTF-8 编码。", errors={"files": ["文件须为 UTF-8 编码。"]}) from err
    at = now()
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
                                deployed_by=actor.login, deployed_at=at,
                                warnings=list(definition.warnings))
        db.session.add(row)
    return row, True


def deploy_modelled(actor: Principal, xml: str) -> tuple[ProcessDefinition, bool]:
    """The BPMN document the browser modeller saved, deployed like an upload of it.

    It keeps the file name and any DMN files of its process's latest version, so that deploying
    what that version holds is recognised as no change; a new process's file is named after it."""
    if not actor.has_role("admin"):
        raise Forbidden("只有系统管理员可以部署流程定义。")
    content = xml.encode("utf-8")
    try:
        root = safe_parse_xml(content, "modeller.bpmn")
    except DefinitionError as err:
        raise _invalid(err) from err
    called = {c.get("calledElement") for c in root.iter(f"{{{BPMN_NS}}}callActivity")}
    processes = [p for p in executable_processes(root) if p.get("id") not in called]
    key = processes[0].get("id") if len(processes) == 1 else None
    if not key:
        message = "须恰好有一个可执行流程（流程的 id 即流程标识）。"
        raise ValidationFailed(message, errors={"files": [message]}, slug="invalid-definition")
    latest = db.session.execute(sa.select(ProcessDefinition).where(ProcessDefinition.key == key)
                                .order_by(ProcessDefinition.version.desc()).limit(1)).scalar_one_or_none()
    others = {name: text.encode("utf-8") for name, text in (latest.files if latest else {}).items()
              if not name.endswith(".bpmn")}
    main = next((name for name in sorted(latest.files) if name.endswith(".bpmn")), None) if latest else None
    return deploy(actor, {**others, main or f"{key}.bpmn": content})


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
