"""The certificate of registration (登録証) as PDF: WeasyPrint, A4, Japanese typography with the
embedded "Noto Sans CJK JP" font, and a QR code of the public verification page.

The layout is templates/pdf/certificate.html. Every label is printed in Japanese and English; the
labels come from this app's catalogue (gettext under each language), so the template itself holds
no text. A registration that is no longer valid (expired, superseded, revoked, withdrawn) or is
suspended carries a large mark saying so.
"""

import datetime
from typing import Any

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from weasyprint import HTML

from .choices import EffectiveStatus
from .models import Registration
from .selectors import effective_status_of, scheme_today, status_facts

LABELS = {
    "title": _("Certificate of registration"),
    "scheme": _("Supply-chain cybersecurity evaluation scheme (SCS)"),
    "statement": _(
        "This certifies that the organisation below is registered in the SCS registry as "
        "holding the level shown, for the scope and the period shown."
    ),
    "holder": _("Holder"),
    "corporate_number": _("Corporate number"),
    "number": _("Registration number"),
    "level": _("Level"),
    "scope": _("Scope"),
    "entities": _("Legal entities"),
    "sites": _("Sites"),
    "infrastructure": _("IT infrastructure in scope"),
    "cloud_services": _("Cloud and managed services"),
    "all_it_outsourced": _("All IT is outsourced"),
    "edition": _("Catalogue edition"),
    "registered_on": _("Registered on"),
    "validity": _("Validity"),
    "registering_body": _("Registering body"),
    "verify": _("Check the current status of this registration at"),
    "continues": _("Renewal of"),
    "status": _("Status"),
    "revision": _("Revision"),
}

# The large mark on a certificate that no longer (or not now) attests a valid registration.
MARKS = {
    EffectiveStatus.EXPIRED: pgettext_lazy("certificate mark", "Expired"),
    EffectiveStatus.SUPERSEDED: pgettext_lazy("certificate mark", "Expired (renewed)"),
    EffectiveStatus.REVOKED: pgettext_lazy("certificate mark", "Revoked"),
    EffectiveStatus.WITHDRAWN: pgettext_lazy("certificate mark", "Withdrawn"),
    EffectiveStatus.SUSPENDED: pgettext_lazy("certificate mark", "Suspended"),
}


def _in(language: str, value: Any) -> str:
    with translation.override(language):
        return str(value)


def _date(language: str, day: datetime.date | None) -> str:
    if day is None:
        return ""
    with translation.override(language):
        return formats.date_format(day, "DATE_FORMAT")


def verify_url(registration: Registration) -> str:
    path = reverse("certification:verify", kwargs={"number": registration.number})
    return settings.SITE_URL.rstrip("/") + path


def qr_svg(url: str) -> str:
    """The QR code of `url` as inline SVG (scalable, with a viewBox)."""
    return segno.make(url, error="m").svg_inline(scale=1, border=2, omitsize=True)


def certificate_context(
    registration: Registration, *, today: datetime.date | None = None
) -> dict[str, Any]:
    """What the certificate shows, each label and date in Japanese and English."""
    today = today or scheme_today()
    status = effective_status_of(registration, today=today)
    facts = status_facts(registration, today=today)
    mark = MARKS.get(EffectiveStatus(status))
    url = verify_url(registration)
    level = registration.level
    return {
        "registration": registration,
        "labels": {key: {"ja": _in("ja", v), "en": _in("en", v)} for key, v in LABELS.items()},
        "mark": {"ja": _in("ja", mark), "en": _in("en", mark)} if mark else None,
        "mark_since": {"ja": _date("ja", facts.since), "en": _date("en", facts.since)},
        "status": status,
        "level": {
            "stars": level.stars,
            "name_ja": level.name_ja,
            "name_en": level.name_en,
        },
        "dates": {
            "registered_on": {
                "ja": _date("ja", registration.registered_on),
                "en": _date("en", registration.registered_on),
            },
            "valid_from": {
                "ja": _date("ja", registration.valid_from),
                "en": _date("en", registration.valid_from),
            },
            "valid_until": {
                "ja": _date("ja", registration.valid_until),
                "en": _date("en", registration.valid_until),
            },
        },
        "scope": registration.scope,
        "edition": registration.edition,
        "body": registration.registering_body.organisation,
        "continues": registration.supersedes.number if registration.supersedes is not None else "",
        "verify_url": url,
        "qr_svg": qr_svg(url),
    }


def certificate_html(registration: Registration, *, today: datetime.date | None = None) -> str:
    """The HTML the PDF is rendered from (the tests read it too)."""
    return render_to_string("pdf/certificate.html", certificate_context(registration, today=today))


def render_certificate_pdf(
    registration: Registration, *, today: datetime.date | None = None
) -> bytes:
    """Render the certificate of registration as PDF bytes."""
    html = HTML(string=certificate_html(registration, today=today), base_url=str(settings.BASE_DIR))
    return bytes(html.write_pdf())
