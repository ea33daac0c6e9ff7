"""Writes owned by the shared kernel."""

from typing import Any

from django.db import models

from .models import AuditEvent


def audit_record(
    *,
    action: str,
    by: Any = None,
    obj: models.Model | None = None,
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one audit event; call it inside the transaction of the change it records.

    `action` is a dotted, globally unique code such as "scheme.edition.loaded".
    """
    return AuditEvent.objects.create(
        actor=by if getattr(by, "is_authenticated", False) else None,
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        data=data or {},
    )
