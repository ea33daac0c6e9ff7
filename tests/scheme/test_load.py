"""Loading the catalogue from an empty database: first load, idempotence, order, the command."""

import io
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command
from django.utils import translation

from core.exceptions import DomainError
from core.models import AuditEvent
from scheme.loader import CatalogueFileError
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
    catalogue_load_all,
    catalogue_load_file,
    edition_verify_hash,
    levels_load_file,
)

FINAL = "scs-2026-03"
INTERIM = "scs-2025-04-interim"
FINAL_FILE = catalogue_directory() / f"{FINAL}.yaml"
INTERIM_FILE = catalogue_directory() / f"{INTERIM}.yaml"
LEVELS_FILE = catalogue_directory() / "levels.yaml"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def _yaml(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _write(path: Path, data: dict) -> Path:
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


# ------------------------------------------------------------------------------------------------
# First load and idempotence (each from an empty catalogue)
# ------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_first_load_creates_the_levels_and_both_editions():
    report = catalogue_load_all()

    assert report.levels.created == ["star3", "star4", "star5"]
    assert [(r.code, r.outcome, r.status) for r in report.editions] == [
        (INTERIM, "created", "retired"),
        (FINAL, "created", "published"),
    ]
    final = Edition.objects.get(code=FINAL)
    interim = Edition.objects.get(code=INTERIM)
    assert final.supersedes == interim
    assert interim.supersedes is None
    assert str(final.published_on) == "2026-03-27"
    assert str(interim.published_on) == "2025-04-14"
    assert final.notice_ja.startswith("表題・要求・評価基準の文章はすべて要約・言い換え")
    assert final.notice_en.startswith("All titles, requirements and criterion statements")
    assert interim.notice_ja
    assert interim.notice_en
    assert final.source["source_file"]["sha256_reported"].startswith("d4c27aa4")
    assert final.source["official_sheet_name"] == "★3・★4要求事項・評価基準"
    assert final.source["csf_functions"]["GV"]["source_label"] == "統治(GV)"
    assert interim.source["superseded_by"] == FINAL
    assert report.editions[1].correspondences_created == 68
    actions = sorted(AuditEvent.objects.values_list("action", flat=True))
    assert actions == sorted(
        ["scheme.level.created"] * 3
        + ["scheme.edition.created"] * 2
        + ["scheme.correspondence.linked"]
    )


@pytest.mark.django_db
def test_loading_twice_changes_nothing():
    catalogue_load_all()
    before = {
        model: sorted(model.objects.values_list("pk", flat=True))
        for model in (Level, Edition, Category, Subcategory, Item, Criterion, ItemCorrespondence)
    }
    updated_at = dict(Edition.objects.values_list("code", "updated_at"))
    events = AuditEvent.objects.count()

    report = catalogue_load_all()

    assert report.levels.unchanged == ["star3", "star4", "star5"]
    assert report.levels.created == report.levels.updated == []
    assert [(r.code, r.outcome) for r in report.editions] == [
        (INTERIM, "unchanged"),
        (FINAL, "unchanged"),
    ]
    assert all(r.correspondences_created == 0 for r in report.editions)
    after = {model: sorted(model.objects.values_list("pk", flat=True)) for model in before}
    assert after == before
    assert dict(Edition.objects.values_list("code", "updated_at")) == updated_at
    assert AuditEvent.objects.count() == events


@pytest.mark.django_db
def test_editions_may_be_loaded_in_any_order():
    levels_load_file(path=LEVELS_FILE)
    final = catalogue_load_file(path=FINAL_FILE)
    assert final.correspondences_created == 0
    assert Edition.objects.get(code=FINAL).supersedes is None

    interim = catalogue_load_file(path=INTERIM_FILE)

    assert interim.correspondences_created == 68
    assert Edition.objects.get(code=FINAL).supersedes == Edition.objects.get(code=INTERIM)
    assert edition_verify_hash(Edition.objects.get(code=FINAL))


@pytest.mark.django_db
def test_an_edition_needs_its_levels():
    with pytest.raises(DomainError, match=r"Unknown level\(s\) star3, star4: load the star levels"):
        catalogue_load_file(path=FINAL_FILE)
    assert not Edition.objects.exists()


@pytest.mark.django_db
def test_the_command_prints_what_it_did_per_edition():
    out = io.StringIO()
    call_command("load_catalogue", stdout=out)
    first = out.getvalue()
    assert "levels: 3 created, 0 updated, 0 unchanged" in first
    assert f"{INTERIM}: created (Retired; 69 items, 0 criteria; hash" in first
    assert f"{FINAL}: created (Published; 43 items, 153 criteria; hash 53230c8721fa…)" in first
    assert "68 correspondences created" in first

    out = io.StringIO()
    call_command("load_catalogue", stdout=out)
    assert f"{INTERIM}: unchanged" in out.getvalue()
    assert f"{FINAL}: unchanged" in out.getvalue()
    assert "levels: 0 created, 0 updated, 3 unchanged" in out.getvalue()


@pytest.mark.django_db
def test_the_command_speaks_japanese_by_default():
    out = io.StringIO()
    with translation.override("ja"):
        call_command("load_catalogue", stdout=out)
    assert f"{FINAL}：作成（" in out.getvalue()
    assert "要求事項 43件、評価基準 153件" in out.getvalue()


def test_a_file_that_is_not_yaml_is_reported(db, tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("edition: [unclosed", encoding="utf-8")
    with pytest.raises(CatalogueFileError, match=r"bad\.yaml cannot be loaded"):
        catalogue_load_file(path=path)


def test_a_failing_file_leaves_nothing_half_loaded(db, tmp_path):
    for name in ("levels.yaml", f"{INTERIM}.yaml"):
        (tmp_path / name).write_bytes((catalogue_directory() / name).read_bytes())
    data = _yaml(FINAL_FILE)
    data["items"][0]["criteria"][0]["level"] = "star9"
    _write(tmp_path / f"{FINAL}.yaml", data)

    with pytest.raises(DomainError, match="star9"):
        catalogue_load_all(directory=tmp_path)

    assert not Level.objects.exists()
    assert not Edition.objects.exists()
    assert not AuditEvent.objects.exists()
