"""The `okta` PyPI SDK (v3, pydantic models, asyncio) against the org: OIDC apps (incl. reading
back settings.oauthClient), pagination, users, groups, app assignments, admin roles, and
custom scopes and claims on the default authorization server."""

from __future__ import annotations

import urllib.error
import urllib.request

import pytest
from okta.client import Client
from okta.models import (
    AddGroupRequest,
    AppUserAssignRequest,
    AppUserCredentialsRequestPayload,
    AppUserProfileRequestPayload,
    AppUserUpdateRequest,
    ApplicationGroupAssignment,
    AssignRoleToUserRequest,
    CreateUserRequest,
    OAuth2Claim,
    OAuth2Scope,
    OpenIdConnectApplication,
)
from okta.pagination import paginate_all, paginate_pages

from conftest import API_TOKEN, HTTP_ORG, ORG_URL, check, error_of, uniq

REDIRECT = "http://localhost:8765/callback"


def val(x):
    """An enum member's value, or the plain value."""
    return getattr(x, "value", x)


def oidc_web_app(label: str, redirect_uris=None) -> OpenIdConnectApplication:
    return OpenIdConnectApplication.from_dict(
        {
            "name": "oidc_client",
            "label": label,
            "signOnMode": "OPENID_CONNECT",
            "credentials": {"oauthClient": {"token_endpoint_auth_method": "client_secret_basic"}},
            "settings": {
                "oauthClient": {
                    "client_uri": "http://localhost:8765",
                    "redirect_uris": redirect_uris or [REDIRECT],
                    "post_logout_redirect_uris": ["http://localhost:8765/"],
                    "response_types": ["code"],
                    "grant_types": ["authorization_code", "refresh_token"],
                    "application_type": "web",
                    "consent_method": "TRUSTED",
                    "issuer_mode": "ORG_URL",
                }
            },
        }
    )


async def create_app(client: Client, created, label=None):
    app, _ = check(await client.create_application(oidc_web_app(label or uniq("compat-py-app"))))
    created.apps.append(app.id)
    return app


async def create_user(client: Client, created, first: str, activate: bool = True):
    login = f"{uniq(first.lower())}@example.com"
    body = CreateUserRequest.from_dict(
        {
            "profile": {"firstName": first, "lastName": "Compat", "email": login, "login": login},
            "credentials": {"password": {"value": "Compat-Passw0rd!42"}},
        }
    )
    user, _ = check(await client.create_user(body, activate=activate))
    created.users.append(user.id)
    return user


async def collect(method, *args, **kwargs):
    """Every item of a list call, following Okta's `link: rel="next"` cursors."""
    return [item async for item in paginate_all(method, *args, **kwargs)]


def test_plain_http_org_needs_the_testing_switch(monkeypatch):
    monkeypatch.delenv("OKTA_TESTING_TESTINGDISABLEHTTPSCHECK", raising=False)
    if HTTP_ORG:
        with pytest.raises(ValueError, match="https"):
            Client({"orgUrl": ORG_URL, "token": API_TOKEN})
    else:
        Client({"orgUrl": ORG_URL, "token": API_TOKEN})


def test_api_accepts_the_authorization_header_the_sdk_sends(client):
    """Okta's Python SDK v3 builds its header as authorization_mode + token, i.e.
    `SSWS<token>` with no space (okta/configuration.py auth_settings). Okta orgs accept it
    (every SDK call depends on it), so the org must too. Sent here with urllib so a failure
    names the exact header instead of failing every SDK test with E0000011."""
    header = client.configuration.auth_settings()["oauth2"]["value"]
    assert header == f"SSWS{API_TOKEN}", "the SDK's wire format changed; revisit this test"
    req = urllib.request.Request(
        f"{ORG_URL}/api/v1/users/me",
        headers={"Authorization": header, "Accept": "application/json"},
    )
    try:
        with urllib.request.urlopen(req) as res:
            assert res.status == 200
    except urllib.error.HTTPError as e:
        pytest.fail(f"GET /api/v1/users/me with Authorization: {header!r} -> {e.code} {e.read()!r}")


