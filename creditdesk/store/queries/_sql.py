"""Small helpers the query modules share: reading dates back and writing IN lists and CASE buckets."""

from __future__ import annotations

from datetime import date, datetime


def as_date(value: str | date) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


def as_moment(value: str | datetime) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(value)


def in_marks(prefix: str, values: list[int]) -> tuple[str, dict[str, int]]:
    return ", ".join(f":{prefix}{i}" for i in range(len(values))), {
        f"{prefix}{i}": v for i, v in enumerate(values)
    }


def bucket_case(column: str, cutoffs: tuple[date, ...]) -> tuple[str, dict[str, str]]:
    whens = " ".join(f"WHEN {column} > :c{i} THEN {i}" for i in range(len(cutoffs)))
    params = {f"c{i}": cut.isoformat() for i, cut in enumerate(cutoffs)}
    return f"CASE {whens} ELSE {len(cutoffs)} END", params
