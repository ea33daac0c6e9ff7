"""The daily snapshot of valid registrations, committed to in the public ledger.

A ledger entry proves that a registration was made; it cannot prove that the registration was
still valid later (a revocation is a later entry the verifier may not have). So every day the
registry publishes the list of registrations valid that day as a CSV document and appends its
SHA-256 to the ledger (registry.services.ledger_snapshot_publish), which also signs a checkpoint:
a checkpoint at most a day old exists even when nothing else happened.

The document is deterministic (same registrations, same bytes): UTF-8, LF line ends, one header
line, rows ordered by registration number, dates in ISO 8601.
"""

import csv
import datetime
import io

from registry.models import Checkpoint, Snapshot
from registry.services import ledger_snapshot_publish

from ..choices import EffectiveStatus
from ..models import Registration
from ..selectors import effective_status_q, scheme_today

SNAPSHOT_COLUMNS = (
    "registration_number",
    "corporate_number",
    "star",
    "scheme_edition",
    "valid_from",
    "valid_until",
)


def valid_registrations_document(as_of: datetime.date) -> tuple[bytes, int]:
    """The CSV of the registrations whose effective status is active on `as_of`, and its row
    count. Suspended, revoked, withdrawn, expired and superseded ones are not listed."""
    rows = (
        Registration.objects.filter(effective_status_q(EffectiveStatus.ACTIVE, today=as_of))
        .order_by("number")
        .values_list(
            "number",
            "corporate_number",
            "level__stars",
            "edition__code",
            "valid_from",
            "valid_until",
        )
    )
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(SNAPSHOT_COLUMNS)
    count = 0
    for number, corporate, stars, edition, valid_from, valid_until in rows.iterator(
        chunk_size=5000
    ):
        writer.writerow(
            [number, corporate, stars, edition, valid_from.isoformat(), valid_until.isoformat()]
        )
        count += 1
    return out.getvalue().encode(), count


def daily_snapshot_publish(*, as_of: datetime.date | None = None) -> tuple[Snapshot, Checkpoint]:
    """Publish today's (Tokyo) snapshot of valid registrations in the ledger and sign a
    checkpoint covering it. Safe to run twice a day: the second run publishes nothing new."""
    as_of = as_of or scheme_today()
    document, count = valid_registrations_document(as_of)
    return ledger_snapshot_publish(as_of=as_of, document=document, count=count)
