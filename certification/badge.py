"""The ★ mark: an SVG badge per registration for the holder's web site.

It shows the level, the effective status and the validity, links to the live verification page
and is accessible (role="img" with a title and a description). The view serves it with a short
cache lifetime, so a suspension or revocation shows within a minute.
"""

import datetime
import unicodedata

from django.conf import settings
from django.urls import reverse
from django.utils import formats, translation
from django.utils.html import escape
from django.utils.translation import gettext as _

from .choices import EffectiveStatus
from .models import Registration
from .selectors import StatusFacts

E = EffectiveStatus

# (background of the status band, text colour): contrast at least 4.5:1.
TONES = {
    E.ACTIVE: ("#197a4b", "#ffffff"),
    E.NOT_YET_VALID: ("#00118f", "#ffffff"),
    E.SUSPENDED: ("#927200", "#ffffff"),
    E.REVOKED: ("#ce0000", "#ffffff"),
    E.WITHDRAWN: ("#595959", "#ffffff"),
    E.EXPIRED: ("#595959", "#ffffff"),
    E.SUPERSEDED: ("#595959", "#ffffff"),
}
STAR_BLUE = "#0017c1"


def _day(day: datetime.date | None) -> str:
    return formats.date_format(day, "SHORT_DATE_FORMAT") if day else ""


def _fit(text: str, width: int, size: int) -> str:
    """A textLength attribute that squeezes `text` into `width` when it would overflow (wide
    characters count as a full em, others as about 0.58 em)."""
    estimate = sum(size if unicodedata.east_asian_width(c) in "WF" else size * 0.58 for c in text)
    if estimate <= width:
        return ""
    return f' textLength="{width}" lengthAdjust="spacingAndGlyphs"'


def status_line(registration: Registration, facts: StatusFacts) -> str:
    """The badge's status line in the active language, e.g. "Valid until 2028-01-14"."""
    status = facts.status
    if status == E.ACTIVE:
        return _("Valid until %(day)s") % {"day": _day(registration.valid_until)}
    if status == E.NOT_YET_VALID:
        return _("Valid from %(day)s") % {"day": _day(registration.valid_from)}
    if status == E.SUSPENDED:
        return _("Suspended since %(day)s") % {"day": _day(facts.since)}
    if status == E.REVOKED:
        return _("Revoked on %(day)s") % {"day": _day(facts.since)}
    if status == E.WITHDRAWN:
        return _("Withdrawn on %(day)s") % {"day": _day(facts.since)}
    if status == E.SUPERSEDED:
        return _("Renewed: see the new registration")
    return _("Expired: valid until %(day)s") % {"day": _day(registration.valid_until)}


def badge_svg(registration: Registration, facts: StatusFacts, *, language: str) -> str:
    """The SVG document of the registration's ★ mark in `language`."""
    with translation.override(language):
        stars = registration.level.stars
        url = settings.SITE_URL.rstrip("/") + reverse(
            "certification:verify", kwargs={"number": registration.number}
        )
        heading = _("SCS ★%(stars)d") % {"stars": stars}
        line = status_line(registration, facts)
        title = _("%(holder)s holds ★%(stars)d of the SCS scheme: %(status)s") % {
            "holder": registration.display_holder_name,
            "stars": stars,
            "status": facts.label,
        }
        desc = _(
            "Registration %(number)s. %(line)s. Check the current status on the SCS Registry: "
            "%(url)s"
        ) % {"number": registration.number, "line": line, "url": url}
        band, ink = TONES[E(facts.status)]
        font = "'Noto Sans JP', 'Noto Sans CJK JP', 'Hiragino Sans', Meiryo, sans-serif"
        return (
            '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
            'width="240" height="72" viewBox="0 0 240 72" role="img" '
            'aria-labelledby="scs-badge-title scs-badge-desc" '
            f'lang="{escape(language)}">'
            f'<title id="scs-badge-title">{escape(title)}</title>'
            f'<desc id="scs-badge-desc">{escape(desc)}</desc>'
            f'<a href="{escape(url)}" xlink:href="{escape(url)}" target="_top">'
            '<rect x="0.5" y="0.5" width="239" height="71" rx="8" fill="#ffffff" '
            f'stroke="{STAR_BLUE}"/>'
            f'<rect x="0.5" y="0.5" width="72" height="71" rx="8" fill="{STAR_BLUE}"/>'
            f'<rect x="60" y="0.5" width="13" height="71" fill="{STAR_BLUE}"/>'
            f'<text x="36.5" y="45" text-anchor="middle" font-family="{font}" font-size="26" '
            f'font-weight="700" fill="#ffffff" aria-hidden="true">★{stars}</text>'
            f'<text x="82" y="22" font-family="{font}" font-size="13" font-weight="700" '
            f'fill="#1a1a1a">{escape(heading)}</text>'
            f'<rect x="80" y="29" width="152" height="20" rx="4" fill="{band}"/>'
            f'<text x="86" y="43" font-family="{font}" font-size="11" font-weight="700" '
            f'fill="{ink}"{_fit(line, 140, 11)}>{escape(line)}</text>'
            f'<text x="82" y="63" font-family="{font}" font-size="10" fill="#333333">'
            f"{escape(registration.number)}</text>"
            "</a></svg>"
        )
