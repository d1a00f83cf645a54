"""Words the public pages use for the registry's codes, translated (the models' choice
labels are the curators' English)."""

from django.utils.translation import gettext_lazy as _

STATE_LABELS = {
    "intact": _("Intact"),
    "damaged": _("Damaged"),
    "severely_damaged": _("Severely damaged"),
    "destroyed": _("Destroyed"),
    "restored": _("Restored"),
    "unknown": _("Unknown"),
}

# What each state means, for a reader who does not know the scale.
STATE_MEANINGS = {
    "intact": _("No damage reported or visible."),
    "damaged": _("Damaged; the extent is limited or not stated."),
    "severely_damaged": _("Major parts lost; the structure partly stands."),
    "destroyed": _("No longer retains its integrity."),
    "restored": _("Repaired or rebuilt after damage."),
    "unknown": _("No accepted evidence yet."),
}

KIND_LABELS = {
    "site": _("site as a whole"),
    "temple": _("temple"),
    "arch": _("arch"),
    "tomb_group": _("tomb group"),
    "tomb": _("tomb"),
    "statue": _("statue"),
    "museum": _("museum"),
    "fortress": _("fortress"),
    "theatre": _("theatre"),
    "monument": _("monument"),
    "street": _("street"),
    "monastery": _("monastery"),
    "modern_building": _("modern building"),
}

EVIDENCE_LABELS = {
    "eyewitness": _("eyewitness"),
    "imagery": _("imagery (satellite or photo)"),
    "official": _("official or heritage authority"),
    "monitoring_group": _("monitoring group"),
    "unattributed": _("unattributed"),
}

CAUSE_LABELS = {
    "explosives": _("explosives"),
    "shelling": _("shelling or air strike"),
    "fighting": _("fighting"),
    "looting": _("looting"),
    "vandalism": _("vandalism"),
    "misuse": _("misuse (executions, military use)"),
}

SOURCE_KIND_LABELS = {
    "article": _("news article"),
    "statement": _("statement"),
    "imagery_report": _("imagery report"),
    "field_report": _("field report"),
}

# A claim's part in the consensus (the engine's roles), in plain words.
ROLE_LABELS = {
    "supports": _("supports the status"),
    "disputes": _("disputes the status"),
    "copy": _("copy of an origin already counted (counted once)"),
    "superseded": _("superseded by a later observation"),
    "discounted": _("discounted"),
    "later": _("observed after the chosen date (not counted)"),
    "unweighed": _("not weighed yet"),
}

LANGUAGE_NAMES = {
    "en": _("English"),
    "ar": _("Arabic"),
    "fr": _("French"),
    "de": _("German"),
    "ar-Latn": _("Arabic (Latin script)"),
}
