"""Validation of an applicant's evidence file before it is stored (QUALITY FI-1, FI-2, FI-4).

The type is decided by the content's magic bytes, never by the name alone; the name must
agree with the content. PDFs carrying scripts, actions or embedded files are refused: the
raw bytes are scanned while reading, and the parsed object graph is walked with pypdf
because compressed object streams hide names from a byte scan. Nothing here touches models
or storage; the upload service stores the stream and the returned `CheckedFile` metadata.
"""

import hashlib
import re
import tempfile
import types
import typing
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from urllib.parse import quote

from django.template.defaultfilters import filesizeformat
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from pypdf import PdfReader
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    PdfObject,
)

ALLOWED_TYPES: Mapping[str, tuple[str, tuple[str, ...]]] = types.MappingProxyType(
    {
        "pdf": ("application/pdf", (".pdf",)),
        "jpeg": ("image/jpeg", (".jpg", ".jpeg")),
        "png": ("image/png", (".png",)),
    }
)

_LABELS = {"pdf": "PDF", "jpeg": "JPEG", "png": "PNG"}
_MAGIC = (
    ("pdf", b"%PDF-"),
    ("jpeg", b"\xff\xd8\xff"),
    ("png", b"\x89PNG\r\n\x1a\n"),
)
_HEADER_SIZE = max(len(magic) for _kind, magic in _MAGIC)
_CHUNK_SIZE = 64 * 1024
# PDFs are parsed from a spooled copy so the caller's stream need not be seekable;
# past this size the copy goes to a temporary file instead of memory.
_SPOOL_IN_MEMORY = 1024 * 1024
_NAME_MAX = 120

RejectionCode = typing.Literal[
    "empty",
    "too_large",
    "type_not_allowed",
    "content_mismatch",
    "extension_mismatch",
    "active_content",
    "encrypted",
    "corrupt",
]


@dataclass(frozen=True)
class CheckedFile:
    kind: str
    mime: str
    size: int
    sha256: str
    safe_name: str


