"""Writes to the requirement catalogue: star levels, editions and the links between editions.

Loading is idempotent. An edition is identified by its code; its content (everything that is
shown to users) is hashed (scheme.loader.content_hash), and the hash is stored on the edition:

- a new code creates the edition;
- the same content again changes nothing ("unchanged");
- a DRAFT edition is updated in place (rows matched by code, so unchanged rows keep their ids);
- a PUBLISHED or RETIRED edition never changes content: a file with a different hash is refused
  (publish a new edition code instead), and before anything else the stored hash is checked
  against the rows in the database, so an edit made behind the loader's back fails loudly;
- the status may move forward as the file says (draft → published → retired), never back.

Every state change writes an audit event in the same transaction.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from core.exceptions import DomainError
from core.services import audit_record
from core.workflows import ensure_transition

from .loader import (
    Content,
    EditionData,
    content_hash,
    edition_content,
    parse_edition_file,
    parse_levels_file,
)
from .models import (
    Category,
    Criterion,
    Edition,
    Item,
    ItemCorrespondence,
    Level,
    Subcategory,
)
from .xlsx_import import normalise, parse_official_xlsx

S = Edition.Status

# The status of an edition only moves forward; a retired edition stays retired.
EDITION_TRANSITIONS: Mapping[str, frozenset[str]] = {
    S.DRAFT: frozenset({S.PUBLISHED}),
    S.PUBLISHED: frozenset({S.RETIRED}),
    S.RETIRED: frozenset(),
}

CREATED = "created"
UPDATED = "updated"
UNCHANGED = "unchanged"

LEVELS_FILE = "levels.yaml"


@dataclass(frozen=True)
class LoadResult:
    """What loading one edition did: created, updated (content or status) or unchanged."""

    code: str
    outcome: str
    status: str
    content_hash: str
    counts: dict[str, int]
    correspondences_created: int = 0


@dataclass(frozen=True)
class LevelsLoadResult:
    """Codes of the star levels created, updated and left unchanged by a load."""

    created: list[str]
    updated: list[str]
    unchanged: list[str]


@dataclass(frozen=True)
class CatalogueLoadReport:
    """The result of loading the levels and every edition file of a directory."""

    levels: LevelsLoadResult
    editions: list[LoadResult]


def catalogue_directory() -> Path:
    """fixtures/schemes/: the canonical catalogue files shipped with the product."""
    return Path(settings.BASE_DIR) / "fixtures" / "schemes"


# ------------------------------------------------------------------------------------------------
# Levels
# ------------------------------------------------------------------------------------------------


@transaction.atomic
def levels_load_file(*, path: Path | str, by: Any = None) -> LevelsLoadResult:
    """Create or update the star levels declared in a levels file (matched by code)."""
    created: list[str] = []
    updated: list[str] = []
    unchanged: list[str] = []
    for row in parse_levels_file(path):
        level = Level.objects.select_for_update().filter(code=row["code"]).first()
        if level is None:
            level = Level.objects.create(**row)
            audit_record(action="scheme.level.created", by=by, obj=level, data=row)
            created.append(level.code)
            continue
        changes = {k: v for k, v in row.items() if getattr(level, k) != v}
        if not changes:
            unchanged.append(level.code)
            continue
        for key, value in changes.items():
            setattr(level, key, value)
        level.save(update_fields=list(changes))
        audit_record(action="scheme.level.updated", by=by, obj=level, data=changes)
        updated.append(level.code)
    return LevelsLoadResult(created=created, updated=updated, unchanged=unchanged)


# ------------------------------------------------------------------------------------------------
# Editions
# ------------------------------------------------------------------------------------------------


def edition_verify_hash(edition: Edition) -> bool:
    """Whether the edition's rows in the database still hash to its stored content hash."""
    return content_hash(edition_content(edition)) == edition.content_hash


