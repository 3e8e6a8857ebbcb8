# No "from __future__ import annotations": django-ninja reads these signatures at runtime.

from ninja import Router
from ninja.pagination import LimitOffsetPagination, paginate

from plantrack.directory import selectors
from plantrack.directory.schemas import OrganisationOut, PersonOut

router = Router(tags=["directory"])


@router.get("/organisations", response=list[OrganisationOut])
@paginate(LimitOffsetPagination)
def list_organisations(request, q: str = ""):
    return selectors.organisations_visible_to(request.user, q.strip())


@router.get("/organisations/{organisation_id}", response=OrganisationOut)
def get_organisation(request, organisation_id: int):
    return selectors.organisation_get_for_user(request.user, organisation_id)


@router.get("/people", response=list[PersonOut])
@paginate(LimitOffsetPagination)
def list_people(request, q: str = ""):
    return selectors.people_visible_to(request.user, q.strip())


@router.get("/people/{person_id}", response=PersonOut)
def get_person(request, person_id: int):
    return selectors.person_get_for_user(request.user, person_id)
