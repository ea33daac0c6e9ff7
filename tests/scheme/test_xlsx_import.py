"""Importing the official spreadsheet layout into a draft edition.

Every workbook here is built by the test itself with openpyxl, in the official layout: headers in
row 2, one criterion per row from row 3, columns B–N, with the category / subcategory / item
columns merged over their rows as in the official file (so the importer must read merged cells
from their top-left cell).
"""

import hashlib
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation
from openpyxl import Workbook, load_workbook

from core.exceptions import DomainError
from core.models import AuditEvent
from scheme.models import Criterion, Edition, Item
from scheme.services import edition_import_xlsx, edition_verify_hash
from scheme.xlsx_import import SpreadsheetInvalid
from tests.factories.scheme import catalogue_loaded

SHEET = "★3・★4要求事項・評価基準"
CODE = "scs-2027-draft"
HEADERS = {
    "B": "大分類No.",
    "C": "大分類",
    "D": "中分類No.",
    "E": "中分類",
    "F": "要求事項No.",
    "G": "★3",
    "H": "★4",
    "I": "要求事項名",
    "J": "要求事項",
    "K": "★3/★4",
    "L": "評価基準No.",
    "M": "評価基準",
    "N": "NIST CSF 2.0",
}
CATEGORY_NAMES = {"1": "ガバナンスの整備", "2": "取引先管理"}
SUBCATEGORY_NAMES = {
    "1-2": "役割、責任、権限",
    "2-1": "サイバーセキュリティサプライチェーンリスクマネジメント",
}
ITEMS = {
    "1-2-1": ("推進体制", "セキュリティの推進体制を定める。　"),  # ends in a full-width space
    "1-2-2": ("監視体制", "攻撃の予兆を監視する体制を整える。"),
    "2-1-1": ("取引先の把握", "取引先と接続先を一覧にする。"),
}
Row = dict[str, str]


def criterion(code: str, level: str, text: str, *, csf: str = "統治(GV)") -> Row:
    item = code.rsplit("-", 1)[0]
    category, subcategory = item.split("-")[0], "-".join(item.split("-")[:2])
    star3 = level.replace("３", "3") == "★3"
    return {
        "B": category,
        "C": CATEGORY_NAMES[category],
        "D": subcategory,
        "E": SUBCATEGORY_NAMES[subcategory],
        "F": item,
        "G": "○" if star3 else "",
        "H": "○",
        "I": ITEMS[item][0],
        "J": ITEMS[item][1],
        "K": level,
        "L": code,
        "M": text,
        "N": csf,
    }


def small_rows() -> list[Row]:
    """Six criteria of three items (sheet rows 3–8), with the quirks of the official file: a
    full-width digit in K, full-width brackets in N, a trailing newline in M, a trailing
    full-width space in J, IDs cited as 「No.1-2-1-1」."""
    return [
        criterion("1-2-1-1", "★3", "・セキュリティ責任者の役割を定めている。"),
        criterion("1-2-1-2", "★3", "・連絡先一覧を整備している。\n"),
        criterion("1-2-1-3", "★4", "・No.1-2-1-1とNo.１-2-1-2の体制を年1回以上点検している。"),
        criterion("1-2-2-1", "★4", "・脅威情報を収集している。"),
        criterion("2-1-1-1", "★３", "取引先の一覧を作成している。", csf="統治（GV）"),
        criterion("2-1-1-2", "★4", "・下記を一覧にしている。\n- 取引先\n- 連絡手段"),
    ]


# Which consecutive rows share a merged cell in each column (as in the official file).
MERGE_SCOPE: dict[str, Callable[[Row], tuple[str, ...]]] = {
    "B": lambda r: (r["B"],),
    "C": lambda r: (r["B"],),
    "D": lambda r: (r["D"],),
    "E": lambda r: (r["D"],),
    "F": lambda r: (r["F"],),
    "H": lambda r: (r["F"],),
    "I": lambda r: (r["F"],),
    "J": lambda r: (r["F"],),
    "G": lambda r: (r["F"], r["K"]),
    "K": lambda r: (r["F"], r["K"]),
}


