"""抄送 declared in the diagram: the `cc` property of a step or of the whole process.

`<camunda:property name="cc" value="township,county"/>` on a user task or manual task copies the
case to the holders of those roles when a person completes the step; on the process, when the
case reaches its end (completed, rejected or withdrawn). The value is a comma-separated list of
roles, written as their codes (`township`) or their Chinese names (乡镇党委政府, 乡镇), as a lane
or `candidateGroups` may name them (roles.py). Who holds a role in the case (its unit, township or
cadre, or the whole county) is the service's to find; this module only reads what the diagram
declares, and says which roles it cannot read (refused at deploy, parsing.validate_document).
"""

from __future__ import annotations

import threading
from typing import Any

from lxml import etree

from .roles import ROLE_NAMES, role_named

CC_PROPERTY = "cc"
# Anyone who holds a role may be told of a case, the auditors included.
CC_ROLES = tuple(ROLE_NAMES)
_BPMN = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"
_CAMUNDA = "{http://camunda.org/schema/1.0/bpmn}"
_process_cc: dict[str, tuple[str, ...]] = {}
_lock = threading.Lock()


def _items(text: str | None) -> list[str]:
    return [item.strip() for item in (text or "").replace("，", ",").split(",") if item.strip()]


def cc_role(item: str) -> str | None:
    """The role one entry of a `cc` list names, or None."""
    code = item.strip().lower()
    return code if code in CC_ROLES else role_named(item)


def unknown_cc_roles(text: str | None) -> list[str]:
    """The entries of a `cc` value that name no role."""
    return [item for item in _items(text) if cc_role(item) is None]


def cc_roles(text: str | None) -> tuple[str, ...]:
    """The roles a `cc` value names, each once, in its order (entries naming none are left out)."""
    roles = (cc_role(item) for item in _items(text))
    return tuple(dict.fromkeys(role for role in roles if role is not None))


def step_cc(definition: Any, spec_id: str) -> tuple[str, ...]:
    """The roles a step copies its case to when it is completed."""
    spec = definition.task_spec(spec_id)
    extensions = getattr(spec, "extensions", None) or {}
    return cc_roles(extensions.get(CC_PROPERTY))


def process_cc(definition: Any) -> tuple[str, ...]:
    """The roles a case of `definition` is copied to when it ends (its main process's `cc`)."""
    with _lock:
        found = _process_cc.get(definition.content_hash)
    if found is None:
        found = cc_roles(_process_property(definition.files, definition.key))
        with _lock:
            _process_cc[definition.content_hash] = found
    return found


def _process_property(files: dict[str, bytes], key: str) -> str | None:
    # The files were read safely when the definition was loaded; no DTD or entity is in them.
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    for name, content in files.items():
        if name.endswith(".dmn"):
            continue
        root = etree.fromstring(content, parser)
        for proc in root.iter(f"{_BPMN}process"):
            if proc.get("id") != key:
                continue
            for prop in proc.iterfind(f"{_BPMN}extensionElements/{_CAMUNDA}properties/{_CAMUNDA}property"):
                if prop.get("name") == CC_PROPERTY:
                    return prop.get("value")
            return None
    return None
