"""Downloads of the catalogue: a CSV of an edition and an Excel checklist for one level.

Both files are bilingual by design (Japanese first, then English), whatever the language of the
page they are downloaded from: they are passed around between suppliers, advisors and customers.
Their fixed texts therefore live here as data in both languages rather than going through gettext.

The level rule (scheme-brief): at a level, an item applies when it lists that level, and its
criteria apply when tagged with that level or a lower one (★3: the 81 ★3-tagged criteria of the
final edition; ★4: all 153).

`CHECKLIST` describes the checklist workbook (sheets, rows, columns, status values) in one place;
reading a filled-in checklist back uses the same object.
"""

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Prefetch
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from .models import Criterion, Edition, Item, Level

# ------------------------------------------------------------------------------------------------
# Selecting what applies at a level
# ------------------------------------------------------------------------------------------------


def _level(level: Level | str | None) -> Level | None:
    if level is None or isinstance(level, Level):
        return level
    return Level.objects.get(code=level)


def _items(edition: Edition) -> list[Item]:
    return list(
        edition.items.select_related("subcategory__category")
        .prefetch_related(
            Prefetch("levels", queryset=Level.objects.order_by("stars")),
            Prefetch(
                "criteria", queryset=Criterion.objects.select_related("level").order_by("position")
            ),
        )
        .order_by("position")
    )


def _applies(item: Item, level: Level | None) -> bool:
    return level is None or any(lv.pk == level.pk for lv in item.levels.all())


def criteria_at(item: Item, level: Level | None) -> list[Criterion]:
    """The criteria of a (prefetched) item that apply at the level (all when level is None)."""
    if level is None:
        return list(item.criteria.all())
    if not _applies(item, level):
        return []
    return [c for c in item.criteria.all() if c.level.stars <= level.stars]


def _details(lines: Iterable[str]) -> str:
    return "\n".join(f"・{line}" for line in lines)


def _criterion_text(criterion: Criterion, lang: str) -> str:
    parts = [getattr(criterion, f"statement_{lang}")]
    details = getattr(criterion, f"details_{lang}") or []
    if details:
        parts.append(_details(details))
    guidance = getattr(criterion, f"guidance_{lang}")
    if guidance:
        parts.append(("※ " if lang == "ja" else "Note: ") + guidance)
    return "\n".join(part for part in parts if part)


# ------------------------------------------------------------------------------------------------
# CSV
# ------------------------------------------------------------------------------------------------

CSV_HEADER = [
    "大分類No. / Category No.",
    "大分類 / Category (ja)",
    "大分類（英語）/ Category (en)",
    "中分類No. / Subcategory No.",
    "中分類 / Subcategory (ja)",
    "中分類（英語）/ Subcategory (en)",
    "要求事項No. / Item ID",
    "要求事項名 / Item title (ja)",
    "要求事項名（英語）/ Item title (en)",
    "区分 / Level",
    "評価基準No. / Criterion ID",
    "評価基準 / Statement (ja)",
    "評価基準（英語）/ Statement (en)",
    "詳細 / Details (ja)",
    "詳細（英語）/ Details (en)",
    "補足 / Guidance (ja)",
    "補足（英語）/ Guidance (en)",
]


def edition_csv(edition: Edition, *, level: Level | str | None = None) -> bytes:
    """The edition as CSV, one row per criterion (UTF-8 with BOM, so Excel reads Japanese).

    With a level, only what applies at that level. An item without criterion rows (the interim
    edition only counts its criteria) gets one row with the criterion columns left empty.
    """
    wanted = _level(level)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for item in _items(edition):
        if not _applies(item, wanted):
            continue
        sub = item.subcategory
        cat = sub.category
        prefix = [
            cat.code,
            cat.name_ja,
            cat.name_en,
            sub.code,
            sub.name_ja,
            sub.name_en,
            item.code,
            item.title_ja,
            item.title_en,
        ]
        criteria = criteria_at(item, wanted)
        if not item.criteria.all():
            levels = " ".join(str(lv) for lv in item.levels.all())
            writer.writerow([*prefix, levels, "", "", "", "", "", "", ""])
        for c in criteria:
            writer.writerow(
                [
                    *prefix,
                    str(c.level),
                    c.code,
                    c.statement_ja,
                    c.statement_en,
                    "\n".join(c.details_ja or []),
                    "\n".join(c.details_en or []),
                    c.guidance_ja,
                    c.guidance_en,
                ]
            )
    return buffer.getvalue().encode("utf-8-sig")


