"""法人番号 (Japanese corporate number): normalisation and check-digit validation.

13 digits: a leading check digit followed by the 12-digit base number. The check digit is
9 - (sum(P_n * Q_n) mod 9), where P_n is the n-th base digit counted from the right (n = 1..12)
and Q_n is 1 for odd n and 2 for even n (法人番号の指定等に関する省令 第2条).
"""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_SEPARATORS = re.compile(r"[\s\-‐‑‒–—―−ー]")  # spaces and the hyphen look-alikes people type
_ASCII_13 = re.compile(r"[1-9][0-9]{12}")


def check_digit(base: str) -> int:
    """The check digit for a 12-digit base number."""
    total = sum(int(d) * (2 if n % 2 == 0 else 1) for n, d in enumerate(reversed(base), start=1))
    return 9 - total % 9


def normalise_corporate_number(value: str) -> str:
    """Return the 13 ASCII digits of `value`, accepting full-width digits, spaces and hyphens.

    Raises ValidationError (with a message for the user) for anything else.
    """
    text = _SEPARATORS.sub("", unicodedata.normalize("NFKC", str(value or "")))
    if not text:
        raise ValidationError(_("Enter the 13-digit corporate number."), code="required")
    if not text.isascii() or not text.isdigit():
        raise ValidationError(
            _("A corporate number consists of digits only (hyphens and spaces are ignored)."),
            code="invalid_characters",
        )
    if len(text) != 13:
        raise ValidationError(
            _("A corporate number has 13 digits; this one has %(count)d.") % {"count": len(text)},
            code="invalid_length",
        )
    if not _ASCII_13.fullmatch(text) or check_digit(text[1:]) != int(text[0]):
        raise ValidationError(
            _("This corporate number's check digit is wrong; please check for a typing error."),
            code="invalid_check_digit",
        )
    return text


def validate_corporate_number(value: str) -> None:
    """Model-field validator: the stored value must already be the normalised 13 digits."""
    if normalise_corporate_number(value) != value:
        raise ValidationError(_("Store the corporate number as 13 digits."), code="not_normalised")