async def test_app_create_get_read_back_oauth_client_replace_lifecycle_delete(client, created):
    label = uniq("compat-py-app")
    app = await create_app(client, created, label)

    assert app.id.startswith("0oa") and len(app.id) == 20
    assert app.name == "oidc_client"
    assert app.label == label
    assert val(app.status) == "ACTIVE"
    assert val(app.sign_on_mode) == "OPENID_CONNECT"
    creds = app.credentials.oauth_client
    assert creds.client_id == app.id
    assert creds.client_secret and len(creds.client_secret) >= 14
    assert val(creds.token_endpoint_auth_method) == "client_secret_basic"

    got, _ = check(await client.get_application(app.id))
    assert isinstance(got, OpenIdConnectApplication)
    oc = got.settings.oauth_client
    assert oc.redirect_uris == [REDIRECT]
    assert oc.post_logout_redirect_uris == ["http://localhost:8765/"]
    assert [val(r) for r in oc.response_types] == ["code"]
    assert [val(g) for g in oc.grant_types] == ["authorization_code", "refresh_token"]
    assert val(oc.application_type) == "web"
    assert val(oc.consent_method) == "TRUSTED"
    assert val(oc.issuer_mode) == "ORG_URL"
    assert got.credentials.oauth_client.client_id == app.id

    new_label = f"{label}-renamed"
    replaced, _ = check(
        await client.replace_application(
            app.id, oidc_web_app(new_label, [REDIRECT, "http://localhost:8765/other"])
        )
    )
    assert replaced.id == app.id
    assert replaced.label == new_label
    assert replaced.settings.oauth_client.redirect_uris == [REDIRECT, "http://localhost:8765/other"]
    reread, _ = check(await client.get_application(app.id))
    assert reread.label == new_label

    check(await client.deactivate_application(app.id))
    inactive, _ = check(await client.get_application(app.id))
    assert val(inactive.status) == "INACTIVE"
    check(await client.activate_application(app.id))

    # An active app cannot be deleted: 403 E0000056.
    err = error_of(await client.delete_application(app.id))
    assert err.status == 403
    assert err.error_code == "E0000056"

    check(await client.deactivate_application(app.id))
    check(await client.delete_application(app.id))
    created.apps.remove(app.id)
    err = error_of(await client.get_application(app.id))
    assert err.status == 404 and err.error_code == "E0000007"


async def test_list_applications_pagination_q_and_filter(client, created):
    prefix = uniq("compat-py-page")
    ids = [(await create_app(client, created, f"{prefix}-{i}")).id for i in range(3)]

    pages = [page async for page in paginate_pages(client.list_applications, limit=2)]
    assert len(pages) >= 2, "limit=2 over 3+ apps must give several pages"
    assert all(len(items) <= 2 for items, _, _ in pages)
    listed = [a.id for items, _, _ in pages for a in items]
    assert len(listed) == len(set(listed)), "no app listed twice"
    for app_id in ids:
        assert app_id in listed

    by_q, _ = check(await client.list_applications(q=prefix))
    assert sorted(a.id for a in by_q) == sorted(ids)

    check(await client.deactivate_application(ids[0]))
    inactive = await collect(client.list_applications, filter='status eq "INACTIVE"')
    assert ids[0] in [a.id for a in inactive]
    assert all(val(a.status) == "INACTIVE" for a in inactive)


