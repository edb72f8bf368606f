import hashlib
import io
import time
import zlib

import pytest
from PIL import Image
from pypdf import PdfWriter
from pypdf.actions import JavaScript
from pypdf.generic import NameObject

from applications.files import (
    ALLOWED_TYPES,
    CheckedFile,
    FileRejected,
    check_upload,
    content_disposition,
)

LIMIT = 10 * 1024 * 1024


def _pdf(writer: PdfWriter | None = None) -> bytes:
    writer = writer or _one_page_writer()
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _one_page_writer() -> PdfWriter:
    writer = PdfWriter()
    writer.add_blank_page(width=72, height=72)
    return writer


def _image(fmt: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (1, 1), "white").save(buffer, fmt)
    return buffer.getvalue()


def _pdf_with_object_stream(action: bytes) -> bytes:
    """A one-page PDF whose /OpenAction (object 4) is stored compressed in an object
    stream, so its names never appear in the file's raw bytes."""
    header = b"4 0 "
    packed = zlib.compress(header + action)
    bodies = {
        1: b"<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >>",
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 72 72] >>",
        5: b"<< /Type /ObjStm /N 1 /First %d /Filter /FlateDecode /Length %d >>\nstream\n"
        % (len(header), len(packed))
        + packed
        + b"\nendstream",
    }
    out = bytearray(b"%PDF-1.7\n")
    offsets = {}
    for number, body in bodies.items():
        offsets[number] = len(out)
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    offsets[6] = len(out)
    rows = [b"\x00\x00\x00\x00\x00\xff\xff"]
    for number in range(1, 7):
        if number == 4:
            rows.append(b"\x02" + (5).to_bytes(4, "big") + (0).to_bytes(2, "big"))
        else:
            rows.append(b"\x01" + offsets[number].to_bytes(4, "big") + b"\x00\x00")
    table = b"".join(rows)
    out += (
        b"6 0 obj\n<< /Type /XRef /Size 7 /W [1 4 2] /Root 1 0 R /Length %d >>\nstream\n"
        % len(table)
        + table
        + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % offsets[6]
    )
    return bytes(out)


def _rejection(data: bytes, name: str, max_bytes: int = LIMIT) -> FileRejected:
    with pytest.raises(FileRejected) as caught:
        check_upload(io.BytesIO(data), name=name, max_bytes=max_bytes)
    return caught.value


class _CountingStream(io.RawIOBase):
    """A non-seekable stream of `data` followed by `padding` bytes without end, counting
    what is read from it."""

    def __init__(self, data: bytes, *, endless: bool = False) -> None:
        self._data = io.BytesIO(data)
        self._endless = endless
        self.bytes_read = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        chunk = self._data.read(size)
        if not chunk and self._endless:
            chunk = b"\x00" * size
        self.bytes_read += len(chunk)
        return chunk


# ALLOWED_TYPES -------------------------------------------------------------------------


def test_allowed_types_lists_pdf_jpeg_png_only():
    expected = {
        "pdf": ("application/pdf", (".pdf",)),
        "jpeg": ("image/jpeg", (".jpg", ".jpeg")),
        "png": ("image/png", (".png",)),
    }

    actual = dict(ALLOWED_TYPES)

    assert actual == expected


# Accepted files ------------------------------------------------------------------------


def test_check_upload_minimal_pdf_accepted():
    data = _pdf()

    checked = check_upload(io.BytesIO(data), name="申报书.pdf", max_bytes=LIMIT)

    assert checked == CheckedFile(
        kind="pdf",
        mime="application/pdf",
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        safe_name="申报书.pdf",
    )


def test_check_upload_png_accepted():
    data = _image("PNG")

    checked = check_upload(io.BytesIO(data), name="证书.png", max_bytes=LIMIT)

    assert (checked.kind, checked.mime, checked.size) == ("png", "image/png", len(data))
    assert checked.sha256 == hashlib.sha256(data).hexdigest()


