"""Loading rules against the loaded catalogue: levels, the content hash, immutability of
published and retired editions, drafts updated in place, the tamper check, broken files."""

import hashlib
from pathlib import Path

import pytest
import yaml
from django.contrib import admin
from django.contrib.messages.storage.fallback import FallbackStorage
from django.utils import translation

from core.exceptions import DomainError, TransitionNotAllowed
from core.models import AuditEvent
from scheme.admin import EditionAdmin
from scheme.loader import (
    CatalogueFileError,
    canonical_json,
    content_hash,
    edition_content,
    parse_edition_file,
)
from scheme.models import (
    Category,
    Criterion,
    Edition,
    Item,
    ItemCorrespondence,
    Level,
    Subcategory,
)
from scheme.services import (
    catalogue_directory,
    catalogue_load_file,
    edition_verify_hash,
    levels_load_file,
)
from tests.factories.scheme import catalogue_loaded

FINAL = "scs-2026-03"
INTERIM = "scs-2025-04-interim"
FINAL_FILE = catalogue_directory() / f"{FINAL}.yaml"
INTERIM_FILE = catalogue_directory() / f"{INTERIM}.yaml"
LEVELS_FILE = catalogue_directory() / "levels.yaml"

# The shipped final edition is published: its content may never change. If this fails, the
# fixture file was edited; publish the change under a new edition code instead.
FINAL_HASH = "53230c8721fa94677260936b2b69e24094db2e6c687554019063f724a7604fc2"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture(scope="module")
def catalogue(django_db_setup, django_db_blocker):
    with catalogue_loaded(django_db_blocker) as report:
        yield report


def _yaml(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _write(path: Path, data: dict) -> Path:
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def _snapshot(edition: Edition) -> str:
    return canonical_json(edition_content(edition))


# ------------------------------------------------------------------------------------------------
# Levels
# ------------------------------------------------------------------------------------------------


def test_levels(catalogue, db):
    levels = {level.code: level for level in Level.objects.all()}
    assert sorted(levels) == ["star3", "star4", "star5"]
    assert (levels["star3"].stars, levels["star3"].validity_months) == (3, 12)
    assert (levels["star4"].stars, levels["star4"].validity_months) == (4, 36)
    assert (levels["star5"].stars, levels["star5"].validity_months) == (5, None)
    assert (levels["star3"].name_ja, levels["star3"].name_en) == ("ベーシック", "Basic")
    assert (levels["star4"].name_ja, levels["star4"].name_en) == ("スタンダード", "Standard")
    assert all(level.description_ja and level.description_en for level in levels.values())
    assert not levels["star5"].items.exists()
    assert not levels["star5"].criteria.exists()


def test_a_changed_level_is_updated_and_audited(catalogue, db, tmp_path):
    data = _yaml(LEVELS_FILE)
    data["levels"][2]["validity_months"] = 24
    result = levels_load_file(path=_write(tmp_path / "levels.yaml", data))
    assert (result.updated, result.unchanged) == (["star5"], ["star3", "star4"])
    assert Level.objects.get(code="star5").validity_months == 24
    event = AuditEvent.objects.get(action="scheme.level.updated")
    assert event.data == {"validity_months": 24}


# ------------------------------------------------------------------------------------------------
# The content hash
# ------------------------------------------------------------------------------------------------


def test_the_hash_is_sha256_of_the_canonical_content(catalogue, db):
    final = Edition.objects.get(code=FINAL)
    parsed = parse_edition_file(FINAL_FILE)
    expected = hashlib.sha256(canonical_json(parsed.content).encode("utf-8")).hexdigest()
    assert final.content_hash == expected == content_hash(edition_content(final)) == FINAL_HASH
    assert edition_content(final) == parsed.content


def test_both_shipped_editions_verify(catalogue, db):
    assert all(edition_verify_hash(e) for e in Edition.objects.all())


def test_status_and_supersedes_are_not_part_of_the_content(catalogue, db):
    final = Edition.objects.get(code=FINAL)
    Edition.objects.filter(pk=final.pk).update(status="retired", supersedes=None)
    assert edition_verify_hash(Edition.objects.get(pk=final.pk))


TAMPERING = {
    "criterion text": lambda: Criterion.objects.filter(code="4-1-3-1").update(
        statement_ja="パスワードは4文字以上"
    ),
    "criterion level": lambda: Criterion.objects.filter(edition__code=FINAL, code="1-2-1-4").update(
        level=Level.objects.get(code="star3")
    ),
    "criterion params": lambda: Criterion.objects.filter(
        edition__code=FINAL, params__has_key="patch_deadline_days"
    ).update(params={"patch_deadline_days": 30}),
    "criterion deleted": lambda: Criterion.objects.filter(
        edition__code=FINAL, code="7-1-1-2"
    ).delete(),
    "item level removed": lambda: Item.objects.get(edition__code=FINAL, code="1-2-1").levels.remove(
        Level.objects.get(code="star3")
    ),
    "item order": lambda: Item.objects.filter(edition__code=FINAL, code="1-1-1").update(
        position=999
    ),
    "subcategory moved": lambda: Subcategory.objects.filter(edition__code=FINAL, code="1-4").update(
        category=Category.objects.get(edition__code=FINAL, code="2")
    ),
    "category renamed": lambda: Category.objects.filter(edition__code=FINAL, code="1").update(
        name_en="Leadership"
    ),
}


@pytest.mark.parametrize("change", TAMPERING.values(), ids=TAMPERING.keys())
def test_rows_edited_behind_the_loaders_back_fail_loudly(catalogue, db, change):
    change()
    final = Edition.objects.get(code=FINAL)
    assert not edition_verify_hash(final)
    with pytest.raises(DomainError, match="was changed in the database after it was loaded") as exc:
        catalogue_load_file(path=FINAL_FILE)
    assert exc.value.code == "edition_tampered"


# ------------------------------------------------------------------------------------------------
# Published and retired editions are immutable; drafts are updated in place
# ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "code"), [(FINAL_FILE, FINAL), (INTERIM_FILE, INTERIM)], ids=["published", "retired"]
)
def test_a_different_file_for_a_published_or_retired_edition_is_refused(
    catalogue, db, tmp_path, source, code
):
    data = _yaml(source)
    data["edition"]["title_en"] += " (edited)"
    edition = Edition.objects.get(code=code)
    before = _snapshot(edition)
    events = AuditEvent.objects.count()

    with pytest.raises(
        DomainError, match="a published edition is immutable; publish a new edition code"
    ) as exc:
        catalogue_load_file(path=_write(tmp_path / source.name, data))

    assert exc.value.code == "edition_immutable"
    edition.refresh_from_db()
    assert _snapshot(edition) == before
    assert edition.content_hash == content_hash(parse_edition_file(source).content)
    assert AuditEvent.objects.count() == events


