# No "from __future__ import annotations": django-ninja reads these signatures at runtime.

from ninja import Router
from ninja.pagination import paginate

from plantrack.core.api import READ, READ_ONE, Id, Pagination
from plantrack.directory import selectors
from plantrack.directory.schemas import OrganisationOut, PersonOut

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
