from __future__ import annotations

import pytest
from django.urls import reverse

from plantrack.accounts.models import ApiToken
from plantrack.accounts.services import api_token_authenticate

pytestmark = pytest.mark.django_db


def test_token_is_shown_once_and_stored_hashed(client, world):
    client.force_login(world.viewer)
    response = client.post(reverse("accounts:tokens"), {"name": "Power BI"})
    secret = response.context["secret"]
    assert secret.startswith("pt_")
    token = ApiToken.objects.get(user=world.viewer)
    assert secret not in (token.digest, token.prefix)
    assert token.digest == ApiToken.digest_for(secret)
    assert api_token_authenticate(secret) == world.viewer
    assert secret not in client.get(reverse("accounts:tokens")).content.decode()


def test_token_needs_a_name(client, world):
    client.force_login(world.viewer)
    response = client.post(reverse("accounts:tokens"), {"name": ""})
    assert response.status_code == 200
    assert not ApiToken.objects.exists()


def test_user_revokes_only_their_own_tokens(client, world):
    client.force_login(world.viewer)
    client.post(reverse("accounts:tokens"), {"name": "mine"})
    token = ApiToken.objects.get()
    client.force_login(world.outsider)
    assert client.post(reverse("accounts:token_revoke", args=[token.pk])).status_code == 404
    client.force_login(world.viewer)
    assert client.get(reverse("accounts:token_revoke", args=[token.pk])).status_code == 405
    client.post(reverse("accounts:token_revoke", args=[token.pk]))
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_sign_in_is_throttled_after_repeated_failures(client, world, settings):
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(3):
        client.post(reverse("login"), {"username": "viewer", "password": "wrong"})
    response = client.post(reverse("login"), {"username": "viewer", "password": "pw"})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_sign_in_works_with_the_right_password(client, world):
    response = client.post(reverse("login"), {"username": "viewer", "password": "pw"})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(world.viewer.pk)


def test_site_admin_pages_load(client, world):
    from plantrack.accounts.models import User

    admin_user = User.objects.create_superuser("root", password="pw")
    client.force_login(admin_user)
    for url in (
        "/admin/",
        "/admin/accounts/user/",
        f"/admin/accounts/user/{world.owner.pk}/change/",
        "/admin/plans/plan/",
        "/admin/plans/action/",
        "/admin/directory/person/",
    ):
        assert client.get(url).status_code == 200, url
