"""Search: every kind found, owners' names matched, nothing shown that the reader cannot see,
the matched words marked and everything else escaped."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from plantrack.core.tests.factories import make_person
from plantrack.plans import services as plans
from plantrack.plans.models import Action, ActionOwner, Plan, Update
from plantrack.search import fts, selectors
from plantrack.search.highlight import excerpt, highlight

pytestmark = pytest.mark.django_db
URL = reverse("search:search")


def found(user, q: str) -> dict[str, list[int]]:
    return {g.kind.key: [h.pk for h in g.hits] for g in selectors.search_everything(user, q)}


def counts(user, q: str) -> dict[str, int]:
    return {g.kind.key: g.count for g in selectors.search_everything(user, q)}


# --- Terms and highlighting -----------------------------------------------------------------


def test_terms_split_on_punctuation_and_drop_repeats():
    assert selectors.terms("YC/INT/1 yc  Truancy!") == ["yc", "int", "1", "truancy"]
    assert selectors.terms("  !!! ") == []
    assert len(selectors.terms(" ".join(f"w{i}" for i in range(20)))) == selectors.MAX_TERMS


def test_highlight_marks_word_starts_and_escapes_the_rest():
    html = highlight("<script>alert('x')</script> Truancy patrols; untruancy", ["truancy"])
    assert "<script>" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html
    assert "<mark>Truancy</mark> patrols" in html
    assert "un<mark>" not in html  # inside a word: not what the index matched


def test_highlight_escapes_the_query_too():
    html = highlight("a <b> tag", ["b"])
    assert html == "a &lt;<mark>b</mark>&gt; tag"


def test_excerpt_keeps_the_first_match_in_view():
    text = "word " * 200 + "needle here " + "word " * 200
    cut = excerpt(text, ["needle"], chars=100)
    assert "needle" in cut and cut.startswith("…") and cut.endswith("…")
    assert len(cut) <= 102


# --- Each kind ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("q", "kind", "name"),
    [
        ("youth strategy", "plans", None),
        ("policy", "actions", None),
        ("YC/INT/1", "actions", None),
        ("truancy patrols", "updates", "update"),
        ("zebrafinch", "decisions", "decision"),
        ("owen", "people", None),
        ("barnet", "organisations", None),
        ("kestrel", "activities", "activity"),
        ("heron", "frameworks", "framework"),
        ("ptarmigan", "returns", "unit"),
        ("osprey", "stakeholders", "stakeholder"),
    ],
)
def test_each_kind_is_found(sw, q, kind, name):
    hits = found(sw.w.manager, q)[kind]
    if name is not None:
        assert hits == [sw.objects[name].pk]
    else:
        assert hits


def test_words_match_the_start_of_words_and_all_must_match(sw):
    assert found(sw.w.manager, "truan")["updates"] == [sw.objects["update"].pk]
    assert found(sw.w.manager, "truancy nowhere")["updates"] == []


def test_actions_are_found_by_their_owners_names(sw):
    # The owner is a person of the directory, not written in the action's owner cell.
    assert Action.objects.get(pk=sw.w.action.pk).owner_text == ""
    assert found(sw.w.manager, "owen owner")["actions"] == [sw.w.action.pk]
    assert found(sw.w.manager, "owen")["people"] == [sw.w.owner_person.pk]


def test_stakeholder_contacts_are_never_searched(sw):
    # The database's own steward (the manager) does not find a contact here either: contacts'
    # details are for the stakeholder pages, which log who reads them.
    result = found(sw.w.manager, "lapwing")
    assert not any(result.values())
    assert not any(found(sw.w.manager, "lapwing@example.org").values())


def test_an_update_edited_later_is_found_by_its_new_words(sw):
    """The full-text index follows the table (triggers on SQLite, the expression on
    PostgreSQL) on insert, update and delete."""
    update = sw.objects["update"]
    Update.objects.filter(pk=update.pk).update(narrative="Cormorant sightings")
    assert found(sw.w.manager, "cormorant")["updates"] == [update.pk]
    assert found(sw.w.manager, "truancy")["updates"] == []
    Update.objects.filter(pk=update.pk).delete()
    assert found(sw.w.manager, "cormorant")["updates"] == []


# --- Scoping --------------------------------------------------------------------------------


@pytest.mark.parametrize("q", ["youth", "policy", "yc int 1", "truancy", "owen", "zebrafinch"])
def test_an_outsider_never_finds_the_restricted_plan_or_anything_of_it(sw, q):
    result = found(sw.w.outsider, q)
    for kind in ("plans", "actions", "updates", "decisions"):
        assert result[kind] == [], kind


def test_what_each_register_shows_follows_its_own_rules(sw):
    outsider = found(sw.w.outsider, "kestrel heron ptarmigan osprey")
    assert not any(outsider.values())
    # The published framework is read by everyone signed in; the register, the cycle and the
    # stakeholder database by the force's members only.
    assert found(sw.w.outsider, "heron")["frameworks"] == [sw.objects["framework"].pk]
    assert found(sw.w.outsider, "kestrel")["activities"] == []
    assert found(sw.w.outsider, "ptarmigan")["returns"] == []
    assert found(sw.w.outsider, "osprey")["stakeholders"] == []


def test_the_viewer_finds_the_restricted_plan_and_a_public_plan_is_found_by_all(sw):
    assert found(sw.w.viewer, "truancy")["updates"] == [sw.objects["update"].pk]
    plans.plan_update(actor=sw.w.manager, plan=sw.w.plan, visibility=Plan.Visibility.PUBLIC)
    assert found(sw.w.outsider, "truancy")["updates"] == [sw.objects["update"].pk]


def test_a_deleted_action_and_its_updates_are_found_by_nobody(sw):
    plans.action_delete(actor=sw.w.manager, action=sw.w.action)
    for user in (sw.w.manager, sw.admin):
        result = found(user, "policy truancy owen")
        assert result["actions"] == [] and result["updates"] == []
        assert found(user, "truancy")["updates"] == []
        assert found(user, "owen owner")["actions"] == []


def test_anonymous_finds_nothing(sw):
    from django.contrib.auth.models import AnonymousUser

    assert not any(found(AnonymousUser(), "youth truancy").values())


# --- Counts and pages -----------------------------------------------------------------------


def _many_updates(sw, n: int) -> None:
    Update.objects.bulk_create(
        Update(action=sw.w.other_action, date=dt.date(2026, 1, 1), narrative=f"Truancy {i}")
        for i in range(n)
    )


def test_counts_and_pages_of_one_kind(sw):
    _many_updates(sw, 24)  # with the world's own: 25
    assert counts(sw.w.manager, "truancy")["updates"] == 25
    first = selectors.search_kind_page(sw.w.manager, "truancy", "updates", 1)
    second = selectors.search_kind_page(sw.w.manager, "truancy", "updates", 2)
    assert len(first.object_list) == selectors.PAGE_SIZE
    assert len(second.object_list) == 5
    assert first.paginator.num_pages == 2


def test_counts_stop_at_the_cap(sw, monkeypatch):
    monkeypatch.setattr(selectors, "OVERVIEW_CAP", 5)
    monkeypatch.setattr(selectors, "COUNT_CAP", 10)
    _many_updates(sw, 30)
    group = {g.kind.key: g for g in selectors.search_everything(sw.w.manager, "truancy")}
    assert group["updates"].capped and group["updates"].shown_count == 5
    page = selectors.search_kind_page(sw.w.manager, "truancy", "updates", 1)
    assert page.total == 11 and page.paginator.count == 10


# --- The full-text indexes ------------------------------------------------------------------


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's FTS5 tables")
def test_sqlite_puts_back_triggers_a_table_rebuild_dropped(sw):
    """Django rebuilds a SQLite table to alter it, which drops the table's triggers; the
    post-migrate check puts them back and rebuilds the index."""
    from django.core.management.sql import emit_post_migrate_signal

    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER search_update_fts_ai")
    # What ``migrate`` sends at its end, whether or not it applied anything.
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
    assert fts.ensure_sqlite(connection) == []
    plans.update_post(actor=sw.w.manager, action=sw.w.action, narrative="Grebe count")
    assert len(found(sw.w.manager, "grebe")["updates"]) == 1


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's FTS5 tables")
def test_sqlite_matches_through_fts5(sw):
    with CaptureQueriesContext(connection) as ctx:
        found(sw.w.manager, "truancy")
    sql = " ".join(q["sql"] for q in ctx.captured_queries)
    assert "search_update_fts MATCH" in sql and "search_action_fts MATCH" in sql
    assert 'narrative" LIKE' not in sql


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's GIN indexes")
def test_postgresql_matches_through_the_gin_indexes(sw):
    with connection.cursor() as cursor:
        for indexed in fts.INDEXED:
            cursor.execute("SELECT 1 FROM pg_indexes WHERE indexname = %s", [indexed.fts])
            assert cursor.fetchone(), indexed.fts
        cursor.execute("SET enable_seqscan = off")
        try:
            rows = Update.objects.alias(document=fts.vector(fts.UPDATES))
            plan = rows.filter(document=fts.postgres_query(["truancy"])).explain()
        finally:
            cursor.execute("SET enable_seqscan = on")
    assert "search_update_fts" in plan
    assert found(sw.w.manager, "truancy")["updates"] == [sw.objects["update"].pk]


# --- The page -------------------------------------------------------------------------------


def test_page_lists_each_kind_with_counts_and_links(client, sw):
    client.force_login(sw.w.manager)
    response = client.get(URL, {"q": "truancy"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Updates: 1" in html
    assert (
        reverse("plans:action", args=[sw.w.action.pk]) + f"#update-{sw.objects['update'].pk}"
        in html
    )
    assert "<mark>Truancy</mark>" in html
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert" in html


def test_page_of_one_kind_is_paginated(client, sw):
    _many_updates(sw, 24)
    client.force_login(sw.w.manager)
    response = client.get(URL, {"q": "truancy", "kind": "updates", "page": 2})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Updates: 25 found" in html and "Page 2 of 2" in html


def test_page_without_a_query_shows_the_box_only(client, sw):
    client.force_login(sw.w.manager)
    response = client.get(URL)
    assert response.status_code == 200
    assert b"Results for" not in response.content


def test_a_query_with_no_words_says_so(client, sw):
    client.force_login(sw.w.manager)
    response = client.get(URL, {"q": "!!! ???"})
    assert response.status_code == 200
    assert b"Enter a word or a number to search for." in response.content
    assert b"Results for" not in response.content


def test_an_unknown_kind_or_an_overlong_query_is_refused_plainly(client, sw):
    client.force_login(sw.w.manager)
    assert b"Select a valid choice" in client.get(URL, {"q": "x", "kind": "contacts"}).content
    long = client.get(URL, {"q": "x" * 201})
    assert b"at most 200 characters" in long.content


def test_outsider_page_holds_nothing_of_the_restricted_plan(client, sw):
    client.force_login(sw.w.outsider)
    html = client.get(URL, {"q": "youth policy truancy"}).content.decode()
    for text in ("Youth Strategy", "Create a policy", "Truancy patrols"):
        assert text not in html
    html = client.get(URL, {"q": "owen"}).content.decode()
    assert "Create a policy" not in html


def test_page_refuses_post_and_sends_anonymous_to_sign_in(client, sw):
    assert client.get(URL, {"q": "x"})["Location"].startswith(reverse("login"))
    client.force_login(sw.w.manager)
    assert client.post(URL, {"q": "x"}).status_code == 405


def test_header_holds_a_search_form_that_needs_no_javascript(client, sw):
    client.force_login(sw.w.viewer)
    html = client.get(reverse("home")).content.decode()
    assert f'<form method="get" action="{URL}" role="search" aria-label="Site"' in html
    assert 'name="q"' in html


def _grow_matches(sw, n: int) -> None:
    """n more matching actions (each with an owner) and updates, and a matching decision."""
    from plantrack.governance.models import Decision

    people = [make_person(name=f"Truancy officer {i}") for i in range(3)]
    actions = Action.objects.bulk_create(
        Action(plan=sw.w.plan, section=sw.w.section, ref=f"T/{i}", title=f"Truancy {i}")
        for i in range(n)
    )
    ActionOwner.objects.bulk_create(
        ActionOwner(action=a, person=people[i % 3]) for i, a in enumerate(actions)
    )
    _many_updates(sw, n)
    Decision.objects.bulk_create(
        Decision(body=sw.objects["decision"].body, text=f"Truancy {i}", decided_on=dt.date.min)
        for i in range(n)
    )


def _page_queries(client, query: dict) -> int:
    client.get(URL, query)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(URL, query).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("kind", ["", "actions", "updates"])
def test_results_page_queries_do_not_grow_with_the_matches(client, sw, kind):
    """Two queries a kind (its ids, then its rows), whatever the number of matches."""
    client.force_login(sw.w.viewer)
    query = {"q": "truancy", "kind": kind}
    _grow_matches(sw, 4)
    few = _page_queries(client, query)
    _grow_matches(sw, 40)
    assert _page_queries(client, query) == few


# --- The API --------------------------------------------------------------------------------

API = "/api/v1/search"


def test_api_groups_counts_and_items(client, sw):
    client.force_login(sw.w.manager)
    body = client.get(API, {"q": "truancy"}).json()
    kinds = {k["kind"]: k for k in body["kinds"]}
    assert kinds["updates"]["count"] == 1 and not kinds["updates"]["capped"]
    [item] = [i for i in body["items"] if i["kind"] == "updates"]
    assert item["id"] == sw.objects["update"].pk
    assert "<script>" in item["excerpt"]  # JSON: text as written, the client escapes it


def test_api_one_kind_with_limit_and_offset(client, sw):
    _many_updates(sw, 24)
    client.force_login(sw.w.manager)
    body = client.get(API, {"q": "truancy", "kind": "updates", "size": 10, "start": 20}).json()
    assert body["kinds"] == [{"kind": "updates", "label": "Updates", "count": 25, "capped": False}]
    assert len(body["items"]) == 5


def test_api_scopes_like_the_page(client, sw):
    client.force_login(sw.w.outsider)
    body = client.get(API, {"q": "truancy policy youth"}).json()
    assert body["items"] == []


@pytest.mark.parametrize(
    "query", [{"q": "!!!"}, {"q": ""}, {"q": "x", "kind": "contacts"}, {"q": "x", "size": 0}]
)
def test_api_refuses_bad_input(client, sw, query):
    client.force_login(sw.w.manager)
    assert client.get(API, query).status_code == 422


def test_api_needs_a_token_or_a_session(client, sw):
    assert client.get(API, {"q": "x"}).status_code == 401
