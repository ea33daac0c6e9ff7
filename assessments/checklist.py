"""The offline option: the catalogue's Excel checklist (scheme.exports) pre-filled with the
application's answers, and reading a filled-in checklist back.

The workbook layout (sheet names, header row, columns, status values) is scheme.exports.CHECKLIST;
nothing about it is repeated here. An uploaded file is checked like an evidence file first (an
Office zip container within the uncompressed-size cap), then its metadata must name the
application's edition (code and content hash) and level, every criterion ID must be known and
appear once, statuses must be valid (Japanese or English), and "not applicable" needs a
justification. Any problem rejects the whole file with messages that name the row.
"""

import io
import re
from dataclasses import dataclass
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from scheme.exports import CHECKLIST, edition_checklist_xlsx

from .files import XLSX, EvidenceRejected, detect_type, max_file_size
from .models import Answer, Application
from .selectors import answers_for

CRITERION_ID = re.compile(r"^\d+(?:-\d+){1,4}$")


class ChecklistInvalid(Exception):  # noqa: N818 (named for what happened)
    """The uploaded checklist cannot be used; `errors` are messages for the user (row-level
    where a row is at fault)."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


def _status_label(status: str) -> str:
    for option in CHECKLIST.statuses:
        if option.key == status:
            return option.label
    return ""


def checklist_prefilled(application: Application) -> bytes:
    """The edition's checklist for the application's level with the current answers filled in
    (status, how it is met, the names of the evidence files, the N/A justification)."""
    data = edition_checklist_xlsx(application.edition, level=application.level)
    workbook = load_workbook(io.BytesIO(data))
    sheet = workbook[CHECKLIST.sheet]
    columns = {column.key: index for index, column in enumerate(CHECKLIST.columns, start=1)}
    answers = {answer.criterion.code: answer for answer in answers_for(application)}
    for row in range(CHECKLIST.first_data_row, sheet.max_row + 1):
        code = sheet.cell(row, columns["criterion"]).value
        answer = answers.get(str(code)) if code else None
        if answer is None:
            continue
        sheet.cell(row, columns["status"]).value = _status_label(answer.status) or None
        sheet.cell(row, columns["how_met"]).value = answer.description or None
        names = [evidence.original_name for evidence in answer.evidence_files.all()]
        sheet.cell(row, columns["evidence"]).value = "\n".join(names) or None
        sheet.cell(row, columns["justification"]).value = answer.na_justification or None
    meta = workbook[CHECKLIST.meta_sheet]
    meta.append(["application", application.reference])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@dataclass(frozen=True)
class ChecklistRow:
    """One criterion of an uploaded checklist next to the stored answer."""

    row: int
    answer: Answer
    status: str
    description: str
    na_justification: str

    @property
    def code(self) -> str:
        return self.answer.criterion.code

    @property
    def status_changed(self) -> bool:
        return self.status != self.answer.status

    @property
    def description_changed(self) -> bool:
        return self.description != self.answer.description

    @property
    def justification_changed(self) -> bool:
        return self.na_justification != self.answer.na_justification

    @property
    def changed(self) -> bool:
        return self.status_changed or self.description_changed or self.justification_changed


def _text(value: Any) -> str:
    if value is None:
        return ""
    return str(value).replace("\r\n", "\n").strip()


def validate_row(
    *, row: int, code: str, status_text: str, description: str, na_justification: str
) -> tuple[str | None, list[str]]:
    """The status key of one row and the problems found in it (used for uploads and again when
    the confirmed rows are applied)."""
    errors: list[str] = []
    status = CHECKLIST.status_key(status_text) if status_text else ""
    if status is None:
        errors.append(
            _("Row %(row)d (%(code)s): “%(value)s” is not a status. Use one of: %(choices)s.")
            % {
                "row": row,
                "code": code,
                "value": status_text,
                "choices": ", ".join(s.label for s in CHECKLIST.statuses),
            }
        )
    elif not status and (description or na_justification):
        errors.append(
            _("Row %(row)d (%(code)s): choose a status for this criterion.")
            % {"row": row, "code": code}
        )
    elif status == Answer.Status.NOT_APPLICABLE and not na_justification:
        errors.append(
            _("Row %(row)d (%(code)s): “not applicable” needs a justification.")
            % {"row": row, "code": code}
        )
    for label, value, limit in (
        (_("how it is met"), description, 10000),
        (_("justification"), na_justification, 5000),
    ):
        if len(value) > limit:
            errors.append(
                _("Row %(row)d (%(code)s): the %(field)s text is longer than %(limit)d characters.")
                % {"row": row, "code": code, "field": label, "limit": limit}
            )
    return status, errors


def _check_metadata(workbook: Any, application: Application) -> list[str]:
    if (
        CHECKLIST.meta_sheet not in workbook.sheetnames
        or CHECKLIST.sheet not in workbook.sheetnames
    ):
        return [_("This is not a checklist downloaded from the registry (its sheets are missing).")]
    meta: dict[str, str] = {}
    for key, value, *_rest in workbook[CHECKLIST.meta_sheet].iter_rows(
        min_col=1, max_col=2, values_only=True
    ):
        if key is not None:
            meta[str(key)] = _text(value)
    if meta.get("format") != CHECKLIST.format:
        return [_("This is not a checklist downloaded from the registry.")]
    errors: list[str] = []
    if meta.get("format_version") != str(CHECKLIST.version):
        errors.append(_("This checklist was made for another version of the registry."))
    edition = application.edition
    if meta.get("edition_code") != edition.code or meta.get("content_hash") != edition.content_hash:
        errors.append(
            _(
                "This checklist is for the catalogue edition “%(theirs)s”, but the application "
                "uses “%(ours)s”. Download the checklist of this application again."
            )
            % {"theirs": meta.get("edition_code") or "?", "ours": edition.code}
        )
    if meta.get("level") != application.level.code:
        errors.append(
            _("This checklist is for another ★ level than the application's (%(level)s).")
            % {"level": application.level}
        )
    return errors


def _check_header(sheet: Any) -> list[str]:
    for index, column in enumerate(CHECKLIST.columns, start=1):
        header = _text(sheet.cell(CHECKLIST.header_row, index).value)
        if " ".join(header.split()) != " ".join(column.header.split()):
            return [
                _("Row %(row)d: the column headers were changed (expected “%(header)s”).")
                % {"row": CHECKLIST.header_row, "header": column.header_ja}
            ]
    return []


def checklist_read(application: Application, upload: "UploadedFile[bytes]") -> list[ChecklistRow]:
    """Read an uploaded checklist against the application; raises ChecklistInvalid with every
    problem found. Returns one row per criterion in the file that differs from its answer."""
    size = int(upload.size or 0)
    if size == 0 or size > max_file_size():
        raise ChecklistInvalid([_("The file is empty or too large.")])
    stream = upload.file
    if stream is None:
        raise ChecklistInvalid([_("The file is empty or too large.")])
    try:
        file_type = detect_type(stream, upload.name or "checklist.xlsx")
    except EvidenceRejected as exc:
        raise ChecklistInvalid([exc.message]) from exc
    if file_type != XLSX:
        raise ChecklistInvalid([_("Upload the checklist as an Excel file (.xlsx).")])
    try:
        stream.seek(0)
        workbook = load_workbook(stream, data_only=True)
    except (InvalidFileException, KeyError, ValueError, OSError) as exc:
        raise ChecklistInvalid([_("The Excel file cannot be read.")]) from exc
    errors = _check_metadata(workbook, application)
    if errors:
        raise ChecklistInvalid(errors)
    sheet = workbook[CHECKLIST.sheet]
    errors = _check_header(sheet)
    if errors:
        raise ChecklistInvalid(errors)
    columns = {column.key: index for index, column in enumerate(CHECKLIST.columns, start=1)}
    answers = {answer.criterion.code: answer for answer in answers_for(application)}
    seen: dict[str, int] = {}
    rows: list[ChecklistRow] = []
    for row in range(CHECKLIST.first_data_row, sheet.max_row + 1):
        code = _text(sheet.cell(row, columns["criterion"]).value)
        status_text = _text(sheet.cell(row, columns["status"]).value)
        description = _text(sheet.cell(row, columns["how_met"]).value)
        na_justification = _text(sheet.cell(row, columns["justification"]).value)
        if code not in answers:
            if CRITERION_ID.match(code):
                errors.append(
                    _("Row %(row)d: criterion %(code)s is not part of this application.")
                    % {"row": row, "code": code}
                )
            elif status_text or description or na_justification:
                errors.append(
                    _("Row %(row)d: the criterion ID is missing or was changed.") % {"row": row}
                )
            continue
        if code in seen:
            errors.append(
                _("Row %(row)d: criterion %(code)s appears twice (also in row %(first)d).")
                % {"row": row, "code": code, "first": seen[code]}
            )
            continue
        seen[code] = row
        if not (status_text or description or na_justification):
            continue
        status, row_errors = validate_row(
            row=row,
            code=code,
            status_text=status_text,
            description=description,
            na_justification=na_justification,
        )
        errors.extend(row_errors)
        if status is None or row_errors:
            continue
        rows.append(
            ChecklistRow(
                row=row,
                answer=answers[code],
                status=status,
                description=description,
                na_justification=na_justification,
            )
        )
    if errors:
        raise ChecklistInvalid(errors)
    return [row for row in rows if row.changed]
