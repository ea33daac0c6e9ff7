"""Status changes of a registration, one named service per action, and the nightly sweep that
expires (or supersedes) the registrations whose validity ended.

Every change: lock the row, check who may act (permissions) and whether the transition table
allows it from the current (effective) status, check the reason code and the effective date,
write the status, a history event, an audit record and the public ledger entry (and sign a
checkpoint) in one transaction; after commit the certificate is re-rendered and the holder is
told.
"""

import datetime
from collections.abc import Sequence

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.exceptions import DomainError
from core.models import AuditEvent
from core.services import audit_record
from core.workflows import ensure_transition
from registry.services import checkpoint_sign, ledger_append, ledger_append_many

from ..choices import Action, ReasonCode
from ..models import Registration, RegistrationEvent
from ..permissions import can_change_registration
from ..selectors import (
    effective_status_of,
    lapsed_registration_ids,
    scheme_today,
    with_effective_status,
)
from ..workflows import (
    ACTION_ACTOR,
    ACTION_EVENT,
    ACTION_REASONS,
    ACTION_TARGET,
    FINAL_STATUSES,
    REASON_TEXT_REQUIRED,
    REGISTRATION_TRANSITIONS,
    SYSTEM,
)
from . import ledger, notices
from .registrations import schedule_certificate

REASON_MAX = 2000
S = Registration.Status


def _check_actor(registration: Registration, action: str, by: User | None) -> None:
    if ACTION_ACTOR[action] == SYSTEM:
        if by is not None:
            raise PermissionDenied(_("Expiry and supersession are recorded by the nightly sweep."))
        return
    if by is None or not can_change_registration(by, registration, action):
        raise PermissionDenied(_("You are not allowed to do this for this registration."))


def _check_state(registration: Registration, action: str, today: datetime.date) -> None:
    current = registration.status
    if ACTION_ACTOR[action] != SYSTEM:
        # A registration whose validity ended is over, even before the sweep records it.
        effective = effective_status_of(registration, today=today)
        if effective in FINAL_STATUSES:
            current = effective
    ensure_transition(current, ACTION_TARGET[action], REGISTRATION_TRANSITIONS)


def _check_reason(action: str, reason_code: str, reason: str) -> str:
    if reason_code not in ACTION_REASONS[action]:
        raise DomainError(_("Choose one of the listed reasons."), code="reason_code_invalid")
    text = reason.strip()
    if action in REASON_TEXT_REQUIRED and not text:
        raise DomainError(
            _("Write the reason that will be published with this decision."),
            code="reason_required",
        )
    if len(text) > REASON_MAX:
        raise DomainError(
            _("The reason is too long (at most %(max)d characters).") % {"max": REASON_MAX},
            code="reason_too_long",
        )
    return text


def _check_effective(
    registration: Registration, effective_on: datetime.date, today: datetime.date
) -> None:
    if effective_on > today:
        raise DomainError(
            _("The effective date cannot be in the future."), code="effective_in_future"
        )
    if effective_on < registration.registered_on or effective_on < registration.status_since:
        raise DomainError(
            _("The effective date cannot be before the registration or its last change."),
            code="effective_too_early",
        )


@transaction.atomic
def _change(
    *,
    registration: Registration,
    action: str,
    by: User | None,
    reason_code: str,
    reason: str = "",
    effective_on: datetime.date | None = None,
    today: datetime.date | None = None,
    successor: Registration | None = None,
) -> Registration:
    today = today or scheme_today()
    registration = (
        Registration.objects.select_for_update(of=("self",))
        .select_related("level", "organisation")
        .get(pk=registration.pk)
    )
    _check_actor(registration, action, by)
    _check_state(registration, action, today)
    text = _check_reason(action, reason_code, reason)
    effective = effective_on or today
    if ACTION_ACTOR[action] != SYSTEM:
        _check_effective(registration, effective, today)
    previous = registration.status
    kind = ACTION_EVENT[action]
    registration.status = ACTION_TARGET[action]
    registration.status_since = effective
    registration.status_reason_code = reason_code
    registration.status_reason = text
    registration.revision += 1
    registration.save(
        update_fields=[
            "status",
            "status_since",
            "status_reason_code",
            "status_reason",
            "revision",
            "updated_at",
        ]
    )
    entry = ledger_append(
        event=ledger.status_event(
            registration,
            kind=kind,
            effective=effective,
            reason_code=reason_code,
            reason=text,
            successor=successor,
        )
    )
    RegistrationEvent.objects.create(
        registration=registration,
        kind=kind,
        from_status=previous,
        to_status=registration.status,
        reason_code=reason_code,
        reason=text,
        effective_on=effective,
        actor=by,
        ledger_seq=entry.seq,
    )
    checkpoint_sign(by=by)
    audit_record(
        action=f"certification.registration.{kind}",
        by=by,
        obj=registration,
        data={
            "number": registration.number,
            "from": previous,
            "to": registration.status,
            "reason_code": reason_code,
            "effective_on": effective.isoformat(),
            "ledger_seq": entry.seq,
        },
    )
    schedule_certificate(registration)
    if action != Action.SUPERSEDE:
        notices.registration_status_changed(registration, kind=kind)
    return registration


def registration_suspend(
    *,
    registration: Registration,
    by: User,
    reason_code: str,
    reason: str,
    effective_on: datetime.date | None = None,
) -> Registration:
    """Suspend an active registration (the scheme body that decides about it); the suspension
    is published with its reason and can be lifted."""
    return _change(
        registration=registration,
        action=Action.SUSPEND,
        by=by,
        reason_code=reason_code,
        reason=reason,
        effective_on=effective_on,
    )


