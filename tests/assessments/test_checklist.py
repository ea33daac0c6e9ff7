"""The offline Excel checklist: download pre-filled, change it with openpyxl, upload, see the diff,
apply a subset; malformed files are rejected with row-level messages."""

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from assessments.checklist import (
    CRITERION_ID,
    ChecklistInvalid,
    checklist_prefilled,
    checklist_read,
)
from assessments.models import Answer
from assessments.services.applications import answer_save
from assessments.services.checklist import ConfirmedRow, checklist_apply
from scheme.exports import CHECKLIST
from tests.assessments.helpers import sign_in
from tests.factories.assessments import ApplicationFactory, application_people

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def setup():
    application = ApplicationFactory.create()
    people = application_people(application)
    answers = {a.criterion.code: a for a in application.answers.all()}
    answer_save(
        answer=answers["1-1-1-1"],
        by=people.member,
        status="implemented",
        description="情報セキュリティ方針を定めています。",
        na_justification="",
        expected_version=0,
    )
    return application, people


def column(key: str) -> int:
    return [c.key for c in CHECKLIST.columns].index(key) + 1


def rows_by_code(sheet):
    rows = {}
    for row in range(CHECKLIST.first_data_row, sheet.max_row + 1):
        code = str(sheet.cell(row, column("criterion")).value or "")
        if CRITERION_ID.match(code):
            rows[code] = row
    return rows


def workbook_of(data: bytes):
    return load_workbook(io.BytesIO(data))


def as_upload(workbook, name="checklist.xlsx") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=XLSX)


def test_the_download_is_prefilled_with_the_current_answers(setup):
    application, _people = setup
    workbook = workbook_of(checklist_prefilled(application))
    sheet = workbook[CHECKLIST.sheet]
    rows = rows_by_code(sheet)
    assert sorted(rows) == ["1-1-1-1", "1-1-1-2", "1-1-2-1", "4-1-1-1", "4-1-1-2"]
    row = rows["1-1-1-1"]
    assert sheet.cell(row, column("status")).value == "実施済み / Implemented"
    assert sheet.cell(row, column("how_met")).value == "情報セキュリティ方針を定めています。"
    assert sheet.cell(rows["1-1-1-2"], column("status")).value is None
    meta = dict(workbook[CHECKLIST.meta_sheet].iter_rows(values_only=True))
    assert meta["edition_code"] == application.edition.code
    assert meta["application"] == application.reference


def test_round_trip_shows_a_diff_and_applies_only_the_ticked_rows(setup):
    application, people = setup
    client = sign_in(Client(), people.member)
    response = client.get(reverse("assessments:checklist-download", kwargs={"pk": application.pk}))
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert "attachment" in response["Content-Disposition"]
    workbook = workbook_of(response.content)
    sheet = workbook[CHECKLIST.sheet]
    rows = rows_by_code(sheet)
    sheet.cell(rows["1-1-1-1"], column("how_met")).value = "方針を毎年見直しています。"
    sheet.cell(rows["1-1-1-2"], column("status")).value = "Partly implemented"  # English label
    sheet.cell(rows["1-1-1-2"], column("how_met")).value = "一部の部署のみ"
    sheet.cell(rows["4-1-1-1"], column("status")).value = "該当なし"  # Japanese label
    sheet.cell(rows["4-1-1-1"], column("justification")).value = "社外からの接続はありません。"

    response = client.post(
        reverse("assessments:checklist-upload", kwargs={"pk": application.pk}),
        {"file": as_upload(workbook)},
    )
    assert response.status_code == 200
    diff = {row.code: row for row in response.context["rows"]}
    assert sorted(diff) == ["1-1-1-1", "1-1-1-2", "4-1-1-1"]
    assert diff["1-1-1-1"].description_changed
    assert not diff["1-1-1-1"].status_changed
    assert diff["1-1-1-2"].status == "partly"
    assert diff["4-1-1-1"].status == "not_applicable"
    content = response.content.decode()
    assert "情報セキュリティ方針を定めています。" in content  # current
    assert "方針を毎年見直しています。" in content  # uploaded

    # Apply only two of the three (the form posts back what the diff page holds).
    data: dict[str, Any] = {"apply": ["1-1-1-2", "4-1-1-1"]}
    for row in diff.values():
        data[f"row-{row.code}-status"] = row.status
        data[f"row-{row.code}-description"] = row.description
        data[f"row-{row.code}-na_justification"] = row.na_justification
        data[f"row-{row.code}-version"] = str(row.answer.version)
    response = client.post(
        reverse("assessments:checklist-apply", kwargs={"pk": application.pk}), data
    )
    assert response.status_code == 302
    answers = {a.criterion.code: a for a in Answer.objects.filter(application=application)}
    assert answers["1-1-1-1"].description == "情報セキュリティ方針を定めています。"  # not ticked
    assert (answers["1-1-1-2"].status, answers["1-1-1-2"].description) == (
        "partly",
        "一部の部署のみ",
    )
    assert answers["4-1-1-1"].na_justification == "社外からの接続はありません。"
    assert answers["4-1-1-1"].updated_by == people.member


