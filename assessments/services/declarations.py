"""The management declaration of self-conformity (経営層による自己適合宣誓) and its PDF."""

import datetime
import hashlib
from typing import Any

from allauth.account import app_settings as allauth_settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.exceptions import DomainError
from core.services import audit_record

from .. import emails
from ..models import Application, Approval, Declaration, declaration_pdf_path
from ..permissions import can_sign_declaration
from ..selectors import answer_status_counts, latest_approval, scope_entities_in_order
from ._common import lock_application, move, require


def declaration_context(
    application: Application,
    approval: Approval,
    *,
    signer_name: str,
    signer_title: str,
    signed_on: datetime.date,
) -> dict[str, Any]:
    """The facts the declaration text states."""
    return {
        "application": application,
        "organisation": application.organisation,
        "entities": scope_entities_in_order(application),
        "sites": application.sites,
        "edition": application.edition,
        "level": application.level,
        "approval": approval,
        "counts": answer_status_counts(application),
        "signer_name": signer_name,
        "signer_title": signer_title,
        "signed_on": signed_on,
    }


def declaration_texts(
    application: Application,
    approval: Approval,
    *,
    signer_name: str,
    signer_title: str,
    signed_on: datetime.date,
) -> tuple[str, str]:
    """The declaration in Japanese and in English, exactly as it will be signed. The wording is
    the scheme's own (not a UI string), so both languages are templates rather than gettext."""
    context = declaration_context(
        application,
        approval,
        signer_name=signer_name,
        signer_title=signer_title,
        signed_on=signed_on,
    )
    text_ja = render_to_string("assessments/declaration/text_ja.txt", context).strip()
    text_en = render_to_string("assessments/declaration/text_en.txt", context).strip()
    return text_ja, text_en


def reauthentication_is_recent(reauthenticated_at: datetime.datetime | None) -> bool:
    """Whether the signer confirmed their credentials within allauth's re-authentication
    window (ACCOUNT_REAUTHENTICATION_TIMEOUT)."""
    if reauthenticated_at is None:
        return False
    age = timezone.now() - reauthenticated_at
    return (
        datetime.timedelta(0)
        <= age
        <= datetime.timedelta(seconds=allauth_settings.REAUTHENTICATION_TIMEOUT)
    )


@transaction.atomic
def declaration_sign(
    *,
    application: Application,
    by: User,
    signer_name: str,
    signer_title: str,
    reauthenticated_at: datetime.datetime | None,
) -> Declaration:
    """An executive of the applicant signs the declaration of self-conformity for the approved
    self-assessment, dated today. They must have re-entered their credentials just before
    (`reauthenticated_at`, from allauth's re-authentication). The PDF is rendered by a task after
    commit."""
    application = lock_application(application)
    require(can_sign_declaration(by, application))
    move(application, Application.Status.DECLARED, service="declarations.declaration_sign")
    if reauthenticated_at is None or not reauthentication_is_recent(reauthenticated_at):
        raise DomainError(
            _("Confirm your password again to sign the declaration."),
            code="reauthentication_required",
        )
    signer_name, signer_title = signer_name.strip(), signer_title.strip()
    if not signer_name or not signer_title:
        raise DomainError(_("Enter the signer's name and title."), code="signer_required")
    approval = latest_approval(application)
    if approval is None:
        raise DomainError(_("The advisor's approval is missing."), code="approval_missing")
    signed_on = timezone.localdate()
    text_ja, text_en = declaration_texts(
        application,
        approval,
        signer_name=signer_name,
        signer_title=signer_title,
        signed_on=signed_on,
    )
    declaration = Declaration.objects.create(
        application=application,
        approval=approval,
        signed_by=by,
        signer_name=signer_name,
        signer_title=signer_title,
        signed_on=signed_on,
        text_ja=text_ja,
        text_en=text_en,
        reauthenticated_at=reauthenticated_at,
    )
    application.declared_at = timezone.now()
    application.save(update_fields=["status", "declared_at", "updated_at"])
    audit_record(
        action="assessments.application.declared",
        by=by,
        obj=application,
        data={"declaration": declaration.pk, "signer": signer_name, "title": signer_title},
    )
    from ..tasks import render_declaration_pdf as render_declaration_pdf_task

    transaction.on_commit(lambda: render_declaration_pdf_task.delay(declaration.pk))
    transaction.on_commit(
        lambda: emails.send(
            emails.applicant_users(application, executives=True),
            "declaration_signed",
            application,
            declaration=declaration,
        )
    )
    return declaration


@transaction.atomic
def declaration_store_pdf(*, declaration_id: int) -> Declaration:
    """Render the declaration's PDF and store it under its deterministic name, replacing any
    earlier copy (so re-running is harmless); record its SHA-256."""
    from ..pdf import render_declaration_pdf

    declaration = (
        Declaration.objects.select_for_update(of=("self",))
        .select_related("application__organisation", "application__edition", "approval")
        .get(pk=declaration_id)
    )
    data = render_declaration_pdf(declaration)
    name = declaration_pdf_path(declaration, "")
    storage = declaration.pdf.storage
    if storage.exists(name):
        storage.delete(name)
    declaration.pdf.save(name, ContentFile(data), save=False)
    declaration.pdf_sha256 = hashlib.sha256(data).hexdigest()
    declaration.save(update_fields=["pdf", "pdf_sha256", "updated_at"])
    audit_record(
        action="assessments.declaration.pdf_rendered",
        obj=declaration,
        data={"sha256": declaration.pdf_sha256, "name": declaration.pdf.name},
    )
    return declaration