class FileRejected(Exception):  # noqa: N818 — the name the upload service expects
    """An upload that must not be stored; `message` is shown to the applicant as is."""

    def __init__(self, code: RejectionCode, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def check_upload(stream: typing.BinaryIO, *, name: str, max_bytes: int) -> CheckedFile:
    """Read `stream` to the end (at most `max_bytes` + 1 bytes) and return what is known
    about it, or raise `FileRejected`. A seekable stream is left where it started so the
    caller can store it next."""
    start = stream.tell() if stream.seekable() else None
    stem, extension = _clean_name(name)
    chunks = _read_limited(stream, max_bytes)

    head = bytearray()
    for chunk in chunks:
        head += chunk
        if len(head) >= _HEADER_SIZE:
            break
    if not head:
        raise FileRejected("empty", _("文件是空的（0 字节），请检查后重新选择。"))
    kind = _sniff(bytes(head[:_HEADER_SIZE]))
    _check_name_matches(kind, extension)

    digest = hashlib.sha256()
    size = 0
    with _PdfScan() if kind == "pdf" else _NoScan() as scan:
        for chunk in _prepend(bytes(head), chunks):
            digest.update(chunk)
            size += len(chunk)
            scan.feed(chunk)
        scan.finish()

    if start is not None:
        stream.seek(start)
    mime, _extensions = ALLOWED_TYPES[kind]
    return CheckedFile(
        kind=kind,
        mime=mime,
        size=size,
        sha256=digest.hexdigest(),
        safe_name=_display_name(stem, extension),
    )


def check_uploads(
    cycle, uploads, *, field: str, total_message: str | None = None
) -> list[CheckedFile]:
    """Check a batch of `(stream, name)` uploads against the cycle's limits before
    anything is stored (FI-1): all or nothing. Errors are keyed by `field`."""
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    mebibyte = 1024 * 1024
    checked = []
    for stream, name in uploads:
        try:
            checked.append(
                check_upload(stream, name=name, max_bytes=cycle.file_size_limit_mb * mebibyte)
            )
        except FileRejected as exc:
            raise ValidationError(
                {field: _("%(name)s：%(reason)s") % {"name": name, "reason": exc.message}}
            ) from exc
    if sum(c.size for c in checked) > cycle.case_size_limit_mb * mebibyte:
        message = total_message or _("材料总量超过上限（%(limit)s MB），请压缩后再提交。")
        raise ValidationError({field: message % {"limit": cycle.case_size_limit_mb}})
    return checked


def content_disposition(filename: str) -> str:
    """An `attachment` header value: a plain ASCII `filename` every client understands and,
    for other names, the RFC 5987 `filename*` that modern clients prefer."""
    name = _display_name(*_clean_name(filename))
    if re.fullmatch(r"[\t \x21-\x7e]*", name):
        return typing.cast(str, content_disposition_header(True, name))
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    fallback = _display_name(*_clean_name(re.sub(r"[^\w.()\- ]", "", ascii_name, flags=re.A)))
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


# Reading and sniffing -----------------------------------------------------------------


def _read_limited(stream: typing.BinaryIO, max_bytes: int) -> Iterator[bytes]:
    size = 0
    while True:
        chunk = stream.read(min(_CHUNK_SIZE, max_bytes + 1 - size))
        if not chunk:
            return
        size += len(chunk)
        if size > max_bytes:
            raise FileRejected(
                "too_large",
                _("文件超过大小上限（%(limit)s），请压缩或拆分后再上传。")
                % {"limit": filesizeformat(max_bytes)},
            )
        yield chunk


def _prepend(first: bytes, rest: Iterator[bytes]) -> Iterator[bytes]:
    yield first
    yield from rest


def _sniff(header: bytes) -> str | None:
    return next((kind for kind, magic in _MAGIC if header.startswith(magic)), None)


def _kind_of_extension(extension: str) -> str | None:
    return next(
        (kind for kind, (_mime, exts) in ALLOWED_TYPES.items() if extension.lower() in exts),
        None,
    )


def _check_name_matches(kind: str | None, extension: str) -> None:
    claimed = _kind_of_extension(extension)
    if kind is None and claimed is None:
        raise FileRejected(
            "type_not_allowed",
            _("只能上传 PDF、JPEG 或 PNG 文件，此文件的内容不是这几种格式。"),
        )
    if kind is None:
        raise FileRejected(
            "content_mismatch",
            _(
                "文件名显示为 %(kind)s，但文件内容不是 %(kind)s 文件（可能只是改了扩展名）。"
                "请用原程序重新导出为 %(kind)s 后再上传。"
            )
            % {"kind": _LABELS[typing.cast(str, claimed)]},
        )
    if claimed != kind:
        values = {"kind": _LABELS[kind], "expected": ALLOWED_TYPES[kind][1][0]}
        if not extension:
            message = _(
                "文件内容是 %(kind)s，但文件名没有扩展名。"
                "请把文件名改为以 %(expected)s 结尾后重试。"
            )
        else:
            values["extension"] = extension
            message = _(
                "文件内容是 %(kind)s，但文件扩展名是 %(extension)s，两者不一致。"
                "请把扩展名改为 %(expected)s 后重试。"
            )
        raise FileRejected("extension_mismatch", message % values)


# Names ---------------------------------------------------------------------------------

_SEPARATORS = re.compile(r"[/\\]")
_WINDOWS_RESERVED = re.compile(r'[<>:"|?*]')


def _clean_name(name: str) -> tuple[str, str]:
    """(stem, extension) of the last path component of `name`, fit for display; the
    extension is the final one with its dot (".pdf"), or ""."""
    name = unicodedata.normalize("NFC", name)
    # Control and format characters go (NUL, and the bidi overrides that turn
    # "fdp.exe" into "exe.pdf" on screen); line and paragraph separators become spaces.
    name = "".join(
        " " if unicodedata.category(c) in {"Zl", "Zp"} or c in "\t\n\r" else c
        for c in name
        if unicodedata.category(c) not in {"Cc", "Cf"} or c in "\t\n\r"
    )
    parts = [part for part in _SEPARATORS.split(name) if part.strip()]
    name = _WINDOWS_RESERVED.sub("_", parts[-1] if parts else "")
    name = re.sub(r"\s+", " ", name).strip()
    stem, dot, extension = name.rpartition(".")
    if not (dot and re.fullmatch(r"[^. ]+", extension)):
        stem, extension = name, ""
    else:
        extension = f".{extension}"
    # Leading dots would hide the file on Unix; trailing dots and spaces vanish on Windows.
    return stem.strip(". "), extension


def _display_name(stem: str, extension: str) -> str:
    stem = stem[: max(_NAME_MAX - len(extension), 1)].rstrip(". ") or "file"
    return f"{stem}{extension}"[:_NAME_MAX]


# PDF active content ---------------------------------------------------------------------

# Whitespace and delimiters end a PDF name token, so "/JS" must not match "/JSON".
_DELIMITERS = rb"\x00\t\n\x0c\r /<>\[\]()%{}"
_TOKEN_END = rb"(?=[" + _DELIMITERS + rb"])"
_ACTIVE_NAMES = [
    "JavaScript",
    "JS",
    "Launch",
    "EmbeddedFiles",
    "EmbeddedFile",
    "RichMedia",
    "XFA",
    "AA",
]
# Names are case-sensitive to PDF readers; matching without case costs little and
# leaves no doubt about near-misses such as "/Javascript".
_ACTIVE_TOKEN = re.compile(
    rb"/(?:" + b"|".join(name.encode() for name in _ACTIVE_NAMES) + rb")" + _TOKEN_END,
    re.IGNORECASE,
)
# "/J#61vaScript" is "/JavaScript" to a reader: names with #xx escapes are decoded first.
# Possessive quantifiers keep a long run of "#41#41..." from backtracking quadratically.
_ESCAPED_TOKEN = re.compile(
    rb"/[^" + _DELIMITERS + rb"#]*+#[0-9A-Fa-f]{2}[^" + _DELIMITERS + rb"]*+" + _TOKEN_END
)
_ACTIVE_NAME_SET = frozenset(name.lower() for name in _ACTIVE_NAMES)
# Long enough for the longest active name written entirely in #xx escapes.
_OVERLAP = 64

# In the parsed object graph: keys whose presence is active or embedded content, and
# values of /S (action type), /Type and /Subtype that are.
_ACTIVE_KEYS = frozenset(
    {"/JS", "/JavaScript", "/AA", "/XFA", "/EmbeddedFiles", "/EmbeddedFile", "/EF"}
    | {"/RichMediaContent", "/RichMediaSettings"}
)
_ACTIVE_VALUES = {
    "/S": frozenset({"/JavaScript", "/Launch", "/RichMediaExecute"}),
    "/Type": frozenset({"/EmbeddedFile"}),
    "/Subtype": frozenset({"/RichMedia", "/FileAttachment", "/3D"}),
}


class _NoScan:
    def __enter__(self) -> "_NoScan":
        return self

    def __exit__(self, *exc_info: object) -> None:
        return None

    def feed(self, chunk: bytes) -> None:
        return None

    def finish(self) -> None:
        return None


class _PdfScan(_NoScan):
    """Scans PDF bytes as they arrive and keeps a spooled copy for pypdf."""

    def __init__(self) -> None:
        self._copy = tempfile.SpooledTemporaryFile(max_size=_SPOOL_IN_MEMORY)  # noqa: SIM115
        self._tail = b""

    def __exit__(self, *exc_info: object) -> None:
        self._copy.close()

    def feed(self, chunk: bytes) -> None:
        self._scan(self._tail + chunk)
        self._copy.write(chunk)
        self._tail = (self._tail + chunk)[-_OVERLAP:]

    def finish(self) -> None:
        # End of file ends the last token.
        self._scan(self._tail + b"\n")
        self._copy.seek(0)
        _check_pdf_structure(self._copy)

    def _scan(self, window: bytes) -> None:
        if _ACTIVE_TOKEN.search(window) or any(
            _unescape_name(match[0]).lower() in _ACTIVE_NAME_SET
            for match in _ESCAPED_TOKEN.finditer(window)
        ):
            raise _active_content()


def _unescape_name(token: bytes) -> str:
    raw = re.sub(rb"#([0-9A-Fa-f]{2})", lambda m: bytes([int(m[1], 16)]), token[1:])
    return raw.decode("latin-1")


def _active_content() -> FileRejected:
    return FileRejected(
        "active_content",
        _("PDF 文件包含脚本或嵌入文件，出于安全原因不能上传，请另存为普通 PDF 后重试。"),
    )


def _check_pdf_structure(stream: typing.IO[bytes]) -> None:
    problem = _pdf_problem(stream)
    if problem == "encrypted":
        raise FileRejected(
            "encrypted",
            _("PDF 文件已加密或设有密码，评审人员无法打开。请取消密码保护后重新上传。"),
        )
    if problem == "corrupt":
        raise FileRejected(
            "corrupt",
            _("PDF 文件已损坏或格式不正确，无法打开。请重新导出或另存为 PDF 后再上传。"),
        )
    if problem == "active_content":
        raise _active_content()


def _pdf_problem(stream: typing.IO[bytes]) -> RejectionCode | None:
    # pypdf raises many exception types on malformed input (ValueError, KeyError,
    # RecursionError, its own errors...); each means the office could not read the file.
    try:
        reader = PdfReader(stream, strict=False)
        if reader.is_encrypted:
            return "encrypted"
        if len(reader.pages) == 0:
            return "corrupt"
        if _has_active_objects(reader):
            return "active_content"
    except Exception:
        return "corrupt"
    return None


def _has_active_objects(reader: PdfReader) -> bool:
    """Walk every object reachable from the trailer (object streams included, since pypdf
    decompresses them) looking for actions, scripts and embedded files."""
    seen: set[tuple[int, int]] = set()
    stack: list[PdfObject] = [reader.trailer]
    while stack:
        obj = stack.pop()
        if isinstance(obj, IndirectObject):
            key = (obj.idnum, obj.generation)
            if key in seen:
                continue
            seen.add(key)
            resolved = obj.get_object()
            if resolved is not None:
                stack.append(resolved)
        elif isinstance(obj, DictionaryObject):
            if not _ACTIVE_KEYS.isdisjoint(obj.keys()) or any(
                _name_value(obj, field) in values for field, values in _ACTIVE_VALUES.items()
            ):
                return True
            stack.extend(obj.values())
        elif isinstance(obj, ArrayObject):
            stack.extend(obj)
    return False


def _name_value(obj: DictionaryObject, field: str) -> str | None:
    value = obj.get(field)
    value = value.get_object() if isinstance(value, IndirectObject) else value
    return str(value) if isinstance(value, NameObject) else None
