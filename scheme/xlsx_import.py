"""Reading IPA's official spreadsheet (the 「★3・★4要求事項・評価基準」 sheet) into edition content.

Layout (see the catalogue README, "Official xlsx → fields"): headers in row 2, one criterion per
row from row 3, columns B–N. Merged cells are read from their top-left (master) cell, so the
category, subcategory and item columns (B–J), merged over an item's rows in the official file,
repeat on every row.

| Col | Header        | Meaning                                                  |
|-----|---------------|----------------------------------------------------------|
| B/C | 大分類No./大分類 | category number and name                                |
| D/E | 中分類No./中分類 | subcategory number and name                             |
| F   | 要求事項No.     | item ID ("4-1-3")                                       |
| G/H | ★3 / ★4       | "○" when the row counts at that level                   |
| I/J | 要求事項名/要求事項 | item title and requirement text                        |
| K   | ★3/★4         | the level that introduces the criterion ("★3" or "★4") |
| L   | 評価基準No.     | criterion ID ("4-1-3-2"), the join key                   |
| M   | 評価基準        | criterion text                                          |
| N   | (not checked) | NIST CSF 2.0 function, e.g. 「統治(GV)」                  |

Texts are compared after NFKC normalisation and trimming (full-width digits, stray spaces), but
stored as written (only surrounding whitespace removed). Every problem of the file is collected
and reported together, each naming its row and column; the caller writes nothing unless the
file is free of problems.
"""

import hashlib
import io
import re
import unicodedata
import warnings
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import IO, Any

from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.worksheet import Worksheet

from core.exceptions import DomainError

from .loader import Content, EditionData, canonicalise
from .models import Edition

SHEET_NAME = "★3・★4要求事項・評価基準"
HEADER_ROW = 2
FIRST_DATA_ROW = 3

# Expected header of each column (compared after NFKC, without whitespace or a trailing ".");
# None: the header is not known from any source, so it is not checked.
HEADERS: dict[str, str | None] = {
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
    "N": None,
}
COLUMNS = list(HEADERS)
REQUIRED = ("B", "C", "D", "E", "F", "I", "J", "K", "L", "N")

LEVEL_MARKS = {"★3": "star3", "★4": "star4"}
CHECK_MARKS = {"○", "〇", "◯"}  # white circle, ideographic zero, large circle
CSF_LABELS = {
    "統治(GV)": "GV",
    "識別(ID)": "ID",
    "防御(PR)": "PR",
    "検知(DE)": "DE",
    "対応(RS)": "RS",
    "復旧(RC)": "RC",
}
ITEM_ID = re.compile(r"^[1-9][0-9]*-[1-9][0-9]*-[1-9][0-9]*$")
CRITERION_ID = re.compile(r"^[1-9][0-9]*-[1-9][0-9]*-[1-9][0-9]*-[1-9][0-9]*$")
CITED_ID = re.compile(r"No\.\s*([1-9][0-9]*(?:-[1-9][0-9]*){2,3})")
EDITION_CODE = re.compile(r"^[-a-zA-Z0-9_]{1,40}$")

NOTICE_JA = "評価基準等の文章は公式ファイルから取り込んだ原文です（英語訳はありません）。"
NOTICE_EN = "The texts are the official Japanese wording imported from the spreadsheet; there is no English translation."  # noqa: E501


