from __future__ import annotations

import pytest
from django.urls import reverse

from plantrack.evidence import services
from plantrack.evidence.models import Evidence
from plantrack.evidence.tests import samples
from plantrack.plans.models import Update

pytestmark = pytest.mark.django_db


def _as(client, user):
    client.force_login(user)
    return client


def _attach_url(update) -> str:
    return reverse(
        "evidence:attach", kwargs={"app_label": "plans", "model": "update", "object_id": update.pk}
    )


def _pdf(world, update, title: str = "Signed policy") -> Evidence:
    return services.evidence_attach_file(
        actor=world.owner,
        target=update,
        upload=samples.upload("policy.pdf", samples.pdf_bytes()),
        title=title,
    )


def _download(evidence) -> str:
    return reverse("evidence:download", args=[evidence.pk])


# --- Attaching ----------------------------------------------------------------------------------


def test_the_author_uploads_a_file_and_goes_back_to_the_update(client, world, update):
    url = _attach_url(update)
    page = _as(client, world.owner).get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'enctype="multipart/form-data"' in html and "Nothing yet." in html
    response = client.post(
        url,
        {
            "kind": "file",
            "file-file": samples.upload("minutes.docx", samples.docx_bytes()),
            "file-title": "Board minutes",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == (
        reverse("plans:action", args=[world.action.pk]) + f"#update-{update.pk}"
    )
    evidence = Evidence.objects.get()
    assert evidence.title == "Board minutes" and evidence.target == update
    assert "Board minutes" in client.get(url).content.decode()


def test_a_manager_adds_a_link(client, world, update):
    response = _as(client, world.manager).post(
        _attach_url(update),
        {"kind": "link", "link-url": "https://example.org/report", "link-title": "Report"},
    )
    assert response.status_code == 302
    assert Evidence.objects.get().url == "https://example.org/report"


def test_a_refused_file_is_shown_on_the_form_and_nothing_kept(client, world, update):
    response = _as(client, world.owner).post(
        _attach_url(update),
        {"kind": "file", "file-file": samples.upload("evil.pdf", samples.exe_bytes())},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert "evil.pdf is not a PDF, Word, Excel, CSV or image file." in html
    assert 'href="#id_file-file"' in html
    assert not Evidence.objects.exists()


def test_a_bad_link_is_shown_on_its_form(client, world, update):
    response = _as(client, world.owner).post(
        _attach_url(update),
        {"kind": "link", "link-url": "javascript:alert(1)", "link-title": "x"},
    )
    assert response.status_code == 200
    assert "Enter a web address starting with https:// or http://." in response.content.decode()
    assert not Evidence.objects.exists()


def test_an_empty_post_asks_for_a_file(client, world, update):
    response = _as(client, world.owner).post(_attach_url(update), {})
    assert response.status_code == 200
    assert "Choose a file to upload" in response.content.decode()


def test_the_read_only_viewer_gets_403_and_the_outsider_404(client, world, update):
    url = _attach_url(update)
    assert _as(client, world.viewer).get(url).status_code == 403
    assert (
        client.post(
            url, {"kind": "link", "link-url": "https://e.org", "link-title": "x"}
        ).status_code
        == 403
    )
    assert _as(client, world.outsider).get(url).status_code == 404
    assert client.post(url, {}).status_code == 404
    assert not Evidence.objects.exists()


def test_an_owner_gets_403_on_someone_elses_update(client, world, manager_update):
    assert _as(client, world.owner).get(_attach_url(manager_update)).status_code == 403


@pytest.mark.parametrize("target", ["plans.plan", "plans.action", "accounts.user", "nope.nope"])
def test_only_registered_models_take_evidence(client, world, target):
    app_label, model = target.split(".")
    url = reverse(
        "evidence:attach", kwargs={"app_label": app_label, "model": model, "object_id": 1}
    )
    assert _as(client, world.manager).get(url).status_code == 404


def test_attach_refuses_other_methods(client, world, update):
    assert _as(client, world.manager).put(_attach_url(update)).status_code == 405


def test_signed_out_visitors_are_sent_to_sign_in(client, world, update):
    evidence = _pdf(world, update)
    for url in (_attach_url(update), _download(evidence)):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# --- Downloading ----------------------------------------------------------------------------------


def test_another_permitted_user_downloads_the_file(client, world, update):
    evidence = _pdf(world, update)
    response = _as(client, world.viewer).get(_download(evidence))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == samples.pdf_bytes()
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="policy.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Length"] == str(len(samples.pdf_bytes()))
    assert "no-store" in response["Cache-Control"]


def test_a_file_whose_name_lies_downloads_under_its_real_type(client, world, update):
    evidence = services.evidence_attach_file(
        actor=world.owner, target=update, upload=samples.upload("page.html", b"<b>hi</b>")
    )
    response = _as(client, world.manager).get(_download(evidence))
    assert response["Content-Type"] == "text/plain"
    assert response["Content-Disposition"] == 'attachment; filename="page.html.txt"'


def test_a_name_outside_ascii_is_sent_as_rfc_5987(client, world, update):
    evidence = services.evidence_attach_file(
        actor=world.owner,
        target=update,
        upload=samples.upload("Café – été.pdf", samples.pdf_bytes()),
    )
    response = _as(client, world.manager).get(_download(evidence))
    assert (
        "filename*=utf-8''Caf%C3%A9%20%E2%80%93%20%C3%A9t%C3%A9.pdf"
        in response["Content-Disposition"]
    )


def test_who_may_not_read_the_update_gets_404(client, world, update):
    evidence = _pdf(world, update)
    assert _as(client, world.outsider).get(_download(evidence)).status_code == 404
    assert client.get(reverse("evidence:download", args=[evidence.pk + 100])).status_code == 404


def test_a_link_has_nothing_to_download(client, world, update):
    link = services.evidence_attach_link(
        actor=world.owner, target=update, url="https://example.org", title="Site"
    )
    assert _as(client, world.manager).get(_download(link)).status_code == 404


def test_a_file_lost_by_the_storage_is_404_not_500(client, world, update):
    from django.core.files.storage import default_storage

    evidence = _pdf(world, update)
    default_storage.delete(evidence.file.name)
    assert _as(client, world.manager).get(_download(evidence)).status_code == 404


def test_download_is_get_only(client, world, update):
    evidence = _pdf(world, update)
    assert _as(client, world.manager).post(_download(evidence)).status_code == 405


# --- Removing -----------------------------------------------------------------------------------


def test_remove_is_post_only_and_for_who_may_attach(client, world, update):
    evidence = _pdf(world, update)
    url = reverse("evidence:remove", args=[evidence.pk])
    assert _as(client, world.manager).get(url).status_code == 405
    assert _as(client, world.viewer).post(url).status_code == 403
    assert _as(client, world.outsider).post(url).status_code == 404
    assert Evidence.objects.filter(pk=evidence.pk).exists()
    response = _as(client, world.owner).post(url)
    assert response.status_code == 302 and response["Location"] == _attach_url(update)
    assert not Evidence.objects.exists()


# --- On the action page and the update form -------------------------------------------------------


def test_the_action_page_lists_each_updates_evidence(client, world, update, manager_update):
    evidence = _pdf(world, update)
    services.evidence_attach_link(
        actor=world.manager, target=manager_update, url="https://www.example.org/r", title="Web"
    )
    html = (
        _as(client, world.viewer)
        .get(reverse("plans:action", args=[world.action.pk]))
        .content.decode()
    )
    assert f'href="{_download(evidence)}"' in html and "Signed policy" in html
    assert "(PDF, " in html and "(link to example.org)" in html
    assert "Add evidence" not in html and "Add or remove evidence" not in html  # read-only
    html = (
        _as(client, world.owner)
        .get(reverse("plans:action", args=[world.action.pk]))
        .content.decode()
    )
    # The owner may add to his own update only.
    assert html.count("Add or remove evidence") == 1 and _attach_url(update) in html
    assert _attach_url(manager_update) not in html
    html = (
        _as(client, world.manager)
        .get(reverse("plans:action", args=[world.action.pk]))
        .content.decode()
    )
    assert _attach_url(update) in html and _attach_url(manager_update) in html


def test_the_action_page_shows_new_evidence_with_a_real_cache(client, world, update, real_cache):
    url = reverse("plans:action", args=[world.action.pk])
    assert "Signed policy" not in _as(client, world.viewer).get(url).content.decode()
    _pdf(world, update)
    assert "Signed policy" in client.get(url).content.decode()


def test_an_owners_cached_page_is_his_own(client, world, update, real_cache):
    from plantrack.core.tests.factories import make_person
    from plantrack.plans import services as plans

    other = make_person(None, name="Other Owner")
    colleague = world.viewer
    plans.plan_role_set(actor=world.manager, plan=world.plan, user=colleague, role="contributor")
    other.user = colleague
    other.save()
    plans.action_update(
        actor=world.manager, action=world.action, owners=[world.owner_person, other]
    )
    url = reverse("plans:action", args=[world.action.pk])
    assert _attach_url(update) in _as(client, world.owner).get(url).content.decode()
    assert _attach_url(update) not in _as(client, colleague).get(url).content.decode()


def test_posting_an_update_with_evidence(client, world):
    url = reverse("plans:update_create", args=[world.action.pk])
    form = _as(client, world.owner).get(url).content.decode()
    assert 'enctype="multipart/form-data"' in form and 'type="file"' in form
    response = client.post(
        url,
        {
            "date": "2025-03-01",
            "rag": "green",
            "status": "in_progress",
            "narrative": "Policy signed.",
            "evidence": samples.upload("signed.pdf", samples.pdf_bytes()),
        },
    )
    assert response.status_code == 302
    update = Update.objects.get()
    assert Evidence.objects.get().target == update


def test_an_update_with_a_refused_file_is_shown_again_and_not_posted(client, world):
    response = _as(client, world.owner).post(
        reverse("plans:update_create", args=[world.action.pk]),
        {
            "date": "2025-03-01",
            "rag": "green",
            "status": "in_progress",
            "narrative": "Policy signed.",
            "evidence": samples.upload("evil.pdf", samples.exe_bytes()),
        },
    )
    assert response.status_code == 200
    assert "evil.pdf is not a PDF, Word, Excel, CSV or image file." in response.content.decode()
    assert not Update.objects.exists() and not Evidence.objects.exists()