async def test_users_create_staged_activate_get_and_search(client, created):
    staged = await create_user(client, created, "Staged", activate=False)
    assert staged.id.startswith("00u") and len(staged.id) == 20
    assert val(staged.status) == "STAGED"

    activation, _ = check(await client.activate_user(staged.id, send_email=False))
    # sendEmail=false: Okta answers with the activation link instead of mailing it.
    assert activation.activation_token
    assert activation.activation_url.endswith(activation.activation_token)
    active, _ = check(await client.get_user(staged.id))
    assert val(active.status) == "ACTIVE"
    assert active.profile.login == staged.profile.login
    by_login, _ = check(await client.get_user(staged.profile.login))
    assert by_login.id == staged.id

    direct = await create_user(client, created, "Direct")
    assert val(direct.status) == "ACTIVE"

    by_q, _ = check(await client.list_users(q=staged.profile.login))
    assert [u.id for u in by_q] == [staged.id]
    by_filter, _ = check(await client.list_users(filter=f'profile.login eq "{direct.profile.login}"'))
    assert [u.id for u in by_filter] == [direct.id]
    by_search, _ = check(
        await client.list_users(
            search=f'profile.email eq "{staged.profile.email}" and status eq "ACTIVE"'
        )
    )
    assert [u.id for u in by_search] == [staged.id]

    everyone_active = await collect(client.list_users, filter='status eq "ACTIVE"', limit=2)
    assert direct.id in [u.id for u in everyone_active]
    assert all(val(u.status) == "ACTIVE" for u in everyone_active)


async def test_groups_and_membership(client, created):
    user = await create_user(client, created, "Member")
    name = uniq("compat-py-group")
    group, _ = check(
        await client.add_group(
            AddGroupRequest.from_dict({"profile": {"name": name, "description": "compat"}})
        )
    )
    created.groups.append(group.id)
    assert group.id.startswith("00g")
    assert val(group.type) == "OKTA_GROUP"
    assert group.profile.actual_instance.name == name

    check(await client.assign_user_to_group(group.id, user.id))
    members, _ = check(await client.list_group_users(group.id))
    assert [u.id for u in members] == [user.id]

    found, _ = check(await client.list_groups(q=name))
    assert [g.id for g in found] == [group.id]

    check(await client.unassign_user_from_group(group.id, user.id))
    members, _ = check(await client.list_group_users(group.id))
    assert not members

    check(await client.delete_group(group.id))
    created.groups.remove(group.id)
    err = error_of(await client.get_group(group.id))
    assert err.status == 404


async def test_assign_group_and_user_to_app(client, created):
    app = await create_app(client, created)
    user = await create_user(client, created, "Assignee")
    group, _ = check(
        await client.add_group(AddGroupRequest.from_dict({"profile": {"name": uniq("compat-py-ag")}}))
    )
    created.groups.append(group.id)

    ga, _ = check(
        await client.assign_group_to_application(
            app.id, group.id, ApplicationGroupAssignment.from_dict({})
        )
    )
    assert ga.id == group.id
    assert isinstance(ga.priority, int)
    groups, _ = check(await client.list_application_group_assignments(app.id))
    assert [g.id for g in groups] == [group.id]
    one_group, _ = check(await client.get_application_group_assignment(app.id, group.id))
    assert one_group.id == group.id

    au, _ = check(
        await client.assign_user_to_application(
            app.id, AppUserAssignRequest.from_dict({"id": user.id, "scope": "USER"})
        )
    )
    assert au.id == user.id
    assert au.scope == "USER"
    assert val(au.status) == "ACTIVE"
    assert au.credentials.user_name == user.profile.login
    users, _ = check(await client.list_application_users(app.id))
    assert user.id in [u.id for u in users]
    one, _ = check(await client.get_application_user(app.id, user.id))
    assert one.id == user.id
    # Update an application user: the username, then the app's profile of the user (the
    # SDK's request is one or the other).
    renamed, _ = check(
        await client.update_application_user(
            app.id,
            user.id,
            AppUserUpdateRequest(
                AppUserCredentialsRequestPayload.from_dict({"credentials": {"userName": "sdk-name"}})
            ),
        )
    )
    assert renamed.credentials.user_name == "sdk-name"
    profiled, _ = check(
        await client.update_application_user(
            app.id,
            user.id,
            AppUserUpdateRequest(AppUserProfileRequestPayload.from_dict({"profile": {"team": "blue"}})),
        )
    )
    assert profiled.profile == {"team": "blue"}
    reread, _ = check(await client.get_application_user(app.id, user.id))
    assert reread.credentials.user_name == "sdk-name"
    assert reread.profile == {"team": "blue"}

    group_apps, _ = check(await client.list_assigned_applications_for_group(group.id))
    assert [a.id for a in group_apps] == [app.id]

    check(await client.unassign_user_from_application(app.id, user.id))
    check(await client.unassign_application_from_group(app.id, group.id))
    groups, _ = check(await client.list_application_group_assignments(app.id))
    assert not groups


