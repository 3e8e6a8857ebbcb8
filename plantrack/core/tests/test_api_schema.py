"""schemathesis over the whole OpenAPI document, in-process: every operation, with a token, with
valid and invalid data. No answer may be a server error, every status must be one the document
lists for that operation, and every body must match the schema documented for its status.

Path parameters are mostly pointed at real objects (the world's plan, action, measure, board
and so on) so that operations get past their 404s and do their work; the rest keep the
generated ids, so the 404s are exercised too.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from plantrack.accounts.services import api_token_create
from plantrack.core.tests.factories import make_measure, make_user
from plantrack.evidence.services import evidence_attach_file
from plantrack.evidence.tests import samples
from plantrack.governance import services as governance
from plantrack.plans.services import update_post
from plantrack.wsgi import application

pytestmark = pytest.mark.django_db

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
# Enough to find the bounds and shapes that break an operation, small enough that the whole
# document runs in well under a minute.
EXAMPLES = {GenerationMode.POSITIVE: 15, GenerationMode.NEGATIVE: 10}


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """schemathesis calls the WSGI application itself, whose request_finished closes a
    connection that is not in autocommit: on PostgreSQL, the test's own. Django's test client
    disconnects the same receivers."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def real_ids(world) -> dict[str, object]:
    admin = make_user("admin", is_superuser=True)
    body = governance.body_create(actor=admin, name="Youth Board")
    governance.oversight_set(actor=world.manager, body=body, plan=world.plan)
    measure = make_measure(world, since=dt.date(2029, 1, 1))
    # An update with a file on it: the evidence operations list, read, download and remove it,
    # and attach links and (generated, so refused) files to the update.
    update = update_post(actor=world.manager, action=world.action, narrative="With evidence.")
    evidence = evidence_attach_file(
        actor=world.manager,
        target=update,
        upload=samples.upload("policy.pdf", samples.pdf_bytes()),
    )
    return {
        "plan_id": world.plan.pk,
        "action_id": world.action.pk,
        "section_id": world.section.pk,
        "organisation_id": world.force.pk,
        "person_id": world.owner_person.pk,
        "measure_id": measure.pk,
        "body_id": body.pk,
        "target_type": "plans.update",
        "object_id": update.pk,
        "evidence_id": evidence.pk,
    }


def _summary(exc: BaseException) -> str:
    """The lines of schemathesis's report that say what failed and how to reproduce it."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return "\n    ".join(lines[:14])


def _exercise(operation, mode, headers, real_ids, calls, statuses, succeeded) -> None:
    label = operation.label

    @settings(
        max_examples=EXAMPLES[mode],
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case):
        for name in list(case.path_parameters or {}):
            # Two examples in three at a real object; the third keeps the generated value.
            if name in real_ids and calls[label] % 3:
                case.path_parameters[name] = real_ids[name]
        calls[label] += 1
        response = case.call_and_validate(headers=headers, checks=CHECKS)
        statuses[response.status_code] += 1
        if response.status_code < 300:
            succeeded.add(label)

    run()


def test_every_operation_conforms(world, real_ids):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
    _, secret = api_token_create(actor=world.manager, name="schemathesis")
    headers = {"Authorization": f"Bearer {secret}"}
    calls: Counter[str] = Counter()
    statuses: Counter[int] = Counter()
    succeeded: set[str] = set()
    failures: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()
        for mode in EXAMPLES:
            try:
                _exercise(operation, mode, headers, real_ids, calls, statuses, succeeded)
            # schemathesis raises a FailureGroup (a BaseExceptionGroup) of what failed; every
            # operation's failures are reported, not only the first operation's.
            except (Exception, BaseExceptionGroup) as exc:
                failures.append(f"{operation.label} ({mode.value}): {_summary(exc)}")

    assert not failures, "\n\n".join(failures)
    assert len(calls) > 25, calls  # every operation of the document ran, not a vacuous pass
    assert sum(calls.values()) > 300, calls
    # Real ids get most operations past their 404s: at least the reads do their work.
    assert len(succeeded) > 20, sorted(set(calls) - succeeded)
    assert statuses[201] > 0 and statuses[422] > 0 and statuses[404] > 0, statuses
