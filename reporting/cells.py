"""One number of a report table: what to print and where it traces to."""

from dataclasses import dataclass

from .figures import Period


@dataclass(frozen=True)
class Cell:
    """One number in a table: what to print and how to trace it."""

    value: int | float
    shown: str
    figure: str
    key: str = ""
    year: int | None = None
    period: Period | None = None  # a period of its own (a project year's realised figure)