def _ensure_untampered(edition: Edition) -> None:
    if not edition_verify_hash(edition):
        raise DomainError(
            _(
                "Edition %(code)s was changed in the database after it was loaded: its rows no "
                "longer match its stored content hash. Restore it from a backup before loading "
                "anything into it."
            )
            % {"code": edition.code},
            code="edition_tampered",
        )


def _levels_for(content: Content) -> dict[str, Level]:
    codes = {code for item in content["items"] for code in item["levels"]}
    codes |= {crit["level"] for crit in content["criteria"]}
    levels = {level.code: level for level in Level.objects.filter(code__in=codes)}
    missing = sorted(codes - set(levels))
    if missing:
        raise DomainError(
            _("Unknown level(s) %(codes)s: load the star levels (levels.yaml) first.")
            % {"codes": ", ".join(missing)},
            code="level_unknown",
        )
    return levels


def _apply_edition_fields(edition: Edition, header: Content, new_hash: str) -> None:
    published = header["published_on"]
    edition.title_ja = header["title_ja"]
    edition.title_en = header["title_en"]
    edition.published_on = datetime.date.fromisoformat(published) if published else None
    edition.notice_ja = header["notice_ja"]
    edition.notice_en = header["notice_en"]
    edition.source = header["source"]
    edition.content_hash = new_hash


CatalogueRow = TypeVar("CatalogueRow", Category, Subcategory, Item, Criterion)


def _sync(
    model: type[CatalogueRow], edition: Edition, rows: list[dict[str, Any]]
) -> tuple[dict[str, CatalogueRow], list[int]]:
    """Upsert rows of one model by code; return them by code, and the ids of rows no longer used.

    Stale rows are deleted by the caller once every level is written (children first), so that a
    row moved under a new parent is not lost to a cascade.
    """
    existing = {obj.code: obj for obj in model.objects.filter(edition=edition)}
    by_code: dict[str, CatalogueRow] = {}
    to_create: list[CatalogueRow] = []
    to_update: list[CatalogueRow] = []
    for row in rows:
        obj = existing.pop(row["code"], None)
        if obj is None:
            obj = model(edition=edition, **row)
            to_create.append(obj)
        elif any(getattr(obj, key) != value for key, value in row.items()):
            for key, value in row.items():
                setattr(obj, key, value)
            to_update.append(obj)
        by_code[row["code"]] = obj
    model.objects.bulk_create(to_create)
    if to_update:
        model.objects.bulk_update(to_update, [key for key in rows[0] if key != "code"])
    return by_code, [obj.pk for obj in existing.values()]


def _write_rows(edition: Edition, content: Content, levels: Mapping[str, Level]) -> None:
    categories, stale_categories = _sync(
        Category,
        edition,
        [
            {**{k: row[k] for k in ("code", "name_ja", "name_en", "csf_function")}, "position": n}
            for n, row in enumerate(content["categories"], start=1)
        ],
    )
    subcategories, stale_subcategories = _sync(
        Subcategory,
        edition,
        [
            {
                **{
                    k: row[k]
                    for k in ("code", "name_ja", "name_en", "csf_function", "csf_category")
                },
                "category_id": categories[row["category"]].pk,
                "position": n,
            }
            for n, row in enumerate(content["subcategories"], start=1)
        ],
    )
    item_fields = ("code", "title_ja", "title_en", "requirement_ja", "requirement_en", "extra")
    items, stale_items = _sync(
        Item,
        edition,
        [
            {
                **{k: row[k] for k in item_fields},
                "subcategory_id": subcategories[row["subcategory"]].pk,
                "position": n,
            }
            for n, row in enumerate(content["items"], start=1)
        ],
    )
    relinked = []
    for row in content["items"]:
        item = items[row["code"]]
        target = items[row["identical_to"]].pk if row["identical_to"] else None
        if item.identical_to_id != target:
            item.identical_to_id = target
            relinked.append(item)
    Item.objects.bulk_update(relinked, ["identical_to"])

    item_levels = Item.levels.through
    item_levels.objects.filter(item__edition=edition).delete()
    item_levels.objects.bulk_create(
        [
            item_levels(item_id=items[row["code"]].pk, level_id=levels[code].pk)
            for row in content["items"]
            for code in row["levels"]
        ]
    )

    criterion_fields = (
        "code",
        "csf_function",
        "statement_ja",
        "statement_en",
        "details_ja",
        "details_en",
        "guidance_ja",
        "guidance_en",
        "refs",
        "params",
        "source_row",
    )
    _, stale_criteria = _sync(
        Criterion,
        edition,
        [
            {
                **{k: row[k] for k in criterion_fields},
                "item_id": items[row["item"]].pk,
                "level_id": levels[row["level"]].pk,
                "position": n,
            }
            for n, row in enumerate(content["criteria"], start=1)
        ],
    )
    Criterion.objects.filter(pk__in=stale_criteria).delete()
    Item.objects.filter(pk__in=stale_items).delete()
    Subcategory.objects.filter(pk__in=stale_subcategories).delete()
    Category.objects.filter(pk__in=stale_categories).delete()