# ------------------------------------------------------------------------------------------------
# Excel checklist
# ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChecklistColumn:
    """One column of the checklist sheet; `editable` columns are the supplier's to fill in."""

    key: str
    header_ja: str
    header_en: str
    width: float
    editable: bool = False

    @property
    def header(self) -> str:
        return f"{self.header_ja}\n{self.header_en}"


@dataclass(frozen=True)
class ChecklistStatus:
    """One value of the status dropdown."""

    key: str
    label_ja: str
    label_en: str

    @property
    def label(self) -> str:
        return f"{self.label_ja} / {self.label_en}"


@dataclass(frozen=True)
class ChecklistLayout:
    """The checklist workbook's layout: a filled-in file is read back with the same object."""

    format: str
    version: int
    sheet: str
    instructions_sheet: str
    meta_sheet: str
    title_row: int
    header_row: int
    first_data_row: int
    columns: tuple[ChecklistColumn, ...]
    statuses: tuple[ChecklistStatus, ...]

    def letter(self, key: str) -> str:
        """The column letter of a column key ("status" → "G")."""
        for index, column in enumerate(self.columns, start=1):
            if column.key == key:
                return get_column_letter(index)
        raise KeyError(key)

    def status_key(self, value: str) -> str | None:
        """The status key of a cell value (full label, Japanese or English part), else None."""
        text = " ".join(value.split()).casefold()
        for status in self.statuses:
            forms = {status.label, status.label_ja, status.label_en, status.key}
            if text in {" ".join(f.split()).casefold() for f in forms}:
                return status.key
        return None


CHECKLIST = ChecklistLayout(
    format="scs-registry-checklist",
    version=1,
    sheet="チェックリスト",
    instructions_sheet="説明",
    meta_sheet="_meta",
    title_row=1,
    header_row=3,
    first_data_row=4,
    columns=(
        ChecklistColumn("criterion", "評価基準No.", "Criterion ID", 11),
        ChecklistColumn("item", "要求事項No.", "Requirement ID", 11),
        ChecklistColumn("item_title", "要求事項", "Requirement", 26),
        ChecklistColumn("level", "区分", "Level", 7),
        ChecklistColumn("text_ja", "評価基準", "Criterion (Japanese)", 56),
        ChecklistColumn("text_en", "評価基準（英語）", "Criterion (English)", 56),
        ChecklistColumn("status", "実施状況", "Status", 20, editable=True),
        ChecklistColumn(
            "how_met", "実施内容（どのように満たしているか）", "How it is met", 40, editable=True
        ),
        ChecklistColumn("evidence", "根拠・証跡", "Evidence", 32, editable=True),
        ChecklistColumn(
            "justification",
            "該当なしの理由",
            "Justification if not applicable",
            32,
            editable=True,
        ),
    ),
    statuses=(
        ChecklistStatus("implemented", "実施済み", "Implemented"),
        ChecklistStatus("partly", "一部実施", "Partly implemented"),
        ChecklistStatus("not_implemented", "未実施", "Not implemented"),
        ChecklistStatus("not_applicable", "該当なし", "Not applicable"),
    ),
)

_HEADER_FILL = PatternFill("solid", fgColor="1F3A68")
_CATEGORY_FILL = PatternFill("solid", fgColor="DCE6F2")
_EDITABLE_FILL = PatternFill("solid", fgColor="FFFBE6")
_THIN = Side(style="thin", color="A6A6A6")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP_TOP = Alignment(wrap_text=True, vertical="top")