async def test_super_admin_role_assignment(client, created):
    user = await create_user(client, created, "Admin")
    role, _ = check(
        await client.assign_role_to_user(
            user.id, AssignRoleToUserRequest.from_dict({"type": "SUPER_ADMIN"})
        )
    )
    role = getattr(role, "actual_instance", role)
    assert val(role.type) == "SUPER_ADMIN"
    assert val(role.assignment_type) == "USER"
    assert val(role.status) == "ACTIVE"
    assert role.id

    roles, _ = check(await client.list_assigned_roles_for_user(user.id))
    types = [val(getattr(r, "actual_instance", r).type) for r in roles]
    assert types == ["SUPER_ADMIN"]
    got, _ = check(await client.get_user_assigned_role(user.id, role.id))
    assert val(getattr(got, "actual_instance", got).type) == "SUPER_ADMIN"

    check(await client.unassign_role_from_user(user.id, role.id))
    roles, _ = check(await client.list_assigned_roles_for_user(user.id))
    assert not roles


async def test_default_authorization_server_and_custom_scope(client, created):
    server, _ = check(await client.get_authorization_server("default"))
    assert server.id == "default"
    assert server.audiences == ["api://default"]
    assert server.issuer == f"{ORG_URL}/oauth2/default"

    name = uniq("compat_py").replace("-", "_") + ":read"
    scope, _ = check(
        await client.create_o_auth2_scope(
            "default",
            OAuth2Scope.from_dict(
                {"name": name, "description": "compat", "consent": "IMPLICIT",
                 "metadataPublish": "NO_CLIENTS"}
            ),
        )
    )
    created.scopes.append(scope.id)
    assert scope.name == name
    assert val(scope.metadata_publish) == "NO_CLIENTS"

    scopes, _ = check(await client.list_o_auth2_scopes("default"))
    assert name in [s.name for s in scopes]
    got, _ = check(await client.get_o_auth2_scope("default", scope.id))
    assert got.name == name

    check(await client.delete_o_auth2_scope("default", scope.id))
    created.scopes.remove(scope.id)
    err = error_of(await client.get_o_auth2_scope("default", scope.id))
    assert err.status == 404


async def test_a_groups_claim_and_a_group_with_a_member(client, created):
    user = await create_user(client, created, "Claimed")
    group_name = uniq("compat-py-konnect")
    group, _ = check(
        await client.add_group(AddGroupRequest.from_dict({"profile": {"name": group_name}}))
    )
    created.groups.append(group.id)
    check(await client.assign_user_to_group(group.id, user.id))

    name = uniq("compat_py_groups").replace("-", "_")
    claim, _ = check(
        await client.create_o_auth2_claim(
            "default",
            OAuth2Claim.from_dict(
                {"name": name, "status": "ACTIVE", "claimType": "IDENTITY",
                 "valueType": "GROUPS", "group_filter_type": "STARTS_WITH",
                 "value": group_name, "alwaysIncludeInToken": True,
                 "conditions": {"scopes": []}}
            ),
        )
    )
    assert claim.id
    assert claim.name == name
    assert val(claim.claim_type) == "IDENTITY"
    assert val(claim.value_type) == "GROUPS"
    assert val(claim.group_filter_type) == "STARTS_WITH"
    assert claim.always_include_in_token is True
    assert claim.system is False
    try:
        claims, _ = check(await client.list_o_auth2_claims("default"))
        assert name in [c.name for c in claims]
        got, _ = check(await client.get_o_auth2_claim("default", claim.id))
        assert got.value == group_name
        members, _ = check(await client.list_group_users(group.id))
        assert [u.id for u in members] == [user.id]
    finally:
        check(await client.delete_o_auth2_claim("default", claim.id))
    err = error_of(await client.get_o_auth2_claim("default", claim.id))
    assert err.status == 404


