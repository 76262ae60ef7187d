"""RestrictedPython script engine for script tasks, gateway conditions and timer expressions.

SpiffWorkflow's default engine is plain exec/eval, so `__import__('os')` would run. Every piece
of code from a BPMN file is instead compiled with RestrictedPython (which rejects dunder and
underscore attribute access at compile time) and run with its guards and a small builtin set
(no __import__, open, getattr, type, eval, exec...). The engine is not serialized with an
instance: the facade attaches it again after every restore.

Every run also has a budget (budget.py). The compiler policy `_BudgetPolicy` adds hooks to what
RestrictedPython already routes through its guards: a step at the top of every `while` body,
every call goes through `_call_` (a step; a look at what builtins and str/list/dict methods are
about to build), `+ * ** << %` through `_binop_` (the size of the result), f-string fields through
`_format_`, and `*x` / `**x` in displays through `_starred_`. Together with `_getiter_` (a step per
item of every `for` loop and comprehension) and `_getitem_` (slices), a script's steps, time and
what it creates are bounded; work inside one builtin call is bounded by the sizes of its inputs.
"""

from __future__ import annotations

import ast
import operator
import re
import types
from collections.abc import Callable, Iterator
from functools import lru_cache
from typing import Any, cast

from RestrictedPython import RestrictingNodeTransformer, compile_restricted_eval, compile_restricted_exec
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

from . import determinism, duty_rules, rules
from .budget import CommandBudget, LimitExceeded, ScriptBudget

_EXTRA_BUILTINS = {
    name: getattr(__builtins__, name, None) if not isinstance(__builtins__, dict) else __builtins__[name]
    for name in ("list", "dict", "set", "frozenset", "min", "max", "any", "all", "sum", "enumerate", "sorted",
                 "reversed", "map", "filter")
}
_BUILTINS = {**safe_builtins, **_EXTRA_BUILTINS}
# safe_builtins carries setattr/delattr guarded variants and __build_class__; scripts need neither.
for _name in ("setattr", "delattr", "__build_class__", "_getattr_"):
    _BUILTINS.pop(_name, None)

_BINARY: dict[str, Callable[[Any, Any], Any]] = {
    "+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv,
    "//": operator.floordiv, "%": operator.mod, "**": operator.pow, "<<": operator.lshift,
    ">>": operator.rshift, "|": operator.or_, "&": operator.and_, "^": operator.xor,
}
_INPLACE: dict[str, Callable[[Any, Any], Any]] = {
    "+=": operator.iadd, "-=": operator.isub, "*=": operator.imul, "/=": operator.itruediv,
    "//=": operator.ifloordiv, "%=": operator.imod, "**=": operator.ipow, "|=": operator.ior,
    "&=": operator.iand, "^=": operator.ixor, "<<=": operator.ilshift, ">>=": operator.irshift,
}
# The binary operators whose result can be much larger than their operands: they go through _binop_.
_GROWING_OPS = {ast.Add: "+", ast.Mult: "*", ast.Pow: "**", ast.LShift: "<<", ast.Mod: "%"}
_SEQUENCES = (str, bytes, list, tuple)
_CONTAINERS = (str, bytes, list, tuple, dict, set, frozenset)
_SIZED = (*_CONTAINERS, range)
# `%` conversion specifiers: a `*` takes the width from the arguments, digits give it literally.
_PERCENT_SPEC = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d+)?(?:\.(\*|\d+))?")
_DIGITS = re.compile(r"\d+")


def _hook(name: str, *args: ast.expr) -> ast.Call:
    return ast.Call(func=ast.Name(name, ast.Load()), args=list(args), keywords=[])


def _at(new: Any, old: ast.AST) -> Any:
    """`new` (and every node in it without a position) at the source position of `old`."""
    ast.copy_location(new, old)
    return ast.fix_missing_locations(new)


