"""Rendering and storing the certificate of registration (登録証)."""

import hashlib

from django.core.files.base import ContentFile
from django.db import transaction

from core.services import audit_record

from ..models import Registration, certificate_path


@transaction.atomic
def registration_certificate_store(*, registration_id: int) -> Registration:
    """Render the registration's certificate as it stands now and store it under the
    deterministic name `certificates/<number>-r<revision>.pdf`, replacing any earlier copy of
    that revision (so running it again is harmless); record the revision and the SHA-256."""
    from ..pdf import render_certificate_pdf

    registration = (
        Registration.objects.select_for_update(of=("self",))
        .select_related(
            "level", "edition", "registering_body__organisation", "supersedes", "organisation"
        )
        .get(pk=registration_id)
    )
    data = render_certificate_pdf(registration)
    name = certificate_path(registration, "")
    storage = registration.certificate.storage
    if storage.exists(name):
        storage.delete(name)
    registration.certificate.save(name, ContentFile(data), save=False)
    registration.certificate_revision = registration.revision
    registration.certificate_sha256 = hashlib.sha256(data).hexdigest()
    registration.save(
        update_fields=["certificate", "certificate_revision", "certificate_sha256", "updated_at"]
    )
    audit_record(
        action="certification.certificate.rendered",
        obj=registration,
        data={"name": registration.certificate.name, "sha256": registration.certificate_sha256},
    )
    return registration
