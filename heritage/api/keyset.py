"""Pages read by key: the rows after (or before) one row of a list, in the list's order.

A page by number makes the database step over every row before it (``OFFSET``), so
page 500 costs 500 pages; a page by key starts from the place of one row (the last of
the previous page) and, where an index serves the order, costs what the first page
costs. The lists' ``next`` and ``previous`` links read by key (``?after=`` and
``?before=`` a row's reference) and such a page is not counted: the first page gives
the count.

An order is a list of :class:`Key` terms, the last one unique (the primary key), so
that every row has one place. A NULL counts as larger than every value, on both
databases (as PostgreSQL does by default; :func:`order_by` says so to SQLite): last
going up, first going down.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import F, Q, QuerySet

# Nothing: no row is beyond the last place.
NOTHING = Q(pk__in=[])


@dataclass(frozen=True)
class Key:
    """One term of an order: a field (``site__name``), its direction, and whether it
    may be NULL (a column of a LEFT JOINed row)."""

    field: str
    descending: bool = False
    nullable: bool = False

    @classmethod
    def parse(cls, term: str, nullable: Iterable[str] = ()) -> Key:
        """``"-consensus__confidence"`` → descending; *nullable* names field prefixes
        whose values may be NULL."""
        field = term.lstrip("-")
        return cls(field, term.startswith("-"), any(field.startswith(p) for p in nullable))

    def expression(self):
        if not self.nullable:
            return F(self.field).desc() if self.descending else F(self.field).asc()
        # NULL larger than every value: last going up, first going down.
        if self.descending:
            return F(self.field).desc(nulls_first=True)
        return F(self.field).asc(nulls_last=True)

    def later(self, value) -> Q:
        """The rows this term places after *value*."""
        f = self.field
        if self.descending:  # smaller values come later, NULL (the largest) first
            return Q(**{f"{f}__isnull": False}) if value is None else Q(**{f"{f}__lt": value})
        if value is None:
            return NOTHING
        bigger = Q(**{f"{f}__gt": value})
        return bigger | Q(**{f"{f}__isnull": True}) if self.nullable else bigger

    def earlier(self, value) -> Q:
        return self.flipped().later(value)

    def same(self, value) -> Q:
        return Q(**{f"{self.field}__isnull": True}) if value is None else Q(**{self.field: value})

    def flipped(self) -> Key:
        return Key(self.field, not self.descending, self.nullable)


def parse_order(terms: Iterable[str], nullable: Iterable[str] = ()) -> list[Key]:
    nullable = tuple(nullable)
    return [Key.parse(str(t), nullable) for t in terms]


def order_by(queryset: QuerySet, keys: list[Key]) -> QuerySet:
    return queryset.order_by(*(k.expression() for k in keys))


def beyond(keys: list[Key], values: tuple, *, later: bool = True, inclusive: bool = False) -> Q:
    """The rows after (*later*) or before the place *values* in the order *keys*, and
    the row at that place too when *inclusive*.

    Written out term by term (no row comparison in the ORM). The first term's bound is
    stated alone too, so that the database reads an index from that point."""
    if not later:
        keys = [k.flipped() for k in keys]
    condition = Q()
    for n, key in enumerate(keys):
        equal = Q()
        for k, v in zip(keys[:n], values[:n], strict=True):
            equal &= k.same(v)
        condition |= equal & key.later(values[n])
    if inclusive:
        whole = Q()
        for k, v in zip(keys, values, strict=True):
            whole &= k.same(v)
        condition |= whole
    first, value = keys[0], values[0]
    if first.nullable or value is None:
        return condition
    bound = Q(**{f"{first.field}__{'lte' if first.descending else 'gte'}": value})
    return bound & condition


def from_anchor(rows: QuerySet, keys: list[Key], anchor: tuple[str, tuple] | None) -> QuerySet:
    """*rows* after (``("after", place)``) or before (``("before", place)``) the anchor's
    place, in the list's order; all of them without an anchor (a streamed export)."""
    if anchor is None:
        return rows
    name, values = anchor
    return rows.filter(beyond(keys, values, later=name == "after"))


def place(queryset: QuerySet, keys: list[Key]) -> tuple | None:
    """The values of *keys* for the one row of *queryset* (None when it has none)."""
    return queryset.values_list(*(k.field for k in keys)).first()


def page(
    rows: QuerySet, keys: list[Key], values: tuple, *, forward: bool, size: int
) -> tuple[list, bool, bool]:
    """The *size* rows after (*forward*) or before the place *values*, in the list's
    order, with whether rows follow and precede the page.

    *rows* is filtered and ordered by *keys* (a ``values()`` or ``values_list()``
    queryset). Two bounded reads: the page (and one row more, to know whether a next
    page exists), then whether any row lies on the other side of the place (an
    ``EXISTS`` the same index answers)."""
    ahead = rows if forward else rows.reverse()
    found = list(ahead.filter(beyond(keys, values, later=forward))[: size + 1])
    more = len(found) > size
    found = found[:size]
    if not forward:
        found.reverse()
    behind = rows.filter(beyond(keys, values, later=not forward, inclusive=True)).exists()
    has_next, has_previous = (more, behind) if forward else (behind, more)
    return found, has_next, has_previous
