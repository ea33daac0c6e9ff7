"""Creating registrations: the number, the snapshot of holder and scope, the validity (with
renewal continuity), the history's first event, the public ledger entry and the certificate."""

import datetime
from typing import Any

from django.db import connection, transaction
from django.utils.translation import gettext as _

from accounts.models import Organisation, User
from assessments.models import Application
from bodies.models import SchemeBody
from core.exceptions import DomainError
from core.services import audit_record
from registry.services import checkpoint_sign, ledger_append
from scheme.models import Edition, Level

from ..choices import ReasonCode
from ..models import Registration, RegistrationCounter, RegistrationEvent
from ..selectors import LIVE_SUCCESSOR_STATUSES, effective_status_of, scheme_today, validity_for
from . import ledger

DEFAULT_VALIDITY_MONTHS = {3: 12, 4: 36}


def registration_number_next(*, stars: int, year: int) -> str:
    """The next registration number for `stars` and `year`, e.g. "SCS3-2027-000123". One
    statement claims the number, so concurrent registrations never share one."""
    table = connection.ops.quote_name(RegistrationCounter._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (stars, year, last) VALUES (%s, %s, 1) "  # noqa: S608 - table name from the model
            f"ON CONFLICT (stars, year) DO UPDATE SET last = {table}.last + 1 RETURNING last",
            [stars, year],
        )
        (last,) = cursor.fetchone()
    return f"SCS{stars}-{year:04d}-{int(last):06d}"


def scope_of_application(application: Application) -> dict[str, Any]:
    """The published scope of an application: the legal entities (name and 法人番号), sites,
    the IT infrastructure, the cloud and managed services and whether all IT is outsourced."""
    return {
        "entities": [
            {"name": entity.name, "corporate_number": entity.corporate_number}
            for entity in application.covered_entities.order_by("name", "pk")
        ],
        "sites": [str(site) for site in application.sites or []],
        "infrastructure": application.infrastructure.strip(),
        "cloud_services": application.cloud_services.strip(),
        "all_it_outsourced": bool(application.all_it_outsourced),
    }


def _validity_months(level: Level) -> int:
    months = level.validity_months or DEFAULT_VALIDITY_MONTHS.get(level.stars)
    if not months:
        raise DomainError(
            _("The validity of %(level)s registrations is not defined yet.") % {"level": level},
            code="validity_undefined",
        )
    return int(months)


def _start_after(
    renews: Registration | None, *, organisation: Organisation, level: Level, today: datetime.date
) -> tuple[datetime.date, Registration | None]:
    """The first day of a new registration and the registration it continues (if any)."""
    if renews is None:
        return today, None
    if renews.organisation_id != organisation.pk or renews.level_id != level.pk:
        raise DomainError(
            _("A renewal continues a registration of the same holder and level."),
            code="renewal_mismatch",
        )
    renews = Registration.objects.select_for_update().get(pk=renews.pk)
    if Registration.objects.filter(supersedes=renews, status__in=LIVE_SUCCESSOR_STATUSES).exists():
        raise DomainError(
            _("Registration %(number)s has already been renewed.") % {"number": renews.number},
            code="already_renewed",
        )
    still_running = (
        renews.status in (Registration.Status.ACTIVE, Registration.Status.SUSPENDED)
        and renews.valid_until >= today
    )
    if still_running:
        # No gap, no overlap: the renewal starts the day after the old registration ends.
        return renews.lapses_on(), renews
    return today, None


@transaction.atomic
def registration_create(
    *,
    organisation: Organisation,
    level: Level,
    edition: Edition,
    scope: dict[str, Any],
    registering_body: SchemeBody,
    by: User | None,
    application: Application | None = None,
    evaluation_body: SchemeBody | None = None,
    renews: Registration | None = None,
    registered_on: datetime.date | None = None,
) -> Registration:
    """Register `organisation` for `level` and `scope`: number, validity (★3 one year), the
    first history event, the `registration.created` ledger entry and a signed checkpoint; the
    certificate is rendered after commit.

    With `renews` (the holder's registration that this one renews): registered before that one
    ends, the new registration starts the day after it ends and supersedes it; registered after
    it ended, it starts today and the old one is recorded as expired if the sweep has not yet
    done so. Callers check who may register and notify the people concerned.
    """
    today = registered_on or scheme_today()
    if not scope.get("entities"):
        raise DomainError(_("The scope names no legal entity."), code="scope_missing")
    valid_from, continues = _start_after(
        renews, organisation=organisation, level=level, today=today
    )
    if renews is not None and continues is None:
        _expire_if_lapsed(renews, today=today)
    registration = Registration.objects.create(
        number=registration_number_next(stars=level.stars, year=today.year),
        organisation=organisation,
        holder_name=organisation.name,
        holder_name_en=organisation.name_en,
        corporate_number=organisation.corporate_number,
        level=level,
        edition=edition,
        scope=scope,
        application=application,
        registering_body=registering_body,
        evaluation_body=evaluation_body,
        registered_by=by,
        registered_on=today,
        valid_from=valid_from,
        valid_until=validity_for(valid_from, _validity_months(level)),
        supersedes=continues,
        status=Registration.Status.ACTIVE,
        status_since=valid_from,
        status_reason_code=ReasonCode.RENEWED if continues else ReasonCode.REGISTERED,
    )
    entry = ledger_append(event=ledger.created_event(registration))
    RegistrationEvent.objects.create(
        registration=registration,
        kind=RegistrationEvent.Kind.REGISTERED,
        to_status=Registration.Status.ACTIVE,
        reason_code=registration.status_reason_code,
        effective_on=valid_from,
        actor=by,
        ledger_seq=entry.seq,
    )
    checkpoint_sign(by=by)
    audit_record(
        action="certification.registration.created",
        by=by,
        obj=registration,
        data={
            "number": registration.number,
            "application": application.pk if application else None,
            "continues": continues.number if continues else None,
            "valid_from": registration.valid_from.isoformat(),
            "valid_until": registration.valid_until.isoformat(),
            "ledger_seq": entry.seq,
        },
    )
    schedule_certificate(registration)
    return registration


def _expire_if_lapsed(registration: Registration, *, today: datetime.date) -> None:
    """Record the expiry of a lapsed registration now (a renewal after the lapse starts fresh)."""
    from .lifecycle import registration_expire

    current = Registration.objects.select_for_update().get(pk=registration.pk)
    if effective_status_of(
        current, today=today
    ) == Registration.Status.EXPIRED and current.status in (
        Registration.Status.ACTIVE,
        Registration.Status.SUSPENDED,
    ):
        registration_expire(registration=current, today=today)


def schedule_certificate(registration: Registration) -> None:
    """Render the registration's certificate after the transaction commits."""
    from ..tasks import render_certificate as render_certificate_task

    pk = registration.pk
    transaction.on_commit(lambda: render_certificate_task.delay(pk))