def build_workbook(
    rows: list[Row],
    *,
    headers: dict[str, str] = HEADERS,
    sheet: str = SHEET,
    merge: bool = True,
) -> bytes:
    workbook = Workbook()
    ws = workbook.active
    ws.title = sheet
    ws["B1"] = "SCS評価制度 ★3・★4要求事項・評価基準"
    for letter, header in headers.items():
        ws[f"{letter}2"] = header
    for offset, row in enumerate(rows):
        for letter, value in row.items():
            ws[f"{letter}{3 + offset}"] = value
    if merge:
        for letter, scope in MERGE_SCOPE.items():
            start = 0
            for end in range(1, len(rows) + 1):
                same = end < len(rows) and (scope(rows[end]), rows[end][letter]) == (
                    scope(rows[start]),
                    rows[start][letter],
                )
                if same:
                    continue
                if end - start > 1:
                    for index in range(start + 1, end):
                        ws[f"{letter}{3 + index}"] = None
                    ws.merge_cells(f"{letter}{3 + start}:{letter}{3 + end - 1}")
                start = end
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture(scope="module")
def catalogue(django_db_setup, django_db_blocker):
    with catalogue_loaded(django_db_blocker) as report:
        yield report


@pytest.fixture
def write(tmp_path: Path) -> Callable[..., Path]:
    def _write(rows: list[Row], name: str = "official.xlsx", **options: Any) -> Path:
        path = tmp_path / name
        path.write_bytes(build_workbook(rows, **options))
        return path

    return _write


# ------------------------------------------------------------------------------------------------
# A valid file
# ------------------------------------------------------------------------------------------------


def test_the_builder_really_merges_cells(write):
    sheet = load_workbook(write(small_rows()))[SHEET]
    merged = {str(r) for r in sheet.merged_cells.ranges}
    assert {"B3:B6", "D3:D6", "F3:F5", "J3:J5", "G3:G4", "K3:K4", "H7:H8"} <= merged
    assert sheet["F4"].value is None