def _draft_file(tmp_path: Path, *, code: str = "scs-draft", status: str = "draft") -> dict:
    data = _yaml(FINAL_FILE)
    data["edition"].update(id=code, status=status)
    data["edition"].pop("supersedes")
    return data


def test_a_draft_is_updated_in_place(catalogue, db, tmp_path):
    data = _draft_file(tmp_path)
    path = _write(tmp_path / "draft.yaml", data)
    assert catalogue_load_file(path=path).outcome == "created"
    draft = Edition.objects.get(code="scs-draft")
    assert draft.status == "draft"
    kept = Criterion.objects.get(edition=draft, code="1-2-1-1").pk
    old_hash = draft.content_hash

    first_item = data["items"][0]
    first_item["criteria"][0]["statement_en"] = "A reworded criterion."
    data["items"] = [i for i in data["items"] if i["id"] != "3-1-5"]  # drop one item
    data["items"][1]["criteria"].append(
        {"id": "1-2-1-5", "level": "star4", "csf": "GV", "statement_ja": "新しい基準。"}
    )
    result = catalogue_load_file(path=_write(tmp_path / "draft.yaml", data))

    assert result.outcome == "updated"
    draft.refresh_from_db()
    assert draft.content_hash != old_hash
    assert edition_verify_hash(draft)
    assert Criterion.objects.get(edition=draft, code="1-2-1-1").pk == kept
    assert Criterion.objects.get(edition=draft, code="1-1-1-1").statement_en == (
        "A reworded criterion."
    )
    assert not Item.objects.filter(edition=draft, code="3-1-5").exists()
    assert not Criterion.objects.filter(edition=draft, code__startswith="3-1-5-").exists()
    assert Criterion.objects.get(edition=draft, code="1-2-1-5").statement_ja == "新しい基準。"
    assert (draft.items.count(), draft.criteria.count()) == (42, 151)
    assert AuditEvent.objects.filter(action="scheme.edition.updated", object_id=draft.pk).exists()
    # the published edition is untouched
    assert Edition.objects.get(code=FINAL).content_hash == FINAL_HASH