@pytest.mark.parametrize("name", ["现场照片.jpg", "现场照片.jpeg", "现场照片.JPG"])
def test_check_upload_jpeg_with_either_extension_accepted(name):
    data = _image("JPEG")

    checked = check_upload(io.BytesIO(data), name=name, max_bytes=LIMIT)

    assert (checked.kind, checked.mime, checked.safe_name) == ("jpeg", "image/jpeg", name)
    assert checked.sha256 == hashlib.sha256(data).hexdigest()


def test_check_upload_pdf_larger_than_one_chunk_hashes_every_byte():
    writer = _one_page_writer()
    for _ in range(40):
        writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Subject": "衡阳" * 50_000})
    data = _pdf(writer)

    checked = check_upload(io.BytesIO(data), name="big.pdf", max_bytes=LIMIT)

    assert len(data) > 256 * 1024
    assert (checked.size, checked.sha256) == (len(data), hashlib.sha256(data).hexdigest())


def test_check_upload_pdf_with_json_like_names_accepted():
    writer = _one_page_writer()
    page = writer.pages[0]
    page[NameObject("/JSON")] = NameObject("/JSONData")
    page[NameObject("/AAPL")] = NameObject("/Launcher")
    page[NameObject("/XFAQ")] = NameObject("/JSX")
    data = _pdf(writer)

    checked = check_upload(io.BytesIO(data), name="数据.pdf", max_bytes=LIMIT)

    assert b"/JSON /JSONData" in data
    assert checked.kind == "pdf"


def test_check_upload_pdf_with_compressed_benign_action_accepted():
    data = _pdf_with_object_stream(b"<< /S /GoTo /D [3 0 R /Fit] >>")

    checked = check_upload(io.BytesIO(data), name="目录.pdf", max_bytes=LIMIT)

    assert checked.kind == "pdf"


def test_check_upload_exactly_at_limit_accepted():
    data = _image("PNG")

    checked = check_upload(io.BytesIO(data), name="a.png", max_bytes=len(data))

    assert checked.size == len(data)


def test_check_upload_seekable_stream_rewound_to_its_start():
    data = _pdf()
    stream = io.BytesIO(b"prefix" + data)
    stream.seek(len(b"prefix"))

    check_upload(stream, name="a.pdf", max_bytes=LIMIT)

    assert stream.tell() == len(b"prefix")


def test_check_upload_non_seekable_pdf_stream_accepted():
    data = _pdf()
    stream = _CountingStream(data)

    checked = check_upload(stream, name="a.pdf", max_bytes=LIMIT)

    assert (checked.kind, checked.sha256) == ("pdf", hashlib.sha256(data).hexdigest())
    assert stream.bytes_read == len(data)


# Size -------------------------------------------------------------------------------------


def test_check_upload_empty_file_rejected_as_empty():
    rejection = _rejection(b"", "空.pdf")

    assert rejection.code == "empty"
    assert "空" in rejection.message


def test_check_upload_one_byte_over_limit_rejected_as_too_large():
    data = _image("PNG")

    rejection = _rejection(data, "a.png", max_bytes=len(data) - 1)

    assert rejection.code == "too_large"
    assert "大小上限" in rejection.message


def test_check_upload_too_large_message_states_limit_in_megabytes():
    data = _image("PNG")

    rejection = _rejection(data + b"\x00" * (2 * 1024 * 1024), "a.png", max_bytes=2 * 1024 * 1024)

    assert rejection.code == "too_large"
    assert "2.0\xa0MB" in rejection.message


def test_check_upload_endless_stream_stops_reading_after_limit_plus_one():
    stream = _CountingStream(_image("PNG"), endless=True)

    with pytest.raises(FileRejected) as caught:
        check_upload(stream, name="a.png", max_bytes=1_000_000)

    assert caught.value.code == "too_large"
    assert stream.bytes_read == 1_000_001


# Type and name ---------------------------------------------------------------------------


