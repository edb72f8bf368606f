"""One way to hand out a stored file: checksum verified, audited, never cached."""

import hashlib
import io

from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render

from hengyang_award.core.services import audit_log_write


def verified_download(
    request: HttpRequest, stored, *, content_disposition: str, content_type: str, **audit
) -> HttpResponse:
    """Serve `stored` (a model with `file` and `sha256`) as an attachment. A file
    whose content no longer matches its checksum, or that is gone, is reported,
    never served."""
    ip = request.META.get("REMOTE_ADDR")
    try:
        with stored.file.open("rb") as handle:
            content = handle.read()
    except FileNotFoundError:
        audit_log_write("file.missing", actor=request.user, obj=stored, ip=ip)
        return render(request, "applications/document_corrupt.html", status=500)
    if hashlib.sha256(content).hexdigest() != stored.sha256:
        audit_log_write("file.corrupt", actor=request.user, obj=stored, ip=ip)
        return render(request, "applications/document_corrupt.html", status=500)
    audit_log_write("file.download", actor=request.user, obj=stored, ip=ip, **audit)
    response = FileResponse(io.BytesIO(content), content_type=content_type)
    response["Content-Disposition"] = content_disposition
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