def _checklist_rows(edition: Edition, level: Level) -> list[tuple[Item, list[Criterion]]]:
    rows = []
    for item in _items(edition):
        criteria = criteria_at(item, level)
        if criteria:
            rows.append((item, criteria))
    return rows


def _write_checklist_sheet(
    sheet: Worksheet, edition: Edition, level: Level, rows: list[tuple[Item, list[Criterion]]]
) -> int:
    layout = CHECKLIST
    width = len(layout.columns)
    last_letter = get_column_letter(width)
    sheet.cell(
        layout.title_row,
        1,
        f"{edition.title_ja} — {level}（{level.name_ja}）チェックリスト / "
        f"{level} ({level.name_en}) checklist — {edition.code}",
    ).font = Font(bold=True, size=13)
    sheet.merge_cells(f"A{layout.title_row}:{last_letter}{layout.title_row}")
    for index, column in enumerate(layout.columns, start=1):
        cell = sheet.cell(layout.header_row, index, column.header)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        cell.border = _BORDER
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.row_dimensions[layout.header_row].height = 32

    validation = DataValidation(
        type="list",
        formula1='"' + ",".join(s.label for s in layout.statuses) + '"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="実施状況 / Status",
        error="一覧から選んでください。/ Choose a value from the list.",
        promptTitle="実施状況 / Status",
        prompt="一覧から選んでください。/ Choose a value from the list.",
        showInputMessage=True,
    )
    sheet.add_data_validation(validation)
    status_letter = layout.letter("status")

    row_number = layout.first_data_row
    category = None
    count = 0
    for item, criteria in rows:
        item_category = item.subcategory.category
        if item_category != category:
            category = item_category
            cell = sheet.cell(
                row_number, 1, f"{category.code} {category.name_ja} / {category.name_en}"
            )
            cell.font = Font(bold=True)
            for index in range(1, width + 1):
                sheet.cell(row_number, index).fill = _CATEGORY_FILL
            sheet.merge_cells(f"A{row_number}:{last_letter}{row_number}")
            row_number += 1
        for criterion in criteria:
            values = {
                "criterion": criterion.code,
                "item": item.code,
                "item_title": f"{item.title_ja}\n{item.title_en}".strip(),
                "level": str(criterion.level),
                "text_ja": _criterion_text(criterion, "ja"),
                "text_en": _criterion_text(criterion, "en"),
            }
            for index, column in enumerate(layout.columns, start=1):
                cell = sheet.cell(row_number, index, values.get(column.key))
                cell.alignment = _WRAP_TOP
                cell.border = _BORDER
                if column.editable:
                    cell.fill = _EDITABLE_FILL
                    cell.protection = Protection(locked=False)
            validation.add(f"{status_letter}{row_number}")
            row_number += 1
            count += 1

    sheet.freeze_panes = f"B{layout.first_data_row}"
    sheet.auto_filter.ref = f"A{layout.header_row}:{last_letter}{max(row_number - 1, 1)}"
    sheet.print_title_rows = f"{layout.header_row}:{layout.header_row}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    # Protect the catalogue columns (IDs are how a filled-in file is read back); no password.
    sheet.protection.sheet = True
    sheet.protection.formatColumns = False
    sheet.protection.formatRows = False
    sheet.protection.autoFilter = False
    sheet.protection.sort = False
    return count