async def test_bad_token_is_e0000011():
    bad = Client({"orgUrl": ORG_URL, "token": "not-the-token"})
    err = error_of(await bad.get_user("me"))
    assert err.status == 401
    assert err.error_code == "E0000011"
    assert err.error_summary == "Invalid token provided"


async def test_client_secret_rotation(client, created):
    """ApplicationSSOPublicKeysApi: add a second secret, deactivate and delete the first,
    with Okta's refusals for a third secret and for deleting an active one."""
    from okta.models import OAuth2ClientSecretRequestBody

    app = await create_app(client, created)
    secrets, _ = check(await client.list_o_auth2_client_secrets(app.id))
    assert len(secrets) == 1
    first = secrets[0]
    assert val(first.status) == "ACTIVE"
    assert first.client_secret == app.credentials.oauth_client.client_secret
    assert first.id.startswith("ocs") and len(first.secret_hash) == 22

    mine = "compat-python-own-secret-0123456789"
    body = OAuth2ClientSecretRequestBody.from_dict({"client_secret": mine})
    second, _ = check(await client.create_o_auth2_client_secret(app.id, body))
    assert second.client_secret == mine and val(second.status) == "ACTIVE"

    err = error_of(await client.create_o_auth2_client_secret(app.id))
    assert err.status == 400 and err.error_code == "E0000001"
    err = error_of(await client.delete_o_auth2_client_secret(app.id, first.id))
    assert err.status == 400 and err.error_code == "E0000001"

    off, _ = check(await client.deactivate_o_auth2_client_secret(app.id, first.id))
    assert val(off.status) == "INACTIVE"
    on, _ = check(await client.activate_o_auth2_client_secret(app.id, first.id))
    assert val(on.status) == "ACTIVE"
    check(await client.deactivate_o_auth2_client_secret(app.id, first.id))
    check(await client.delete_o_auth2_client_secret(app.id, first.id))
    got, _ = check(await client.get_o_auth2_client_secret(app.id, second.id))
    assert got.id == second.id
    secrets, _ = check(await client.list_o_auth2_client_secrets(app.id))
    assert [s.id for s in secrets] == [second.id]
    err = error_of(await client.get_o_auth2_client_secret(app.id, first.id))
    assert err.status == 404 and err.error_code == "E0000007"


async def test_sessions_get_refresh_revoke_and_revoke_all_of_a_user(client, created):
    """SessionApi and UserSessionsApi. The SDK has no call that makes a session, so one is
    made as an app would: /api/v1/authn, then POST /api/v1/sessions with the session token."""
    import json

    user = await create_user(client, created, "Sessions")
    login = user.profile.login

    def post(path, body, token=None):
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if token:
            headers["Authorization"] = f"SSWS {token}"
        req = urllib.request.Request(
            f"{ORG_URL}{path}", data=json.dumps(body).encode(), headers=headers, method="POST"
        )
        with urllib.request.urlopen(req) as res:
            return json.loads(res.read())

    def new_session():
        token = post("/api/v1/authn", {"username": login, "password": "Compat-Passw0rd!42"})
        return post("/api/v1/sessions", {"sessionToken": token["sessionToken"]}, API_TOKEN)["id"]

    sid = new_session()
    session, _ = check(await client.get_session(sid))
    assert session.id == sid and session.login == login and val(session.status) == "ACTIVE"
    refreshed, _ = check(await client.refresh_session(sid))
    assert refreshed.id == sid
    check(await client.revoke_session(sid))
    err = error_of(await client.get_session(sid))
    assert err.status == 404 and err.error_code == "E0000007"

    others = [new_session(), new_session()]
    check(await client.revoke_user_sessions(user.id, oauth_tokens=True))
    for s in others:
        assert error_of(await client.get_session(s)).status == 404


