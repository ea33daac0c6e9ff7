"""The signed declaration's PDF: rendered by the task after commit, stored under a deterministic
name with its SHA-256, Japanese text in a CJK font (checked with poppler's tools)."""

import hashlib
import subprocess
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone

from assessments.models import Application, Declaration
from assessments.services.declarations import declaration_sign
from assessments.services.reviews import (
    application_submit_for_review,
    criterion_review_record,
    review_approve,
)
from assessments.tasks import render_declaration_pdf
from tests.factories.assessments import ApplicationFactory, application_people, fill_answers
from tests.factories.bodies import OrganisationFactory

pytestmark = pytest.mark.django_db


def signed(django_capture_on_commit_callbacks) -> Declaration:
    parent = OrganisationFactory.create(
        name="株式会社サンプル製作所", name_en="Sample Works Co., Ltd."
    )
    subsidiary = OrganisationFactory.create(name="サンプル物流株式会社", parent=parent)
    application = ApplicationFactory.create(
        organisation=parent, sites=["本社（東京都大田区）", "川崎工場"]
    )
    application.covered_entities.add(subsidiary)
    people = application_people(application)
    fill_answers(application)
    application_submit_for_review(application=application, by=people.member)
    application = Application.objects.get(pk=application.pk)
    for answer in application.answers.all():
        criterion_review_record(
            application=application,
            criterion=answer.criterion,
            by=people.advisor,
            verdict="pass",
            comment="",
        )
    review_approve(application=application, by=people.advisor)
    with django_capture_on_commit_callbacks(execute=True):
        declaration = declaration_sign(
            application=Application.objects.get(pk=application.pk),
            by=people.executive,
            signer_name="山田 太郎",
            signer_title="代表取締役社長",
            reauthenticated_at=timezone.now(),
        )
    declaration.refresh_from_db()
    return declaration


def pdf_text(data: bytes, tmp_path: Path) -> tuple[str, str]:
    path = tmp_path / "declaration.pdf"
    path.write_bytes(data)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout
    fonts = subprocess.run(
        ["pdffonts", str(path)], capture_output=True, check=True, text=True
    ).stdout
    return text, fonts


def test_the_pdf_is_rendered_after_commit_and_its_hash_recorded(
    django_capture_on_commit_callbacks, tmp_path
):
    declaration = signed(django_capture_on_commit_callbacks)
    assert declaration.pdf.name == (
        f"declarations/{declaration.application_id}/declaration-{declaration.pk}.pdf"
    )
    assert declaration.pdf.name
    with default_storage.open(declaration.pdf.name) as stored:
        data = stored.read()
    assert data.startswith(b"%PDF")
    assert declaration.pdf_sha256 == hashlib.sha256(data).hexdigest()

    text, fonts = pdf_text(data, tmp_path)
    squashed = "".join(text.split())
    for expected in (
        "経営層による自己適合宣誓",
        "株式会社サンプル製作所",
        "サンプル物流株式会社",
        "川崎工場",
        "代表取締役社長",
        "山田太郎",
        "Managementdeclarationofself-conformity",
        declaration.application.reference,
        declaration.application.organisation.corporate_number,
    ):
        assert expected in squashed, expected
    # Japanese is set in Noto Sans CJK JP (embedded), so there are no tofu boxes.
    cjk = [line.split() for line in fonts.splitlines() if "Noto-Sans-CJK-JP" in line]
    assert cjk, fonts
    assert all(columns[-5] == "yes" for columns in cjk), fonts  # the "emb" column


def test_rendering_again_replaces_the_same_file(django_capture_on_commit_callbacks):
    declaration = signed(django_capture_on_commit_callbacks)
    first_name = declaration.pdf.name
    assert first_name
    sha = render_declaration_pdf.delay(declaration.pk).get()
    declaration.refresh_from_db()
    assert declaration.pdf.name == first_name
    assert declaration.pdf_sha256 == sha
    with default_storage.open(first_name) as stored:
        assert hashlib.sha256(stored.read()).hexdigest() == sha
