"""Shared fixtures for the okta (Python SDK v3) compat tests.

The SDK is configured exactly as a user would configure it against a real org: the org URL
and the API token, nothing more over https (compat/run.sh serves mock-okta so, and the SDK
trusts its CA through SSL_CERT_FILE), plus -- only when the org is served over plain http -- the
SDK's own test-org switch, `testing.testingDisableHttpsCheck`, which the SDK reads from okta.yaml or
from the environment variable OKTA_TESTING_TESTINGDISABLEHTTPSCHECK (the `testing` section
cannot be passed in the user_config dict: Client() files that dict under `client`).
"""

from __future__ import annotations

import os
import secrets
import time

import pytest

ORG_URL = os.environ.get("OKTA_ORG_URL", "").rstrip("/")
API_TOKEN = os.environ.get("OKTA_API_TOKEN", "")
if not ORG_URL or not API_TOKEN:
    raise RuntimeError("OKTA_ORG_URL and OKTA_API_TOKEN must be set (compat/run.sh sets them)")

HTTP_ORG = ORG_URL.startswith("http://")
if HTTP_ORG:
    os.environ["OKTA_TESTING_TESTINGDISABLEHTTPSCHECK"] = "true"

from okta.client import Client  # noqa: E402  (after the switch is set)


def uniq(prefix: str) -> str:
    return f"{prefix}-{int(time.time() * 1000):x}-{secrets.token_hex(3)}"


def check(result):
    """Unpacks an SDK result, failing the test on an error. Calls with a body answer
    (data, response, error); calls without one (lifecycle, delete, PUT membership) answer
    (response, error). Returns (data, response) either way."""
    err = result[-1]
    assert err is None, f"SDK call failed: {err!r} {getattr(err, 'message', '')}"
    if len(result) == 2:
        return None, result[0]
    return result[0], result[1]


def error_of(result):
    """The error of an SDK call that is expected to fail."""
    err = result[-1]
    assert err is not None, f"the call was expected to fail but answered {result!r}"
    return err


@pytest.fixture
def client() -> Client:
    return Client({"orgUrl": ORG_URL, "token": API_TOKEN})


class Created:
    """Objects made by a test, removed afterwards (best effort)."""

    def __init__(self) -> None:
        self.apps: list[str] = []
        self.users: list[str] = []
        self.groups: list[str] = []
        self.scopes: list[str] = []


@pytest.fixture
async def created(client):
    made = Created()
    yield made
    for app_id in made.apps:
        await client.deactivate_application(app_id)
        await client.delete_application(app_id)
    for group_id in made.groups:
        await client.delete_group(group_id)
    for user_id in made.users:
        await client.delete_user(user_id)  # deactivates
        await client.delete_user(user_id)  # deletes
    for scope_id in made.scopes:
        await client.delete_o_auth2_scope("default", scope_id)
