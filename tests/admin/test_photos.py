"""Photos: checked with Pillow, stored without GPS data, thumbnailed, credited."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from heritage import services
from heritage.images import (
    DECOMPRESSION_BOMB,
    GPS_IFD,
    MAX_IMAGE_PIXELS,
    NOT_AN_IMAGE,
    TOO_MANY_PIXELS,
    without_location,
)
from heritage.models import PHOTO_NEEDS_CREDIT, Photo

MAKE = 0x010F  # EXIF: camera maker


def jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (1200, 800), "peru")
    exif = image.getexif()
    exif[MAKE] = "TestCam"
    gps = exif.get_ifd(GPS_IFD)
    gps[1], gps[2] = "N", (34.0, 33.0, 3.6)  # GPSLatitudeRef, GPSLatitude
    gps[3], gps[4] = "E", (38.0, 16.0, 1.2)
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, quality=90)
    return out.getvalue()


def png_declaring(width: int, height: int) -> bytes:
    """A few dozen bytes whose header claims width x height pixels."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def upload(content: bytes, name: str = "photo.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="image/jpeg")


def add_photo(client, monument_id, content: bytes, **fields):
    data = {
        "key": "bel-gate",
        "credit": "AFP / Joseph Eid",
        "caption": "The gate",
        "monument": monument_id,
    }
    data.update(fields)
    data["image"] = upload(content)
    return client.post(reverse("admin:heritage_photo_add"), data)


def test_the_jpeg_from_the_test_carries_gps_data():
    with Image.open(io.BytesIO(jpeg_with_gps())) as image:
        assert image.getexif().get_ifd(GPS_IFD)


@pytest.mark.parametrize("file_format", ["JPEG", "PNG", "WEBP", "TIFF"])
def test_gps_data_is_removed_and_the_rest_of_the_exif_kept(file_format):
    image = Image.new("RGB", (60, 40), "peru")
    exif = image.getexif()
    exif[MAKE] = "TestCam"
    exif.get_ifd(GPS_IFD)[1] = "N"
    exif.get_ifd(GPS_IFD)[2] = (34.0, 33.0, 3.6)
    original = io.BytesIO()
    image.save(original, file_format, exif=exif.tobytes())

    cleaned = without_location(original)

    with Image.open(io.BytesIO(cleaned)) as result:
        assert result.format == file_format
        assert not result.getexif().get_ifd(GPS_IFD)
        assert result.getexif()[MAKE] == "TestCam"


def test_an_image_without_gps_is_stored_as_given():
    original = io.BytesIO()
    Image.new("RGB", (60, 40), "peru").save(original, "PNG")

    assert without_location(original) is None


def test_an_uploaded_photo_is_stored_without_gps_and_with_a_thumbnail(one_claim, curator, client):
    client.force_login(curator)

    response = add_photo(client, one_claim.monument_id, jpeg_with_gps())

    assert response.status_code == 302
    photo = Photo.objects.get(key="bel-gate")
    with photo.image.open("rb") as stored, Image.open(stored) as image:
        exif = image.getexif()
        assert GPS_IFD not in exif and not exif.get_ifd(GPS_IFD)
        assert exif[MAKE] == "TestCam"  # the rest of the EXIF is kept
        assert image.size == (1200, 800)
    assert (photo.width, photo.height) == (1200, 800)
    with photo.thumbnail.open("rb") as thumb, Image.open(thumb) as small:
        assert max(small.size) == 320
        assert not small.getexif().get_ifd(GPS_IFD)
    assert photo.history.latest().history_user == curator


@pytest.mark.parametrize(
    "content,message",
    [
        pytest.param(b"%PDF-1.4 not an image at all", NOT_AN_IMAGE, id="not-an-image"),
        pytest.param(
            png_declaring(8000, 6000),
            TOO_MANY_PIXELS.format(pixels=48_000_000, limit=MAX_IMAGE_PIXELS),
            id="too-many-pixels",
        ),
        pytest.param(
            png_declaring(50_000, 50_000),
            DECOMPRESSION_BOMB.format(limit=MAX_IMAGE_PIXELS),
            id="decompression-bomb",
        ),
    ],
)
def test_an_unacceptable_upload_is_refused_with_a_clear_message(
    one_claim, curator, client, content, message
):
    client.force_login(curator)

    response = add_photo(client, one_claim.monument_id, content)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["image"] == [message]
    assert not Photo.objects.exists()


def test_a_photo_needs_a_credit(one_claim, curator, client):
    client.force_login(curator)

    response = add_photo(client, one_claim.monument_id, jpeg_with_gps(), credit="")

    assert response.context["adminform"].form.errors["credit"] == [PHOTO_NEEDS_CREDIT]
    assert not Photo.objects.exists()


def test_the_photo_service_refuses_a_decompression_bomb(one_claim):
    photo = Photo(key="bomb", credit="x", monument=one_claim.monument)

    with pytest.raises(ValidationError) as refused:
        services.store_photo(photo=photo, image=upload(png_declaring(50_000, 50_000), "b.png"))

    assert refused.value.message_dict["image"] == [
        DECOMPRESSION_BOMB.format(limit=MAX_IMAGE_PIXELS)
    ]
    assert not Photo.objects.exists()
