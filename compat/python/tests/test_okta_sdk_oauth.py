"""The `okta` PyPI SDK in its "OAuth for Okta" mode (authorizationMode: PrivateKey): a service
app with private_key_jwt, granted okta.* scopes, gets a token from the org authorization
server (the SDK signs the client assertion) and reads the Management API with it. Fixtures
are made with plain HTTP calls using the API token."""

from __future__ import annotations

import json
import urllib.request

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwcrypto import jwk
from okta.client import Client

from conftest import API_TOKEN, ORG_URL, uniq


def api(method: str, path: str, body=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(f"{ORG_URL}{path}", data=data, method=method)
    req.add_header("Authorization", f"SSWS {API_TOKEN}")
    req.add_header("Accept", "application/json")
    if data is not None:
        req.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(req, timeout=20) as res:
        text = res.read()
    return json.loads(text) if text else None


@pytest.fixture
def service_app():
    """A private_key_jwt service app granted okta.users.read, and its private key (PEM)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    ).decode()
    kid = uniq("py-key")
    public = jwk.JWK.from_pem(pem.encode()).export_public(as_dict=True)
    public["kid"] = kid
    app = api("POST", "/api/v1/apps", {
        "name": "oidc_client",
        "label": uniq("py-service"),
        "signOnMode": "OPENID_CONNECT",
        "credentials": {"oauthClient": {"token_endpoint_auth_method": "private_key_jwt"}},
        "settings": {"oauthClient": {
            "application_type": "service",
            "grant_types": ["client_credentials"],
            "response_types": ["token"],
            "jwks": {"keys": [public]},
        }},
    })
    api("POST", f"/api/v1/apps/{app['id']}/grants",
        {"issuer": ORG_URL, "scopeId": "okta.users.read"})
    yield app["credentials"]["oauthClient"]["client_id"], pem, kid
    api("POST", f"/api/v1/apps/{app['id']}/lifecycle/deactivate")
    api("DELETE", f"/api/v1/apps/{app['id']}")


def oauth_client(client_id: str, pem: str, kid: str, scopes: list[str]) -> Client:
    return Client({
        "orgUrl": ORG_URL,
        "authorizationMode": "PrivateKey",
        "clientId": client_id,
        "scopes": scopes,
        "privateKey": pem,
        "kid": kid,
    })


async def test_private_key_mode_reads_users_with_the_granted_scope(service_app):
    client = oauth_client(*service_app, ["okta.users.read"])
    users, _, err = await client.list_users()
    assert err is None, f"{err!r}"
    logins = [u.profile.login for u in users]
    assert "admin@example.com" in logins, logins


async def test_private_key_mode_is_refused_outside_its_scopes(service_app):
    client = oauth_client(*service_app, ["okta.users.read"])
    _, _, err = await client.list_groups()
    assert err is not None
    assert err.status == 403
    assert err.error_code == "E0000006"
