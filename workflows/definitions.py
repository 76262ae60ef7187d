"""Process definitions: parsed once, cached by content hash."""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass, field
from typing import Any

from lxml import etree
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException

from .parsing import (
    BPMN_NS,
    KNOWN_DEADLINE_VARIABLES,
    CadreflowParser,
    DefinitionError,
    executable_processes,
    safe_parse_xml,
    validate_document,
    validate_new_version,
)
from .plain_bpmn import PlainBpmnError, complete_document, refuse_unrunnable

_cache: dict[str, Definition] = {}
_cache_lock = threading.Lock()
MAX_CACHED = 64


@dataclass(frozen=True, eq=False)
class Definition:
    key: str
    name: str
    content_hash: str
    files: dict[str, bytes]
    version_label: str
    spec: Any = field(repr=False)
    subprocess_specs: dict[str, Any] = field(repr=False)
    # What the files left out and was filled in (plain_bpmn.complete_document), one Chinese
    # sentence each naming the element: the deploy answers with them and stores them.
    warnings: tuple[str, ...] = ()

    @property
    def xml(self) -> dict[str, str]:
        """Raw XML text of each file (for diagrams)."""
        return {name: content.decode("utf-8") for name, content in self.files.items()}

    def task_spec(self, spec_id: str) -> Any:
        # A multi-instance step has two specs of that id: the loop and the task it repeats; the
        # one with the step's properties (extensions) is the one asked for.
        found = None
        for spec in (self.spec, *self.subprocess_specs.values()):
            for ts in spec.task_specs.values():
                if getattr(ts, "bpmn_id", None) == spec_id:
                    if hasattr(ts, "extensions"):
                        return ts
                    found = found or ts
        return found


def content_hash(files: dict[str, bytes]) -> str:
    h = hashlib.sha256()
    for name in sorted(files):
        data = files[name]
        h.update(name.encode("utf-8") + b"\0" + str(len(data)).encode() + b"\0" + data)
    return "sha256:" + h.hexdigest()


def load_definition(files: dict[str, bytes], version_label: str | None = None,
                    deadline_variables: frozenset[str] = KNOWN_DEADLINE_VARIABLES, *,
                    deploying: bool = True) -> Definition:
    """Validate and parse BPMN (and DMN) files; the parsed spec is cached by content hash.

    `deploying`: the files are to become a new version, so the rules for new versions apply too
    (parsing.validate_new_version); a version already stored is loaded with deploying=False."""
    if not files:
        raise DefinitionError("没有提供流程定义文件")
    files = {str(n): bytes(c) if isinstance(c, bytes | bytearray) else str(c).encode("utf-8")
             for n, c in files.items()}
    digest = content_hash(files)
    with _cache_lock:
        cached = _cache.get(digest)
    if cached is not None and (version_label is None or cached.version_label == version_label):
        if deploying:
            bpmn, dmn, _ = _completed_roots(files, deadline_variables)
            _new_version_rules(bpmn, dmn)
        return cached
    definition = _parse(files, digest, version_label or digest[7:19], deadline_variables, deploying)
    with _cache_lock:
        if len(_cache) >= MAX_CACHED:
            _cache.pop(next(iter(_cache)))
        _cache[digest] = definition
    return definition


def _roots(files: dict[str, bytes]) -> tuple[dict[str, etree._Element], dict[str, etree._Element]]:
    """(BPMN roots, DMN roots) by file name, each parsed safely."""
    bpmn: dict[str, etree._Element] = {}
    dmn: dict[str, etree._Element] = {}
    for name, content in sorted(files.items()):
        if name.endswith(".dmn"):
            dmn[name] = safe_parse_xml(content, name, expect_bpmn=False)
        else:
            bpmn[name] = safe_parse_xml(content, name)
    return bpmn, dmn


def _completed_roots(files: dict[str, bytes], deadline_variables: frozenset[str]
                     ) -> tuple[dict[str, etree._Element], dict[str, etree._Element], list[str]]:
    """The roots with what a plain diagram leaves out filled in (plain_bpmn.complete_document),
    and the warnings saying what was."""
    bpmn, dmn = _roots(files)
    warnings: list[str] = []
    for name, root in bpmn.items():
        try:
            warnings += complete_document(root, deadline_variables)
        except PlainBpmnError as err:
            raise DefinitionError(str(err), err.element_id, name) from err
    return bpmn, dmn, warnings


def _new_version_rules(bpmn: dict[str, etree._Element], dmn: dict[str, etree._Element]) -> None:
    """What a file must pass to become a new version (a version stored before a rule came still
    loads): nothing that could never run (plain_bpmn.refuse_unrunnable), and parsing's rules."""
    try:
        refuse_unrunnable(bpmn, dmn)
    except PlainBpmnError as err:
        raise DefinitionError(str(err), err.element_id, err.file_name, err.problems) from err
    for name, root in bpmn.items():
        validate_new_version(root, name)


def _parse(files: dict[str, bytes], digest: str, version_label: str,
           deadline_variables: frozenset[str], deploying: bool) -> Definition:
    parser = CadreflowParser()
    candidates: list[tuple[str, etree._Element]] = []
    called: set[str] = set()
    bpmn, dmn, warnings = _completed_roots(files, deadline_variables)
    if deploying:
        _new_version_rules(bpmn, dmn)
    for name, root in dmn.items():
        _wrap(lambda r=root, n=name: parser.add_dmn_xml(r, filename=n), name)
    for name, root in bpmn.items():
        validate_document(root, name, deadline_variables)
        _wrap(lambda r=root, n=name: parser.add_bpmn_xml(r, filename=n), name)
        for proc in executable_processes(root):
            candidates.append((name, proc))
        called |= {c.get("calledElement") for c in root.iter(f"{{{BPMN_NS}}}callActivity")}
    main = [(n, p) for n, p in candidates if p.get("id") not in called]
    if len(main) != 1:
        ids = ", ".join(p.get("id") for _, p in main) or "无"
        raise DefinitionError(f"须恰好有一个可执行的主流程，找到: {ids}", file_name=", ".join(sorted(files)))
    file_name, proc = main[0]
    key = proc.get("id")

    def build() -> tuple[Any, dict[str, Any]]:
        return parser.get_spec(key), parser.get_subprocess_specs(key)

    spec, subprocess_specs = _wrap(build, file_name)
    return Definition(key=key, name=proc.get("name") or _participant_name(bpmn[file_name], key) or key,
                      content_hash=digest, files=files,
                      version_label=version_label, spec=spec, subprocess_specs=subprocess_specs,
                      warnings=tuple(warnings))


def _participant_name(root: etree._Element, key: str) -> str | None:
    """bpmn.io names the pool (participant), not the process."""
    for participant in root.iter(f"{{{BPMN_NS}}}participant"):
        if participant.get("processRef") == key and (participant.get("name") or "").strip():
            return participant.get("name").strip()
    return None


def _wrap(fn: Any, file_name: str) -> Any:
    try:
        return fn()
    except DefinitionError:
        raise
    except ValidationException as err:
        raise DefinitionError(f"流程定义无效: {err}", getattr(err, "id", None) or None,
                              getattr(err, "file_name", None) or file_name) from err
    except Exception as err:  # the parser raises assorted errors (KeyError, NotImplementedError...)
        raise DefinitionError(f"流程定义无法解析: {type(err).__name__}: {err}", file_name=file_name) from err
