"""Camunda Modeler's expressions (`${approved}`, `${!approved}`, `${amount > 1000 && urgent}`) as
the Python expressions the sandbox runs.

Camunda writes gateway conditions, timer values and loop counts in its expression language
(JUEL). Only the part of it that means the same in Python is translated: variables, string,
number and boolean literals, comparisons, `&&` `||` `!`, their word forms (`and` `or` `not` `eq`
`ne` `lt` `gt` `le` `ge`), arithmetic and parentheses. Anything else (method calls such as
`execution.getVariable(...)`, property paths, `empty`, the `? :` operator, text around the
expression) is refused with the reason, so a diagram is never run with a guess at what it meant.
"""

from __future__ import annotations

import re

_WHOLE = re.compile(r"^\s*[$#]\{(?P<body>.*)\}\s*$", re.DOTALL)
_TOKEN = re.compile(r"""
    (?P<space>\s+)
  | (?P<string>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")
  | (?P<number>\d+(?:\.\d+)?)
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<op>==|!=|<=|>=|&&|\|\||[<>!+\-*/%()])
  | (?P<other>.)
""", re.VERBOSE | re.DOTALL)
_WORDS = {"and": "and", "or": "or", "eq": "==", "ne": "!=", "lt": "<", "gt": ">", "le": "<=",
          "ge": ">=", "true": "True", "false": "False", "null": "None", "div": "/", "mod": "%"}
_OPS = {"&&": "and", "||": "or"}
_REFUSED_WORDS = {"empty": "empty 运算", "instanceof": "instanceof 运算", "execution": "execution 对象",
                  "task": "task 对象"}


class JuelError(ValueError):
    """An expression outside the translated part of the language; the message says what."""


def is_juel(text: str | None) -> bool:
    return bool(text) and ("${" in text or "#{" in text)  # type: ignore[operator]


def to_python(text: str) -> str:
    """The Python expression meaning what the JUEL `text` (`${...}`) means (JuelError if none)."""
    match = _WHOLE.match(text)
    if match is None or "${" in match.group("body") or "#{" in match.group("body"):
        raise JuelError("只支持整段为一个 ${…} 的表达式（前后不能有其他文字）")
    tokens = _tokens(match.group("body"))
    if not tokens:
        raise JuelError("${} 中没有表达式")
    out, end = _sequence(tokens, 0)
    if end != len(tokens):
        raise JuelError("括号不配对")
    return out


def _tokens(body: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    for m in _TOKEN.finditer(body):
        kind, value = m.lastgroup or "other", m.group()
        if kind == "space":
            continue
        if kind == "other":
            hints = {".": "属性或方法调用（如 a.b、a.get()）", "?": "? : 条件运算", ":": "? : 条件运算"}
            raise JuelError(f"不支持{hints.get(value, f'符号 {value!r}')}")
        if kind == "name" and value in _REFUSED_WORDS:
            raise JuelError(f"不支持{_REFUSED_WORDS[value]}")
        tokens.append((kind, value))
    return tokens


def _sequence(tokens: list[tuple[str, str]], i: int) -> tuple[str, int]:
    """Translate tokens from i up to the closing parenthesis of this level (or the end)."""
    parts: list[str] = []
    while i < len(tokens):
        kind, value = tokens[i]
        if value == ")":
            break
        if value == "!" or (kind == "name" and value == "not"):
            operand, i = _operand(tokens, i + 1)
            parts.append(f"(not {operand})")
            continue
        if value == "(":
            inner, i = _sequence(tokens, i + 1)
            if i >= len(tokens) or tokens[i][1] != ")":
                raise JuelError("括号不配对")
            parts.append(f"({inner})")
            i += 1
            continue
        if kind == "name":
            parts.append(_WORDS.get(value, value))
        elif kind == "op":
            parts.append(_OPS.get(value, value))
        else:
            parts.append(value)
        i += 1
    return " ".join(parts), i


def _operand(tokens: list[tuple[str, str]], i: int) -> tuple[str, int]:
    """The operand of a `!`: one value, a parenthesised expression or another negation."""
    if i >= len(tokens):
        raise JuelError("! 后缺少运算对象")
    kind, value = tokens[i]
    if value == "!" or (kind == "name" and value == "not"):
        inner, i = _operand(tokens, i + 1)
        return f"(not {inner})", i
    if value == "(":
        inner, i = _sequence(tokens, i + 1)
        if i >= len(tokens) or tokens[i][1] != ")":
            raise JuelError("括号不配对")
        return f"({inner})", i + 1
    if kind == "op":
        raise JuelError(f"! 后不能是 {value}")
    return (_WORDS.get(value, value) if kind == "name" else value), i + 1
