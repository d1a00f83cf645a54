"""The curators' roles: Django groups and the permissions each one holds.

* **Viewer** reads everything and changes nothing.
* **Curator** drafts and edits: adds and changes monuments, aliases, sources, outlets,
  claims and photos, but cannot accept, reject, pin or discount a claim, nor override a
  monument's status (the review fields are read-only to them).
* **Reviewer** is a curator who also decides: accepts and rejects claims, ranks them,
  and overrides statuses.

The groups are created by a data migration and kept complete after every ``migrate``
(and ``flush``), adding what is missing and never removing a permission an
administrator granted.
"""

from __future__ import annotations

from django.apps import apps as global_apps
from django.db import DEFAULT_DB_ALIAS

VIEWER = "Viewer"
CURATOR = "Curator"
REVIEWER = "Reviewer"

REVIEW_PERMISSION = "review_damagereport"

_READABLE = [
    "site",
    "monument",
    "alias",
    "outlet",
    "source",
    "damagereport",
    "draftedclaim",
    "statusoverride",
    "photo",
    "monumentconsensus",
]
_EDITABLE = ["site", "monument", "alias", "outlet", "source", "damagereport", "photo"]

_VIEW = [f"view_{m}" for m in _READABLE]
_EDIT = [
    *(f"{action}_{m}" for m in _EDITABLE for action in ("add", "change")),
    "delete_alias",
    "delete_photo",
]
_DECIDE = [
    REVIEW_PERMISSION,
    "add_statusoverride",
    "change_statusoverride",
    "delete_statusoverride",
    "delete_damagereport",
]

# Codenames of the heritage app's permissions held by each role.
ROLES: dict[str, list[str]] = {
    VIEWER: _VIEW,
    CURATOR: [*_VIEW, *_EDIT],
    REVIEWER: [*_VIEW, *_EDIT, *_DECIDE],
}


def ensure_roles(apps=global_apps, using: str = DEFAULT_DB_ALIAS) -> None:
    """Create the groups and give each the permissions it lacks (idempotent)."""
    from django.contrib.auth.management import create_permissions

    create_permissions(global_apps.get_app_config("heritage"), verbosity=0, using=using, apps=apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ROLES.items():
        group, _ = Group.objects.using(using).get_or_create(name=name)
        # A permission of a model not migrated yet (migrating backwards) is skipped.
        group.permissions.add(
            *Permission.objects.using(using).filter(
                content_type__app_label="heritage", codename__in=codenames
            )
        )
