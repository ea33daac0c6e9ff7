"""Checking uploaded evidence files: the type is detected from the content (magic bytes, and the
inner structure of Office zip containers), never from the name; Office files are opened with a
cap on the uncompressed size so that a zip bomb is refused; names are sanitised.

The limits come from settings (EVIDENCE_MAX_FILE_SIZE, EVIDENCE_MAX_APPLICATION_SIZE,
EVIDENCE_MAX_UNCOMPRESSED_SIZE).
"""

import hashlib
import unicodedata
import zipfile
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from core.exceptions import DomainError

MB = 1024 * 1024
DEFAULT_MAX_FILE_SIZE = 20 * MB
DEFAULT_MAX_APPLICATION_SIZE = 200 * MB
DEFAULT_MAX_UNCOMPRESSED_SIZE = 100 * MB
MAX_ZIP_ENTRIES = 5000
# A member that expands more than this is treated as a bomb even under the total cap.
MAX_COMPRESSION_RATIO = 200
MAX_NAME_LENGTH = 180


class EvidenceRejected(DomainError):  # noqa: N818 (a domain error, named for what happened)
    """An uploaded file was refused; the message says why in the user's language."""

    code = "evidence_rejected"


@dataclass(frozen=True)
class FileType:
    """A type of evidence file we accept."""

    content_type: str
    extension: str
    label: str


PDF = FileType("application/pdf", ".pdf", "PDF")
PNG = FileType("image/png", ".png", "PNG")
JPEG = FileType("image/jpeg", ".jpg", "JPEG")
GIF = FileType("image/gif", ".gif", "GIF")
DOCX = FileType(
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx", "Word"
)
XLSX = FileType(
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx", "Excel"
)
PPTX = FileType(
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".pptx",
    "PowerPoint",
)
TEXT = FileType("text/plain", ".txt", "Text")
CSV = FileType("text/csv", ".csv", "CSV")

ACCEPTED_TYPES = (PDF, PNG, JPEG, GIF, DOCX, XLSX, PPTX, TEXT, CSV)
# Extensions that name a type; a file whose name claims one type but whose content is another
# is refused rather than silently renamed.
EXTENSION_TYPES: dict[str, FileType] = {
    ".pdf": PDF,
    ".png": PNG,
    ".jpg": JPEG,
    ".jpeg": JPEG,
    ".gif": GIF,
    ".docx": DOCX,
    ".xlsx": XLSX,
    ".pptx": PPTX,
    ".txt": TEXT,
    ".csv": CSV,
}

# Office Open XML: the main part every file of the kind has, and the content type that
# [Content_Types].xml must declare for it (macro-enabled variants are not accepted).
OFFICE_MAIN_PARTS: tuple[tuple[FileType, str, bytes], ...] = (
    (
        DOCX,
        "word/document.xml",
        b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    ),
    (
        XLSX,
        "xl/workbook.xml",
        b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    ),
    (
        PPTX,
        "ppt/presentation.xml",
        b"application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
    ),
)


def max_file_size() -> int:
    return int(getattr(settings, "EVIDENCE_MAX_FILE_SIZE", DEFAULT_MAX_FILE_SIZE))


def max_application_size() -> int:
    return int(getattr(settings, "EVIDENCE_MAX_APPLICATION_SIZE", DEFAULT_MAX_APPLICATION_SIZE))


def max_uncompressed_size() -> int:
    return int(getattr(settings, "EVIDENCE_MAX_UNCOMPRESSED_SIZE", DEFAULT_MAX_UNCOMPRESSED_SIZE))


def accepted_types_text() -> str:
    """For help texts: "PDF, PNG, JPEG, GIF, Word (.docx), …"."""
    return ", ".join(f"{t.label} ({t.extension})" for t in ACCEPTED_TYPES)


