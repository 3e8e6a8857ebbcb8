from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from plantrack.accounts import selectors, services
from plantrack.accounts.forms import TokenForm
from plantrack.accounts.http import SignedInRequest
from plantrack.core.views import errors_on


@require_http_methods(["GET", "POST"])
def tokens(request: SignedInRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    secret = None
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            _, secret = services.api_token_create(actor=request.user, **form.cleaned_data)
            form = TokenForm()
    return render(
        request,
        "accounts/tokens.html",
        {
            "nav_section": "account",
            "form": form,
            "secret": secret,
            "tokens": selectors.api_tokens_for(request.user),
        },
    )


@require_POST
def token_revoke(request: SignedInRequest, pk: int) -> HttpResponse:
    token = selectors.api_token_get_for_user(request.user, pk)
    services.api_token_revoke(actor=request.user, token=token)
    messages.success(request, f"Token “{token.name}” revoked.")
    return redirect("accounts:tokens")