def test_a_draft_marked_final_in_its_file_is_published(catalogue, db, tmp_path):
    data = _draft_file(tmp_path)
    catalogue_load_file(path=_write(tmp_path / "draft.yaml", data))
    data["edition"]["status"] = "final"

    result = catalogue_load_file(path=_write(tmp_path / "draft.yaml", data))

    assert (result.outcome, result.status) == ("updated", "published")
    event = AuditEvent.objects.get(action="scheme.edition.status_changed")
    assert (event.data["from"], event.data["to"]) == ("draft", "published")
    assert not AuditEvent.objects.filter(action="scheme.edition.updated").exists()


def test_a_status_never_moves_back(catalogue, db, tmp_path):
    data = _yaml(FINAL_FILE)
    data["edition"]["status"] = "draft"
    with pytest.raises(TransitionNotAllowed):
        catalogue_load_file(path=_write(tmp_path / "final.yaml", data))
    assert Edition.objects.get(code=FINAL).status == "published"


def test_a_published_edition_may_be_retired_by_its_file(catalogue, db, tmp_path):
    data = _yaml(FINAL_FILE)
    data["edition"]["status"] = "superseded"
    result = catalogue_load_file(path=_write(tmp_path / "final.yaml", data))
    assert (result.outcome, result.status) == ("updated", "retired")
    assert Edition.objects.get(code=FINAL).content_hash == FINAL_HASH


# ------------------------------------------------------------------------------------------------
# Broken files
# ------------------------------------------------------------------------------------------------


def test_every_problem_of_a_broken_file_is_listed(catalogue, db, tmp_path):
    data = _draft_file(tmp_path)
    data["items"][1]["id"] = "1-1-1"  # duplicate of the first item
    data["items"][2]["subcategory"] = "9-9"
    with pytest.raises(CatalogueFileError) as exc:
        catalogue_load_file(path=_write(tmp_path / "broken.yaml", data))
    assert exc.value.problems == [
        "Duplicate item code 1-1-1.",
        "Item 1-2-2 names an unknown subcategory 9-9.",
    ]
    assert "broken.yaml cannot be loaded:" in exc.value.message
    assert not Edition.objects.filter(code="scs-draft").exists()


# ------------------------------------------------------------------------------------------------
# The admin only shows the catalogue (the loader is the one way in) and runs the tamper check
# ------------------------------------------------------------------------------------------------


SCHEME_MODELS = [Level, Edition, Category, Subcategory, Item, Criterion, ItemCorrespondence]


def test_the_admin_shows_the_catalogue_but_never_changes_it(catalogue, rf, admin_user):
    request = rf.get("/admin/")
    request.user = admin_user
    final = Edition.objects.get(code=FINAL)
    registered = {m for m in admin.site._registry if m._meta.app_label == "scheme"}
    assert registered == set(SCHEME_MODELS)
    for model in SCHEME_MODELS:
        model_admin = admin.site._registry[model]
        obj = model._default_manager.first()
        assert model_admin.has_view_permission(request, obj)
        assert not model_admin.has_add_permission(request)
        assert not model_admin.has_change_permission(request, obj)
        assert not model_admin.has_delete_permission(request, obj)
    edition_admin = admin.site._registry[Edition]
    assert isinstance(edition_admin, EditionAdmin)
    assert list(edition_admin.get_actions(request)) == ["verify_hashes"]
    assert edition_admin.hash_verified(final) is True


def test_the_admin_action_runs_the_tamper_check(catalogue, rf, admin_user):
    final = Edition.objects.get(code=FINAL)
    Criterion.objects.filter(edition=final, code="4-1-3-1").update(statement_en="Anything goes.")
    request = rf.post("/admin/scheme/edition/")
    request.user = admin_user
    request.session = {}
    request._messages = FallbackStorage(request)

    edition_admin = admin.site._registry[Edition]
    assert isinstance(edition_admin, EditionAdmin)
    edition_admin.verify_hashes(request, Edition.objects.order_by("code"))

    assert [(m.level_tag, str(m)) for m in request._messages] == [
        ("success", f"{INTERIM}: the rows match the stored content hash."),
        (
            "error",
            f"{FINAL}: the rows do NOT match the stored content hash; they were changed outside "
            "the loader.",
        ),
    ]
    assert edition_admin.hash_verified(final) is False
