from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from plantrack.accounts.http import SignedInRequest
from plantrack.search import selectors
from plantrack.search.forms import SearchForm


@require_GET
def search(request: SignedInRequest) -> HttpResponse:
    """Everything the user may see matching ``q``: a few of each kind with counts, or one
    kind page by page (``kind``). A plain GET form: it works without JavaScript."""
    form = SearchForm(request.GET)
    q = kind = ""
    groups: list[selectors.Group] = []
    page = None
    if form.is_valid():
        q, kind = form.cleaned_data["q"], form.cleaned_data["kind"]
        if q and kind:
            page = selectors.search_kind_page(request.user, q, kind, request.GET.get("page"))
        elif q:
            groups = selectors.search_everything(request.user, q)
    return render(
        request,
        "search/results.html",
        {
            "form": form,
            "q": q,
            "kind": kind,
            "kind_label": selectors.kind_label(kind) if kind else "",
            "groups": groups,
            "found_any": any(group.count for group in groups),
            "page": page,
            "cap": selectors.COUNT_CAP,
            "nav_section": "search",
        },
    )
