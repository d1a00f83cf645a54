"""Queries the ORM compiles once per process and database connection.

Building a queryset and compiling its SQL costs the ORM a few hundred microseconds per
query, more than the database takes to answer a lookup by key. The reads every request
makes (the registry's revision, a monument's detail rows, a site) are the same queries
each time with another key, so :class:`Prepared` builds the queryset once, with marker
values standing in for its parameters, keeps the SQL and the ORM's value converters,
and then only binds the values, runs the SQL and converts the rows: the rows are those
the queryset would give, and the ORM still describes the query.

Only parameters the query passes to the database unchanged can be prepared (an exact
lookup, ``__in`` with one value); one the ORM rewrites (``icontains`` wraps it in ``%``)
is refused when the query is first compiled.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import QuerySet
from django.db.models.query import FlatValuesListIterable, ValuesIterable, ValuesListIterable

# Marker values: inside a 32-bit integer's range (the ORM turns an out-of-range lookup
# into an empty result without querying) and never a real key.
_INT_MARKER = -1_987_650_000
_STR_MARKER = "\x1fprepared-parameter-{}\x1f"
PARAMETER_NOT_PASSED = (
    "Parameter {name!r} of a prepared query must reach the database unchanged, once; "
    "found {count} times in the compiled parameters."
)
NOT_VALUES = "A prepared query must be a values() or values_list() queryset."
MARKER_OUT_OF_RANGE = (
    "The markers of a prepared query's parameters are outside the range of a field they "
    "are compared with; prepare only parameters compared with ids or text."
)
NOT_OF_KIND = "Parameter {name!r} of a prepared query is a {kind}, not {value!r}."
# Where each database connection keeps its compiled queries: on the connection object
# itself, so they go with it (each thread has its own connection; the ORM's converters
# hold references to it).
_ON_CONNECTION = "heritage_prepared_queries"


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: tuple
    positions: tuple[tuple[str, int], ...]  # (parameter name, index in params)
    names: tuple[str, ...]
    converters: tuple  # (position, (functions, expression))
    shape: type  # the queryset's iterable class: dicts, tuples or flat values


class Prepared:
    """A ``values()`` / ``values_list()`` query with named parameters, compiled on first
    use on each database connection. Values are bound as they are given, so each must be
    of its declared kind (an ``int`` or a ``str``; never None).

    ``build`` takes the parameters as keyword arguments and returns the queryset;
    ``kinds`` gives each parameter's type (``int`` or ``str``)::

        REVISION = Prepared(lambda pk: Revision.objects.filter(pk=pk).values(...), pk=int)
        REVISION.rows(pk=1)        # what the queryset would give, as a list
        REVISION.first(pk=1)       # the first row, or None
    """

    def __init__(self, build: Callable[..., QuerySet], using: str = "default", **kinds: type):
        for name, kind in kinds.items():
            if kind not in (int, str):
                raise TypeError(f"{name}: a prepared parameter is an int or a str, not {kind}")
        self.build = build
        self.using = using
        self.kinds = kinds

    def markers(self) -> dict[str, Any]:
        return {
            name: (_INT_MARKER + i if kind is int else _STR_MARKER.format(i))
            for i, (name, kind) in enumerate(self.kinds.items())
        }

    def compiled(self, connection) -> _Compiled:
        """This query as compiled on *connection* (compiled now if it was not yet).
        A connection belongs to one thread, so no two threads share an entry."""
        kept = connection.__dict__.setdefault(_ON_CONNECTION, {})
        found = kept.get(self)
        if found is None:
            found = kept[self] = self._compile(connection)
        return found

    def _compile(self, connection) -> _Compiled:
        markers = self.markers()
        queryset = self.build(**markers)
        shape = queryset._iterable_class
        if shape not in (ValuesIterable, ValuesListIterable, FlatValuesListIterable):
            raise TypeError(NOT_VALUES)
        query = queryset.query
        compiler = query.get_compiler(connection=connection)
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:
            raise ValueError(MARKER_OUT_OF_RANGE) from None
        positions = []
        for name, marker in markers.items():
            at = [i for i, value in enumerate(params) if value == marker]
            if len(at) != 1:
                raise ValueError(PARAMETER_NOT_PASSED.format(name=name, count=len(at)))
            positions.append((name, at[0]))
        fields = [column[0] for column in compiler.select[0 : compiler.col_count]]
        # The columns' names in the order of the SELECT, as the ORM's values() reads them.
        if query.selected is None:
            names = (*query.extra_select, *query.values_select, *query.annotation_select)
        else:
            names = tuple(query.selected)
        if len(names) != len(fields):
            raise ValueError(f"{len(names)} names for {len(fields)} columns")
        return _Compiled(
            sql=sql,
            params=tuple(params),
            positions=tuple(positions),
            names=names,
            converters=tuple(compiler.get_converters(fields).items()),
            shape=shape,
        )

    def rows(self, **values) -> list:
        """The queryset's rows for *values*: dicts for ``values()``, tuples or flat
        values for ``values_list()``."""
        connection = connections[self.using]
        compiled = self.compiled(connection)
        params = list(compiled.params)
        for name, at in compiled.positions:
            value = values[name]
            if type(value) is not self.kinds[name]:  # None or a bool would bind as-is
                kind = self.kinds[name].__name__
                raise TypeError(NOT_OF_KIND.format(name=name, kind=kind, value=value))
            params[at] = value
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, params)
            raw = cursor.fetchall()
        if compiled.converters:
            raw = [self._convert(list(row), compiled.converters, connection) for row in raw]
        if compiled.shape is ValuesIterable:
            return [dict(zip(compiled.names, row, strict=True)) for row in raw]
        if compiled.shape is FlatValuesListIterable:
            return [row[0] for row in raw]
        return [tuple(row) for row in raw]

    def first(self, **values):
        found = self.rows(**values)
        return found[0] if found else None

    @staticmethod
    def _convert(row: list, converters, connection) -> list:
        for position, (functions, expression) in converters:
            value = row[position]
            for function in functions:
                value = function(value, expression, connection)
            row[position] = value
        return row
