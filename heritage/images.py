"""Image checks shared by the model field, the admin and fixtures.

Pillow opens the file lazily, so a hostile upload is refused on its header
(format, declared size) before any pixel data is decoded.
"""

from __future__ import annotations

import io
import warnings

from django.core.exceptions import ValidationError
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_IMAGE_BYTES = 20 * 1024 * 1024
MAX_IMAGE_PIXELS = 40_000_000
ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF", "TIFF"}

NOT_AN_IMAGE = "The file is not an image Pillow can read."
IMAGE_TOO_LARGE = "The file is larger than {limit} MB."
TOO_MANY_PIXELS = "The image has {pixels} pixels; the limit is {limit}."
FORMAT_NOT_ALLOWED = "{format} images are not accepted; use JPEG, PNG, WebP, GIF or TIFF."
DECOMPRESSION_BOMB = (
    "The image declares far more pixels than the limit of {limit} (a decompression bomb?); "
    "it was not opened."
)


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
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError(DECOMPRESSION_BOMB.format(limit=MAX_IMAGE_PIXELS)) from None
    except UnidentifiedImageError:
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


# --- Preparing an accepted image for storage -------------------------------------------

GPS_IFD = 0x8825
THUMBNAIL_SIZE = (320, 320)


def has_location(image: Image.Image) -> bool:
    """True when the image carries GPS EXIF tags or an XMP packet that mentions GPS."""
    exif = image.getexif()
    if GPS_IFD in exif or exif.get_ifd(GPS_IFD):
        return True
    xmp = image.info.get("xmp") or b""
    return b"GPS" in (xmp if isinstance(xmp, bytes) else str(xmp).encode())


def without_location(file) -> bytes | None:
    """The image re-encoded without its GPS data, or None when it has none.

    The rest of the EXIF (camera, date, orientation) is kept; a JPEG keeps its
    quantisation tables, so re-encoding does not visibly lower its quality.
    """
    file.seek(0)
    with Image.open(file) as image:
        if not has_location(image):
            return None
        fmt = image.format
        exif = image.getexif()
        exif.pop(GPS_IFD, None)
        options: dict = {"exif": exif.tobytes()}
        if image.info.get("icc_profile"):
            options["icc_profile"] = image.info["icc_profile"]
        if fmt == "JPEG":
            options["quality"] = "keep"
        elif fmt == "WEBP":
            options["lossless"] = image.info.get("lossless", False)
            options["quality"] = 95
        image.info.pop("xmp", None)
        out = io.BytesIO()
        image.save(out, format=fmt, **options)
    file.seek(0)
    return out.getvalue()


def thumbnail(file, size: tuple[int, int] = THUMBNAIL_SIZE) -> bytes:
    """A JPEG no larger than *size*, upright (EXIF orientation applied), without EXIF."""
    file.seek(0)
    with Image.open(file) as image:
        image.seek(0)
        small = ImageOps.exif_transpose(image)
        small.thumbnail(size)
        if small.mode not in ("RGB", "L"):
            background = Image.new("RGB", small.size, "white")
            rgba = small.convert("RGBA")
            background.paste(rgba, mask=rgba.getchannel("A"))
            small = background
        out = io.BytesIO()
        small.save(out, format="JPEG", quality=82, optimize=True)
    file.seek(0)
    return out.getvalue()
