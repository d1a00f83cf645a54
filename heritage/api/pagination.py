"""Page-number pagination that answers bad page parameters with a named 4xx."""

from __future__ import annotations

from django.conf import settings
from django.core.paginator import EmptyPage
from rest_framework.pagination import PageNumberPagination

from heritage.api.errors import ParameterError, ParameterNotFound, whole_number

DEFAULT_PAGE_SIZE = 100
# Beyond any page a registry can have; keeps int() of a huge string out of reach.
MAX_PAGE = 10**9


class RegistryPagination(PageNumberPagination):
    page_size = DEFAULT_PAGE_SIZE
    page_size_query_param = "page_size"

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

    def paginate_queryset(self, queryset, request, view=None, count=None):
        """The page's rows; *count*, when given, says how many rows match in a cheaper
        way than counting *queryset* (it must give the same number)."""
        raw = request.query_params.get(self.page_query_param, "1")
        number = self.page_number(request)
        self.request = request
        page_size = self.get_page_size(request)
        paginator = self.django_paginator_class(queryset, page_size)
        if count is not None:
            paginator.count = count()  # in place of the cached property
        try:
            self.page = paginator.page(number)
        except EmptyPage:
            raise ParameterNotFound(
                "page", f"Page {raw} is past the last page ({paginator.num_pages})."
            ) from None
        return list(self.page)

    def get_paginated_response_schema(self, schema):
        described = super().get_paginated_response_schema(schema)
        notes = {
            "count": "How many records match, over all pages; null on a page read by key "
            "(after or before), which does not count them.",
            "next": "Address of the next page, or null on the last. On monuments, sources "
            "and claims in publication order it reads by key: after= the page's last record.",
            "previous": "Address of the previous page, or null on the first; by key: "
            "before= the page's first record.",
            "results": "This page's records.",
        }
        for name, text in notes.items():
            described["properties"][name]["description"] = text
        described["properties"]["count"]["nullable"] = True
        return described
