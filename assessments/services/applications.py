"""Starting an application, its scope, effort and answers, and withdrawing it."""

from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organisation, User
from core.exceptions import DomainError
from core.services import audit_record
from scheme.models import Edition, Level

from .. import emails
from ..models import Answer, Application
from ..permissions import can_edit_application, can_start_application
from ..selectors import criteria_for, current_edition, scope_entities_for, star3_level
from ..workflows import EDITABLE_STATES
from ._common import lock_application, move, require


class AnswerConflict(DomainError):  # noqa: N818 (a domain error, named for what happened)
    """Somebody else saved this answer after the form was loaded; `current` is their version."""

    code = "answer_conflict"

    def __init__(self, current: Answer) -> None:
        super().__init__(
            _(
                "Someone else changed this answer while you were editing it. Compare both "
                "versions and save again."
            )
        )
        self.current = current


MAX_SITES = 50
MAX_SITE_LENGTH = 200


def _clean_sites(sites: Iterable[str]) -> list[str]:
    cleaned: list[str] = []
    for site in sites:
        text = " ".join(site.split())
        if not text or text in cleaned:
            continue
        if len(text) > MAX_SITE_LENGTH:
            raise DomainError(
                _("A site may be at most %(n)d characters long.") % {"n": MAX_SITE_LENGTH},
                code="site_too_long",
            )
        cleaned.append(text)
    if len(cleaned) > MAX_SITES:
        raise DomainError(
            _("At most %(n)d sites can be listed.") % {"n": MAX_SITES}, code="too_many_sites"
        )
    return cleaned


def _check_entities(organisation: Organisation, entities: Iterable[Organisation]) -> list[int]:
    allowed = {entity.pk for entity in scope_entities_for(organisation)}
    chosen = {entity.pk for entity in entities} | {organisation.pk}
    if not chosen <= allowed:
        raise DomainError(
            _("The scope may only cover the applicant and its subsidiaries."),
            code="entity_outside_group",
        )
    return sorted(chosen)


@transaction.atomic
def application_start(
    *,
    organisation: Organisation,
    by: User,
    covered_entities: Iterable[Organisation] = (),
    sites: Sequence[str] = (),
    infrastructure: str = "",
    cloud_services: str = "",
    all_it_outsourced: bool = False,
    level: Level | None = None,
    edition: Edition | None = None,
    renewal_of: Application | None = None,
) -> Application:
    """Start a ★3 application for `organisation`, pinned to the current catalogue edition, with
    one empty answer per criterion. The applicant is always part of the covered entities; the
    others must be its subsidiaries."""
    require(can_start_application(by, organisation))
    level = level or star3_level()
    edition = edition or current_edition()
    if edition.status != Edition.Status.PUBLISHED:
        raise DomainError(
            _("Applications can only be made against a published catalogue edition."),
            code="edition_not_published",
        )
    entity_ids = _check_entities(organisation, covered_entities)
    if renewal_of is not None and renewal_of.organisation_id != organisation.pk:
        raise DomainError(
            _("A renewal continues an application of the same organisation."),
            code="renewal_other_organisation",
        )
    application = Application.objects.create(
        organisation=organisation,
        level=level,
        edition=edition,
        sites=_clean_sites(sites),
        infrastructure=infrastructure.strip(),
        cloud_services=cloud_services.strip(),
        all_it_outsourced=all_it_outsourced,
        renewal_of=renewal_of,
        created_by=by,
    )
    application.covered_entities.set(entity_ids)
    criteria = list(criteria_for(edition, level))
    if not criteria:
        raise DomainError(
            _("The catalogue edition has no criteria for this level."), code="no_criteria"
        )
    Answer.objects.bulk_create(
        [Answer(application=application, criterion=criterion) for criterion in criteria]
    )
    audit_record(
        action="assessments.application.started",
        by=by,
        obj=application,
        data={
            "organisation": organisation.corporate_number,
            "level": level.stars,
            "edition": edition.code,
            "criteria": len(criteria),
        },
    )
    return application


