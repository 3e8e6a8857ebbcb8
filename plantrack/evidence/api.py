# No "from __future__ import annotations": django-ninja reads these signatures at runtime.
"""Evidence over the API: list and read what hangs on a target, download a file, attach a
link or a file (multipart), remove. The same selectors and services as the pages; a target
is named as "app_label.model" and its id (``/evidence/on/plans.update/12``)."""

from django.core.exceptions import ValidationError
from django.urls import reverse
from ninja import File, Form, Router, Status
from ninja.files import UploadedFile

from plantrack.core.api import READ_ONE, WRITE, Id
from plantrack.core.text import TITLE_MAX, clean_text
from plantrack.evidence import selectors, services
from plantrack.evidence.files import TYPES, type_label
from plantrack.evidence.models import Evidence
from plantrack.evidence.schemas import EvidenceOut, LinkIn, TargetType

router = Router(tags=["evidence"])


def evidence_out(evidence: Evidence) -> dict:
    return {
        "id": evidence.pk,
        "kind": evidence.kind,
        "title": evidence.title,
        "target_type": evidence.target_key,
        "target_id": evidence.object_id,
        "original_name": evidence.original_name,
        "mime_type": evidence.mime_type,
        "type_label": type_label(evidence.mime_type) if evidence.is_file else "Link",
        "size": evidence.size,
        "sha256": evidence.sha256,
        "url": evidence.url,
        "download": reverse("api:evidence_download", kwargs={"evidence_id": evidence.pk})
        if evidence.is_file
        else None,
        "uploaded_by": evidence.uploaded_by.display_name if evidence.uploaded_by else None,
        "created_at": evidence.created_at,
    }


@router.get("/evidence/on/{target_type}/{object_id}", response={200: list[EvidenceOut], **READ_ONE})
def list_evidence(request, target_type: TargetType, object_id: Id):
    """The files and links on a target, oldest first."""
    target = selectors.target_get_for_user(request.user, target_type, object_id)
    return [evidence_out(e) for e in selectors.evidence_for_many([target])[target]]


@router.post("/evidence/on/{target_type}/{object_id}/links", response={201: EvidenceOut, **WRITE})
def attach_link(request, target_type: TargetType, object_id: Id, payload: LinkIn):
    """Attach a link (http or https) to a target."""
    target = selectors.target_get_for_user(request.user, target_type, object_id)
    evidence = services.evidence_attach_link(
        actor=request.user, target=target, url=payload.url, title=payload.title
    )
    return Status(201, evidence_out(evidence))


@router.post("/evidence/on/{target_type}/{object_id}/files", response={201: EvidenceOut, **WRITE})
def attach_file(
    request,
    target_type: TargetType,
    object_id: Id,
    file: File[UploadedFile | None] = None,
    title: Form[str] = "",
):
    """Upload a file (multipart/form-data, fields `file` and an optional `title`): a PDF,
    Word (.docx), Excel (.xlsx), CSV or text file, or a PNG, JPEG, GIF or WebP image, its type
    read from its bytes; at most PLANTRACK_EVIDENCE_MAX_BYTES (20 MB unless configured)."""
    target = selectors.target_get_for_user(request.user, target_type, object_id)
    title = clean_text(title or "")
    if len(title) > TITLE_MAX:
        raise ValidationError({"title": f"The title must be at most {TITLE_MAX:,} characters."})
    if file is None:
        # Asked after the target and before the file: who may not attach hears so first.
        services.require_attach(request.user, target)
        raise ValidationError({"file": "Choose a file to upload."})
    evidence = services.evidence_attach_file(
        actor=request.user, target=target, upload=file, title=title
    )
    return Status(201, evidence_out(evidence))


@router.get("/evidence/{evidence_id}", response={200: EvidenceOut, **READ_ONE})
def get_evidence(request, evidence_id: Id):
    return evidence_out(selectors.evidence_get_for_user(request.user, evidence_id))


@router.get(
    "/evidence/{evidence_id}/download",
    url_name="evidence_download",
    response=READ_ONE,
    openapi_extra={
        "responses": {
            200: {
                "description": "The file, as an attachment of the type read from its bytes",
                "content": {mime: {"schema": {"type": "string", "format": "binary"}}
                            for mime in TYPES},
            }
        }
    },
)  # fmt: skip
def download_evidence(request, evidence_id: Id):
    """A file's bytes (404 for a link: its address is in `url`)."""
    return selectors.evidence_download(selectors.evidence_get_for_user(request.user, evidence_id))


@router.delete("/evidence/{evidence_id}", response={204: None, **WRITE})
def remove_evidence(request, evidence_id: Id):
    """Remove a file or link: who may attach evidence to its target may remove it."""
    evidence = selectors.evidence_get_for_user(request.user, evidence_id)
    services.evidence_remove(actor=request.user, evidence=evidence)
    return Status(204, None)
