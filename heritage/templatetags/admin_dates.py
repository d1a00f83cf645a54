"""The admin's date hierarchy at the cost of an index probe per year, month or day.

Django's ``{% date_hierarchy %}`` lists the years (months, days) that have rows with
``queryset.dates()``: a ``SELECT DISTINCT`` of the truncated date over every row the
list shows, a scan of the whole table on the first page of the source list (600,000
sources at 100,000 monuments). ``{% bounded_date_hierarchy cl %}`` renders the same
links from two queries whatever the table's size: the first and last date (the ends of
an index), then one ``EXISTS`` per year (month, day) between them, each a probe of the
index.
"""

from __future__ import annotations

import copy
import datetime

from django import template
from django.contrib.admin.templatetags.admin_list import date_hierarchy
from django.contrib.admin.templatetags.base import InclusionAdminNode
from django.db import connections, models

from heritage.ranges import range_ends

register = template.Library()

PROBES = 200


def _periods(first: datetime.date, last: datetime.date, kind: str) -> list[datetime.date]:
    """The first day of every year, month or day from *first*'s to *last*'s."""
    if kind == "year":
        return [datetime.date(y, 1, 1) for y in range(first.year, last.year + 1)]
    if kind == "month":
        months = range(first.year * 12 + first.month - 1, last.year * 12 + last.month)
        return [datetime.date(m // 12, m % 12 + 1, 1) for m in months]
    if kind == "day":
        return [first + datetime.timedelta(n) for n in range((last - first).days + 1)]
    raise ValueError(f"date hierarchy: no periods of kind {kind!r}")


def _next(start: datetime.date, kind: str) -> datetime.date | None:
    """The first day after the period that starts on *start* (None: past date.max)."""
    try:
        if kind == "year":
            return start.replace(year=start.year + 1)
        if kind == "month":
            year, month = divmod(start.month, 12)
            return start.replace(year=start.year + year, month=month + 1)
        return start + datetime.timedelta(1)
    except (ValueError, OverflowError):
        return None


def _ends(field_name: str) -> dict:
    return {"first": models.Min(field_name), "last": models.Max(field_name)}


def _asked_ends(kwargs: dict) -> str | None:
    """The field whose range ``kwargs`` asks (``_ends(field)``), or None."""
    first = kwargs.get("first")
    if not isinstance(first, models.Min):
        return None
    name = getattr(first.get_source_expressions()[0], "name", None)
    return name if name and kwargs == _ends(name) else None


def dates_present(
    queryset, field_name: str, kind: str, ends: dict | None = None
) -> list[datetime.date]:
    """``queryset.dates(field_name, kind)`` (ascending) for a ``DateField``, from the
    ends of the range (*ends*: its ``first`` and ``last``, when known) and one probe
    per period between them."""
    if ends is None:
        ends = range_ends(queryset, field_name)
    if ends["first"] is None:
        return []
    candidates = _periods(ends["first"], ends["last"], kind)
    present = []
    # One statement for up to PROBES periods (SQLite returns at most 2,000 columns): a
    # range of years in the registry's dates is a single statement.
    for at in range(0, len(candidates), PROBES):
        probes, params = [], []
        for start in candidates[at : at + PROBES]:
            period = {f"{field_name}__gte": start}
            end = _next(start, kind)
            if end is not None:
                period[f"{field_name}__lt"] = end
            query = queryset.filter(**period).order_by().values("pk")[:1].query
            sql, more = query.sql_with_params()
            probes.append(f"EXISTS ({sql})")
            params.extend(more)
        with connections[queryset.db].cursor() as cursor:
            cursor.execute("SELECT " + ", ".join(probes), params)
            present.extend(cursor.fetchone())
    return [start for start, found in zip(candidates, present, strict=True) if found]


class _ProbedDates:
    """A changelist's queryset as the date hierarchy reads it: its range from the
    queryset itself, the periods present from :func:`dates_present`."""

    def __init__(self, queryset):
        self._queryset = queryset
        self._aggregates: list[tuple[dict, dict]] = []

    def aggregate(self, *args, **kwargs):
        field_name = _asked_ends(kwargs)
        if not args and field_name is not None:
            result = range_ends(self._queryset, field_name)
        else:
            result = self._queryset.aggregate(*args, **kwargs)
        if not args:
            self._aggregates.append((kwargs, result))
        return result

    def dates(self, field_name: str, kind: str, order: str = "ASC"):
        # The hierarchy has just read the ends of the range on its first level.
        wanted = _ends(field_name)
        ends = next((result for asked, result in self._aggregates if asked == wanted), None)
        present = dates_present(self._queryset, field_name, kind, ends)
        return present if order == "ASC" else present[::-1]


def bounded_date_hierarchy(cl):
    """Django's date hierarchy for *cl*, with its years, months and days probed."""
    field = cl.model._meta.get_field(cl.date_hierarchy) if cl.date_hierarchy else None
    if not isinstance(field, models.DateField) or isinstance(field, models.DateTimeField):
        return date_hierarchy(cl)  # a date-time or a related path: Django's own
    probed = copy.copy(cl)
    probed.queryset = _ProbedDates(cl.queryset)
    return date_hierarchy(probed)


@register.tag(name="bounded_date_hierarchy")
def bounded_date_hierarchy_tag(parser, token):
    return InclusionAdminNode(
        parser,
        token,
        func=bounded_date_hierarchy,
        template_name="date_hierarchy.html",
        takes_context=False,
    )