@transaction.atomic
def application_scope_update(
    *,
    application: Application,
    by: User,
    covered_entities: Iterable[Organisation],
    sites: Sequence[str],
    infrastructure: str,
    cloud_services: str,
    all_it_outsourced: bool,
) -> Application:
    """Change the scope while the applicant may edit (draft or returned)."""
    application = lock_application(application)
    require(can_edit_application(by, application))
    _ensure_editable(application)
    entity_ids = _check_entities(application.organisation, covered_entities)
    application.sites = _clean_sites(sites)
    application.infrastructure = infrastructure.strip()
    application.cloud_services = cloud_services.strip()
    application.all_it_outsourced = all_it_outsourced
    application.save(
        update_fields=[
            "sites",
            "infrastructure",
            "cloud_services",
            "all_it_outsourced",
            "updated_at",
        ]
    )
    application.covered_entities.set(entity_ids)
    audit_record(
        action="assessments.application.scope_changed",
        by=by,
        obj=application,
        data={"entities": entity_ids, "sites": len(application.sites)},
    )
    return application


@transaction.atomic
def application_effort_record(
    *, application: Application, by: User, hours: Decimal | None
) -> Application:
    """Record the hours spent on the application so far (optional, for the scheme's
    statistics); possible until the application is final."""
    application = lock_application(application)
    require(can_edit_application(by, application))
    if application.is_final:
        raise DomainError(_("This application is closed."), code="application_closed")
    if hours is not None and (hours < 0 or hours > Decimal("99999")):
        raise DomainError(_("Enter a number of hours between 0 and 99999."), code="hours_range")
    application.effort_hours = hours
    application.save(update_fields=["effort_hours", "updated_at"])
    return application


def _ensure_editable(application: Application) -> None:
    if application.status not in EDITABLE_STATES:
        raise DomainError(
            _("The self-assessment can only be changed while it is a draft or returned."),
            code="not_editable",
        )


@transaction.atomic
def answer_save(
    *,
    answer: Answer,
    by: User,
    status: str,
    description: str,
    na_justification: str,
    expected_version: int,
) -> Answer:
    """Save one answer if nobody else saved it since version `expected_version` was loaded;
    otherwise raise AnswerConflict carrying the stored answer (nothing is overwritten).

    Saving an unchanged answer is a no-op (the version stays). Changing an answer carried over
    by a renewal also confirms it."""
    answer = (
        Answer.objects.select_for_update(of=("self",))
        .select_related("application", "criterion", "updated_by")
        .get(pk=answer.pk)
    )
    require(can_edit_application(by, answer.application))
    _ensure_editable(answer.application)
    if status not in ("", *Answer.Status.values):
        raise DomainError(_("Choose one of the offered statuses."), code="invalid_status")
    description = description.strip()
    na_justification = na_justification.strip()
    if (answer.status, answer.description, answer.na_justification) == (
        status,
        description,
        na_justification,
    ):
        return answer
    if answer.version != expected_version:
        raise AnswerConflict(answer)
    answer.status = status
    answer.description = description
    answer.na_justification = na_justification
    answer.version += 1
    answer.updated_by = by
    fields = ["status", "description", "na_justification", "version", "updated_by", "updated_at"]
    if answer.needs_confirmation:
        # Changing a carried-over answer is this year's answer: it confirms it.
        answer.confirmed_at = timezone.now()
        answer.confirmed_by = by
        fields += ["confirmed_at", "confirmed_by"]
    answer.save(update_fields=fields)
    return answer


@transaction.atomic
def application_withdraw(*, application: Application, by: User, reason: str = "") -> Application:
    """Withdraw the application (any state before a final one). Open advisor engagements end,
    so the advisor no longer sees it."""
    from .engagements import end_open_engagements

    application = lock_application(application)
    require(can_edit_application(by, application))
    move(application, Application.Status.WITHDRAWN, service="applications.application_withdraw")
    application.withdrawn_at = timezone.now()
    application.withdrawal_reason = reason.strip()
    application.save(update_fields=["status", "withdrawn_at", "withdrawal_reason", "updated_at"])
    ended = end_open_engagements(
        application=application, by=by, reason=_("The application was withdrawn.")
    )
    audit_record(
        action="assessments.application.withdrawn",
        by=by,
        obj=application,
        data={"reason": application.withdrawal_reason},
    )
    recipients: list[Any] = [e.advisor.user for e in ended if e.status == e.Status.ENDED]
    recipients += emails.applicant_users(application)
    transaction.on_commit(lambda: emails.send(recipients, "application_withdrawn", application))
    return application
