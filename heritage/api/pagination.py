"""Page-number pagination that answers bad page parameters with a named 4xx, and
counts a list only as far as ``API_COUNT_LIMIT``."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.paginator import EmptyPage, Page
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from heritage.api.errors import ParameterError, ParameterNotFound, whole_number

DEFAULT_PAGE_SIZE = 100
# Beyond any page a registry can have; keeps int() of a huge string out of reach.
MAX_PAGE = 10**9


def bounded_count(queryset) -> int | None:
    """How many rows *queryset* has, counted up to ``API_COUNT_LIMIT``; None beyond it.

    The count reads at most that many rows (``COUNT(*)`` over a ``LIMIT``, unordered so
    that the database picks its cheapest index), so that a list's first page costs the
    same in a registry of any size."""
    limit = settings.API_COUNT_LIMIT
    found = queryset.order_by()[: limit + 1].count()
    return found if found <= limit else None


class UncountedPage(Page):
    """A page of a list with more rows than are counted: whether a page follows is
    known from the one row read past it, not from the number of pages."""

    def __init__(self, rows, number: int, paginator, more: bool):
        super().__init__(rows, number, paginator)
        self.more = more

    def has_next(self) -> bool:
        return self.more

    def next_page_number(self) -> int:
        return self.number + 1

    def previous_page_number(self) -> int:
        return self.number - 1

    def __repr__(self) -> str:
        return f"<Page {self.number}, not counted>"


class RegistryPagination(PageNumberPagination):
    page_size = DEFAULT_PAGE_SIZE
    page_size_query_param = "page_size"
    # The count limit when the last page by number found more matches (else None).
    count_exceeds: int | None = None

    @property
    def max_page_size(self) -> int:
        return settings.API_MAX_PAGE_SIZE

    def get_page_size(self, request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        size = whole_number(raw)
        if size is None or size < 1:
            raise ParameterError(
                "page_size", f"Expected a whole number from 1 to {self.max_page_size}."
            )
        if size > self.max_page_size:
            raise ParameterError("page_size", f"At most {self.max_page_size} per page.")
        return size

    def page_number(self, request) -> int:
        raw = request.query_params.get(self.page_query_param, "1")
        number = whole_number(raw)
        if number is None or not 1 <= number <= MAX_PAGE:
            raise ParameterError("page", f"Expected a page number from 1 to {MAX_PAGE}.")
        return number

    def check_parameters(self, request) -> None:
        """Refuse a bad ``page`` or ``page_size`` whatever the format: the streamed
        formats return every record and ignore them, but a wrong value is still an
        error worth telling."""
        self.page_number(request)
        self.get_page_size(request)

    def paginate_queryset(
        self, queryset, request, view=None, count: Callable[[], int | None] | None = None
    ):
        """The page's rows. The matches are counted up to ``API_COUNT_LIMIT``
        (:func:`bounded_count`); *count*, when given, does that in a cheaper way than
        counting *queryset* (the same number, or None beyond the limit). Beyond it the
        page is read with one row more, which tells whether another follows."""
        raw = request.query_params.get(self.page_query_param, "1")
        number = self.page_number(request)
        self.request = request
        page_size = self.get_page_size(request)
        paginator = self.django_paginator_class(queryset, page_size)
        paginator.count = (count or (lambda: bounded_count(queryset)))()
        self.count_exceeds = None
        if paginator.count is None:
            self.count_exceeds = settings.API_COUNT_LIMIT
            start = (number - 1) * page_size
            rows = list(queryset[start : start + page_size + 1])
            if not rows and number > 1:
                raise ParameterNotFound("page", f"Page {raw} is past the last page.")
            self.page = UncountedPage(rows[:page_size], number, paginator, len(rows) > page_size)
            return list(self.page)
        try:
            self.page = paginator.page(number)
        except EmptyPage:
            raise ParameterNotFound(
                "page", f"Page {raw} is past the last page ({paginator.num_pages})."
            ) from None
        return list(self.page)

    def counted(self, count: int | None) -> dict:
        """The response's count: ``count``, and ``count_exceeds`` when the first page
        found more matches than it counts."""
        if self.count_exceeds is None:
            return {"count": count}
        return {"count": None, "count_exceeds": self.count_exceeds}

    def get_paginated_response(self, data):
        return Response(
            {
                **self.counted(self.page.paginator.count),
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        described = super().get_paginated_response_schema(schema)
        notes = {
            "count": "How many records match, over all pages; null on a page read by key "
            "(after or before), which does not count them, and when more match than a "
            "page counts (see count_exceeds).",
            "next": "Address of the next page, or null on the last. On monuments, sources "
            "and claims in publication order it reads by key: after= the page's last record.",
            "previous": "Address of the previous page, or null on the first; by key: "
            "before= the page's first record.",
            "results": "This page's records.",
        }
        for name, text in notes.items():
            described["properties"][name]["description"] = text
        described["properties"]["count"]["nullable"] = True
        properties = described["properties"]
        described["properties"] = {
            "count": properties.pop("count"),
            "count_exceeds": {
                "type": "integer",
                "description": "Present only when more records match than a page counts "
                "(the server's count limit, 10,000 by default): count is then null, and "
                "the pages are followed by their next links.",
                "example": settings.API_COUNT_LIMIT,
            },
            **properties,
        }
        return described
