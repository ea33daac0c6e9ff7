"""Input normalisation for qualification numbers."""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# People type 登録番号 as printed on the RISS certificate ("第012345号"), with full-width digits,
# spaces or hyphens; the register itself uses six digits.
_RISS_DECORATION = re.compile(r"[\s\-‐‑‒–—―−ー第号]")
_RISS_NUMBER = re.compile(r"[0-9]{6}")
_SPACES = re.compile(r"\s+")


def normalise_qualification_number(kind: str, value: str) -> str:
    """The stored form of a qualification number; raises ValidationError for a bad one.

    A 情報処理安全確保支援士 (RISS) registration number has exactly six digits. Other issuers
    use various formats, so they are only trimmed and limited to 32 characters.
    """
    text = unicodedata.normalize("NFKC", str(value or "")).strip()
    if kind == "riss":
        text = _RISS_DECORATION.sub("", text)
        if not _RISS_NUMBER.fullmatch(text):
            raise ValidationError(
                _("A RISS registration number has six digits, e.g. 012345."),
                code="invalid_riss_number",
            )
        return text
    text = _SPACES.sub(" ", text)
    if not text:
        raise ValidationError(_("Enter the number."), code="required")
    if len(text) > 32:
        raise ValidationError(_("Enter at most 32 characters."), code="too_long")
    return text
