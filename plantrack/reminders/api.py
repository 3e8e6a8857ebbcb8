# No "from __future__ import annotations": django-ninja reads these signatures at runtime.

from ninja import Router

from plantrack.core.api import errors
from plantrack.reminders import selectors, services
from plantrack.reminders.schemas import PreferenceIn, PreferenceOut

router = Router(tags=["reminders"])


@router.get("/reminders/preference", response={200: PreferenceOut, **errors(401)})
def preference_get(request):
    """How often you get the reminder digest (weekly on Monday until you choose)."""
    return selectors.preference_for(request.user)


@router.put("/reminders/preference", response={200: PreferenceOut, **errors(400, 401, 422)})
def preference_put(request, payload: PreferenceIn):
    return services.preference_set(
        actor=request.user, frequency=payload.frequency, weekday=payload.weekday
    )