class _BudgetPolicy(RestrictingNodeTransformer):
    """RestrictedPython's policy, plus the budget hooks (see the module's docstring). The hooks'
    names start with an underscore, which scripts themselves may not use."""

    def visit_While(self, node: ast.While) -> Any:
        node = cast(ast.While, super().visit_While(node))
        node.body.insert(0, _at(ast.Expr(_hook("_step_")), node))
        return node

    def visit_Call(self, node: ast.Call) -> Any:
        node = cast(ast.Call, super().visit_Call(node))
        if isinstance(node.func, ast.Name) and node.func.id == "_apply_":
            return node  # f(*args, **kwargs): RestrictedPython made it _apply_(f, ...), our _call_
        node.args.insert(0, node.func)
        node.func = _at(ast.Name("_call_", ast.Load()), node)
        return node

    def visit_BinOp(self, node: ast.BinOp) -> Any:
        node = cast(ast.BinOp, super().visit_BinOp(node))
        op = _GROWING_OPS.get(type(node.op))
        if op is None:
            return node
        return _at(_hook("_binop_", ast.Constant(op), node.left, node.right), node)

    def visit_FormattedValue(self, node: ast.FormattedValue) -> Any:
        node = cast(ast.FormattedValue, super().visit_FormattedValue(node))
        spec = node.format_spec if node.format_spec is not None else ast.Constant(None)
        value = _at(_hook("_format_", node.value, spec, ast.Constant(node.conversion)), node)
        return _at(ast.FormattedValue(value=value, conversion=-1, format_spec=None), node)

    def visit_Starred(self, node: ast.Starred) -> Any:
        node = cast(ast.Starred, super().visit_Starred(node))
        if isinstance(node.ctx, ast.Load):
            node.value = _at(_hook("_starred_", node.value), node.value)
        return node

    def visit_Dict(self, node: ast.Dict) -> Any:
        node = cast(ast.Dict, super().visit_Dict(node))
        node.values = [_at(_hook("_starred_", v), v) if k is None else v
                       for k, v in zip(node.keys, node.values, strict=True)]
        return node


def _text_size(value: Any, limit: int) -> int:
    """About how many characters str(value) has; stops counting once past `limit`."""
    kind = type(value)
    if kind is str or kind is bytes:
        return len(value) + 2
    if kind is int:
        return value.bit_length() * 10 // 33 + 2
    if not isinstance(value, list | tuple | set | frozenset | dict):
        return 24
    total, stack, seen = 0, [value], set()
    while stack and total <= limit:
        item = stack.pop()
        if isinstance(item, str | bytes):
            total += len(item) + 2
        elif isinstance(item, bool) or item is None:
            total += 5
        elif isinstance(item, int):
            total += item.bit_length() * 10 // 33 + 2
        elif isinstance(item, list | tuple | set | frozenset | dict):
            if id(item) in seen:  # a container holding itself prints as [...]
                total += 5
                continue
            seen.add(id(item))
            total += 2 + 2 * len(item)
            stack.extend(item.items() if isinstance(item, dict) else item)
        else:
            total += 24
    return total


class _Counted:
    """An iterator that spends one step of the script's budget per item."""

    __slots__ = ("_it", "_step")

    def __init__(self, it: Iterator[Any], step: Callable[[], None]) -> None:
        self._it, self._step = it, step

    def __iter__(self) -> _Counted:
        return self

    def __next__(self) -> Any:
        self._step()
        return next(self._it)