def normalise(value: str) -> str:
    """NFKC, trimmed, runs of whitespace collapsed to one space (for comparisons only)."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", value)).strip()


def _header_key(value: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", value)).rstrip(".")


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


class SpreadsheetInvalid(DomainError):  # noqa: N818 (reads as a verdict on the file)
    """The spreadsheet cannot be imported; `problems` lists every finding, row and column named."""

    code = "spreadsheet_invalid"

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(
            _("The spreadsheet cannot be imported (%(count)d problem(s)):")
            % {"count": len(problems)}
            + "".join(f"\n- {p}" for p in problems)
        )


@dataclass(frozen=True)
class SheetRow:
    """One criterion row of the sheet: raw texts (trimmed) and their normalised forms by column."""

    number: int
    raw: dict[str, str]
    norm: dict[str, str]


def _open_sheet(source: Path | str | bytes | IO[bytes]) -> tuple[Worksheet, bytes]:
    try:
        if isinstance(source, bytes):
            data = source
        elif isinstance(source, Path | str):
            data = Path(source).read_bytes()
        else:
            data = source.read()
    except OSError as exc:
        raise SpreadsheetInvalid(
            [_("The file cannot be read: %(error)s") % {"error": exc}]
        ) from exc
    try:
        with warnings.catch_warnings():
            # openpyxl warns about features it drops on load (e.g. validation extensions);
            # they do not affect the cell values read here.
            warnings.simplefilter("ignore", UserWarning)
            workbook = load_workbook(io.BytesIO(data), data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as exc:
        raise SpreadsheetInvalid(
            [_("The file is not an Excel workbook (.xlsx): %(error)s") % {"error": exc}]
        ) from exc
    for sheet in workbook.worksheets:
        if normalise(sheet.title) == normalise(SHEET_NAME):
            return sheet, data
    raise SpreadsheetInvalid(
        [
            _("The workbook has no sheet named “%(sheet)s” (it has: %(sheets)s).")
            % {"sheet": SHEET_NAME, "sheets": "、".join(workbook.sheetnames)}
        ]
    )


def _cell_reader(sheet: Worksheet) -> Any:
    """A function (row, column letter) → cell value, reading merged cells from their master."""
    masters: dict[tuple[int, int], Any] = {}
    for merged in sheet.merged_cells.ranges:
        value = sheet.cell(merged.min_row, merged.min_col).value
        for row in range(merged.min_row, merged.max_row + 1):
            for col in range(merged.min_col, merged.max_col + 1):
                masters[(row, col)] = value
    index = {letter: ord(letter) - ord("A") + 1 for letter in COLUMNS}

    def read(row: int, letter: str) -> Any:
        key = (row, index[letter])
        return masters[key] if key in masters else sheet.cell(*key).value

    return read


def _header_problems(read: Any) -> list[str]:
    problems = []
    for letter, expected in HEADERS.items():
        if expected is None:
            continue
        found = _text(read(HEADER_ROW, letter))
        if not found:
            problems.append(
                _("Row %(row)d, column %(column)s: the header “%(expected)s” is missing.")
                % {"row": HEADER_ROW, "column": letter, "expected": expected}
            )
        elif _header_key(found) != _header_key(expected):
            problems.append(
                _(
                    "Row %(row)d, column %(column)s: the header should be “%(expected)s” but is "
                    "“%(found)s”."
                )
                % {"row": HEADER_ROW, "column": letter, "expected": expected, "found": found}
            )
    return problems


def _rows(sheet: Worksheet, read: Any) -> Iterator[SheetRow]:
    """The criterion rows; rows with nothing in F, K, L and M (blank or notes) are skipped."""
    for number in range(FIRST_DATA_ROW, sheet.max_row + 1):
        raw = {letter: _text(read(number, letter)) for letter in COLUMNS}
        if not any(raw[letter] for letter in ("F", "K", "L", "M")):
            continue
        yield SheetRow(number=number, raw=raw, norm={k: normalise(v) for k, v in raw.items()})


class _Checker:
    """Collects the problems of the data rows (one method per rule)."""

    def __init__(self) -> None:
        self.problems: list[str] = []
        self.first_row_of: dict[tuple[str, str], tuple[int, str]] = {}
        self.criterion_rows: dict[str, int] = {}
        self.row_keys: dict[tuple[str, ...], int] = {}

    def add(self, message: str) -> None:
        self.problems.append(message)

    def check(self, row: SheetRow) -> None:
        n, v = row.number, row.norm
        key = tuple(v[letter] for letter in COLUMNS)
        if key in self.row_keys:
            self.add(
                _("Row %(row)d repeats row %(first)d (columns B–N are identical).")
                % {"row": n, "first": self.row_keys[key]}
            )
            return
        self.row_keys[key] = n
        for letter in REQUIRED:
            if not v[letter]:
                self.add(
                    _("Row %(row)d, column %(column)s (%(header)s): the cell is empty.")
                    % {"row": n, "column": letter, "header": HEADERS[letter] or "CSF"}
                )
        if not v["M"]:
            self.add(_("Row %(row)d, column M: the criterion text is empty.") % {"row": n})
        self._check_ids(n, v)
        self._check_marks(n, v)
        if v["N"] and re.sub(r"\s+", "", v["N"]) not in CSF_LABELS:
            self.add(
                _(
                    "Row %(row)d, column N: unknown CSF function “%(label)s” (expected one of "
                    "%(labels)s)."
                )
                % {"row": n, "label": row.raw["N"], "labels": "、".join(CSF_LABELS)}
            )
        self._check_same(n, row, "C", "B", _("category"))
        self._check_same(n, row, "E", "D", _("subcategory"))
        self._check_same(n, row, "I", "F", _("item"))
        self._check_same(n, row, "J", "F", _("item"))

    def _check_ids(self, n: int, v: dict[str, str]) -> None:
        item, criterion = v["F"], v["L"]
        item_ok = bool(ITEM_ID.match(item))
        criterion_ok = bool(CRITERION_ID.match(criterion))
        if item and not item_ok:
            self.add(
                _("Row %(row)d, column F: “%(value)s” is not an item ID (like 4-1-3).")
                % {"row": n, "value": item}
            )
        if criterion and not criterion_ok:
            self.add(
                _("Row %(row)d, column L: “%(value)s” is not a criterion ID (like 4-1-3-2).")
                % {"row": n, "value": criterion}
            )
        if criterion_ok:
            if criterion in self.criterion_rows:
                self.add(
                    _(
                        "Row %(row)d, column L: criterion ID %(id)s already appears in row "
                        "%(first)d."
                    )
                    % {"row": n, "id": criterion, "first": self.criterion_rows[criterion]}
                )
            else:
                self.criterion_rows[criterion] = n
        if item_ok and criterion_ok and criterion.rsplit("-", 1)[0] != item:
            self.add(
                _(
                    "Row %(row)d, columns F and L: criterion ID %(criterion)s does not start with "
                    "its item ID %(item)s."
                )
                % {"row": n, "criterion": criterion, "item": item}
            )
        if item_ok:
            parts = item.split("-")
            if v["B"] and parts[0] != v["B"]:
                self.add(
                    _(
                        "Row %(row)d, columns B and F: item ID %(item)s is not in category "
                        "%(category)s."
                    )
                    % {"row": n, "item": item, "category": v["B"]}
                )
            if v["D"] and "-".join(parts[:2]) != v["D"]:
                self.add(
                    _(
                        "Row %(row)d, columns D and F: item ID %(item)s is not in subcategory "
                        "%(subcategory)s."
                    )
                    % {"row": n, "item": item, "subcategory": v["D"]}
                )

    def _check_marks(self, n: int, v: dict[str, str]) -> None:
        marks_ok = True
        for letter in ("G", "H"):
            if v[letter] and v[letter] not in CHECK_MARKS:
                marks_ok = False
                self.add(
                    _(
                        "Row %(row)d, column %(column)s: unexpected mark “%(mark)s” (expected ○ "
                        "or an empty cell)."
                    )
                    % {"row": n, "column": letter, "mark": v[letter]}
                )
        level = v["K"].replace(" ", "")
        if v["K"] and level not in LEVEL_MARKS:
            self.add(
                _("Row %(row)d, column K: unknown level mark “%(mark)s” (expected ★3 or ★4).")
                % {"row": n, "mark": v["K"]}
            )
            return
        if not v["K"] or not marks_ok:
            return
        if (level == "★3") != bool(v["G"]):
            self.add(
                _(
                    "Row %(row)d, columns G and K disagree: G is “%(g)s” and K is “%(k)s” (G must "
                    "be ○ exactly on the ★3 rows)."
                )
                % {"row": n, "g": v["G"] or _("empty"), "k": v["K"]}
            )
        if level == "★4" and not v["H"]:
            self.add(
                _("Row %(row)d, columns H and K disagree: K is ★4 but H is not marked ○.")
                % {"row": n}
            )

    def _check_same(self, n: int, row: SheetRow, column: str, key_column: str, what: str) -> None:
        """Cells that describe the same category / subcategory / item must agree across rows."""
        code, value = row.norm[key_column], row.norm[column]
        if not code or not value:
            return
        first = self.first_row_of.setdefault((column, code), (n, value))
        if first[1] != value:
            self.add(
                _(
                    "Row %(row)d, column %(column)s: %(what)s %(code)s reads “%(found)s” here but "
                    "“%(expected)s” in row %(first)d."
                )
                % {
                    "row": n,
                    "column": column,
                    "what": what,
                    "code": code,
                    "found": row.raw[column],
                    "expected": first[1],
                    "first": first[0],
                }
            )


def parse_official_xlsx(
    source: Path | str | bytes | IO[bytes],
    *,
    code: str,
    title_ja: str = "",
    title_en: str = "",
    published_on: date | None = None,
) -> EditionData:
    """The content of a DRAFT edition built from the official spreadsheet, or SpreadsheetInvalid.

    Japanese texts are the official wording; English texts are left empty (the caller may copy
    names it can vouch for). Cited IDs written 「No.4-1-3-3」 in a criterion become its `refs`.
    """
    if not EDITION_CODE.match(code):
        raise SpreadsheetInvalid(
            [
                _(
                    "“%(code)s” is not a valid edition code (letters, digits and hyphens, at most "
                    "40 characters)."
                )
                % {"code": code}
            ]
        )
    sheet, data = _open_sheet(source)
    read = _cell_reader(sheet)
    problems = _header_problems(read)
    if problems:
        raise SpreadsheetInvalid(problems)
    rows = list(_rows(sheet, read))
    checker = _Checker()
    for row in rows:
        checker.check(row)
    if not rows:
        checker.add(
            _("The sheet has no criterion rows (they start in row %(row)d).")
            % {"row": FIRST_DATA_ROW}
        )
    checker.problems.extend(_item_level_problems(rows))
    if checker.problems:
        raise SpreadsheetInvalid(checker.problems)
    if isinstance(source, Path | str):
        name = Path(source).name
    elif isinstance(source, bytes):
        name = ""
    else:
        name = Path(str(getattr(source, "name", "") or "")).name
    content = _content(
        rows,
        header={
            "code": code,
            "title_ja": title_ja or f"SCS評価制度 ★3・★4要求事項・評価基準（{code}）",
            "title_en": title_en or f"SCS scheme requirements and criteria ({code})",
            "published_on": published_on,
            "notice_ja": NOTICE_JA,
            "notice_en": NOTICE_EN,
            "source": {
                "kind": "official_xlsx",
                "file_name": name,
                "sha256": hashlib.sha256(data).hexdigest(),
                "sheet": sheet.title,
                "header_row": HEADER_ROW,
                "first_criterion_row": rows[0].number,
                "last_criterion_row": rows[-1].number,
            },
        },
    )
    return EditionData(content=canonicalise(content), status=Edition.Status.DRAFT)


def _item_level_problems(rows: list[SheetRow]) -> list[str]:
    """An item must be marked for at least one level (G or H) on one of its rows."""
    first_row: dict[str, int] = {}
    marked: dict[str, bool] = {}
    for row in rows:
        item = row.norm["F"]
        if not ITEM_ID.match(item):
            continue
        first_row.setdefault(item, row.number)
        marked[item] = marked.get(item, False) or bool(row.norm["G"] or row.norm["H"])
    return [
        _("Row %(row)d, columns G and H: item %(item)s is not marked ○ for any level.")
        % {"row": first_row[item], "item": item}
        for item, is_marked in marked.items()
        if not is_marked
    ]


def _content(rows: list[SheetRow], *, header: Content) -> Content:
    categories: dict[str, Content] = {}
    subcategories: dict[str, Content] = {}
    items: dict[str, Content] = {}
    criteria: list[Content] = []
    star4_tagged: set[str] = set()
    for row in rows:
        r, v = row.raw, row.norm
        csf = CSF_LABELS[re.sub(r"\s+", "", v["N"])]
        categories.setdefault(
            v["B"], {"code": v["B"], "name_ja": r["C"], "name_en": "", "csf_function": csf}
        )
        subcategories.setdefault(
            v["D"],
            {
                "code": v["D"],
                "category": v["B"],
                "name_ja": r["E"],
                "name_en": "",
                "csf_function": csf,
                "csf_category": "",
            },
        )
        item = items.setdefault(
            v["F"],
            {
                "code": v["F"],
                "subcategory": v["D"],
                "levels": [],
                "title_ja": r["I"],
                "title_en": "",
                "requirement_ja": r["J"],
                "requirement_en": "",
                "identical_to": None,
                "extra": {},
            },
        )
        for letter, level in (("G", "star3"), ("H", "star4")):
            if v[letter] and level not in item["levels"]:
                item["levels"] = sorted([*item["levels"], level])
        level_code = LEVEL_MARKS[v["K"].replace(" ", "")]
        if level_code == "star4":
            star4_tagged.add(v["F"])
        cited = [ref for ref in dict.fromkeys(CITED_ID.findall(v["M"])) if ref != v["L"]]
        criteria.append(
            {
                "code": v["L"],
                "item": v["F"],
                "level": level_code,
                "csf_function": csf,
                "statement_ja": r["M"],
                "statement_en": "",
                "details_ja": [],
                "details_en": [],
                "guidance_ja": "",
                "guidance_en": "",
                "refs": cited,
                "params": {},
                "source_row": row.number,
            }
        )
    for code, item in items.items():
        at_star3 = "star3" in item["levels"]
        item["extra"] = {"identical_at_star4": (code not in star4_tagged) if at_star3 else None}
    return {
        "edition": header,
        "categories": list(categories.values()),
        "subcategories": list(subcategories.values()),
        "items": list(items.values()),
        "criteria": criteria,
    }
