from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from plantrack.accounts.models import ApiToken, User


def api_tokens_for(user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user)


def api_token_get_for_user(user: User, pk: int) -> ApiToken:
    return get_object_or_404(api_tokens_for(user), pk=pk)
