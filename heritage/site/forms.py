"""The public list's filters: a GET form, so that every filter state is a URL."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from heritage.models import Site
from heritage.site.labels import KIND_LABELS, STATE_LABELS

YES_NO = [("", _("any")), ("yes", _("yes")), ("no", _("no"))]

# value -> (label, ordering of the stored list); state sorts from intact to destroyed.
SORTS = {
    "name": (_("name"), ("name", "pk")),
    "-name": (_("name, Z to A"), ("-name", "-pk")),
    "site": (_("site"), ("site_name", "name", "pk")),
    "-confidence": (_("confidence, highest first"), ("-consensus__confidence", "name", "pk")),
    "confidence": (_("confidence, lowest first"), ("consensus__confidence", "name", "pk")),
    "-changed": (_("latest change first"), ("-consensus__changed_at", "name", "pk")),
}


class MonumentFilterForm(forms.Form):
    q = forms.CharField(label=_("Name"), required=False, max_length=200)
    site = forms.ChoiceField(label=_("Site"), required=False)
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("any")), *KIND_LABELS.items()]
    )
    state = forms.ChoiceField(
        label=_("State"), required=False, choices=[("", _("any")), *STATE_LABELS.items()]
    )
    contested = forms.ChoiceField(label=_("Contested"), required=False, choices=YES_NO)
    photos = forms.ChoiceField(label=_("Has photos"), required=False, choices=YES_NO)
    located = forms.ChoiceField(label=_("On the map"), required=False, choices=YES_NO)
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[(value, label) for value, (label, _order) in SORTS.items()],
    )
    as_of = forms.DateField(
        label=_("Status as of"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Leave empty for today."),
    )
    page = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args, sites: list[Site], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["site"].choices = [
            ("", _("any")),
            *((s.slug, getattr(s, "display_name", s.name)) for s in sites),
        ]

    def clean_as_of(self):
        day = self.cleaned_data.get("as_of")
        if day and day > timezone.localdate():
            raise forms.ValidationError(_("Choose a date that is not in the future."))
        return day


class AsOfForm(forms.Form):
    as_of = forms.DateField(
        label=_("Status as of"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def clean_as_of(self):
        day = self.cleaned_data.get("as_of")
        if day and day > timezone.localdate():
            raise forms.ValidationError(_("Choose a date that is not in the future."))
        return day