@transaction.atomic
def edition_load(*, data: EditionData, by: Any = None, origin: str = "") -> LoadResult:
    """Create, update (drafts only) or confirm one edition from its canonical content.

    `origin` names where the content came from (a file name) for the audit trail.
    """
    content = data.content
    new_hash = content_hash(content)
    levels = _levels_for(content)
    edition = Edition.objects.select_for_update().filter(code=data.code).first()
    rewritten = True
    if edition is None:
        edition = Edition(code=data.code, status=data.status)
        _apply_edition_fields(edition, content["edition"], new_hash)
        edition.save()
        _write_rows(edition, content, levels)
        outcome = CREATED
    else:
        if edition.status != S.DRAFT:
            _ensure_untampered(edition)
            if edition.content_hash != new_hash:
                raise DomainError(
                    _(
                        "Edition %(code)s is %(status)s and the file's content differs from it "
                        "(stored hash %(stored)s…, file %(new)s…): a published edition is "
                        "immutable; publish a new edition code."
                    )
                    % {
                        "code": edition.code,
                        "status": edition.get_status_display(),
                        "stored": edition.content_hash[:12],
                        "new": new_hash[:12],
                    },
                    code="edition_immutable",
                )
            outcome = UNCHANGED
            rewritten = False
        elif edition.content_hash == new_hash and edition_verify_hash(edition):
            outcome = UNCHANGED
            rewritten = False
        else:
            _apply_edition_fields(edition, content["edition"], new_hash)
            edition.save()
            _write_rows(edition, content, levels)
            outcome = UPDATED
        if edition.status != data.status:
            previous = edition.status
            ensure_transition(previous, data.status, EDITION_TRANSITIONS)
            edition.status = data.status
            edition.save(update_fields=["status", "updated_at"])
            audit_record(
                action="scheme.edition.status_changed",
                by=by,
                obj=edition,
                data={"from": previous, "to": data.status, "origin": origin},
            )
            if outcome == UNCHANGED:
                outcome = UPDATED
    if rewritten:
        if not edition_verify_hash(edition):
            # The rows must reproduce the content exactly, or the tamper check would fire later.
            raise RuntimeError(f"edition {edition.code}: stored rows do not reproduce the content")
        audit_record(
            action=f"scheme.edition.{outcome}",
            by=by,
            obj=edition,
            data={"content_hash": new_hash, "counts": data.counts(), "origin": origin},
        )
    linked = _link_editions(edition, by=by)
    return LoadResult(
        code=edition.code,
        outcome=outcome,
        status=edition.status,
        content_hash=new_hash,
        counts=data.counts(),
        correspondences_created=linked,
    )


