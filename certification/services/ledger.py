"""The public facts of a registration as events of the public ledger (registry).

Only public facts go in (registry.services.PUBLIC_FIELDS): number, 法人番号, holder name, ★,
edition, a one-line scope summary, dates and reason codes. Two things are committed to by hash
instead of being copied, because the ledger only takes short single-line text: the full scope
(`registration.created`: SHA-256 of its canonical JSON) and the published free-text reason of a
decision (the status events: SHA-256 of the UTF-8 text), both shown on the verification page.

Event types (version 1): registration.created, registration.suspended, registration.reinstated,
registration.revoked, registration.withdrawn, registration.expired, registration.superseded.
"""

import datetime
import hashlib
from typing import Any

from registry.ledger.canonical import canonicalize

from ..models import Registration

EVENT_VERSION = 1
LEDGER_TEXT_MAX = 500


def _one_line(text: str, limit: int = LEDGER_TEXT_MAX) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def scope_summary(scope: dict[str, Any]) -> str:
    """The scope in one line for the ledger: the legal entities' 法人番号, the sites and
    whether all IT is outsourced."""
    entities = ", ".join(
        e.get("corporate_number") or e.get("name", "") for e in scope.get("entities", [])
    )
    sites = ", ".join(str(site) for site in scope.get("sites", []))
    parts = [f"entities: {entities}" if entities else "", f"sites: {sites}" if sites else ""]
    if scope.get("all_it_outsourced"):
        parts.append("all IT outsourced")
    return _one_line("; ".join(p for p in parts if p)) or "-"


def scope_sha256(scope: dict[str, Any]) -> str:
    """SHA-256 of the scope's RFC 8785 canonical JSON: the ledger's commitment to the scope."""
    return hashlib.sha256(canonicalize(scope)).hexdigest()


def reason_sha256(reason: str) -> str:
    return hashlib.sha256(reason.encode()).hexdigest()


def created_event(registration: Registration) -> dict[str, Any]:
    """The `registration.created` event of a new registration."""
    event: dict[str, Any] = {
        "type": "registration.created",
        "v": EVENT_VERSION,
        "registration_number": registration.number,
        "corporate_number": registration.corporate_number,
        "organisation_name": _one_line(registration.holder_name),
        "star": registration.level.stars,
        "scheme_edition": registration.edition.code,
        "scope": scope_summary(registration.scope),
        "sha256": scope_sha256(registration.scope),
        "valid_from": registration.valid_from.isoformat(),
        "valid_until": registration.valid_until.isoformat(),
        "effective": registration.registered_on.isoformat(),
        "reason_code": "renewed" if registration.supersedes_id else "registered",
    }
    if registration.evaluation_body is not None:
        event["evaluation_body"] = _one_line(registration.evaluation_body.organisation.name)
    if registration.supersedes is not None:
        event["decision_ref"] = registration.supersedes.number
    return event


def status_event(
    registration: Registration,
    *,
    kind: str,
    effective: datetime.date,
    reason_code: str,
    reason: str = "",
    successor: Registration | None = None,
) -> dict[str, Any]:
    """The ledger event of a status change (`kind` is a RegistrationEvent.Kind value)."""
    event: dict[str, Any] = {
        "type": f"registration.{kind}",
        "v": EVENT_VERSION,
        "registration_number": registration.number,
        "corporate_number": registration.corporate_number,
        "star": registration.level.stars,
        "effective": effective.isoformat(),
        "reason_code": reason_code,
    }
    if reason:
        event["sha256"] = reason_sha256(reason)
    if kind in ("expired", "superseded"):
        event["valid_until"] = registration.valid_until.isoformat()
    if successor is not None:
        event["decision_ref"] = successor.number
    return event