def test_an_answer_changed_since_the_upload_is_left_alone(setup):
    application, people = setup
    answer = application.answers.get(criterion__code="1-1-1-1")
    stale_version = answer.version
    answer_save(
        answer=answer,
        by=people.admin,
        status="partly",
        description="別の人の変更",
        na_justification="",
        expected_version=stale_version,
    )
    result = checklist_apply(
        application=application,
        by=people.member,
        rows=[
            ConfirmedRow(
                code="1-1-1-1",
                status="implemented",
                description="古い内容",
                na_justification="",
                version=stale_version,
            )
        ],
    )
    assert result.conflicts == ["1-1-1-1"]
    answer.refresh_from_db()
    assert answer.description == "別の人の変更"


def errors_of(application, workbook) -> list[str]:
    with pytest.raises(ChecklistInvalid) as exc:
        checklist_read(application, as_upload(workbook))
    return exc.value.errors


def test_malformed_rows_are_rejected_with_their_row_numbers(setup):
    application, _people = setup
    workbook = workbook_of(checklist_prefilled(application))
    sheet = workbook[CHECKLIST.sheet]
    rows = rows_by_code(sheet)
    sheet.cell(rows["1-1-1-2"], column("status")).value = "たぶん"
    sheet.cell(rows["1-1-2-1"], column("status")).value = "Not applicable"
    sheet.cell(rows["4-1-1-1"], column("criterion")).value = "9-9-9-9"
    sheet.cell(rows["4-1-1-1"], column("status")).value = "実施済み"
    sheet.cell(rows["4-1-1-2"], column("criterion")).value = "1-1-1-1"
    sheet.cell(rows["4-1-1-2"], column("status")).value = "実施済み"
    errors = errors_of(application, workbook)
    assert any(f"{rows['1-1-1-2']}行目（1-1-1-2）" in e and "たぶん" in e for e in errors), errors
    assert any(f"{rows['1-1-2-1']}行目（1-1-2-1）" in e and "理由" in e for e in errors), errors
    assert any(f"{rows['4-1-1-1']}行目" in e and "9-9-9-9" in e for e in errors), errors
    assert any(f"{rows['4-1-1-2']}行目" in e and "重複" in e for e in errors), errors
    assert Answer.objects.get(application=application, criterion__code="1-1-1-2").status == ""


def test_a_checklist_of_another_edition_is_rejected(setup):
    application, _people = setup
    workbook = workbook_of(checklist_prefilled(application))
    meta = workbook[CHECKLIST.meta_sheet]
    for row in meta.iter_rows():
        if row[0].value == "content_hash":
            row[1].value = "0" * 64
    errors = errors_of(application, workbook)
    assert any(application.edition.code in e for e in errors), errors


def test_changed_headers_and_other_files_are_rejected(setup):
    application, people = setup
    workbook = workbook_of(checklist_prefilled(application))
    workbook[CHECKLIST.sheet].cell(CHECKLIST.header_row, column("status")).value = "状況"
    assert any("列見出し" in e for e in errors_of(application, workbook))
    client = sign_in(Client(), people.member)
    response = client.post(
        reverse("assessments:checklist-upload", kwargs={"pk": application.pk}),
        {"file": SimpleUploadedFile("checklist.xlsx", b"%PDF-1.4 not excel")},
    )
    assert response.status_code == 400
    assert response.context["errors"]
