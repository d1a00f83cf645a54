"""Writes to the registry. Every path that changes evidence ends in refresh_consensus."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction


@transaction.atomic
def refresh_consensus(*, monument_ids: Iterable[int], using: str = "default") -> None:
    """Recompute and store the consensus of the given monuments.

    The single place a change to a monument's evidence leads to: services, the
    admin, imports and loaddata all call it inside their own transaction.
    """
    # The consensus engine arrives with its own issue; until then there is nothing to store.
    list(monument_ids)