class _Run:
    """The guards of one script run, bound to its budget."""

    def __init__(self, budget: ScriptBudget) -> None:
        self.budget = budget
        self.step = budget.step
        self.limit = budget.limits.items
        self.methods: dict[str, Callable[[Any, tuple, dict], tuple]] = {
            "ljust": self._padded, "rjust": self._padded, "center": self._padded, "zfill": self._padded,
            "expandtabs": self._expandtabs, "join": self._join, "replace": self._replace,
            "extend": self._extend, "update": self._extend,
        }
        self.builtins: dict[Any, Callable[[tuple, dict], tuple]] = {
            list: self._copying, tuple: self._copying, set: self._copying, frozenset: self._copying,
            sorted: self._copying, dict: self._copying, str: self._text, repr: self._text,
            sum: self._sum, pow: self._pow,
        }

    GUARD_NAMES = ("_getiter_", "_getitem_", "_step_", "_call_", "_apply_", "_binop_", "_inplacevar_",
                   "_format_", "_starred_", "_iter_unpack_sequence_", "_unpack_sequence_")

    def globals(self) -> dict[str, Any]:
        return {
            "_getiter_": self.getiter, "_getitem_": self.getitem, "_step_": self.step,
            "_call_": self.call, "_apply_": self.call, "_binop_": self.binop,
            "_inplacevar_": self.inplacevar, "_format_": self.format, "_starred_": self.starred,
            "_iter_unpack_sequence_": guarded_iter_unpack_sequence,
            "_unpack_sequence_": guarded_unpack_sequence,
        }

    # iteration, items

    def getiter(self, ob: Any) -> _Counted:
        return _Counted(iter(ob), self.step)

    def getitem(self, ob: Any, index: Any) -> Any:
        result = ob[index]
        if isinstance(index, slice) and isinstance(result, _CONTAINERS):
            self.budget.items(len(result))
        return result

    def starred(self, value: Any) -> Any:
        if isinstance(value, _CONTAINERS):
            self.budget.items(len(value))
            return value
        return self.getiter(value)

    # calls

    def call(self, fn: Any, /, *args: Any, **kwargs: Any) -> Any:
        self.step()
        kind = type(fn)
        if kind is types.BuiltinFunctionType:  # builtin functions and methods of builtin types
            owner = fn.__self__
            if isinstance(owner, _CONTAINERS):
                method = self.methods.get(fn.__name__)
                args, accounted = method(owner, args, kwargs) if method is not None else (args, False)
            else:
                check = self.builtins.get(fn)
                args, accounted = check(args, kwargs) if check is not None else (args, False)
        elif kind is type:
            owner = None
            check = self.builtins.get(fn)
            args, accounted = check(args, kwargs) if check is not None else (args, False)
        else:  # the script's own functions (their steps count inside), helpers, ...
            return fn(*args, **kwargs)
        result = fn(*args, **kwargs)
        if fn is range:
            self.budget.check_items(len(result))
        elif not accounted and isinstance(result, _CONTAINERS) and result is not owner \
                and all(result is not a for a in args):
            self.budget.items(len(result))
        return result

    def _copying(self, args: tuple, kwargs: dict) -> tuple[tuple, bool]:
        if args and isinstance(args[0], _SIZED):
            self.budget.items(len(args[0]))
            return args, True
        return args, False

    def _text(self, args: tuple, kwargs: dict) -> tuple[tuple, bool]:
        if args:
            self.budget.items(_text_size(args[0], self.limit))
        return args, True

    def _sum(self, args: tuple, kwargs: dict) -> tuple[tuple, bool]:
        start = args[1] if len(args) > 1 else kwargs.get("start", 0)
        if not isinstance(start, int | float):
            raise TypeError("沙箱中的 sum 只能对数字求和")
        return args, True

    def _pow(self, args: tuple, kwargs: dict) -> tuple[tuple, bool]:
        if len(args) == 2:
            self._check_binop("**", args[0], args[1])
        return args, True

    def _padded(self, owner: Any, args: tuple, kwargs: dict) -> tuple[tuple, bool]:
        width = args[0] if args else kwargs.get("width", 0)
        if isinstance(width, int):
            self.budget.items(max(width, len(owner)))
            return args, True
        return args, False

    def _expandtabs(self, owner: Any, args: tuple, kwargs: dict) -> tuple[tuple, bool]:
        size = args[0] if args else kwargs.get("tabsize", 8)
        if isinstance(size, int):
            tabs = owner.count("\t" if isinstance(owner, str) else b"\t")
            self.budget.items(len(owner) + tabs * max(size, 0))
            return args, True
        return args, False

    def _join(self, owner: Any, args: tuple, kwargs: dict) -> tuple[tuple, bool]:
        if not args:
            return args, False
        parts = args[0] if isinstance(args[0], list | tuple) else list(self.getiter(args[0]))
        self.budget.check_items(len(parts))
        size = sum(len(p) for p in parts if isinstance(p, str | bytes)) + len(owner) * max(len(parts) - 1, 0)
        self.budget.items(size)
        return (parts, *args[1:]), True

    def _replace(self, owner: Any, args: tuple, kwargs: dict) -> tuple[tuple, bool]:
        if len(args) < 2 or not isinstance(args[0], str | bytes) or not isinstance(args[1], str | bytes):
            return args, False
        old, new = args[0], args[1]
        count = owner.count(old) if old else len(owner) + 1
        if len(args) > 2 and isinstance(args[2], int) and args[2] >= 0:
            count = min(count, args[2])
        self.budget.items(len(owner) + count * max(len(new) - len(old), 0))
        return args, True

    def _extend(self, owner: Any, args: tuple, kwargs: dict) -> tuple[tuple, bool]:
        if not isinstance(owner, list | dict | set) or not args:
            return args, False
        other = args[0] if isinstance(args[0], _CONTAINERS) else list(self.getiter(args[0]))
        self.budget.check_items(len(owner) + len(other))
        self.budget.items(len(other))
        return (other, *args[1:]), True

    # operators

    def binop(self, op: str, left: Any, right: Any) -> Any:
        self._check_binop(op, left, right)
        return _BINARY[op](left, right)

    def inplacevar(self, op: str, left: Any, right: Any) -> Any:
        fn = _INPLACE.get(op)
        if fn is None:
            raise SyntaxError(f"不支持的运算符 {op}")
        self._check_binop(op[:-1], left, right)
        return fn(left, right)

    def _check_binop(self, op: str, left: Any, right: Any) -> None:
        budget = self.budget
        ints = isinstance(left, int) and isinstance(right, int)
        if op == "+" and isinstance(left, _SEQUENCES) and isinstance(right, _SEQUENCES):
            budget.items(len(left) + len(right))
        elif op == "*":
            if ints:
                budget.int_bits(left.bit_length() + right.bit_length())
            elif isinstance(left, _SEQUENCES) and isinstance(right, int):
                budget.items(len(left) * max(right, 0))
            elif isinstance(right, _SEQUENCES) and isinstance(left, int):
                budget.items(len(right) * max(left, 0))
        elif op == "**" and ints and right > 0 and abs(left) > 1:
            budget.int_bits((left.bit_length() - 1) * right + 1)
        elif op == "<<" and ints and right > 0:
            budget.int_bits(left.bit_length() + right)
        elif op == "%" and isinstance(left, str | bytes):
            text = left if isinstance(left, str) else left.decode("latin-1")
            for width, precision in _PERCENT_SPEC.findall(text):
                for number in (width, precision):
                    if number == "*":
                        raise ValueError("沙箱中的 % 格式化不允许用 * 指定宽度")
                    if number:
                        budget.check_items(int(number))
            budget.items(len(left) + _text_size(right, self.limit))

    def format(self, value: Any, spec: str | None, conversion: int) -> str:
        """One field of an f-string: f"{value!conversion:spec}"."""
        for number in _DIGITS.findall(spec or ""):
            self.budget.check_items(int(number))
        self.budget.items(_text_size(value, self.limit))
        if conversion == ord("r"):
            value = repr(value)
        elif conversion == ord("a"):
            value = ascii(value)
        elif conversion == ord("s"):
            value = str(value)
        return format(value, spec or "")


