"""The CSV of an edition and the Excel checklist, opened the way a user's software opens them."""

import codecs
import csv
import io
import re

import pytest
from openpyxl import load_workbook

from scheme.exports import CHECKLIST, CSV_HEADER, edition_checklist_xlsx, edition_csv
from scheme.models import Criterion, Edition, Level
from tests.factories.scheme import catalogue_loaded

CRITERION_ID = re.compile(r"^\d+-\d+-\d+-\d+$")


@pytest.fixture(scope="module")
def catalogue(django_db_setup, django_db_blocker):
    with catalogue_loaded(django_db_blocker) as report:
        yield report


@pytest.fixture
def final(catalogue, db):
    return Edition.objects.get(code="scs-2026-03")


@pytest.fixture
def interim(catalogue, db):
    return Edition.objects.get(code="scs-2025-04-interim")


@pytest.fixture
def levels(catalogue, db):
    return {level.code: level for level in Level.objects.all()}


def read_csv(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))


# ------------------------------------------------------------------------------------------------
# CSV
# ------------------------------------------------------------------------------------------------


def test_csv_starts_with_a_bom_and_a_bilingual_header(final):
    content = edition_csv(final)
    assert content.startswith(codecs.BOM_UTF8)
    rows = read_csv(content)
    assert rows[0] == CSV_HEADER
    assert rows[0][0] == "大分類No. / Category No."


def test_csv_of_the_whole_edition_has_every_criterion(final):
    rows = read_csv(edition_csv(final))[1:]
    assert len(rows) == 153
    assert [row[10] for row in rows] == list(
        Criterion.objects.filter(edition=final).values_list("code", flat=True)
    )
    first = dict(zip(CSV_HEADER, rows[0], strict=True))
    assert first["大分類No. / Category No."] == "1"
    assert first["大分類 / Category (ja)"] == "ガバナンスの整備"
    assert first["大分類（英語）/ Category (en)"] == "Governance"
    assert first["中分類No. / Subcategory No."] == "1-1"
    assert first["要求事項No. / Item ID"] == "1-1-1"
    assert first["区分 / Level"] == "★4"
    assert first["評価基準No. / Criterion ID"] == "1-1-1-1"
    assert first["評価基準 / Statement (ja)"].startswith("社内ルールを作る前に")
    assert first["評価基準（英語）/ Statement (en)"].startswith("Before the internal rules")


def test_csv_details_and_guidance(final):
    rows = {row[10]: row for row in read_csv(edition_csv(final))[1:]}
    listed = Criterion.objects.get(edition=final, code="2-1-2-1")
    assert rows["2-1-2-1"][13] == "\n".join(listed.details_ja)
    assert rows["2-1-2-1"][14] == "\n".join(listed.details_en)
    assert rows["3-1-4-7"][15].startswith("ディスクのフォーマットだけでは")
    assert rows["3-1-4-7"][16].startswith("Formatting the disk alone")


def test_csv_per_level(final, levels):
    star3 = read_csv(edition_csv(final, level=levels["star3"]))[1:]
    assert len(star3) == 81
    assert {row[9] for row in star3} == {"★3"}
    star4 = read_csv(edition_csv(final, level="star4"))[1:]
    assert len(star4) == 153
    assert {row[9] for row in star4} == {"★3", "★4"}


def test_csv_of_an_edition_without_criteria_lists_its_items(interim, levels):
    rows = read_csv(edition_csv(interim))[1:]
    assert len(rows) == 69
    assert rows[0][6:10] == ["★3-01", "セキュリティ担当部署と責任の明確化", rows[0][8], "★3"]
    assert all(row[10] == "" for row in rows)
    assert len(read_csv(edition_csv(interim, level=levels["star3"]))[1:]) == 25
    assert len(read_csv(edition_csv(interim, level=levels["star4"]))[1:]) == 44


