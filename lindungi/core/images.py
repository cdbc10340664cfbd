"""Photos without their metadata: an image is re-encoded from its pixels after applying its
EXIF orientation, so EXIF (GPS, camera, time), XMP, ICC profiles and comments are all left
behind. Shared by the case attachments and the prevention photos."""

import io
import warnings

import filetype
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

IMAGE_FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP"}
# Pixel modes each format is written in; anything else is converted first.
IMAGE_MODES = {"JPEG": {"L", "RGB"}, "PNG": {"L", "LA", "RGB", "RGBA"}, "WEBP": {"RGB", "RGBA"}}
SAVE_OPTIONS = {"JPEG": {"quality": 90}, "PNG": {}, "WEBP": {"quality": 90}}
# A phone photo is 12–50 megapixels. Cleaning holds about three copies of the pixels
# (3 bytes each), so this also bounds the memory one upload takes (~450 MB at the limit).
MAX_PIXELS = 50_000_000


def image_type(data: bytes) -> str | None:
    """The content type of a photo we can clean (by its first bytes), else None."""
    kind = filetype.guess(data)
    return kind.mime if kind is not None and kind.mime in IMAGE_FORMATS else None


def clean_image(data: bytes, image_format: str) -> bytes:
    """The image re-encoded from its pixels alone, turned upright, without any metadata."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=[image_format]) as image:
                if image.width * image.height > MAX_PIXELS:
                    raise ValidationError(
                        _(
                            "The photo has more than %(limit)s megapixels. Attach a smaller "
                            "copy (most phones can share a reduced size)."
                        )
                        % {"limit": MAX_PIXELS // 1_000_000},
                        code="pixels",
                    )
                upright = ImageOps.exif_transpose(image)
                if upright.mode not in IMAGE_MODES[image_format]:
                    alpha = "A" in upright.getbands() or "transparency" in upright.info
                    keep_alpha = alpha and image_format != "JPEG"
                    upright = upright.convert("RGBA" if keep_alpha else "RGB")
                # A new image from the raw pixels: nothing of the original's info dict
                # (EXIF, XMP, ICC profile, comments, text chunks) can come along.
                clean = Image.frombytes(upright.mode, upright.size, upright.tobytes())
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError, Warning):
        raise ValidationError(
            _("The image could not be read. It may be damaged; try taking or saving it again."),
            code="image",
        ) from None
    out = io.BytesIO()
    clean.save(out, format=image_format, **SAVE_OPTIONS[image_format])
    return out.getvalue()