HELPERS: dict[str, Any] = {
    "check_adjustment": rules.check_adjustment,
    "check_nominee": rules.check_nominee,
    "check_dispatch": rules.check_dispatch,
    "dispatch_warnings": rules.dispatch_warnings,
    "check_unit_duties": rules.check_unit_duties,
    "unit_duty_thresholds": rules.unit_duty_thresholds,
    "check_duty_report": duty_rules.check_duty_report,
    "unit_duty_standards": duty_rules.unit_duty_standards,
}

_GUARDS: dict[str, Any] = {
    "__builtins__": _BUILTINS,
    "__name__": "cadreflow_script",
    "__metaclass__": type,
    "_getattr_": safer_getattr,
    "_write_": full_write_guard,
}
_RESERVED = frozenset(_GUARDS) | frozenset(_Run.GUARD_NAMES) | frozenset(HELPERS)


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
    compiler = compile_restricted_eval if mode == "eval" else compile_restricted_exec
    result = compiler(code, "<bpmn>", policy=_BudgetPolicy)
    if result.errors:
        raise SyntaxError("; ".join(result.errors))
    return result.code


def _script_budget(element_id: str | None) -> ScriptBudget:
    """A budget within the running command's (determinism.command); outside any command (direct
    use of the environment), within a command budget of the default limits."""
    ctx = determinism.current()
    command = ctx.budget if ctx is not None else CommandBudget()
    return command.script(element_id)


class RestrictedEnvironment(BasePythonScriptEngineEnvironment):
    def __init__(self, helpers: dict[str, Any] | None = None) -> None:
        super().__init__({**HELPERS, **(helpers or {})})

    def _globals(self, context: dict[str, Any], external: dict[str, Any] | None,
                 run: _Run) -> dict[str, Any]:
        glb = dict(_GUARDS)
        glb.update(run.globals())
        glb.update(self.globals)
        glb.update(external or {})
        for key, value in context.items():
            if key in _RESERVED or key in self.globals:
                raise ValueError(f"流程数据字段 {key!r} 与沙箱保留名称冲突")
            glb[key] = value
        return glb

    def evaluate(self, expression: str, context: dict[str, Any], external_context: dict | None = None,
                 element_id: str | None = None) -> Any:
        if expression is None:
            return None
        code = _compile(expression, "eval")
        budget = _script_budget(element_id)
        result = eval(code, self._globals(context, external_context, _Run(budget)))  # noqa: S307
        budget.check_end()
        return result

    def execute(self, script: str, context: dict[str, Any], external_context: dict | None = None,
                element_id: str | None = None) -> bool:
        code = _compile(script, "exec")
        budget = _script_budget(element_id)
        glb = self._globals(context, external_context, _Run(budget))
        exec(code, glb)  # noqa: S102
        budget.check_end()
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
        element_id = task.task_spec.bpmn_id or task.task_spec.name
        try:
            return self.environment.evaluate(expression, task.data, external_context, element_id)
        except (ScriptError, LimitExceeded):
            raise
        except Exception as err:
            raise ScriptError(element_id, expression, err, task) from err

    def execute(self, task: Any, script: str, external_context: dict | None = None) -> bool:
        element_id = task.task_spec.bpmn_id or task.task_spec.name
        try:
            return self.environment.execute(script, task.data, external_context or {}, element_id)
        except (ScriptError, LimitExceeded):
            raise
        except Exception as err:
            raise ScriptError(element_id, script, err, task) from err
