"""Submitting admin forms as a browser would: every field with its current value."""

from __future__ import annotations

import datetime
from decimal import Decimal


def _value(value):
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, datetime.date | Decimal | int | float):
        return str(value)
    return value


def _add_form(data: dict, form) -> None:
    for name in form.fields:
        bound = form[name]
        value = bound.value()
        key = bound.html_name
        if isinstance(value, bool):
            if value:
                data[key] = "on"
            continue
        if isinstance(value, list | tuple):
            data[key] = [_value(v) for v in value]
            continue
        data[key] = _value(value)


def change_form_data(response, **changes) -> dict:
    """The POST data of the admin change form in *response*, with *changes* applied."""
    data: dict = {}
    _add_form(data, response.context["adminform"].form)
    inlines = response.context.get("inline_admin_formsets") or []  # none in a revert form
    for inline in inlines:
        formset = inline.formset
        _add_form(data, formset.management_form)
        for form in formset.forms:
            _add_form(data, form)
    data.update(changes)
    return data