async def test_expire_and_change_password(client, created):
    """UserCredApi: expire_password, then change_password with the old one (E0000014 for a
    wrong one); the user is active again."""
    from okta.models import ChangePasswordRequest

    user = await create_user(client, created, "Passwords")
    expired, _ = check(await client.expire_password(user.id))
    assert val(expired.status) == "PASSWORD_EXPIRED"

    def body(old):
        return ChangePasswordRequest.from_dict(
            {"oldPassword": {"value": old}, "newPassword": {"value": "Compat-N3w-Passw0rd"}}
        )

    err = error_of(await client.change_password(user.id, body("not-the-Passw0rd")))
    assert err.status == 403 and err.error_code == "E0000014"
    creds, _ = check(await client.change_password(user.id, body("Compat-Passw0rd!42")))
    assert val(creds.provider.type) == "OKTA"
    again, _ = check(await client.get_user(user.id))
    assert val(again.status) == "ACTIVE"

    # Wrong passwords until the org's lockout (10 by default), then unlock_user.
    import json

    for i in range(20):
        req = urllib.request.Request(
            f"{ORG_URL}/api/v1/authn",
            data=json.dumps({"username": user.profile.login, "password": f"wrong-{i}"}).encode(),
            headers={"Content-Type": "application/json", "Accept": "application/json"},
            method="POST",
        )
        try:
            urllib.request.urlopen(req).close()
        except urllib.error.HTTPError:
            pass
        locked, _ = check(await client.get_user(user.id))
        if val(locked.status) == "LOCKED_OUT":
            break
    assert val(locked.status) == "LOCKED_OUT"
    check(await client.unlock_user(user.id))
    again, _ = check(await client.get_user(user.id))
    assert val(again.status) == "ACTIVE"

    reset, _ = check(await client.reset_password(user.id, send_email=False))
    assert "/signin/reset-password/" in reset.reset_password_url
    again, _ = check(await client.get_user(user.id))
    assert val(again.status) == "RECOVERY"


async def test_authn_password_expired_then_change_password(client, created):
    """After expire_password, /api/v1/authn answers PASSWORD_EXPIRED with a state token (the
    SDK has no Authentication API, so the calls are made as an app would); its changePassword
    link finishes with a session token that opens a session get_session reads."""
    import json
    import urllib.parse

    user = await create_user(client, created, "AuthnExpired")
    check(await client.expire_password(user.id))

    def post(path, body):
        req = urllib.request.Request(
            f"{ORG_URL}{path}",
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json", "Accept": "application/json"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(req) as res:
                return res.status, json.loads(res.read())
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read())

    status, first = post(
        "/api/v1/authn", {"username": user.profile.login, "password": "Compat-Passw0rd!42"}
    )
    assert status == 200 and first["status"] == "PASSWORD_EXPIRED" and "sessionToken" not in first
    change = urllib.parse.urlparse(first["_links"]["next"]["href"]).path
    status, err = post(change, {"stateToken": "00nope", "oldPassword": "x", "newPassword": "y"})
    assert status == 401 and err["errorCode"] == "E0000011"
    status, done = post(
        change,
        {
            "stateToken": first["stateToken"],
            "oldPassword": "Compat-Passw0rd!42",
            "newPassword": "Compat-N3w-Passw0rd",
        },
    )
    assert status == 200 and done["status"] == "SUCCESS"
    # The SDK has no call that makes a session: redeemed raw, read with get_session.
    req = urllib.request.Request(
        f"{ORG_URL}/api/v1/sessions",
        data=json.dumps({"sessionToken": done["sessionToken"]}).encode(),
        headers={
            "Content-Type": "application/json",
            "Accept": "application/json",
            "Authorization": f"SSWS {API_TOKEN}",
        },
        method="POST",
    )
    with urllib.request.urlopen(req) as res:
        sid = json.loads(res.read())["id"]
    session, _ = check(await client.get_session(sid))
    assert session.user_id == user.id
    again, _ = check(await client.get_user(user.id))
    assert val(again.status) == "ACTIVE"


