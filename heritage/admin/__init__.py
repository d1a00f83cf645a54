"""The curators' workbench, one module per concern.

* Monuments list their stored consensus (state, confidence, contested, claims, latest
  observation) and are searched by every spelling of their names; the change page
  explains the consensus claim by claim, with its timeline, photos and claims
  (``monuments``).
* The review queue (drafted claims) puts claim, excerpt, source and attribution side by
  side, with bulk accept and bulk reject (with a reason) (``claims``, ``decisions``).
* Curator decisions (pin or discount a claim, override a monument's status) need a
  reason and record who made them and when (``decisions``, ``monuments``).
* Every change is in the history (django-simple-history): who, when, which fields;
  deleted records are listed and can be restored; a record edited by someone else
  since the form was opened is not overwritten (``base``).
* Monuments, sources and claims import and export as CSV, XLSX and JSON
  (heritage/resources.py), with a preview before anything is written (``base``).
* Sites, aliases and outlets (``gazetteer``); sources and copy hints (``sources``);
  photos (``photos``).
* Recomputations too large for a request run in the background, with their progress
  (``jobs``).

Roles are groups (heritage/roles.py); the admin checks the permissions they hold.
Importing this package registers every model admin.
"""

from django.contrib import admin

from heritage.admin import claims, gazetteer, jobs, monuments, photos, sources  # noqa: F401
from heritage.admin.sources import copy_hints

__all__ = ["copy_hints"]

# The registry's name in the header, and "View site" opens the public site.
admin.site.site_header = "Heritage-damage registry"
admin.site.site_title = "Heritage-damage registry"
admin.site.index_title = "Curators' workbench"
admin.site.site_url = "/"