def test_check_upload_html_named_pdf_rejected_as_content_mismatch():
    data = b"<!DOCTYPE html><html><script>alert(1)</script></html>"

    rejection = _rejection(data, "申报书.pdf")

    assert rejection.code == "content_mismatch"
    assert "不是 PDF 文件" in rejection.message


def test_check_upload_text_named_png_rejected_as_content_mismatch():
    rejection = _rejection(b"just text", "photo.png")

    assert rejection.code == "content_mismatch"
    assert "不是 PNG 文件" in rejection.message


def test_check_upload_executable_rejected_as_type_not_allowed():
    rejection = _rejection(b"MZ\x90\x00" + b"\x00" * 60, "setup.exe")

    assert rejection.code == "type_not_allowed"
    assert "PDF、JPEG 或 PNG" in rejection.message


def test_check_upload_office_document_rejected_as_type_not_allowed():
    rejection = _rejection(b"PK\x03\x04" + b"\x00" * 60, "报告.docx")

    assert rejection.code == "type_not_allowed"


def test_check_upload_png_named_pdf_rejected_as_extension_mismatch():
    rejection = _rejection(_image("PNG"), "证书.pdf")

    assert rejection.code == "extension_mismatch"
    assert ".png" in rejection.message


def test_check_upload_pdf_with_final_exe_extension_rejected_as_extension_mismatch():
    rejection = _rejection(_pdf(), "申报书.pdf.exe")

    assert rejection.code == "extension_mismatch"


def test_check_upload_pdf_without_extension_rejected_as_extension_mismatch():
    rejection = _rejection(_pdf(), "申报书")

    assert rejection.code == "extension_mismatch"
    assert "没有扩展名" in rejection.message


def test_check_upload_final_allowed_extension_after_another_accepted():
    checked = check_upload(io.BytesIO(_pdf()), name="setup.exe.pdf", max_bytes=LIMIT)

    assert checked.safe_name == "setup.exe.pdf"


@pytest.mark.parametrize(
    ("name", "safe_name"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("C:\\Users\\张三\\Desktop\\申报书.pdf", "申报书.pdf"),
        ("报告\x00.pdf", "报告.pdf"),
        ("  .hidden.pdf", "hidden.pdf"),
        (".pdf", "file.pdf"),
        ("...pdf", "file.pdf"),
        ("质量  \t 奖\n申报.pdf", "质量 奖 申报.pdf"),
        ("报告\u202efdp.pdf", "报告fdp.pdf"),
        ('a<b>c:"d"|e?f*.pdf', "a_b_c__d__e_f_.pdf"),
        ("report..pdf", "report.pdf"),
        ("REPORT.PDF", "REPORT.PDF"),
    ],
)
def test_check_upload_unsafe_name_sanitised_not_rejected(name, safe_name):
    checked = check_upload(io.BytesIO(_pdf()), name=name, max_bytes=LIMIT)

    assert checked.safe_name == safe_name


def test_check_upload_very_long_chinese_name_cut_to_120_keeping_extension():
    name = "衡阳市市长质量奖" * 30 + ".pdf"

    checked = check_upload(io.BytesIO(_pdf()), name=name, max_bytes=LIMIT)

    assert len(checked.safe_name) == 120
    assert checked.safe_name == name[:116] + ".pdf"


# PDF content -------------------------------------------------------------------------------


def test_check_upload_pdf_with_javascript_rejected_as_active_content():
    writer = _one_page_writer()
    writer.add_open_action(JavaScript("app.alert('hi');"))

    rejection = _rejection(_pdf(writer), "a.pdf")

    assert rejection.code == "active_content"
    assert rejection.message == (
        "PDF 文件包含脚本或嵌入文件，出于安全原因不能上传，请另存为普通 PDF 后重试。"
    )


def test_check_upload_pdf_with_attachment_rejected_as_active_content():
    writer = _one_page_writer()
    writer.add_attachment("payload.txt", b"hello")

    rejection = _rejection(_pdf(writer), "a.pdf")

    assert rejection.code == "active_content"