async def test_deactivate_and_activate_the_default_server(client):
    """AuthorizationServerApi: deactivate_authorization_server makes the default server's
    discovery answer 404 E0000007; activate_authorization_server brings it back."""
    import json

    def discovery():
        url = f"{ORG_URL}/oauth2/default/.well-known/openid-configuration"
        try:
            with urllib.request.urlopen(url) as res:
                return res.status, json.loads(res.read())
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read())

    check(await client.deactivate_authorization_server("default"))
    try:
        server, _ = check(await client.get_authorization_server("default"))
        assert val(server.status) == "INACTIVE"
        status, body = discovery()
        assert status == 404 and body["errorCode"] == "E0000007"
    finally:
        check(await client.activate_authorization_server("default"))
    server, _ = check(await client.get_authorization_server("default"))
    assert val(server.status) == "ACTIVE"
    assert discovery()[0] == 200


async def test_a_custom_server_created_replaced_deactivated_and_deleted(client):
    """AuthorizationServerApi: create_authorization_server makes a custom server with its own
    issuer and discovery; replace_authorization_server changes it; delete_authorization_server
    refuses an active one and deletes it once deactivated."""
    import json

    from okta.models import AuthorizationServer

    body = AuthorizationServer.from_dict(
        {"name": uniq("compat-py-as"), "description": "compat", "audiences": ["api://compat-py"]}
    )
    made, _ = check(await client.create_authorization_server(body))
    deleted = False
    try:
        assert made.id.startswith("aus")
        assert made.issuer == f"{ORG_URL}/oauth2/{made.id}"
        assert made.audiences == ["api://compat-py"] and val(made.status) == "ACTIVE"
        listed, _ = check(await client.list_authorization_servers())
        assert {"default", made.id} <= {s.id for s in listed}
        with urllib.request.urlopen(f"{made.issuer}/.well-known/oauth-authorization-server") as res:
            assert json.loads(res.read())["issuer"] == made.issuer
        new = AuthorizationServer.from_dict(
            {"name": made.name + "-renamed", "description": "renamed", "audiences": ["api://compat-py-2"]}
        )
        replaced, _ = check(await client.replace_authorization_server(made.id, new))
        assert replaced.id == made.id and replaced.audiences == ["api://compat-py-2"]
        err = error_of(await client.delete_authorization_server(made.id))
        assert err.status == 400
        check(await client.deactivate_authorization_server(made.id))
        check(await client.delete_authorization_server(made.id))
        deleted = True
        err = error_of(await client.get_authorization_server(made.id))
        assert err.status == 404
    finally:
        if not deleted:
            await client.deactivate_authorization_server(made.id)
            await client.delete_authorization_server(made.id)


