"""RestrictedPython script engine for script tasks, gateway conditions and timer expressions.

SpiffWorkflow's default engine is plain exec/eval, so `__import__('os')` would run. Every piece
of code from a BPMN file is instead compiled with RestrictedPython (which rejects dunder and
underscore attribute access at compile time) and run with its guards and a small builtin set
(no __import__, open, getattr, type, eval, exec...). The engine is not serialized with an
instance: the facade attaches it again after every restore.
"""

from __future__ import annotations

import operator
from functools import lru_cache
from typing import Any

from RestrictedPython import compile_restricted_eval, compile_restricted_exec
from RestrictedPython.Eval import default_guarded_getitem, default_guarded_getiter
from RestrictedPython.Guards import (
    full_write_guard,
    guarded_iter_unpack_sequence,
    guarded_unpack_sequence,
    safe_builtins,
    safer_getattr,
)
from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import BasePythonScriptEngineEnvironment

from . import rules

_EXTRA_BUILTINS = {
    name: getattr(__builtins__, name, None) if not isinstance(__builtins__, dict) else __builtins__[name]
    for name in ("list", "dict", "set", "frozenset", "min", "max", "any", "all", "sum", "enumerate", "sorted",
                 "reversed", "map", "filter")
}
_BUILTINS = {**safe_builtins, **_EXTRA_BUILTINS}
# safe_builtins carries setattr/delattr guarded variants and __build_class__; scripts need neither.
for _name in ("setattr", "delattr", "__build_class__", "_getattr_"):
    _BUILTINS.pop(_name, None)

_INPLACE = {
    "+=": operator.iadd, "-=": operator.isub, "*=": operator.imul, "/=": operator.itruediv,
    "//=": operator.ifloordiv, "%=": operator.imod, "**=": operator.ipow, "|=": operator.ior,
    "&=": operator.iand, "^=": operator.ixor,
}


def _inplacevar(op: str, x: Any, y: Any) -> Any:
    fn = _INPLACE.get(op)
    if fn is None:
        raise SyntaxError(f"不支持的运算符 {op}")
    return fn(x, y)


HELPERS: dict[str, Any] = {
    "check_adjustment": rules.check_adjustment,
    "check_nominee": rules.check_nominee,
    "check_unit_duties": rules.check_unit_duties,
    "unit_duty_thresholds": rules.unit_duty_thresholds,
}

_GUARDS: dict[str, Any] = {
    "__builtins__": _BUILTINS,
    "__name__": "cadreflow_script",
    "__metaclass__": type,
    "_getattr_": safer_getattr,
    "_getitem_": default_guarded_getitem,
    "_getiter_": default_guarded_getiter,
    "_write_": full_write_guard,
    "_inplacevar_": _inplacevar,
    "_iter_unpack_sequence_": guarded_iter_unpack_sequence,
    "_unpack_sequence_": guarded_unpack_sequence,
}
_RESERVED = frozenset(_GUARDS) | frozenset(HELPERS)


class ScriptError(WorkflowTaskException):
    """A script, condition or timer expression failed or was refused by the sandbox."""

    def __init__(self, element_id: str, code: str, cause: BaseException, task: Any = None) -> None:
        self.element_id = element_id
        self.code = code
        self.cause = cause
        msg = f"脚本错误 (element {element_id!r}): {type(cause).__name__}: {cause} — code: {code!r}"
        if task is not None:
            super().__init__(msg, task=task, exception=cause)
        else:  # pragma: no cover - only without a task (direct environment use)
            Exception.__init__(self, msg)


@lru_cache(maxsize=2048)
def _compile(code: str, mode: str) -> Any:
    # Compiling is the expensive part; BPMN code strings are few and immutable, so cache them.
    result = (compile_restricted_eval if mode == "eval" else compile_restricted_exec)(code, "<bpmn>")
    if result.errors:
        raise SyntaxError("; ".join(result.errors))
    return result.code


class RestrictedEnvironment(BasePythonScriptEngineEnvironment):
    def __init__(self, helpers: dict[str, Any] | None = None) -> None:
        super().__init__({**HELPERS, **(helpers or {})})

    def _globals(self, context: dict[str, Any], external: dict[str, Any] | None) -> dict[str, Any]:
        glb = dict(_GUARDS)
        glb.update(self.globals)
        glb.update(external or {})
        for key, value in context.items():
            if key in _RESERVED or key in self.globals:
                raise ValueError(f"流程数据字段 {key!r} 与沙箱保留名称冲突")
            glb[key] = value
        return glb

    def evaluate(self, expression: str, context: dict[str, Any], external_context: dict | None = None) -> Any:
        if expression is None:
            return None
        return eval(_compile(expression, "eval"), self._globals(context, external_context))  # noqa: S307

    def execute(self, script: str, context: dict[str, Any], external_context: dict | None = None) -> bool:
        glb = self._globals(context, external_context)
        exec(_compile(script, "exec"), glb)  # noqa: S102
        # Write back plain data only: guards, helpers, functions and modules never enter task data.
        skip = _RESERVED | set(self.globals) | set(external_context or {})
        for key in list(context):
            if key not in glb:
                del context[key]
        for key, value in glb.items():
            if key in skip:
                continue
            if callable(value) or key.startswith("_"):
                continue
            context[key] = value
        return True


class SandboxedScriptEngine(PythonScriptEngine):
    """PythonScriptEngine whose every evaluate/execute runs in RestrictedEnvironment."""

    def __init__(self, helpers: dict[str, Any] | None = None) -> None:
        super().__init__(environment=RestrictedEnvironment(helpers))

    def evaluate(self, task: Any, expression: str, external_context: dict | None = None) -> Any:
        try:
            return self.environment.evaluate(expression, task.data, external_context)
        except ScriptError:
            raise
        except Exception as err:
            raise ScriptError(task.task_spec.bpmn_id or task.task_spec.name, expression, err, task) from err

    def execute(self, task: Any, script: str, external_context: dict | None = None) -> bool:
        try:
            return self.environment.execute(script, task.data, external_context or {})
        except ScriptError:
            raise
        except Exception as err:
            raise ScriptError(task.task_spec.bpmn_id or task.task_spec.name, script, err, task) from err
