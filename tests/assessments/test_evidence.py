"""Evidence uploads: type by content, size limits, zip bombs, sanitised names, storage."""

import hashlib
import io
import zipfile

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from assessments.files import EvidenceRejected, sanitise_filename
from assessments.models import EvidenceFile
from assessments.services.evidence import evidence_delete, evidence_upload
from core.models import AuditEvent
from tests.factories.assessments import MINIMAL_PDF, ApplicationFactory, application_people

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 40
GIF = b"GIF89a" + b"\x01\x00\x01\x00" + b"\x00" * 20
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + bytes(range(256)) * 4

CONTENT_TYPES = {
    "docx": b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    "pptx": b"application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
}
MAIN_PART = {"docx": "word/document.xml", "pptx": "ppt/presentation.xml"}


def office_file(kind: str = "docx", *, extra: dict[str, bytes] | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            b'<?xml version="1.0"?><Types><Override PartName="/'
            + MAIN_PART[kind].encode()
            + b'" ContentType="'
            + CONTENT_TYPES[kind]
            + b'"/></Types>',
        )
        archive.writestr(MAIN_PART[kind], "<document>規程</document>")
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


def xlsx_file() -> bytes:
    workbook = Workbook()
    workbook.active["A1"] = "ログ一覧"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def applicant():
    application = ApplicationFactory.create()
    people = application_people(application)
    return application, people.member, people


def upload(application, user, name, data, **kwargs):
    return evidence_upload(
        application=application, by=user, upload=SimpleUploadedFile(name, data), **kwargs
    )


@pytest.mark.parametrize(
    ("name", "data", "content_type"),
    [
        ("セキュリティ方針.pdf", MINIMAL_PDF, "application/pdf"),
        ("画面.png", PNG, "image/png"),
        ("写真.JPG", JPEG, "image/jpeg"),
        ("anim.gif", GIF, "image/gif"),
        (
            "手順書.docx",
            office_file("docx"),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (
            "研修.pptx",
            office_file("pptx"),
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        ),
        (
            "台帳.xlsx",
            xlsx_file(),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        ("メモ.txt", "パスワードは12文字以上。\n".encode(), "text/plain"),
        ("機器.csv", "名称,台数\nノートPC,12\n".encode("cp932"), "text/csv"),
    ],
)
def test_accepted_types_are_stored_with_their_hash(applicant, name, data, content_type):
    application, member, _people = applicant
    answer = application.answers.first()
    evidence = upload(application, member, name, data, answers=[answer])
    assert evidence.content_type == content_type
    assert evidence.size == len(data)
    assert evidence.sha256 == hashlib.sha256(data).hexdigest()
    assert evidence.original_name == name
    assert list(evidence.answers.all()) == [answer]
    # Stored through the storage API under a generated name that keeps nothing of the upload's.
    assert evidence.file.name.startswith(f"evidence/{application.pk}/")
    assert name.split(".")[0] not in evidence.file.name
    with default_storage.open(evidence.file.name) as stored:
        assert stored.read() == data
    assert AuditEvent.objects.filter(action="assessments.evidence.uploaded").count() == 1


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("invoice.pdf", EXE),  # a program renamed .pdf
        ("setup.exe", EXE),
        ("data.bin", bytes(range(256))),
        ("archive.zip", b"PK\x03\x04" + b"\x00" * 30),
        ("empty.txt", b""),
    ],
)
def test_other_content_is_refused_whatever_the_name(applicant, name, data):
    application, member, _people = applicant
    with pytest.raises(EvidenceRejected):
        upload(application, member, name, data)
    assert not EvidenceFile.objects.exists()


def test_a_name_that_claims_another_type_is_refused(applicant):
    application, member, _people = applicant
    with pytest.raises(EvidenceRejected) as exc:
        upload(application, member, "報告書.docx", MINIMAL_PDF)
    assert "PDF" in exc.value.message


def test_a_name_without_a_known_extension_gets_the_detected_one(applicant):
    application, member, _people = applicant
    assert upload(application, member, "scan", PNG).original_name == "scan.png"
    assert upload(application, member, "scan.exe", MINIMAL_PDF).original_name == "scan.exe.pdf"


def test_macro_documents_are_refused(applicant):
    application, member, _people = applicant
    data = office_file("docx", extra={"word/vbaProject.bin": b"\x00" * 100})
    with pytest.raises(EvidenceRejected):
        upload(application, member, "macro.docx", data)


def test_a_zip_bomb_is_refused(applicant, settings):
    application, member, _people = applicant
    settings.EVIDENCE_MAX_UNCOMPRESSED_SIZE = 4 * 1024 * 1024
    bomb = office_file("docx", extra={"word/media/image1.png": b"\x00" * (8 * 1024 * 1024)})
    assert len(bomb) < 100_000
    with pytest.raises(EvidenceRejected) as exc:
        upload(application, member, "bomb.docx", bomb)
    assert "展開" in exc.value.message


def test_a_highly_compressed_part_is_refused_even_under_the_total_cap(applicant):
    application, member, _people = applicant
    bomb = office_file("docx", extra={"word/media/zeros.bin": b"\x00" * (3 * 1024 * 1024)})
    with pytest.raises(EvidenceRejected):
        upload(application, member, "ratio.docx", bomb)


def test_size_limits_per_file_and_per_application(applicant, settings):
    application, member, _people = applicant
    settings.EVIDENCE_MAX_FILE_SIZE = 2000
    settings.EVIDENCE_MAX_APPLICATION_SIZE = 2500
    big = MINIMAL_PDF + b"%" * 2000
    with pytest.raises(EvidenceRejected) as exc:
        upload(application, member, "big.pdf", big)
    assert "上限" in exc.value.message
    upload(application, member, "one.pdf", MINIMAL_PDF + b"%" * 1500)
    with pytest.raises(EvidenceRejected) as exc:
        upload(application, member, "two.pdf", MINIMAL_PDF + b"%" * 900)
    assert exc.value.code == "evidence_rejected"
    assert EvidenceFile.objects.count() == 1


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("../../etc/passwd.txt", "passwd.txt"),
        ("C:\\Users\\taro\\方針.pdf", "方針.pdf"),
        ("規程\x00\x1f\u202e.pdf", "規程.pdf"),
        ("ＡＢＣ　規程（第２版）.pdf", "ABC 規程(第2版).pdf"),
        ("ｾｷｭﾘﾃｨ.pdf", "セキュリティ.pdf"),
        ('a<b>c:"d"|e?*.pdf', "a_b_c__d__e__.pdf"),
        ("...", "evidence"),
        ("  .hidden ", "hidden"),
        ("", "evidence"),
    ],
)
def test_filenames_are_sanitised(raw, clean):
    assert sanitise_filename(raw) == clean


def test_a_long_name_keeps_its_extension():
    name = sanitise_filename("あ" * 300 + ".pdf")
    assert name.endswith(".pdf")
    assert len(name) <= 180


def test_deleting_removes_the_stored_file(applicant, django_capture_on_commit_callbacks):
    application, member, _people = applicant
    evidence = upload(application, member, "方針.pdf", MINIMAL_PDF)
    name = evidence.file.name
    with django_capture_on_commit_callbacks(execute=True):
        evidence_delete(evidence=evidence, by=member)
    assert not default_storage.exists(name)
    assert not EvidenceFile.objects.exists()


def test_only_editors_upload(applicant):
    application, _member, people = applicant
    for outsider in (people.advisor, people.procurer, people.other_supplier, people.executive):
        with pytest.raises(PermissionDenied):
            upload(application, outsider, "方針.pdf", MINIMAL_PDF)
