"""Money formatting and rounding for drafts (no placeholders: every number is written out)."""

from __future__ import annotations

SYMBOLS = {"USD": "$", "CAD": "CA$", "AUD": "A$", "EUR": "\u20ac", "GBP": "\u00a3", "INR": "\u20b9"}


def money(amount: float | int | None, currency: str = "USD") -> str:
    if amount is None:
        return "n/a"
    value = f"{round(amount):,}"
    symbol = SYMBOLS.get(currency.upper())
    return f"{symbol}{value}" if symbol else f"{value} {currency.upper()}"


def round_to(amount: float, step: int = 1000) -> int:
    return int(round(amount / step) * step)