async def test_default_policy_and_a_policy_with_a_rule(client):
    """AuthorizationServerPoliciesApi and AuthorizationServerRulesApi on the default server:
    a rule made, read, replaced (moved to priority 3), deactivated, activated and deleted."""
    from okta.models import AuthorizationServerPolicy, AuthorizationServerPolicyRuleRequest

    policies, _ = check(await client.list_authorization_server_policies("default"))
    default = next(p for p in policies if p.name == "Default Policy")
    assert default.conditions.clients.include == ["ALL_CLIENTS"]
    rules, _ = check(await client.list_authorization_server_policy_rules("default", default.id))
    assert any(r.name == "Default Policy Rule" for r in rules)

    body = AuthorizationServerPolicy.from_dict(
        {
            "type": "OAUTH_AUTHORIZATION_POLICY",
            "name": uniq("compat-py-policy"),
            "description": "compat",
            "priority": 9,
            "conditions": {"clients": {"include": ["0oacompatnotanapp02"]}},
        }
    )
    made, _ = check(await client.create_authorization_server_policy("default", body))
    try:
        rule_body = AuthorizationServerPolicyRuleRequest.from_dict(
            {
                "type": "RESOURCE_ACCESS",
                "name": "compat rule",
                "conditions": {
                    "grantTypes": {"include": ["authorization_code"]},
                    "people": {"groups": {"include": ["EVERYONE"]}},
                    "scopes": {"include": ["openid"]},
                },
            }
        )
        rule, _ = check(
            await client.create_authorization_server_policy_rule("default", made.id, rule_body)
        )
        got, _ = check(await client.get_authorization_server_policy_rule("default", made.id, rule.id))
        assert got.conditions.grant_types.include == ["authorization_code"]
        moved = AuthorizationServerPolicyRuleRequest.from_dict(
            {
                "type": "RESOURCE_ACCESS",
                "name": "compat rule, client credentials",
                "priority": 3,
                "conditions": {"grantTypes": {"include": ["client_credentials"]}},
            }
        )
        replaced, _ = check(
            await client.replace_authorization_server_policy_rule(
                "default", made.id, rule.id, moved
            )
        )
        assert replaced.id == rule.id and replaced.priority == 3
        assert replaced.conditions.grant_types.include == ["client_credentials"]
        check(await client.deactivate_authorization_server_policy_rule("default", made.id, rule.id))
        off, _ = check(await client.get_authorization_server_policy_rule("default", made.id, rule.id))
        assert val(off.status) == "INACTIVE"
        check(await client.activate_authorization_server_policy_rule("default", made.id, rule.id))
        on, _ = check(await client.get_authorization_server_policy_rule("default", made.id, rule.id))
        assert val(on.status) == "ACTIVE"
        err = error_of(
            await client.activate_authorization_server_policy_rule("default", made.id, "0prnope")
        )
        assert err.status == 404
        check(await client.delete_authorization_server_policy_rule("default", made.id, rule.id))
    finally:
        check(await client.delete_authorization_server_policy("default", made.id))
    err = error_of(await client.get_authorization_server_policy("default", made.id))
    assert err.status == 404


async def test_trusted_origins(client):
    """TrustedOriginApi: create, get, replace, deactivate, activate, list, delete."""
    from okta.models import TrustedOrigin, TrustedOriginWrite

    origin = f"https://{uniq('compat-py').lower()}.example.com"
    body = TrustedOriginWrite.from_dict(
        {"name": uniq("compat-py-origin"), "origin": origin, "scopes": [{"type": "CORS"}]}
    )
    made, _ = check(await client.create_trusted_origin(body))
    try:
        assert made.origin == origin and val(made.status) == "ACTIVE"
        got, _ = check(await client.get_trusted_origin(made.id))
        assert got.id == made.id
        new = TrustedOrigin.from_dict(
            {"name": made.name, "origin": origin, "scopes": [{"type": "REDIRECT"}]}
        )
        replaced, _ = check(await client.replace_trusted_origin(made.id, new))
        assert [val(s.type) for s in replaced.scopes] == ["REDIRECT"]
        off, _ = check(await client.deactivate_trusted_origin(made.id))
        assert val(off.status) == "INACTIVE"
        on, _ = check(await client.activate_trusted_origin(made.id))
        assert val(on.status) == "ACTIVE"
        listed, _ = check(await client.list_trusted_origins())
        assert any(t.id == made.id for t in listed)
    finally:
        check(await client.delete_trusted_origin(made.id))


async def test_system_log_list_log_events(client, created):
    import datetime

    now = datetime.datetime.now(datetime.timezone.utc)
    since = (now - datetime.timedelta(seconds=5)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    user = await create_user(client, created, "Logged")
    until = (now + datetime.timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    events, _ = check(
        await client.list_log_events(
            since=since,
            until=until,
            filter=f'eventType eq "user.lifecycle.create" and target.id eq "{user.id}"',
        )
    )
    assert [e.event_type for e in events] == ["user.lifecycle.create"]
    e = events[0]
    assert e.outcome.result == "SUCCESS"
    assert e.target[0].id == user.id
    assert e.target[0].type == "User"
    assert e.actor.type == "SystemPrincipal"
    assert e.published is not None
    assert len(e.uuid) == 36
