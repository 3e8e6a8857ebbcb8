from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _test_settings(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Each test starts from an empty database whose ids may repeat from test to test, so a
    # cache kept between tests could serve another test's pages. Tests that are about caching
    # switch a real cache on themselves.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