def test_a_valid_workbook_becomes_a_draft_edition(catalogue, db, write):
    path = write(small_rows())
    result = edition_import_xlsx(path=path, code=CODE, title_ja="テスト版", title_en="Test")

    assert (result.code, result.outcome, result.status) == (CODE, "created", "draft")
    assert result.counts == {"categories": 2, "subcategories": 2, "items": 3, "criteria": 6}
    edition = Edition.objects.get(code=CODE)
    assert (edition.title_ja, edition.title_en, edition.status) == ("テスト版", "Test", "draft")
    assert edition.supersedes is None
    assert edition.source["kind"] == "official_xlsx"
    assert edition.source["file_name"] == "official.xlsx"
    assert edition.source["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert edition.source["sheet"] == SHEET
    assert (edition.source["first_criterion_row"], edition.source["last_criterion_row"]) == (3, 8)
    assert edition_verify_hash(edition)

    categories = list(edition.categories.values_list("code", "name_ja", "name_en", "csf_function"))
    assert categories == [
        ("1", "ガバナンスの整備", "Governance", "GV"),
        ("2", "取引先管理", "Supplier and partner management", "GV"),
    ]
    sub = edition.subcategories.get(code="1-2")
    assert (sub.name_en, sub.csf_category) == ("Roles, responsibilities and authorities", "GV.RR")

    items = {item.code: item for item in Item.objects.filter(edition=edition)}
    assert list(items) == ["1-2-1", "1-2-2", "2-1-1"]
    levels = {code: sorted(lv.code for lv in item.levels.all()) for code, item in items.items()}
    assert levels == {
        "1-2-1": ["star3", "star4"],
        "1-2-2": ["star4"],
        "2-1-1": ["star3", "star4"],
    }
    assert items["1-2-1"].requirement_ja == "セキュリティの推進体制を定める。"
    assert (items["1-2-1"].title_ja, items["1-2-1"].title_en) == ("推進体制", "")
    assert {code: item.extra["identical_at_star4"] for code, item in items.items()} == {
        "1-2-1": False,
        "1-2-2": None,
        "2-1-1": False,
    }

    criteria = {
        c.code: c for c in Criterion.objects.filter(edition=edition).select_related("level")
    }
    assert [c.source_row for c in criteria.values()] == [3, 4, 5, 6, 7, 8]
    assert {code: c.level.code for code, c in criteria.items()} == {
        "1-2-1-1": "star3",
        "1-2-1-2": "star3",
        "1-2-1-3": "star4",
        "1-2-2-1": "star4",
        "2-1-1-1": "star3",
        "2-1-1-2": "star4",
    }
    assert criteria["1-2-1-2"].statement_ja == "・連絡先一覧を整備している。"
    assert criteria["2-1-1-2"].statement_ja == "・下記を一覧にしている。\n- 取引先\n- 連絡手段"
    assert criteria["1-2-1-3"].refs == ["1-2-1-1", "1-2-1-2"]
    assert criteria["2-1-1-1"].csf_function == "GV"
    assert criteria["1-2-1-1"].statement_en == ""
    assert AuditEvent.objects.filter(action="scheme.edition.created", object_id=edition.pk).exists()


def test_header_spelling_variants_are_accepted(catalogue, db, write):
    headers = {**HEADERS, "B": "大分類\nNo.", "L": "評価基準Ｎｏ．", "K": "★３／★４"}
    result = edition_import_xlsx(path=write(small_rows(), headers=headers), code=CODE)
    assert result.counts["criteria"] == 6


def test_unmerged_cells_work_too(catalogue, db, write):
    result = edition_import_xlsx(path=write(small_rows(), merge=False), code=CODE)
    assert result.counts["items"] == 3


def test_importing_the_same_file_again_changes_nothing(catalogue, db, write):
    path = write(small_rows())
    edition_import_xlsx(path=path, code=CODE)
    events = AuditEvent.objects.count()
    assert edition_import_xlsx(path=path, code=CODE).outcome == "unchanged"
    assert AuditEvent.objects.count() == events


def test_a_corrected_file_updates_the_draft_in_place(catalogue, db, write):
    edition_import_xlsx(path=write(small_rows()), code=CODE)
    kept = Criterion.objects.get(edition__code=CODE, code="1-2-1-1").pk
    rows = small_rows()
    rows[3]["M"] = "・脅威情報を収集し、分析している。"
    del rows[5]

    result = edition_import_xlsx(path=write(rows), code=CODE)

    assert result.outcome == "updated"
    assert Criterion.objects.get(edition__code=CODE, code="1-2-1-1").pk == kept
    assert Criterion.objects.get(edition__code=CODE, code="1-2-2-1").statement_ja == (
        "・脅威情報を収集し、分析している。"
    )
    assert not Criterion.objects.filter(edition__code=CODE, code="2-1-1-2").exists()
    assert edition_verify_hash(Edition.objects.get(code=CODE))


def test_a_published_code_is_refused(catalogue, db, write):
    with pytest.raises(DomainError, match="a published edition is immutable") as exc:
        edition_import_xlsx(path=write(small_rows()), code="scs-2026-03")
    assert exc.value.code == "edition_immutable"


def test_the_whole_final_edition_round_trips(catalogue, db, write):
    """The final edition written out in the official layout imports to the same structure."""
    final = Edition.objects.get(code="scs-2026-03")
    labels = {code: f["source_label"] for code, f in final.source["csf_functions"].items()}
    rows = []
    for c in Criterion.objects.filter(edition=final).select_related(
        "item__subcategory__category", "level"
    ):
        item, sub = c.item, c.item.subcategory
        rows.append(
            {
                "B": sub.category.code,
                "C": sub.category.name_ja,
                "D": sub.code,
                "E": sub.name_ja,
                "F": item.code,
                "G": "○" if c.level.code == "star3" else "",
                "H": "○",
                "I": item.title_ja,
                "J": item.requirement_ja,
                "K": str(c.level),
                "L": c.code,
                "M": "・" + c.statement_ja + "".join(f"\n- {d}" for d in c.details_ja),
                "N": labels[c.csf_function],
            }
        )

    result = edition_import_xlsx(path=write(rows), code="scs-2026-03-official")

    assert result.counts == {"categories": 7, "subcategories": 16, "items": 43, "criteria": 153}
    imported = Edition.objects.get(code="scs-2026-03-official")

    def shape(edition: Edition) -> dict:
        return {
            "items": {
                i.code: (sorted(lv.code for lv in i.levels.all()), i.extra["identical_at_star4"])
                for i in edition.items.prefetch_related("levels")
            },
            "criteria": list(
                edition.criteria.values_list("code", "level__code", "csf_function", "source_row")
            ),
            "categories": list(edition.categories.values_list("code", "name_ja", "name_en")),
            "subcategories": list(
                edition.subcategories.values_list("code", "name_en", "csf_category")
            ),
        }

    assert shape(imported) == shape(final)
    assert imported.criteria.filter(level__code="star3").count() == 81
    assert Criterion.objects.get(edition=imported, code="2-1-1-2").refs == []


# ------------------------------------------------------------------------------------------------
# Invalid files: every problem named by row and column, nothing written
# ------------------------------------------------------------------------------------------------


def _set(index: int, **cells: str) -> Callable[[list[Row]], None]:
    def change(rows: list[Row]) -> None:
        rows[index].update(cells)

    return change


def _append_copy_of(index: int) -> Callable[[list[Row]], None]:
    def change(rows: list[Row]) -> None:
        rows.append(dict(rows[index]))

    return change


def _all(*changes: Callable[[list[Row]], None]) -> Callable[[list[Row]], None]:
    def change(rows: list[Row]) -> None:
        for each in changes:
            each(rows)

    return change


INVALID = {
    "duplicate criterion ID": (
        _set(2, L="1-2-1-2", M="・別の基準。"),
        ["Row 5, column L: criterion ID 1-2-1-2 already appears in row 4."],
    ),
    "duplicate row": (
        _append_copy_of(5),
        ["Row 9 repeats row 8 (columns B–N are identical)."],
    ),
    "criterion not under its item": (
        _set(3, L="1-2-3-1"),
        ["Row 6, columns F and L: criterion ID 1-2-3-1 does not start with its item ID 1-2-2."],
    ),
    "item not in its subcategory": (
        _set(3, F="1-3-1", L="1-3-1-1"),
        ["Row 6, columns D and F: item ID 1-3-1 is not in subcategory 1-2."],
    ),
    "item not in its category": (
        _set(4, B="3"),
        ["Row 7, columns B and F: item ID 2-1-1 is not in category 3."],
    ),
    "malformed IDs": (
        _set(3, F="1-2", L="1-2-2-1-9"),
        [
            "Row 6, column F: “1-2” is not an item ID (like 4-1-3).",
            "Row 6, column L: “1-2-2-1-9” is not a criterion ID (like 4-1-3-2).",
        ],
    ),
    "unknown level mark": (
        _set(0, K="★5"),
        ["Row 3, column K: unknown level mark “★5” (expected ★3 or ★4)."],
    ),
    "level written in words": (
        _set(3, K="星4"),
        ["Row 6, column K: unknown level mark “星4” (expected ★3 or ★4)."],
    ),
    "G marked on a ★4 row": (
        _set(2, G="○"),
        [
            "Row 5, columns G and K disagree: G is “○” and K is “★4” (G must be ○ exactly on "
            "the ★3 rows)."
        ],
    ),
    "G empty on a ★3 row": (
        _set(4, G=""),
        [
            "Row 7, columns G and K disagree: G is “empty” and K is “★3” (G must be ○ exactly "
            "on the ★3 rows)."
        ],
    ),
    "H empty on a ★4 row": (
        _set(2, H=""),
        ["Row 5, columns H and K disagree: K is ★4 but H is not marked ○."],
    ),
    "unexpected mark": (
        _set(0, H="✓"),
        ["Row 3, column H: unexpected mark “✓” (expected ○ or an empty cell)."],
    ),
    "empty criterion text": (
        _set(1, M=""),
        ["Row 4, column M: the criterion text is empty."],
    ),
    "blank criterion text": (
        _set(5, M="　\n"),
        ["Row 8, column M: the criterion text is empty."],
    ),
    "unknown CSF label": (
        _set(4, N="統制(GV)"),
        [
            "Row 7, column N: unknown CSF function “統制(GV)” (expected one of "
            "統治(GV)、識別(ID)、防御(PR)、検知(DE)、対応(RS)、復旧(RC))."
        ],
    ),
    "empty required cell": (
        _set(3, N=""),
        ["Row 6, column N (CSF): the cell is empty."],
    ),
    "item title differs between its rows": (
        _set(1, I="推進の体制"),
        ["Row 4, column I: item 1-2-1 reads “推進の体制” here but “推進体制” in row 3."],
    ),
    "several problems at once": (
        _all(_set(0, K="★5"), _set(1, M=""), _set(3, L="1-2-3-1")),
        [
            "Row 3, column K: unknown level mark “★5” (expected ★3 or ★4).",
            "Row 4, column M: the criterion text is empty.",
            "Row 6, columns F and L: criterion ID 1-2-3-1 does not start with its item ID 1-2-2.",
        ],
    ),
}


@pytest.mark.parametrize(("change", "expected"), INVALID.values(), ids=INVALID.keys())
def test_an_invalid_workbook_is_refused_with_every_problem_named(
    catalogue, db, write, change, expected
):
    rows = small_rows()
    change(rows)
    editions, events = Edition.objects.count(), AuditEvent.objects.count()

    with pytest.raises(SpreadsheetInvalid) as exc:
        edition_import_xlsx(path=write(rows), code=CODE)

    assert exc.value.problems == expected
    assert exc.value.message.startswith(
        f"The spreadsheet cannot be imported ({len(expected)} problem(s)):"
    )
    assert not Edition.objects.filter(code=CODE).exists()
    assert (Edition.objects.count(), AuditEvent.objects.count()) == (editions, events)


HEADER_PROBLEMS = {
    "renamed": (
        {"F": "要求事項番号"},
        ["Row 2, column F: the header should be “要求事項No.” but is “要求事項番号”."],
    ),
    "missing": ({"L": ""}, ["Row 2, column L: the header “評価基準No.” is missing."]),
    "shifted": (
        {"K": "評価基準No.", "L": "★3/★4"},
        [
            "Row 2, column K: the header should be “★3/★4” but is “評価基準No.”.",
            "Row 2, column L: the header should be “評価基準No.” but is “★3/★4”.",
        ],
    ),
}


@pytest.mark.parametrize(
    ("headers", "expected"), HEADER_PROBLEMS.values(), ids=HEADER_PROBLEMS.keys()
)
def test_missing_or_renamed_headers_are_named(catalogue, db, write, headers, expected):
    with pytest.raises(SpreadsheetInvalid) as exc:
        edition_import_xlsx(path=write(small_rows(), headers={**HEADERS, **headers}), code=CODE)
    assert exc.value.problems == expected
    assert not Edition.objects.filter(code=CODE).exists()


def test_a_workbook_without_the_sheet_is_refused(catalogue, db, write):
    with pytest.raises(SpreadsheetInvalid) as exc:
        edition_import_xlsx(path=write(small_rows(), sheet="Sheet1"), code=CODE)
    assert exc.value.problems == [
        "The workbook has no sheet named “★3・★4要求事項・評価基準” (it has: Sheet1)."
    ]


def test_a_file_that_is_not_a_workbook_is_refused(catalogue, db, tmp_path):
    path = tmp_path / "notes.xlsx"
    path.write_bytes(b"not a spreadsheet")
    with pytest.raises(SpreadsheetInvalid) as exc:
        edition_import_xlsx(path=path, code=CODE)
    assert exc.value.problems[0].startswith("The file is not an Excel workbook (.xlsx)")


def test_an_empty_sheet_is_refused(catalogue, db, write):
    with pytest.raises(SpreadsheetInvalid) as exc:
        edition_import_xlsx(path=write([]), code=CODE)
    assert exc.value.problems == ["The sheet has no criterion rows (they start in row 3)."]


def test_a_bad_edition_code_is_refused(catalogue, db, write):
    with pytest.raises(SpreadsheetInvalid) as exc:
        edition_import_xlsx(path=write(small_rows()), code="新しい版")
    assert "is not a valid edition code" in exc.value.problems[0]


def test_problems_are_reported_in_japanese_for_a_japanese_operator(catalogue, db, write):
    rows = small_rows()
    rows[0]["K"] = "★5"
    with translation.override("ja"), pytest.raises(SpreadsheetInvalid) as exc:
        edition_import_xlsx(path=write(rows), code=CODE)
    assert exc.value.problems == [
        "3行目 K列：レベルの記号「★5」は不明です（★3または★4にしてください）。"
    ]


# ------------------------------------------------------------------------------------------------
# The command
# ------------------------------------------------------------------------------------------------


def test_the_command_imports_a_draft(catalogue, db, write):
    out = io.StringIO()
    call_command(
        "load_catalogue",
        xlsx=str(write(small_rows())),
        edition=CODE,
        title_ja="テスト版",
        published="2027-04-01",
        stdout=out,
    )
    assert f"{CODE}: created (Draft; 3 items, 6 criteria; hash" in out.getvalue()
    assert str(Edition.objects.get(code=CODE).published_on) == "2027-04-01"


def test_the_command_lists_the_problems_and_loads_nothing(catalogue, db, write):
    rows = small_rows()
    rows[1]["M"] = ""
    err = io.StringIO()
    with pytest.raises(CommandError, match="Nothing was loaded"):
        call_command("load_catalogue", xlsx=str(write(rows)), edition=CODE, stderr=err)
    assert "- Row 4, column M: the criterion text is empty." in err.getvalue()
    assert not Edition.objects.filter(code=CODE).exists()


def test_the_command_needs_an_edition_code(catalogue, db, write):
    with pytest.raises(CommandError, match="--xlsx needs --edition CODE"):
        call_command("load_catalogue", xlsx=str(write(small_rows())))