def _link_editions(edition: Edition, *, by: Any) -> int:
    """Set `supersedes` from source["supersedes"] (both ways) and map items older → newer."""
    created = 0
    source = edition.source if isinstance(edition.source, dict) else {}
    older_code = source.get("supersedes")
    older = Edition.objects.filter(code=older_code).first() if older_code else None
    if older is not None:
        if edition.supersedes_id != older.pk:
            edition.supersedes = older
            edition.save(update_fields=["supersedes", "updated_at"])
        created += _link_correspondences(older=older, newer=edition, by=by)
    for newer in Edition.objects.filter(source__supersedes=edition.code).exclude(pk=edition.pk):
        if newer.supersedes_id != edition.pk:
            newer.supersedes = edition
            newer.save(update_fields=["supersedes", "updated_at"])
        created += _link_correspondences(older=edition, newer=newer, by=by)
    return created


def _link_correspondences(*, older: Edition, newer: Edition, by: Any) -> int:
    """Create the ItemCorrespondence rows older → newer from the older items' `final_items`.

    An older item lists the codes it became in the edition that supersedes it
    (extra["final_items"]), with a confidence and, where something moved or was dropped, a note
    (extra["final_note"] in English, extra["final_note_ja"] in Japanese). An item with no
    final items was dissolved; it gets no row, and its note stays in its `extra`.
    """
    targets = {item.code: item for item in newer.items.all()}
    wanted: dict[tuple[int, int], tuple[str, str, str]] = {}
    missing: list[str] = []
    for item in older.items.order_by("position"):
        extra = item.extra if isinstance(item.extra, dict) else {}
        confidence = str(extra.get("confidence") or "")
        if confidence not in ItemCorrespondence.Confidence.values:
            confidence = ItemCorrespondence.Confidence.LOW
        note_en = str(extra.get("final_note") or "")
        note_ja = str(extra.get("final_note_ja") or "")
        for code in extra.get("final_items") or []:
            target = targets.get(str(code))
            if target is None:
                missing.append(f"{item.code} → {code}")
                continue
            wanted[(item.pk, target.pk)] = (confidence, note_ja, note_en)
    if missing:
        raise DomainError(
            _("Items of %(older)s point to items that %(newer)s does not have: %(pairs)s.")
            % {"older": older.code, "newer": newer.code, "pairs": ", ".join(missing)},
            code="correspondence_target_missing",
        )
    existing = {
        (c.from_item_id, c.to_item_id): c
        for c in ItemCorrespondence.objects.filter(from_item__edition=older, to_item__edition=newer)
    }
    to_create = []
    to_update = []
    for key, (confidence, note_ja, note_en) in wanted.items():
        row = existing.pop(key, None)
        if row is None:
            to_create.append(
                ItemCorrespondence(
                    from_item_id=key[0],
                    to_item_id=key[1],
                    confidence=confidence,
                    note_ja=note_ja,
                    note_en=note_en,
                )
            )
        elif (row.confidence, row.note_ja, row.note_en) != (confidence, note_ja, note_en):
            row.confidence, row.note_ja, row.note_en = confidence, note_ja, note_en
            to_update.append(row)
    ItemCorrespondence.objects.bulk_create(to_create)
    ItemCorrespondence.objects.bulk_update(to_update, ["confidence", "note_ja", "note_en"])
    stale = [row.pk for row in existing.values()]
    ItemCorrespondence.objects.filter(pk__in=stale).delete()
    if to_create or to_update or stale:
        audit_record(
            action="scheme.correspondence.linked",
            by=by,
            obj=newer,
            data={
                "older": older.code,
                "created": len(to_create),
                "updated": len(to_update),
                "deleted": len(stale),
            },
        )
    return len(to_create)


@transaction.atomic
def catalogue_load_file(*, path: Path | str, by: Any = None) -> LoadResult:
    """Load one edition file (fixtures/schemes/<code>.yaml); the levels must exist already."""
    return edition_load(data=parse_edition_file(path), by=by, origin=Path(path).name)