def _write_instructions(sheet: Worksheet, edition: Edition, level: Level, count: int) -> None:
    statuses = [(f"・{s.label_ja}", f"・{s.label_en}") for s in CHECKLIST.statuses]
    lines: list[tuple[str, str]] = [
        (f"{level}（{level.name_ja}）セルフチェックリスト", f"{level} ({level.name_en}) checklist"),
        (
            f"版: {edition.title_ja}（{edition.code}）",
            f"Edition: {edition.title_en} ({edition.code})",
        ),
        (f"評価基準の数: {count}", f"Number of criteria: {count}"),
        ("", ""),
        (
            "「チェックリスト」シートの各行が評価基準です。黄色の列（実施状況、実施内容、根拠・証跡、"
            "該当なしの理由）を記入してください。",
            "Each row of the “チェックリスト” (checklist) sheet is one criterion. Fill in the "
            "yellow columns (status, how it is met, evidence, justification if not applicable).",
        ),
        ("実施状況は一覧から選びます:", "Choose the status from the list:"),
        *statuses,
        (
            "「該当なし」を選んだ場合は、その理由を必ず記入してください。",
            "When you choose “not applicable”, always give the justification.",
        ),
        (
            "評価基準No.の列と「_meta」シートは変更しないでください。記入済みのファイルを登録システムに"
            "アップロードするとき、これらで版と評価基準を照合します。",
            "Do not change the criterion ID column or the “_meta” sheet: when the filled-in file "
            "is uploaded to the registry, they identify the edition and each criterion.",
        ),
        (
            "シートの保護はパスワードなしで解除できますが、解除しなくても記入できます。",
            "The sheet protection has no password, but you can fill in the file without "
            "removing it.",
        ),
    ]
    if edition.notice_ja or edition.notice_en:
        lines += [("", ""), (edition.notice_ja, edition.notice_en)]
    sheet.column_dimensions["A"].width = 70
    sheet.column_dimensions["B"].width = 70
    sheet.cell(1, 1, "日本語").font = Font(bold=True)
    sheet.cell(1, 2, "English").font = Font(bold=True)
    for offset, (ja, en) in enumerate(lines, start=2):
        sheet.cell(offset, 1, ja).alignment = _WRAP_TOP
        sheet.cell(offset, 2, en).alignment = _WRAP_TOP
    sheet.cell(2, 1).font = Font(bold=True, size=13)
    sheet.cell(2, 2).font = Font(bold=True, size=13)


def checklist_metadata(edition: Edition, level: Level, count: int) -> list[tuple[str, str | int]]:
    """The key/value rows of the hidden metadata sheet (how an upload is matched to an edition)."""
    return [
        ("format", CHECKLIST.format),
        ("format_version", CHECKLIST.version),
        ("edition_code", edition.code),
        ("content_hash", edition.content_hash),
        ("level", level.code),
        ("level_stars", level.stars),
        ("criteria", count),
        ("sheet", CHECKLIST.sheet),
        ("header_row", CHECKLIST.header_row),
        ("first_data_row", CHECKLIST.first_data_row),
        ("columns", ",".join(c.key for c in CHECKLIST.columns)),
    ]


def edition_checklist_xlsx(edition: Edition, *, level: Level | str) -> bytes:
    """An Excel checklist of the criteria that apply at `level`, for a supplier to work offline.

    Sheets: the checklist (grouped by category, frozen header, status dropdown, free-text columns),
    instructions, and a hidden metadata sheet with the edition code and content hash.
    """
    wanted = _level(level)
    if wanted is None:
        raise ValueError("a checklist is made for one level")
    workbook = Workbook()
    sheet = workbook.worksheets[0]
    sheet.title = CHECKLIST.sheet
    count = _write_checklist_sheet(sheet, edition, wanted, _checklist_rows(edition, wanted))
    _write_instructions(
        workbook.create_sheet(CHECKLIST.instructions_sheet, 0), edition, wanted, count
    )
    meta = workbook.create_sheet(CHECKLIST.meta_sheet)
    for row in checklist_metadata(edition, wanted, count):
        meta.append(list(row))
    meta.sheet_state = "hidden"
    # Open on the checklist, with only its tab selected (two selected tabs would be "grouped" in
    # Excel, and typing would then change both sheets).
    for other in workbook.worksheets:
        other.sheet_view.tabSelected = other is sheet
    workbook.active = sheet
    workbook.properties.title = f"{edition.code} {wanted.code} checklist"
    workbook.properties.creator = "SCS Registry"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
