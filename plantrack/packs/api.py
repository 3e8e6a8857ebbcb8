# No "from __future__ import annotations": django-ninja reads these signatures at runtime.

from django.http import Http404, HttpResponse
from django.urls import reverse
from ninja import Router

from plantrack.core.api import READ_ONE, Id
from plantrack.packs import selectors, services
from plantrack.packs.models import Pack
from plantrack.packs.render import FORMATS, file_name
from plantrack.packs.schemas import PackOut

router = Router(tags=["packs"])


def _out(pack: Pack, plan_ids: list[int], files: list[dict], missing: int) -> dict:
    ready = pack.status in (Pack.Status.DRAFT, Pack.Status.PUBLISHED)
    return {
        "id": pack.pk,
        "body_id": pack.body_id,
        "meeting_id": pack.meeting_id,
        "period": pack.period,
        "title": pack.title,
        "status": pack.status,
        "created_at": pack.created_at,
        "built_at": pack.built_at,
        "published_at": pack.published_at,
        "plan_ids": plan_ids,
        "missing_commentary": missing if ready else None,
        "files": files,
        "downloads": {
            fmt: reverse("api:pack_download", kwargs={"pack_id": pack.pk, "fmt": fmt})
            for fmt in FORMATS
        }
        if ready
        else {},
    }


@router.get("/bodies/{body_id}/packs", response={200: list[PackOut], **READ_ONE})
def list_packs(request, body_id: Id):
    """The body's packs, newest first, with their files' sizes and checksums (a draft's
    draft files, a published pack's final ones). Three queries whatever the number of packs."""
    body = selectors.body_get_for_user(request.user, body_id)
    packs = list(selectors.pack_list_api(request.user, body))
    plan_ids, files = selectors.pack_plans_and_files([p.pk for p in packs])
    return [
        _out(p, plan_ids.get(p.pk, []), files.get(p.pk, []), int(p.missing_text or 0))
        for p in packs
    ]


@router.get("/packs/{pack_id}", response={200: PackOut, **READ_ONE})
def get_pack(request, pack_id: Id):
    """One pack's metadata (not its snapshot)."""
    pack = selectors.pack_get_for_user(request.user, pack_id)
    missing = (pack.snapshot.get("summary") or {}).get("missing_commentary", 0)
    plan_ids, files = selectors.pack_plans_and_files([pack.pk])
    return _out(pack, plan_ids.get(pack.pk, []), files.get(pack.pk, []), missing)


@router.get(
    "/packs/{pack_id}/files/{fmt}",
    url_name="pack_download",
    response=READ_ONE,
    openapi_extra={
        "responses": {
            200: {
                "description": "The file",
                "content": {mime: {"schema": {"type": "string", "format": "binary"}}
                            for mime, _ in FORMATS.values()},
            }
        }
    },
)  # fmt: skip
def download_pack(request, pack_id: Id, fmt: str):
    """The pack as pdf, docx or xlsx: a published pack's final file, or a draft's draft file."""
    if fmt not in FORMATS:
        raise Http404("No such format")
    pack = selectors.pack_get_for_user(request.user, pack_id)
    if pack.status not in (Pack.Status.DRAFT, Pack.Status.PUBLISHED):
        raise Http404("Not ready")
    response = HttpResponse(services.pack_file(pack, fmt), content_type=FORMATS[fmt][0])
    name = file_name(pack.snapshot, fmt, draft=pack.status == Pack.Status.DRAFT)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
