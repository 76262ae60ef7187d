"""Sums of money as the support ledger keeps them: whole fen (分) in the database, yuan with at
most two decimals at the edges (forms, JSON, Excel). Decimal all the way, never float."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

FEN_PER_YUAN = 100
# One reimbursement or one month's allowance: far above any real sum, far below a column's range.
MAX_YUAN = Decimal("1000000")


def yuan_problem(value: Any, *, allow_zero: bool) -> tuple[int | None, str | None]:
    """(fen, None) for a good amount in yuan, else (None, why it is refused)."""
    if isinstance(value, bool) or value is None or (isinstance(value, str) and not value.strip()):
        return None, "不能为空"
    if isinstance(value, float):
        value = repr(value)  # the digits written, not the binary fraction
    try:
        amount = Decimal(str(value).strip().replace(",", ""))
    except InvalidOperation:
        return None, f"须为金额（元，最多两位小数），现为“{value}”"
    if not amount.is_finite():
        return None, f"须为金额（元，最多两位小数），现为“{value}”"
    if amount < 0 or (amount == 0 and not allow_zero):
        return None, f"须{'不小于' if allow_zero else '大于'} 0，现为 {amount}"
    if amount > MAX_YUAN:  # before quantize, which cannot hold a huge exponent
        return None, f"不能超过 {MAX_YUAN} 元，现为 {amount}"
    fen = amount * FEN_PER_YUAN
    if fen != fen.to_integral_value():
        return None, f"最多保留两位小数（到分），现为 {amount}"
    return int(fen), None


def fen_to_yuan(fen: int) -> Decimal:
    return (Decimal(fen) / FEN_PER_YUAN).quantize(Decimal("0.01"))


def yuan_text(fen: int) -> str:
    """12345 -> "123.45" (the log, the API, the pages)."""
    return f"{fen_to_yuan(fen)}"
