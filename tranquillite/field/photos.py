"""A daily-log photo is opened, checked and re-encoded by Pillow: no original is kept, so
its EXIF metadata — the phone's model, the time, the GPS position — never reaches the
server's storage (CNIL: minimisation; a position finer than the entry's own is not needed).
Size, pixel count and dimensions are capped."""

from __future__ import annotations

import io
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError


def reencode(upload: IO[bytes], size: int) -> bytes:
    """The photo as a JPEG without metadata, at most FIELD_PHOTO_MAX_SIDE pixels a side."""
    if size > settings.FIELD_PHOTO_MAX_BYTES:
        message = _("The photo is too large (at most %(mb)s MB).")
        limit = f"{settings.FIELD_PHOTO_MAX_BYTES / 1_000_000:g}"
        raise ValidationError({"photo": message % {"mb": limit}})
    not_an_image = ValidationError({"photo": _("This file is not a photo (JPEG, PNG, WebP).")})
    try:
        with Image.open(upload) as image:
            if image.format not in {"JPEG", "PNG", "WEBP", "MPO"}:
                raise not_an_image
            width, height = image.size
            if width * height > settings.FIELD_PHOTO_MAX_PIXELS:
                raise ValidationError({"photo": _("The photo has too many pixels.")})
            image.load()
            # Turn the picture as the phone meant it before its orientation tag is dropped.
            upright = ImageOps.exif_transpose(image).convert("RGB")
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, ValueError) as error:
        raise not_an_image from error
    side = settings.FIELD_PHOTO_MAX_SIDE
    upright.thumbnail((side, side))
    # A new image from the pixels only: no info dictionary, no EXIF, no ICC, no XMP.
    clean = Image.new("RGB", upright.size)
    clean.paste(upright)
    output = io.BytesIO()
    clean.save(output, format="JPEG", quality=82, optimize=True)
    return output.getvalue()
