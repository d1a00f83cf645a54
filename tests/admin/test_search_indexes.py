"""On PostgreSQL the admin's searches can use trigram indexes (the index expressions
must be the ones Django's lookups produce, or the planner ignores them)."""

import pytest
from django.db import connection

from heritage.models import Alias, DamageReport, Monument, Source

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="trigram indexes exist on PostgreSQL only"
)

SEARCHES = [
    (Monument.objects.filter(name__icontains="bel"), "monument_name_trgm"),
    (Monument.objects.filter(slug__icontains="bel"), "monument_slug_trgm"),
    (Monument.objects.filter(search_text__contains="bel"), "monument_search_text_trgm"),
    (Alias.objects.filter(name__icontains="tadmor"), "alias_name_trgm"),
    (DamageReport.objects.filter(excerpt__icontains="blown up"), "report_excerpt_trgm"),
    (Source.objects.filter(title__icontains="palmyra"), "source_title_trgm"),
    (Source.objects.filter(key__icontains="afp-2016"), "source_key_trgm"),
]


@pytest.mark.parametrize(("queryset", "index"), SEARCHES, ids=[i for _, i in SEARCHES])
def test_a_search_can_use_its_trigram_index(db, queryset, index):
    with connection.cursor() as cursor:
        # Tiny test tables are cheaper to scan; forbid that to see whether the index fits.
        cursor.execute("SET LOCAL enable_seqscan = off")
        # On empty tables a whole b-tree holding the name or key (the lists' order
        # indexes) costs the planner less than any search; dropped here, inside the
        # test's transaction.
        for ordered in (
            *("monument_list_order", "monument_by_name", "monument_kind_order"),
            *("source_newest_first", "source_oldest_first"),
        ):
            cursor.execute(f"DROP INDEX IF EXISTS {ordered}")
        plan = queryset.order_by().values("pk").explain()  # the filter alone, no joins
    assert index in plan
