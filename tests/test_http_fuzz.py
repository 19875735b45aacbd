"""The API fuzzed from its own OpenAPI schema (schemathesis): whatever a client sends —
any path, any body the schema allows and many it does not — the answer is never a 500,
each refusal is one the schema documents, and its body is the documented shape.

Bounded for the suite (DUTYLIST_FUZZ_EXAMPLES per route, default 25; `make fuzz` runs
more)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from dutylist.dispatcher import Dispatcher
from dutylist.service.access import OPERATOR
from dutylist.service.desk import Desk
from dutylist.store.log import Store
from dutylist.web.app import create_app
from tests.conftest import PANLONG

EXAMPLES = int(os.environ.get("DUTYLIST_FUZZ_EXAMPLES", "25"))
_folder = Path(tempfile.mkdtemp(prefix="dutylist-fuzz-"))
_store = Store(_folder / "whistles.db")
_desk = Desk(Dispatcher(PANLONG), _store)
_desk.blow(OPERATOR, "noise", "gulou.taoyuan", {"source": "社会生活"}, key="fuzz-1")
# the district's token: it may do most things, so the fuzzer gets past the door
DISTRICT = {"Authorization": f"Bearer {_store.create_token('panlong')[1]}"}
schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(_desk))


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,  # the same examples on every run: a failure is reproducible
)
def test_no_request_makes_the_service_fail(case: schemathesis.Case) -> None:
    response = case.call(headers=DISTRICT)
    case.validate_response(
        response,
        checks=[
            not_a_server_error,
            status_code_conformance,
            content_type_conformance,
            response_schema_conformance,
        ],
    )