def registration_reinstate(
    *,
    registration: Registration,
    by: User,
    reason_code: str,
    reason: str,
    effective_on: datetime.date | None = None,
) -> Registration:
    """Lift the suspension of a registration that is still within its validity."""
    return _change(
        registration=registration,
        action=Action.REINSTATE,
        by=by,
        reason_code=reason_code,
        reason=reason,
        effective_on=effective_on,
    )


def registration_revoke(
    *,
    registration: Registration,
    by: User,
    reason_code: str,
    reason: str,
    effective_on: datetime.date | None = None,
) -> Registration:
    """Revoke (取消し) an active or suspended registration for good."""
    return _change(
        registration=registration,
        action=Action.REVOKE,
        by=by,
        reason_code=reason_code,
        reason=reason,
        effective_on=effective_on,
    )


def registration_withdraw(
    *,
    registration: Registration,
    by: User,
    reason_code: str,
    reason: str,
    effective_on: datetime.date | None = None,
) -> Registration:
    """The holder gives up (辞退) its registration: an administrator of the holder decides."""
    return _change(
        registration=registration,
        action=Action.WITHDRAW,
        by=by,
        reason_code=reason_code,
        reason=reason,
        effective_on=effective_on,
    )


def registration_expire(
    *, registration: Registration, today: datetime.date | None = None, by: User | None = None
) -> Registration:
    """Record that a registration's validity ended (the nightly sweep, `by` None: nobody may
    do it by hand); effective the day after its last valid day."""
    return _change(
        registration=registration,
        action=Action.EXPIRE,
        by=by,
        reason_code=ReasonCode.VALIDITY_ENDED,
        effective_on=registration.lapses_on(),
        today=today,
    )


def registration_supersede(
    *, registration: Registration, today: datetime.date | None = None, by: User | None = None
) -> Registration:
    """Record that the renewal continuing a registration has started (the nightly sweep, `by`
    None)."""
    successor = Registration.objects.get(supersedes=registration)
    return _change(
        registration=registration,
        action=Action.SUPERSEDE,
        by=by,
        reason_code=ReasonCode.RENEWED,
        effective_on=successor.valid_from,
        today=today,
        successor=successor,
    )


# ------------------------------------------------------------------------------------------------
# The nightly sweep
# ------------------------------------------------------------------------------------------------


@transaction.atomic
def registrations_lapse_batch(*, today: datetime.date, limit: int) -> int:
    """Expire (or, where a renewal continues them, supersede) up to `limit` registrations whose
    validity ended before `today`, in one transaction with set-based writes: one status update,
    one insert each for history, audit and ledger, one checkpoint. Rows another worker holds
    are skipped; returns how many were recorded (0 when none is left)."""
    ids = lapsed_registration_ids(today=today, limit=limit)
    if not ids:
        return 0
    rows: Sequence[Registration] = list(
        with_effective_status(Registration.objects.filter(pk__in=ids), today=today)
        .select_related("level", "superseded_by")
        .order_by("valid_until", "pk")
    )
    events: list[RegistrationEvent] = []
    ledger_events = []
    audits: list[AuditEvent] = []
    for registration in rows:
        continued = bool(getattr(registration, "continued", False))
        action = Action.SUPERSEDE if continued else Action.EXPIRE
        kind = ACTION_EVENT[action]
        successor = registration.superseded_by if continued else None
        effective = successor.valid_from if successor is not None else registration.lapses_on()
        reason_code = ReasonCode.RENEWED if continued else ReasonCode.VALIDITY_ENDED
        events.append(
            RegistrationEvent(
                registration=registration,
                kind=kind,
                from_status=registration.status,
                to_status=ACTION_TARGET[action],
                reason_code=reason_code,
                effective_on=effective,
            )
        )
        ledger_events.append(
            ledger.status_event(
                registration,
                kind=kind,
                effective=effective,
                reason_code=reason_code,
                successor=successor,
            )
        )
        audits.append(
            AuditEvent(
                action=f"certification.registration.{kind}",
                object_type=Registration._meta.label_lower,
                object_id=str(registration.pk),
                data={
                    "number": registration.number,
                    "from": registration.status,
                    "to": ACTION_TARGET[action],
                    "effective_on": effective.isoformat(),
                },
            )
        )
        registration.status = ACTION_TARGET[action]
        registration.status_since = effective
        registration.status_reason_code = reason_code
        registration.status_reason = ""
        registration.revision += 1
        registration.updated_at = timezone.now()
    Registration.objects.bulk_update(
        rows,
        ["status", "status_since", "status_reason_code", "status_reason", "revision", "updated_at"],
    )
    entries = ledger_append_many(events=ledger_events)
    for event, audit, entry in zip(events, audits, entries, strict=True):
        event.ledger_seq = entry.seq
        audit.data["ledger_seq"] = entry.seq
    RegistrationEvent.objects.bulk_create(events)
    # One audit row per registration, written in bulk (core.services.audit_record writes one).
    AuditEvent.objects.bulk_create(audits)
    checkpoint_sign()
    for registration in rows:
        schedule_certificate(registration)
    notices.registration_status_changes(
        [r for r in rows if r.status == S.EXPIRED], kind=RegistrationEvent.Kind.EXPIRED
    )
    return len(rows)


def registrations_lapse(*, today: datetime.date | None = None, batch_size: int = 500) -> int:
    """The nightly sweep: record every lapse up to today, batch by batch (each batch commits on
    its own, so a crash loses at most the batch in progress, which the next run redoes)."""
    today = today or scheme_today()
    total = 0
    while True:
        done = registrations_lapse_batch(today=today, limit=batch_size)
        total += done
        if done < batch_size:
            return total
