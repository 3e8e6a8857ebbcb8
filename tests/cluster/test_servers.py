"""Two app servers and a task worker on one PostgreSQL and one Redis: what is written through
one server is read at once through the other, cached pages included, and a pack prepared
through one (built by the worker) is downloaded through the other."""

from __future__ import annotations

import hashlib
import time
import uuid

from bench.cluster import Client, Cluster, first_actions, post_update, prepare_pack


def test_a_write_through_one_server_is_read_at_once_through_the_other(
    running: Cluster, demo: Client
):
    one, other = (server.base for server in running.servers)
    action = first_actions(demo, 1)[0]
    # The action page's body is kept in the shared cache: read it through the other first.
    assert demo.get(f"{other}{action}").status == 200
    narrative = f"Written through one server {uuid.uuid4().hex}"

    saved = post_update(demo, action, narrative, base=one)

    assert saved.status == 302, saved.text[:500]
    read = demo.get(f"{other}{action}")
    assert read.status == 200 and narrative in read.text
    assert (
        running.postgres.psql(f"SELECT count(*) FROM plans_update WHERE narrative = '{narrative}'")
        == "1"
    )


def test_a_pack_prepared_through_one_server_is_downloaded_through_the_other(
    running: Cluster, demo: Client
):
    one, other = (server.base for server in running.servers)

    pack = prepare_pack(demo, base=one)

    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        download = demo.get(f"{other}{pack}download/pdf/")
        if download.status == 200:
            break
        assert download.status == 404, download.text[:300]  # not ready yet
        time.sleep(0.5)
    else:
        raise AssertionError(f"the worker did not build {pack} within 120 s")
    assert download.body.startswith(b"%PDF")
    pack_id = pack.strip("/").rsplit("/", 1)[1]
    stored = running.postgres.psql(
        f"SELECT sha256 FROM packs_packfile WHERE pack_id = {pack_id} AND format = 'pdf'"
    )
    # The file the worker stored, served by the other server.
    assert hashlib.sha256(download.body).hexdigest() == stored
    assert demo.get(f"{one}{pack}download/pdf/").body == download.body
