from __future__ import annotations

import pytest


@pytest.fixture(scope="session", autouse=True)
def _files_in_memory():
    """Files kept through the storage API (evidence) stay in this process's memory: no test
    writes under var/, and code that used a local path instead of the storage API would fail
    here as it would on S3. Session-wide, so that worlds built once per module have it too."""
    from django.conf import settings
    from django.test import override_settings

    memory = {"BACKEND": "django.core.files.storage.InMemoryStorage"}
    with override_settings(STORAGES={**settings.STORAGES, "default": memory}):
        yield


@pytest.fixture(autouse=True)
def _test_settings(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Each test starts from an empty database whose ids may repeat from test to test, so a
    # cache kept between tests could serve another test's pages. Tests that are about caching
    # switch a real cache on themselves.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}


@pytest.fixture
def real_cache(settings):
    """A working memory cache, for tests about caching or progress kept in the cache."""
    from django.core.cache import cache

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    # Memory caches outlive a test's database, whose ids repeat: start each test empty, and
    # leave it empty (every LocMemCache of one name shares its entries: a world built once
    # per module, outside any test's settings, read a user's organisations kept by a test
    # before it and was refused a plan).
    cache.clear()
    yield
    cache.clear()
