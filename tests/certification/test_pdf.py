"""The certificate of registration: its text (pdftotext), its embedded Japanese font
(pdffonts), a page rendered to PNG (pdftoppm), the marks of registrations no longer valid, and
the stored copy per revision."""

import datetime
import hashlib
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

from certification.choices import ReasonCode
from certification.models import Registration
from certification.pdf import certificate_html, render_certificate_pdf
from certification.services.certificates import registration_certificate_store
from certification.services.lifecycle import registration_revoke, registration_suspend
from tests.factories.bodies import OrganisationFactory
from tests.factories.certification import RegistrationFactory, register, registration_staff

pytestmark = pytest.mark.django_db

ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts" / "certification"


def _pdf_text(data: bytes, tmp_path: Path) -> str:
    path = tmp_path / "certificate.pdf"
    path.write_bytes(data)
    result = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    )
    return result.stdout


def _registration() -> Registration:
    organisation = OrganisationFactory.create(
        name="株式会社サンプル製作所", name_en="Sample Works Co., Ltd."
    )
    return register(organisation=organisation, registered_on=datetime.date(2027, 1, 15))


def test_the_certificate_holds_every_fact_in_japanese_and_english(tmp_path: Path):
    registration = _registration()
    data = render_certificate_pdf(registration, today=datetime.date(2027, 1, 15))
    assert data.startswith(b"%PDF")
    text = _pdf_text(data, tmp_path)
    flat = "".join(text.split())
    for expected in (
        "登録証",
        "Certificateofregistration",
        "株式会社サンプル製作所",
        "SampleWorksCo.,Ltd.",
        registration.corporate_number,
        registration.number,
        "★3",
        "本社（東京都千代田区）",
        "Microsoft365",
        registration.edition.title_ja.replace(" ", ""),
        "2027年1月15日",
        "2028年1月14日",
        "15Jan2027–14Jan2028",
        "法人番号",
        "登録機関",
        registration.registering_body.organisation.name,
        f"/verify/{registration.number}/",
    ):
        assert expected in flat, expected
    for mark in ("失効", "取消", "一時停止中"):
        assert mark not in flat


def test_the_japanese_font_is_embedded_and_page_one_renders(tmp_path: Path):
    registration = _registration()
    data = render_certificate_pdf(registration, today=datetime.date(2027, 1, 15))
    pdf = tmp_path / "certificate.pdf"
    pdf.write_bytes(data)
    fonts = subprocess.run(
        ["pdffonts", str(pdf)], capture_output=True, text=True, check=True
    ).stdout
    cjk = [line for line in fonts.splitlines() if "Noto-Sans-CJK-JP" in line]
    assert cjk, fonts
    assert all(" yes " in line for line in cjk)  # embedded
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")],
        check=True,
    )
    png = next(tmp_path.glob("page*.png"))
    assert png.read_bytes().startswith(b"\x89PNG")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(png, ARTIFACTS / "certificate-active.png")
    shutil.copy(pdf, ARTIFACTS / "certificate-active.pdf")


@pytest.mark.parametrize(
    ("status", "mark"),
    [
        ("revoked", "取消し"),
        ("expired", "失効"),
        ("superseded", "失効（更新済み）"),
        ("withdrawn", "辞退"),
        ("suspended", "一時停止中"),
    ],
)
def test_a_registration_no_longer_valid_carries_a_clear_mark(status, mark, tmp_path: Path):
    registration = RegistrationFactory.create(
        status=status,
        valid_from=datetime.date(2027, 1, 15),
        valid_until=datetime.date(2028, 1, 14),
        registered_on=datetime.date(2027, 1, 15),
        status_since=datetime.date(2027, 6, 1),
    )
    text = "".join(
        _pdf_text(
            render_certificate_pdf(registration, today=datetime.date(2027, 7, 1)), tmp_path
        ).split()
    )
    assert mark in text
    if status == "revoked":
        pdf = tmp_path / "certificate.pdf"
        subprocess.run(
            ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "r")],
            check=True,
        )
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        shutil.copy(next(tmp_path.glob("r*.png")), ARTIFACTS / "certificate-revoked.png")


def test_a_registration_past_its_validity_is_marked_even_before_the_sweep(tmp_path: Path):
    registration = RegistrationFactory.create(
        valid_from=datetime.date(2027, 1, 15),
        valid_until=datetime.date(2028, 1, 14),
        registered_on=datetime.date(2027, 1, 15),
    )
    text = "".join(
        _pdf_text(
            render_certificate_pdf(registration, today=datetime.date(2028, 1, 15)), tmp_path
        ).split()
    )
    assert "失効" in text


def test_the_qr_code_points_at_the_verification_page():
    registration = _registration()
    html = certificate_html(registration, today=datetime.date(2027, 1, 15))
    assert "<svg" in html
    assert 'class="segno"' in html
    assert f"{settings.SITE_URL}/verify/{registration.number}/" in html


def test_the_task_stores_one_file_per_revision_and_a_rerun_replaces_it():
    registration = register()
    stored = registration_certificate_store(registration_id=registration.pk)
    assert stored.certificate.name == f"certificates/{registration.number}-r1.pdf"
    assert stored.certificate_revision == 1
    data = stored.certificate.read()
    stored.certificate.close()
    assert hashlib.sha256(data).hexdigest() == stored.certificate_sha256
    again = registration_certificate_store(registration_id=registration.pk)
    assert again.certificate.name == stored.certificate.name
    registration_suspend(
        registration=again,
        by=registration_staff(),
        reason_code=ReasonCode.INCIDENT,
        reason="調査中",
    )
    revoked = registration_revoke(
        registration=Registration.objects.get(pk=registration.pk),
        by=registration_staff(),
        reason_code=ReasonCode.FALSE_REPORT,
        reason="虚偽の報告",
    )
    assert revoked.revision == 3
    latest = registration_certificate_store(registration_id=registration.pk)
    assert latest.certificate.name == f"certificates/{registration.number}-r3.pdf"
    assert latest.certificate_is_current
    assert latest.certificate.storage.exists(f"certificates/{registration.number}-r1.pdf")
