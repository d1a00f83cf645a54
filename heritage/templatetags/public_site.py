"""Template helpers of the public site: labels for codes, safe links, URLs that keep
the page's filters, and the language switcher."""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language, get_language_info
from django.utils.translation import gettext as _

from heritage.site import labels

register = template.Library()


@register.filter
def state_label(code: str) -> str:
    return labels.STATE_LABELS.get(code, code)


@register.filter
def state_meaning(code: str) -> str:
    return labels.STATE_MEANINGS.get(code, "")


@register.filter
def kind_label(code: str) -> str:
    return labels.KIND_LABELS.get(code, code)


@register.filter
def evidence_label(code: str) -> str:
    return labels.EVIDENCE_LABELS.get(code, code)


@register.filter
def cause_label(code: str) -> str:
    return labels.CAUSE_LABELS.get(code, code)


@register.filter
def role_label(code: str) -> str:
    return labels.ROLE_LABELS.get(code, code)


@register.filter
def source_kind_label(code: str) -> str:
    return labels.SOURCE_KIND_LABELS.get(code, code)


@register.filter
def language_name(code: str) -> str:
    return labels.LANGUAGE_NAMES.get(code, code)


@register.filter
def percent(value: float | None) -> str:
    return "" if value is None else f"{round(value * 100)}%"


@register.filter
def confidence_word(value: float) -> str:
    if value >= 0.8:
        return _("high")
    if value >= 0.5:
        return _("moderate")
    return _("low")


@register.filter
def http_url(value: str) -> str:
    """The URL if it is http(s), else "" (no javascript:, data: or relative links out)."""
    value = (value or "").strip()
    parts = urlsplit(value)
    return value if parts.scheme in ("http", "https") and parts.netloc else ""


@register.simple_tag(takes_context=True)
def query_with(context, **changes) -> str:
    """The current query string with *changes* applied (None or "" removes a key)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        params.pop(key, None)
        if value not in (None, ""):
            params[key] = value
    return "?" + params.urlencode() if params else "?"


@register.simple_tag
def feed_query(site) -> str:
    return "?" + urlencode({"site": site.slug}) if site else ""


@register.simple_tag(takes_context=True)
def other_languages(context) -> list[dict]:
    """The same page in each other language of the site, filters kept."""
    request = context["request"]
    current = get_language()
    query = request.META.get("QUERY_STRING", "")
    links = []
    for code, _name in settings.LANGUAGES:
        if code == current:
            continue
        url = translate_url(request.path, code)
        info = get_language_info(code)
        links.append(
            {
                "code": code,
                "name": info["name_local"],
                "url": f"{url}?{query}" if query else url,
                "bidi": info["bidi"],
            }
        )
    return links
