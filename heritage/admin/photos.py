"""Photos, checked by Pillow before they are stored."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.utils.html import format_html

from heritage import services
from heritage.admin.base import HistoryAdmin
from heritage.images import validate_image
from heritage.models import (
    PHOTO_NEEDS_CREDIT,
    Photo,
)


class CheckedImageField(forms.ImageField):
    """Runs the registry's Pillow checks first, so a decompression bomb or an oversized
    image is refused with its own message, not Django's generic one."""

    def to_python(self, data):
        if data not in self.empty_values:
            validate_image(data)
        return super().to_python(data)


class PhotoForm(forms.ModelForm):
    class Meta:
        model = Photo
        fields = ["key", "image", "caption", "credit", "taken_on", "monument", "source"]
        field_classes = {"image": CheckedImageField}
        error_messages = {"credit": {"required": PHOTO_NEEDS_CREDIT}}


@admin.register(Photo)
class PhotoAdmin(HistoryAdmin):
    form = PhotoForm
    list_display = ["preview", "key", "monument", "credit", "taken_on"]
    list_select_related = ["monument"]
    search_fields = ["key", "caption", "credit"]
    autocomplete_fields = ["monument", "source"]
    readonly_fields = ["preview", "width", "height"]
    show_full_result_count = False

    @admin.display(description="thumbnail")
    def preview(self, obj):
        if obj is None or not obj.thumbnail:
            return "–"
        return format_html(
            '<img src="{}" alt="{}" style="max-width:160px;max-height:120px">',
            obj.thumbnail.url,
            obj.caption or obj.key,
        )

    def save_model(self, request, obj, form, change):
        obj._history_user = request.user
        services.store_photo(photo=obj)
