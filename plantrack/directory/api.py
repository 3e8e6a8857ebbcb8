# No "from __future__ import annotations": django-ninja reads these signatures at runtime.

from ninja import Router, Status
from ninja.pagination import paginate

from plantrack.core.api import READ, READ_ONE, WRITE, Id, Mapped, Pagination
from plantrack.directory import selectors, services
from plantrack.directory.models import Area
from plantrack.directory.schemas import AreaIn, AreaOut, AreaPatch, OrganisationOut, PersonOut

router = Router(tags=["directory"])


@router.get("/organisations", response={200: list[OrganisationOut], **READ})
@paginate(Pagination)
def list_organisations(request, q: str = ""):
    return selectors.organisations_visible_to(request.user, q.strip())


@router.get("/organisations/{organisation_id}", response={200: OrganisationOut, **READ_ONE})
def get_organisation(request, organisation_id: Id):
    return selectors.organisation_get_for_user(request.user, organisation_id)


@router.get("/people", response={200: list[PersonOut], **READ})
@paginate(Pagination)
def list_people(request, q: str = ""):
    return selectors.people_visible_to(request.user, q.strip())


@router.get("/people/{person_id}", response={200: PersonOut, **READ_ONE})
def get_person(request, person_id: Id):
    return selectors.person_get_for_user(request.user, person_id)


def _area_out(area: Area) -> dict:
    return {
        f: getattr(area, f)
        for f in ("id", "name", "level", "code", "ons_code", "parent_id", "organisation_id")
    }


@router.get("/areas", response={200: list[AreaOut], **READ})
@paginate(Pagination)
def list_areas(request, q: str = "", parent: Id | None = None, level: str = ""):
    """Force areas, boroughs and wards, in tree order. `parent` gives the places directly
    inside one; `level` one level (force, borough, ward); `q` searches names and codes."""
    areas = selectors.areas_visible_to(request.user, q)
    if parent is not None:
        areas = areas.filter(parent_id=parent)
    if level:
        areas = areas.filter(level=level)
    return Mapped(areas, _area_out)


@router.get("/areas/{area_id}", response={200: AreaOut, **READ_ONE})
def get_area(request, area_id: Id):
    return _area_out(selectors.area_get_for_user(request.user, area_id))


@router.post("/areas", response={201: AreaOut, **WRITE})
def create_area(request, payload: AreaIn):
    """Add an area: a force area (site admins) or a place inside one (members of the
    organisation keeping the place above)."""
    parent = None
    if payload.parent_id is not None:
        parent = selectors.area_get_for_user(request.user, payload.parent_id)
    area = services.area_create(
        actor=request.user,
        name=payload.name,
        level=payload.level,
        parent=parent,
        code=payload.code,
        ons_code=payload.ons_code,
    )
    return Status(201, _area_out(area))


@router.patch("/areas/{area_id}", response={200: AreaOut, **WRITE})
def update_area(request, area_id: Id, payload: AreaPatch):
    area = selectors.area_get_for_user(request.user, area_id)
    given = payload.dict(exclude_unset=True)
    fields = {k: v for k, v in given.items() if v is not None}
    return _area_out(services.area_update(actor=request.user, area=area, **fields))