def _in_dependency_order(editions: Iterable[EditionData]) -> list[EditionData]:
    """Editions ordered so that one is loaded after the edition it supersedes."""
    pending = list(editions)
    codes = {data.code for data in pending}
    done: set[str] = set()
    ordered: list[EditionData] = []
    while pending:
        ready = [d for d in pending if d.supersedes is None or d.supersedes not in codes - done]
        if not ready:
            raise DomainError(
                _("The editions %(codes)s supersede each other in a cycle.")
                % {"codes": ", ".join(sorted(d.code for d in pending))},
                code="edition_cycle",
            )
        for data in ready:
            ordered.append(data)
            done.add(data.code)
            pending.remove(data)
    return ordered


@transaction.atomic
def catalogue_load_all(
    *, by: Any = None, directory: Path | str | None = None
) -> CatalogueLoadReport:
    """Load levels.yaml and every edition file of the directory (default fixtures/schemes/).

    All or nothing: one transaction. Editions are loaded oldest first (by `supersedes`).
    """
    folder = Path(directory) if directory is not None else catalogue_directory()
    levels = levels_load_file(path=folder / LEVELS_FILE, by=by)
    files = sorted(p for p in folder.glob("*.yaml") if p.name != LEVELS_FILE)
    parsed = {path.name: parse_edition_file(path) for path in files}
    origin = {data.code: name for name, data in parsed.items()}
    results = [
        edition_load(data=data, by=by, origin=origin[data.code])
        for data in _in_dependency_order(parsed.values())
    ]
    return CatalogueLoadReport(levels=levels, editions=results)


# ------------------------------------------------------------------------------------------------
# The official spreadsheet
# ------------------------------------------------------------------------------------------------


def _copy_english_names(content: Content, reference: Edition | None) -> None:
    """Give categories and subcategories the English name (and CSF category) of the reference
    edition's row with the same number and Japanese name (compared after NFKC)."""
    if reference is None:
        return
    for key, rows in (
        ("categories", reference.categories.all()),
        ("subcategories", reference.subcategories.all()),
    ):
        known = {(row.code, normalise(row.name_ja)): row for row in rows}
        for row in content[key]:
            match = known.get((row["code"], normalise(row["name_ja"])))
            if match is None:
                continue
            row["name_en"] = match.name_en
            if isinstance(match, Subcategory):
                row["csf_category"] = match.csf_category


@transaction.atomic
def edition_import_xlsx(
    *,
    path: Path | str,
    code: str,
    title_ja: str = "",
    title_en: str = "",
    published_on: datetime.date | None = None,
    by: Any = None,
) -> LoadResult:
    """Build (or update) a DRAFT edition from the official spreadsheet layout.

    The official wording goes to the *_ja fields. English is left empty for items and criteria
    (our English paraphrases describe an earlier text and must not pass for a translation of
    this one); categories and subcategories get the English name of the edition in force where
    number and Japanese name are unchanged. Every problem of the file is reported at once
    (xlsx_import.SpreadsheetInvalid) and nothing is written unless the whole file is valid.
    """
    existing = Edition.objects.select_for_update().filter(code=code).first()
    if existing is not None and existing.status != S.DRAFT:
        raise DomainError(
            _(
                "Edition %(code)s is %(status)s: a published edition is immutable; import the "
                "spreadsheet under a new edition code."
            )
            % {"code": code, "status": existing.get_status_display()},
            code="edition_immutable",
        )
    data = parse_official_xlsx(
        path, code=code, title_ja=title_ja, title_en=title_en, published_on=published_on
    )
    reference = (
        Edition.objects.filter(status=S.PUBLISHED)
        .exclude(code=code)
        .order_by("-published_on", "-pk")
        .first()
    )
    _copy_english_names(data.content, reference)
    return edition_load(data=data, by=by, origin=Path(path).name)
