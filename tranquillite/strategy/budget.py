"""Budget arithmetic of an action sheet, and the FIPD co-funding rule.

The State's crime-prevention fund (FIPD) co-finances a project; it never pays for it alone:
the project's other funders bring at least half of the cost (circular of the Interministerial
Committee for the Prevention of Crime on the FIPD). So the FIPD share of a year's budget must
not exceed 50 %.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

FIPD_MAX_SHARE = Decimal("0.5")


@dataclass(frozen=True)
class YearBudget:
    year: int
    total: Decimal
    fipd: Decimal

    @property
    def fipd_share(self) -> Decimal:
        return self.fipd / self.total if self.total else Decimal(0)

    @property
    def respects_fipd_rule(self) -> bool:
        return self.fipd_share <= FIPD_MAX_SHARE


class Line(Protocol):
    year: int
    funder: str
    amount: Decimal


def budget_by_year(lines: Iterable[Line]) -> list[YearBudget]:
    totals: dict[int, list[Decimal]] = {}
    for line in lines:
        year_totals = totals.setdefault(line.year, [Decimal(0), Decimal(0)])
        year_totals[0] += line.amount
        if line.funder == "fipd":
            year_totals[1] += line.amount
    return [YearBudget(year, total, fipd) for year, (total, fipd) in sorted(totals.items())]
