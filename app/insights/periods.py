"""The days a report covers: whole UTC days, cut into day or ISO-week buckets."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal

Bucket = Literal["day", "week"]
MAX_DAYS = 366


@dataclass(frozen=True, slots=True)
class Period:
    """Whole UTC days, `first` to `last` inclusive, cut into day or ISO-week buckets."""

    first: date
    last: date
    bucket: Bucket = "day"

    def __post_init__(self) -> None:
        if self.first > self.last:
            raise ValueError(f"from ({self.first}) is after to ({self.last})")
        if self.days > MAX_DAYS:
            raise ValueError(f"the period spans {self.days} days; at most {MAX_DAYS} are allowed")
        if self.last == date.max:
            raise ValueError(f"to must be before {date.max}")  # its end would not be a date

    @classmethod
    def ending(cls, last: date, *, days: int = 30, bucket: Bucket = "day") -> Period:
        try:
            first = last - timedelta(days=days - 1)
        except OverflowError:
            raise ValueError(f"{days} days up to {last} would start before {date.min}") from None
        return cls(first, last, bucket)

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    @property
    def start(self) -> datetime:
        return datetime.combine(self.first, time(), tzinfo=UTC)

    @property
    def end(self) -> datetime:
        """The first instant after the period."""
        return datetime.combine(self.last + timedelta(days=1), time(), tzinfo=UTC)

    def bucket_of(self, day: date) -> date:
        return day - timedelta(days=day.weekday()) if self.bucket == "week" else day

    def buckets(self) -> list[date]:
        """Every bucket's first day, empty ones included, so a chart shows the gaps."""
        step = timedelta(days=7 if self.bucket == "week" else 1)
        current, out = self.bucket_of(self.first), []
        while current <= self.last:
            out.append(current)
            current += step
        return out