def sanitise_filename(name: str) -> str:
    """A safe display name: NFKC-normalised, without directories, control or format characters
    and characters Windows forbids; Japanese is kept. Never empty."""
    name = unicodedata.normalize("NFKC", name or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(
        "_" if ch in '<>:"|?*' else ch
        for ch in name
        if unicodedata.category(ch)[0] not in ("C", "Z") or ch == " "
    )
    name = " ".join(name.split()).strip(" .")
    if len(name) > MAX_NAME_LENGTH:
        stem, dot, ext = name.rpartition(".")
        if dot and 0 < len(ext) <= 10:
            name = stem[: MAX_NAME_LENGTH - len(ext) - 1].rstrip() + "." + ext
        else:
            name = name[:MAX_NAME_LENGTH]
    return name or "evidence"


def _extension(name: str) -> str:
    stem, dot, ext = name.rpartition(".")
    return f".{ext.lower()}" if dot and stem else ""


def _read_head(stream: IO[bytes], size: int) -> bytes:
    stream.seek(0)
    head = stream.read(size)
    stream.seek(0)
    return head


def _inspect_zip(stream: IO[bytes]) -> FileType:
    refused = EvidenceRejected(
        _("This zip file is not a Word, Excel or PowerPoint document (.docx, .xlsx, .pptx).")
    )
    try:
        archive = zipfile.ZipFile(stream)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise refused from exc
    with archive:
        members = archive.infolist()
        if len(members) > MAX_ZIP_ENTRIES:
            raise EvidenceRejected(_("This document contains too many parts to be checked."))
        names = {member.filename for member in members}
        if "[Content_Types].xml" not in names:
            raise refused
        if any(name.lower().endswith("vbaproject.bin") for name in names):
            raise EvidenceRejected(_("Documents with macros are not accepted."))
        cap = max_uncompressed_size()
        bomb = EvidenceRejected(
            _("This document expands to more than %(size)s when opened and is refused.")
            % {"size": filesizeformat(cap)}
        )
        if sum(member.file_size for member in members) > cap:
            raise bomb
        # The sizes in the zip directory can lie: decompress everything with a running cap
        # (zipfile stops at the declared size and checks the CRC, so a lie ends in BadZipFile).
        expanded = 0
        content_types = b""
        try:
            for member in members:
                if (
                    member.compress_size
                    and member.file_size / member.compress_size > (MAX_COMPRESSION_RATIO)
                    and member.file_size > MB
                ):
                    raise bomb
                with archive.open(member) as part:
                    while chunk := part.read(256 * 1024):
                        expanded += len(chunk)
                        if expanded > cap:
                            raise bomb
                        if member.filename == "[Content_Types].xml" and len(content_types) < MB:
                            content_types += chunk
        except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError) as exc:
            raise refused from exc
        for file_type, main_part, declared in OFFICE_MAIN_PARTS:
            if main_part in names and declared in content_types:
                return file_type
    raise refused


def _looks_like_text(data: bytes) -> bool:
    if b"\x00" in data:
        return False
    text: str | None = None
    for encoding in ("utf-8-sig", "cp932"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    if text is None:
        return False
    allowed_controls = {"\t", "\n", "\r", "\f"}
    return not any(unicodedata.category(ch) == "Cc" and ch not in allowed_controls for ch in text)


def detect_type(stream: IO[bytes], name: str) -> FileType:
    """The accepted type of the file's content, or EvidenceRejected."""
    head = _read_head(stream, 8)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith((b"GIF87a", b"GIF89a")):
        return GIF
    if head.startswith(b"PK\x03\x04"):
        file_type = _inspect_zip(stream)
        stream.seek(0)
        return file_type
    # Plain text and CSV have no magic bytes: the whole content must decode as text (a text file
    # is small next to the size limit, and a partial read could cut a multi-byte character).
    stream.seek(0)
    data = stream.read()
    stream.seek(0)
    if data and _looks_like_text(data):
        return CSV if _extension(name) == ".csv" else TEXT
    raise EvidenceRejected(
        _("This type of file is not accepted. Accepted are: %(types)s.")
        % {"types": accepted_types_text()}
    )


@dataclass(frozen=True)
class CheckedFile:
    """An upload that passed every check, with what we store about it."""

    name: str
    file_type: FileType
    size: int
    sha256: str


def check_upload(upload: "UploadedFile[bytes]", *, already_stored: int) -> CheckedFile:
    """Check one uploaded file against the size limits (`already_stored` bytes are already
    held for the application) and detect its type from its content."""
    size = int(upload.size or 0)
    if size == 0:
        raise EvidenceRejected(_("The file is empty."))
    if size > max_file_size():
        raise EvidenceRejected(
            _("The file is %(size)s; files may be at most %(limit)s.")
            % {"size": filesizeformat(size), "limit": filesizeformat(max_file_size())}
        )
    if already_stored + size > max_application_size():
        raise EvidenceRejected(
            _(
                "The evidence of an application may be at most %(limit)s in total; "
                "%(free)s are left."
            )
            % {
                "limit": filesizeformat(max_application_size()),
                "free": filesizeformat(max(0, max_application_size() - already_stored)),
            }
        )
    name = sanitise_filename(upload.name or "")
    stream: IO[bytes] = upload.file  # type: ignore[assignment]
    file_type = detect_type(stream, name)
    claimed = EXTENSION_TYPES.get(_extension(name))
    if (
        claimed is not None
        and claimed.content_type != file_type.content_type
        and not ({claimed, file_type} <= {TEXT, CSV})
    ):
        raise EvidenceRejected(
            _(
                "The file is named “%(name)s” but its content is %(actual)s. Check that you chose "
                "the right file."
            )
            % {"name": name, "actual": file_type.label}
        )
    if claimed is None:
        name = sanitise_filename(name + file_type.extension)
    digest = hashlib.sha256()
    stream.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    stream.seek(0)
    return CheckedFile(name=name, file_type=file_type, size=size, sha256=digest.hexdigest())
