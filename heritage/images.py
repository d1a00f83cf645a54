"""Image checks shared by the model field, the admin and fixtures.

Pillow opens the file lazily, so a hostile upload is refused on its header
(format, declared size) before any pixel data is decoded.
"""

from __future__ import annotations

import warnings

from django.core.exceptions import ValidationError
from PIL import Image, UnidentifiedImageError

MAX_IMAGE_BYTES = 20 * 1024 * 1024
MAX_IMAGE_PIXELS = 40_000_000
ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF", "TIFF"}

NOT_AN_IMAGE = "The file is not an image Pillow can read."
IMAGE_TOO_LARGE = "The file is larger than {limit} MB."
TOO_MANY_PIXELS = "The image has {pixels} pixels; the limit is {limit}."
FORMAT_NOT_ALLOWED = "{format} images are not accepted; use JPEG, PNG, WebP, GIF or TIFF."


def validate_image(file) -> None:
    """Raise ValidationError unless *file* is a real image within the size limits."""
    size = getattr(file, "size", None)
    if size is not None and size > MAX_IMAGE_BYTES:
        raise ValidationError(IMAGE_TOO_LARGE.format(limit=MAX_IMAGE_BYTES // (1024 * 1024)))
    try:
        file.seek(0)
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(file) as image:
                width, height = image.size
                fmt = image.format
                if width * height > MAX_IMAGE_PIXELS:
                    raise ValidationError(
                        TOO_MANY_PIXELS.format(pixels=width * height, limit=MAX_IMAGE_PIXELS)
                    )
                if fmt not in ALLOWED_FORMATS:
                    raise ValidationError(FORMAT_NOT_ALLOWED.format(format=fmt))
                image.verify()
    except ValidationError:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError(NOT_AN_IMAGE) from None
    except FileNotFoundError:
        raise ValidationError("The image file is missing.") from None
    except (OSError, SyntaxError, ValueError):
        raise ValidationError(NOT_AN_IMAGE) from None
    finally:
        try:
            file.seek(0)
        except (OSError, ValueError, AttributeError):
            pass