def test_csv_takes_a_fixed_number_of_queries(final, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        edition_csv(final)


# ------------------------------------------------------------------------------------------------
# Checklist
# ------------------------------------------------------------------------------------------------


def open_checklist(edition: Edition, level: str):
    return load_workbook(io.BytesIO(edition_checklist_xlsx(edition, level=level)))


def data_rows(sheet) -> list[tuple]:
    return [
        row
        for row in sheet.iter_rows(min_row=CHECKLIST.first_data_row, values_only=True)
        if row[0] and CRITERION_ID.match(str(row[0]))
    ]


@pytest.mark.parametrize(("level", "expected"), [("star3", 81), ("star4", 153)])
def test_checklist_has_one_row_per_criterion_that_applies(final, level, expected):
    workbook = open_checklist(final, level)
    sheet = workbook[CHECKLIST.sheet]
    rows = data_rows(sheet)
    assert len(rows) == expected
    wanted = Criterion.objects.filter(edition=final, level__stars__lte=int(level[-1]))
    assert [row[0] for row in rows] == list(wanted.values_list("code", flat=True))
    meta = dict(workbook[CHECKLIST.meta_sheet].iter_rows(values_only=True))
    assert meta["criteria"] == expected
    assert meta["level"] == level


def test_checklist_rows_are_grouped_by_category(final):
    sheet = open_checklist(final, "star3")[CHECKLIST.sheet]
    headings = [
        (cell.row, cell.value)
        for cell in sheet["A"][CHECKLIST.first_data_row - 1 :]
        if cell.value and not CRITERION_ID.match(str(cell.value))
    ]
    assert [value for _, value in headings] == [
        "1 ガバナンスの整備 / Governance",
        "2 取引先管理 / Supplier and partner management",
        "3 リスクの特定 / Risk identification",
        "4 攻撃等の防御 / Protection against attacks",
        "5 攻撃等の検知 / Detection of attacks",
        "6 インシデントへの対応 / Incident response",
        "7 インシデントからの復旧 / Recovery from incidents",
    ]
    merged = {str(r) for r in sheet.merged_cells.ranges}
    assert all(f"A{row}:J{row}" in merged for row, _ in headings)
    assert headings[0][0] == CHECKLIST.first_data_row
    # the rows under a heading belong to its category
    assert sheet.cell(headings[3][0] + 1, 1).value.startswith("4-")


def test_checklist_header_layout_and_columns(final):
    sheet = open_checklist(final, "star4")[CHECKLIST.sheet]
    header = [c.value for c in sheet[CHECKLIST.header_row]]
    assert header == [f"{c.header_ja}\n{c.header_en}" for c in CHECKLIST.columns]
    assert header[0] == "評価基準No.\nCriterion ID"
    assert header[6] == "実施状況\nStatus"
    assert sheet.freeze_panes == f"B{CHECKLIST.first_data_row}"
    for index, column in enumerate(CHECKLIST.columns, start=1):
        letter = chr(ord("A") + index - 1)
        assert sheet.column_dimensions[letter].width == column.width
    assert CHECKLIST.letter("status") == "G"
    assert [c.key for c in CHECKLIST.columns if c.editable] == [
        "status",
        "how_met",
        "evidence",
        "justification",
    ]
    assert sheet.protection.sheet is True


def test_checklist_cells(final):
    sheet = open_checklist(final, "star3")[CHECKLIST.sheet]
    row = next(
        r for r in sheet.iter_rows(min_row=CHECKLIST.first_data_row) if r[0].value == "2-1-2-1"
    )
    values = [cell.value for cell in row]
    assert values[1] == "2-1-2"
    assert values[3] == "★3"
    assert values[4].count("\n・") == 3  # statement and its three listed points
    assert values[5].startswith("Before ")
    assert values[6:] == [None, None, None, None]
    assert all(cell.alignment.wrap_text for cell in row)
    assert [cell.protection.locked for cell in row] == [True] * 6 + [False] * 4


def test_checklist_status_dropdown(final):
    sheet = open_checklist(final, "star3")[CHECKLIST.sheet]
    validations = sheet.data_validations.dataValidation
    assert len(validations) == 1
    validation = validations[0]
    assert validation.type == "list"
    assert validation.formula1 == (
        '"実施済み / Implemented,一部実施 / Partly implemented,'
        '未実施 / Not implemented,該当なし / Not applicable"'
    )
    covered = {str(cell) for rng in validation.sqref.ranges for cell in _cells(rng)}
    status_cells = {
        f"G{row[0].row}"
        for row in sheet.iter_rows(min_row=CHECKLIST.first_data_row)
        if row[0].value and CRITERION_ID.match(str(row[0].value))
    }
    assert covered == status_cells
    assert len(covered) == 81


def _cells(rng) -> list[str]:
    return [
        f"{chr(ord('A') + col - 1)}{row}"
        for row in range(rng.min_row, rng.max_row + 1)
        for col in range(rng.min_col, rng.max_col + 1)
    ]


def test_status_values_are_read_back_in_either_language():
    assert [s.label for s in CHECKLIST.statuses] == [
        "実施済み / Implemented",
        "一部実施 / Partly implemented",
        "未実施 / Not implemented",
        "該当なし / Not applicable",
    ]
    assert CHECKLIST.status_key("実施済み / Implemented") == "implemented"
    assert CHECKLIST.status_key("一部実施") == "partly"
    assert CHECKLIST.status_key(" not  IMPLEMENTED ") == "not_implemented"
    assert CHECKLIST.status_key("該当なし / Not applicable") == "not_applicable"
    assert CHECKLIST.status_key("done") is None


def test_checklist_sheets_instructions_and_metadata(final):
    workbook = open_checklist(final, "star3")
    assert workbook.sheetnames == ["説明", "チェックリスト", "_meta"]
    assert workbook.active.title == CHECKLIST.sheet
    assert [ws.sheet_view.tabSelected for ws in workbook.worksheets] == [False, True, False]
    meta_sheet = workbook[CHECKLIST.meta_sheet]
    assert meta_sheet.sheet_state == "hidden"
    meta = dict(meta_sheet.iter_rows(values_only=True))
    assert meta == {
        "format": "scs-registry-checklist",
        "format_version": 1,
        "edition_code": "scs-2026-03",
        "content_hash": final.content_hash,
        "level": "star3",
        "level_stars": 3,
        "criteria": 81,
        "sheet": "チェックリスト",
        "header_row": 3,
        "first_data_row": 4,
        "columns": "criterion,item,item_title,level,text_ja,text_en,status,how_met,evidence,"
        "justification",
    }
    instructions = [
        value for row in workbook["説明"].iter_rows(values_only=True) for value in row if value
    ]
    assert "評価基準の数: 81" in instructions
    assert "Number of criteria: 81" in instructions
    assert any("該当なし" in line for line in instructions)
    assert final.notice_ja in instructions


def test_checklist_title_names_edition_and_level(final):
    sheet = open_checklist(final, "star4")[CHECKLIST.sheet]
    title = sheet.cell(CHECKLIST.title_row, 1).value
    assert "★4（スタンダード）チェックリスト" in title
    assert "★4 (Standard) checklist" in title
    assert "scs-2026-03" in title