def test_check_upload_pdf_with_javascript_in_object_stream_rejected_as_active_content():
    data = _pdf_with_object_stream(b"<< /S /JavaScript /JS (app.alert\\(1\\)) >>")

    rejection = _rejection(data, "a.pdf")

    assert b"JavaScript" not in data
    assert rejection.code == "active_content"


def test_check_upload_pdf_with_hex_escaped_name_rejected_as_active_content():
    data = b"%PDF-1.7\n1 0 obj\n<< /S /J#61vaScript /J#53 (x) >>\nendobj\n"

    rejection = _rejection(data, "a.pdf")

    assert rejection.code == "active_content"


def test_check_upload_pdf_with_token_across_chunk_boundary_rejected_as_active_content():
    prefix = b"%PDF-1.7\n%"
    data = prefix + b"x" * (64 * 1024 - len(prefix) - 5) + b"\n/Launch (calc.exe)\n"

    rejection = _rejection(data, "a.pdf")

    assert rejection.code == "active_content"


def test_check_upload_pdf_ending_in_active_name_rejected_as_active_content():
    rejection = _rejection(b"%PDF-1.7\n<< /AA", "a.pdf")

    assert rejection.code == "active_content"


def test_check_upload_long_run_of_name_escapes_scanned_in_linear_time():
    data = b"%PDF-1.7\n/" + b"#41" * 100_000
    started = time.monotonic()

    rejection = _rejection(data, "a.pdf")

    assert rejection.code == "corrupt"
    assert time.monotonic() - started < 5


@pytest.mark.parametrize("user_password", ["secret", ""])
def test_check_upload_encrypted_pdf_rejected_as_encrypted(user_password):
    writer = _one_page_writer()
    writer.encrypt(user_password=user_password, owner_password="owner", algorithm="RC4-128")

    rejection = _rejection(_pdf(writer), "a.pdf")

    assert rejection.code == "encrypted"
    assert "密码" in rejection.message


@pytest.mark.parametrize(
    "data",
    [
        b"%PDF-1.7\nthis is not a pdf at all",
        b"%PDF-",
        b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n",
    ],
)
def test_check_upload_unreadable_pdf_rejected_as_corrupt(data):
    rejection = _rejection(data, "a.pdf")

    assert rejection.code == "corrupt"
    assert "损坏" in rejection.message


# FileRejected -------------------------------------------------------------------------------


def test_file_rejected_str_is_the_message():
    rejection = FileRejected("empty", "文件是空的")

    text = str(rejection)

    assert (text, rejection.code, rejection.message) == ("文件是空的", "empty", "文件是空的")


# content_disposition ------------------------------------------------------------------------


def test_content_disposition_ascii_name_quoted_attachment():
    header = content_disposition("report 2024.pdf")

    assert header == 'attachment; filename="report 2024.pdf"'


def test_content_disposition_chinese_name_has_ascii_fallback_and_utf8_name():
    header = content_disposition("申报书.pdf")

    assert header == (
        "attachment; filename=\"file.pdf\"; filename*=UTF-8''%E7%94%B3%E6%8A%A5%E4%B9%A6.pdf"
    )


def test_content_disposition_mixed_name_keeps_ascii_part_in_fallback():
    header = content_disposition("Résumé 张三.pdf")

    assert header == (
        'attachment; filename="Resume.pdf"; '
        "filename*=UTF-8''R%C3%A9sum%C3%A9%20%E5%BC%A0%E4%B8%89.pdf"
    )


def test_content_disposition_hostile_name_cannot_break_header():
    header = content_disposition('../x"\r\nSet-Cookie: a=b;.pdf')

    assert header == 'attachment; filename="x_ Set-Cookie_ a=b;.pdf"'


def test_content_disposition_empty_name_falls_back_to_file():
    header = content_disposition("")

    assert header == 'attachment; filename="file"'
