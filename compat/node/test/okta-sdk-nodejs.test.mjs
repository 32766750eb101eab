// @okta/okta-sdk-nodejs (v8) against the org: apps, users, groups, assignments, admin
// roles, custom scopes and claims, through the SDK's own API classes only. The SDK is configured
// with nothing but the org URL and the API token (v8 has no https check to switch off).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import okta from '@okta/okta-sdk-nodejs';

import {
  ORG_URL,
  API_TOKEN,
  api,
  uniq,
  createWebApp,
  deleteApp,
  authorizeWithSessionToken,
  decodeJwtPart,
} from './helpers.mjs';

const client = new okta.Client({ orgUrl: ORG_URL, token: API_TOKEN });
/** Every URL the SDK requested, to prove pagination really followed `link: rel="next"`. */
const requested = [];
client.requestExecutor.on('request', (req) => requested.push(req.url));

const created = { apps: [], users: [], groups: [], scopes: [], claims: [] };

function oidcWebApp(label) {
  return {
    name: 'oidc_client',
    label,
    signOnMode: 'OPENID_CONNECT',
    credentials: { oauthClient: { token_endpoint_auth_method: 'client_secret_basic' } },
    settings: {
      oauthClient: {
        client_uri: 'http://localhost:8765',
        redirect_uris: ['http://localhost:8765/callback'],
        post_logout_redirect_uris: ['http://localhost:8765/'],
        response_types: ['code'],
        grant_types: ['authorization_code', 'refresh_token'],
        application_type: 'web',
        consent_method: 'TRUSTED',
        issuer_mode: 'ORG_URL',
      },
    },
  };
}

async function collect(collection) {
  const items = [];
  for await (const item of collection) {
    if (item) items.push(item);
  }
  return items;
}

async function createUser(firstName, { activate = true } = {}) {
  const login = `${uniq(firstName.toLowerCase())}@example.com`;
  const user = await client.userApi.createUser({
    activate,
    body: {
      profile: { firstName, lastName: 'Compat', email: login, login },
      credentials: { password: { value: 'Compat-Passw0rd!42' } },
    },
  });
  created.users.push(user.id);
  return user;
}

after(async () => {
  // Best-effort clean-up; failures here must not hide the real result.
  for (const id of created.apps) {
    await client.applicationApi.deactivateApplication({ appId: id }).catch(() => {});
    await client.applicationApi.deleteApplication({ appId: id }).catch(() => {});
  }
  for (const id of created.groups) await client.groupApi.deleteGroup({ groupId: id }).catch(() => {});
  for (const id of created.users) {
    await client.userApi.deleteUser({ userId: id }).catch(() => {}); // deactivate
    await client.userApi.deleteUser({ userId: id }).catch(() => {}); // delete
  }
  for (const id of created.scopes) {
    await client.authorizationServerApi
      .deleteOAuth2Scope({ authServerId: 'default', scopeId: id })
      .catch(() => {});
  }
  for (const id of created.claims) {
    await client.authorizationServerApi
      .deleteOAuth2Claim({ authServerId: 'default', claimId: id })
      .catch(() => {});
  }
});

test('applicationApi: create an OIDC web app, get, replace, deactivate, delete', async () => {
  const label = uniq('compat-node-app');
  const app = await client.applicationApi.createApplication({ application: oidcWebApp(label) });
  created.apps.push(app.id);

  assert.match(app.id, /^0oa[A-Za-z0-9]{17}$/);
  assert.equal(app.name, 'oidc_client');
  assert.equal(app.label, label);
  assert.equal(app.status, 'ACTIVE');
  assert.equal(app.signOnMode, 'OPENID_CONNECT');
  assert.ok(app.created instanceof Date || typeof app.created === 'string');
  const cred = app.credentials.oauthClient;
  assert.equal(cred.client_id, app.id, 'client_id defaults to the app id');
  assert.equal(typeof cred.client_secret, 'string');
  assert.ok(cred.client_secret.length >= 14, 'client_secret is at least 14 characters');
  assert.equal(cred.token_endpoint_auth_method, 'client_secret_basic');
  const s = app.settings.oauthClient;
  assert.deepEqual(s.redirect_uris, ['http://localhost:8765/callback']);
  assert.deepEqual(s.response_types, ['code']);
  assert.deepEqual(s.grant_types, ['authorization_code', 'refresh_token']);
  assert.equal(s.application_type, 'web');
  assert.equal(s.consent_method, 'TRUSTED');
  assert.ok(app._links, 'HAL _links present');

  const got = await client.applicationApi.getApplication({ appId: app.id });
  assert.equal(got.id, app.id);
  assert.equal(got.label, label);
  assert.equal(got.settings.oauthClient.application_type, 'web');
  assert.equal(got.credentials.oauthClient.client_id, app.id);

  const newLabel = `${label}-renamed`;
  const replaced = await client.applicationApi.replaceApplication({
    appId: app.id,
    application: {
      ...oidcWebApp(newLabel),
      settings: {
        oauthClient: {
          ...oidcWebApp(newLabel).settings.oauthClient,
          redirect_uris: ['http://localhost:8765/callback', 'http://localhost:8765/other'],
        },
      },
    },
  });
  assert.equal(replaced.id, app.id);
  assert.equal(replaced.label, newLabel);
  assert.deepEqual(replaced.settings.oauthClient.redirect_uris, [
    'http://localhost:8765/callback',
    'http://localhost:8765/other',
  ]);
  const reread = await client.applicationApi.getApplication({ appId: app.id });
  assert.equal(reread.label, newLabel);

  await client.applicationApi.deactivateApplication({ appId: app.id });
  const inactive = await client.applicationApi.getApplication({ appId: app.id });
  assert.equal(inactive.status, 'INACTIVE');

  await client.applicationApi.activateApplication({ appId: app.id });
  assert.equal((await client.applicationApi.getApplication({ appId: app.id })).status, 'ACTIVE');

  // Okta refuses to delete an active app: 403 E0000056.
  await assert.rejects(client.applicationApi.deleteApplication({ appId: app.id }), (err) => {
    assert.equal(err.status, 403);
    assert.equal(err.errorCode, 'E0000056');
    return true;
  });

  await client.applicationApi.deactivateApplication({ appId: app.id });
  await client.applicationApi.deleteApplication({ appId: app.id });
  await assert.rejects(client.applicationApi.getApplication({ appId: app.id }), (err) => {
    assert.equal(err.status, 404);
    assert.equal(err.errorCode, 'E0000007');
    return true;
  });
  created.apps.splice(created.apps.indexOf(app.id), 1);
});

test('applicationApi.listApplications: pagination follows link rel="next", q and filter', async () => {
  const prefix = uniq('compat-node-page');
  const ids = [];
  for (let i = 0; i < 3; i++) {
    const app = await client.applicationApi.createApplication({
      application: oidcWebApp(`${prefix}-${i}`),
    });
    created.apps.push(app.id);
    ids.push(app.id);
  }

  const before = requested.length;
  const all = await collect(await client.applicationApi.listApplications({ limit: 2 }));
  const pages = requested.slice(before).filter((u) => new URL(u).pathname === '/api/v1/apps');
  for (const id of ids) assert.ok(all.some((a) => a.id === id), `app ${id} listed`);
  assert.ok(pages.length >= 2, `expected several pages with limit=2, got ${pages.join(' ')}`);
  assert.ok(
    pages.slice(1).every((u) => new URL(u).searchParams.get('after')),
    `next pages use an after cursor: ${pages.join(' ')}`,
  );
  assert.equal(new Set(all.map((a) => a.id)).size, all.length, 'no app listed twice');

  const byQ = await collect(await client.applicationApi.listApplications({ q: prefix }));
  assert.deepEqual(byQ.map((a) => a.id).sort(), [...ids].sort());

  await client.applicationApi.deactivateApplication({ appId: ids[0] });
  const inactive = await collect(
    await client.applicationApi.listApplications({ filter: 'status eq "INACTIVE"' }),
  );
  assert.ok(inactive.some((a) => a.id === ids[0]));
  assert.ok(inactive.every((a) => a.status === 'INACTIVE'));
});

test('userApi: create with password (staged), activate, get, list with q / filter / search', async () => {
  const staged = await createUser('Staged', { activate: false });
  assert.match(staged.id, /^00u[A-Za-z0-9]{17}$/);
  assert.equal(staged.status, 'STAGED');
  assert.equal(staged.credentials.provider.type, 'OKTA');

  const activation = await client.userApi.activateUser({ userId: staged.id, sendEmail: false });
  // sendEmail=false: Okta answers with the activation link instead of mailing it.
  assert.equal(typeof activation.activationToken, 'string');
  assert.ok(activation.activationUrl.endsWith(activation.activationToken), activation.activationUrl);
  const active = await client.userApi.getUser({ userId: staged.id });
  assert.equal(active.status, 'ACTIVE');
  assert.equal(active.profile.login, staged.profile.login);

  const byLogin = await client.userApi.getUser({ userId: staged.profile.login });
  assert.equal(byLogin.id, staged.id);

  const direct = await createUser('Direct');
  assert.equal(direct.status, 'ACTIVE');

  const byQ = await collect(await client.userApi.listUsers({ q: staged.profile.login }));
  assert.deepEqual(byQ.map((u) => u.id), [staged.id]);

  const byFilter = await collect(
    await client.userApi.listUsers({ filter: `profile.login eq "${direct.profile.login}"` }),
  );
  assert.deepEqual(byFilter.map((u) => u.id), [direct.id]);

  const bySearch = await collect(
    await client.userApi.listUsers({
      search: `profile.email eq "${staged.profile.email}" and status eq "ACTIVE"`,
    }),
  );
  assert.deepEqual(bySearch.map((u) => u.id), [staged.id]);

  const statusActive = await collect(await client.userApi.listUsers({ filter: 'status eq "ACTIVE"' }));
  assert.ok(statusActive.some((u) => u.id === direct.id));
  assert.ok(statusActive.every((u) => u.status === 'ACTIVE'));
});

test('groupApi: create, membership, list members and user groups, delete', async () => {
  const user = await createUser('Member');
  const name = uniq('compat-node-group');
  const group = await client.groupApi.createGroup({
    group: { profile: { name, description: 'compat suite' } },
  });
  created.groups.push(group.id);
  assert.match(group.id, /^00g/);
  assert.equal(group.type, 'OKTA_GROUP');
  assert.equal(group.profile.name, name);

  await client.groupApi.assignUserToGroup({ groupId: group.id, userId: user.id });
  const members = await collect(await client.groupApi.listGroupUsers({ groupId: group.id }));
  assert.deepEqual(members.map((u) => u.id), [user.id]);

  const userGroups = await collect(await client.userApi.listUserGroups({ userId: user.id }));
  const names = userGroups.map((g) => g.profile.name);
  assert.ok(names.includes(name), `user groups ${names}`);
  assert.ok(names.includes('Everyone'), `every user is in Everyone: ${names}`);

  const found = await collect(await client.groupApi.listGroups({ q: name }));
  assert.deepEqual(found.map((g) => g.id), [group.id]);

  await client.groupApi.unassignUserFromGroup({ groupId: group.id, userId: user.id });
  assert.deepEqual(await collect(await client.groupApi.listGroupUsers({ groupId: group.id })), []);

  await client.groupApi.deleteGroup({ groupId: group.id });
  created.groups.splice(created.groups.indexOf(group.id), 1);
  await assert.rejects(client.groupApi.getGroup({ groupId: group.id }), (err) => {
    assert.equal(err.status, 404);
    return true;
  });
});

test('applicationApi: assign a group and a user to an app, list and unassign', async () => {
  const app = await client.applicationApi.createApplication({
    application: oidcWebApp(uniq('compat-node-assign')),
  });
  created.apps.push(app.id);
  const user = await createUser('Assignee');
  const group = await client.groupApi.createGroup({
    group: { profile: { name: uniq('compat-node-appgroup') } },
  });
  created.groups.push(group.id);

  const ga = await client.applicationApi.assignGroupToApplication({
    appId: app.id,
    groupId: group.id,
    applicationGroupAssignment: {},
  });
  assert.equal(ga.id, group.id);
  assert.equal(typeof ga.priority, 'number');
  const groups = await collect(
    await client.applicationApi.listApplicationGroupAssignments({ appId: app.id }),
  );
  assert.deepEqual(groups.map((g) => g.id), [group.id]);
  const oneGroup = await client.applicationApi.getApplicationGroupAssignment({
    appId: app.id,
    groupId: group.id,
  });
  assert.equal(oneGroup.id, group.id);

  const au = await client.applicationApi.assignUserToApplication({
    appId: app.id,
    appUser: { id: user.id, scope: 'USER' },
  });
  assert.equal(au.id, user.id);
  assert.equal(au.scope, 'USER');
  assert.equal(au.status, 'ACTIVE');
  assert.equal(au.credentials?.userName, user.profile.login);

  const users = await collect(await client.applicationApi.listApplicationUsers({ appId: app.id }));
  assert.ok(users.some((u) => u.id === user.id));
  const one = await client.applicationApi.getApplicationUser({ appId: app.id, userId: user.id });
  assert.equal(one.id, user.id);
  // Update an application user: the username, then the app's profile of the user.
  const renamed = await client.applicationApi.updateApplicationUser({
    appId: app.id,
    userId: user.id,
    appUser: { credentials: { userName: 'sdk-name' } },
  });
  assert.equal(renamed.credentials?.userName, 'sdk-name');
  const profiled = await client.applicationApi.updateApplicationUser({
    appId: app.id,
    userId: user.id,
    appUser: { profile: { team: 'blue' } },
  });
  assert.equal(profiled.profile?.team, 'blue');
  const reread = await client.applicationApi.getApplicationUser({ appId: app.id, userId: user.id });
  assert.equal(reread.credentials?.userName, 'sdk-name');
  assert.equal(reread.profile?.team, 'blue');

  const groupApps = await collect(
    await client.groupApi.listAssignedApplicationsForGroup({ groupId: group.id }),
  );
  assert.deepEqual(groupApps.map((a) => a.id), [app.id]);

  await client.applicationApi.unassignUserFromApplication({ appId: app.id, userId: user.id });
  await client.applicationApi.unassignApplicationFromGroup({ appId: app.id, groupId: group.id });
  assert.deepEqual(
    await collect(await client.applicationApi.listApplicationGroupAssignments({ appId: app.id })),
    [],
  );
});

test('roleAssignmentApi: assign SUPER_ADMIN to a user, list, get, unassign', async () => {
  const user = await createUser('Admin');
  const role = await client.roleAssignmentApi.assignRoleToUser({
    userId: user.id,
    assignRoleRequest: { type: 'SUPER_ADMIN' },
  });
  assert.equal(role.type, 'SUPER_ADMIN');
  assert.equal(role.assignmentType, 'USER');
  assert.equal(role.status, 'ACTIVE');
  assert.ok(role.id, 'role assignment id');

  const roles = await collect(await client.roleAssignmentApi.listAssignedRolesForUser({ userId: user.id }));
  assert.deepEqual(roles.map((r) => r.type), ['SUPER_ADMIN']);

  const got = await client.roleAssignmentApi.getUserAssignedRole({ userId: user.id, roleId: role.id });
  assert.equal(got.type, 'SUPER_ADMIN');

  await client.roleAssignmentApi.unassignRoleFromUser({ userId: user.id, roleId: role.id });
  assert.deepEqual(
    await collect(await client.roleAssignmentApi.listAssignedRolesForUser({ userId: user.id })),
    [],
  );
});

test('authorizationServerApi: default server and a custom scope', async () => {
  const as = await client.authorizationServerApi.getAuthorizationServer({ authServerId: 'default' });
  assert.equal(as.id, 'default');
  assert.equal(as.name, 'default');
  assert.deepEqual(as.audiences, ['api://default']);
  assert.equal(as.issuer, `${ORG_URL}/oauth2/default`);

  const name = uniq('compat_node').replace(/-/g, '_') + ':read';
  const scope = await client.authorizationServerApi.createOAuth2Scope({
    authServerId: 'default',
    oAuth2Scope: { name, description: 'compat', consent: 'IMPLICIT', metadataPublish: 'ALL_CLIENTS' },
  });
  created.scopes.push(scope.id);
  assert.ok(scope.id);
  assert.equal(scope.name, name);
  assert.equal(scope.metadataPublish, 'ALL_CLIENTS');

  const scopes = await collect(
    await client.authorizationServerApi.listOAuth2Scopes({ authServerId: 'default' }),
  );
  assert.ok(scopes.some((s) => s.id === scope.id && s.name === name));
  const got = await client.authorizationServerApi.getOAuth2Scope({
    authServerId: 'default',
    scopeId: scope.id,
  });
  assert.equal(got.name, name);

  // metadataPublish ALL_CLIENTS: the scope is advertised by discovery.
  const disco = await (await fetch(`${ORG_URL}/oauth2/default/.well-known/openid-configuration`)).json();
  assert.ok(disco.scopes_supported.includes(name), 'ALL_CLIENTS scope listed in scopes_supported');

  await client.authorizationServerApi.deleteOAuth2Scope({ authServerId: 'default', scopeId: scope.id });
  created.scopes.splice(created.scopes.indexOf(scope.id), 1);
  await assert.rejects(
    client.authorizationServerApi.getOAuth2Scope({ authServerId: 'default', scopeId: scope.id }),
    (err) => {
      assert.equal(err.status, 404);
      return true;
    },
  );
});

test('authorizationServerApi: a groups claim lists the group a user was added to in the ID token', async () => {
  const groupName = uniq('compat-node-konnect');
  const group = await client.groupApi.createGroup({ group: { profile: { name: groupName } } });
  created.groups.push(group.id);
  const user = await createUser('Claimed');
  await client.groupApi.assignUserToGroup({ groupId: group.id, userId: user.id });

  const claimName = uniq('compat_node_groups').replace(/-/g, '_');
  const claim = await client.authorizationServerApi.createOAuth2Claim({
    authServerId: 'default',
    oAuth2Claim: {
      name: claimName,
      status: 'ACTIVE',
      claimType: 'IDENTITY',
      valueType: 'GROUPS',
      group_filter_type: 'EQUALS',
      value: groupName,
      alwaysIncludeInToken: true,
      conditions: { scopes: [] },
    },
  });
  created.claims.push(claim.id);
  assert.ok(claim.id);
  assert.equal(claim.name, claimName);
  assert.equal(claim.group_filter_type, 'EQUALS');
  assert.equal(claim.system, false);
  const listed = await collect(
    await client.authorizationServerApi.listOAuth2Claims({ authServerId: 'default' }),
  );
  assert.ok(listed.some((c) => c.id === claim.id));
  const got = await client.authorizationServerApi.getOAuth2Claim({
    authServerId: 'default',
    claimId: claim.id,
  });
  assert.equal(got.value, groupName);

  const web = await createWebApp({ label: uniq('compat-node-claims') });
  created.apps.push(web.app.id);
  const authorize = new URL(`${ORG_URL}/oauth2/default/v1/authorize`);
  for (const [k, v] of Object.entries({
    client_id: web.clientId,
    redirect_uri: web.redirectUri,
    response_type: 'code',
    scope: 'openid',
    state: 'compat-state',
    nonce: 'compat-nonce',
  })) {
    authorize.searchParams.set(k, v);
  }
  const callback = await authorizeWithSessionToken(authorize.toString(), {
    login: user.profile.login,
    password: 'Compat-Passw0rd!42',
  });
  const res = await fetch(`${ORG_URL}/oauth2/default/v1/token`, {
    method: 'POST',
    headers: {
      Authorization: `Basic ${Buffer.from(`${web.clientId}:${web.clientSecret}`).toString('base64')}`,
      'Content-Type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code: callback.searchParams.get('code'),
      redirect_uri: web.redirectUri,
    }),
  });
  const tokens = await res.json();
  assert.equal(res.status, 200, JSON.stringify(tokens));
  assert.deepEqual(decodeJwtPart(tokens.id_token, 1)[claimName], [groupName]);

  await client.authorizationServerApi.deleteOAuth2Claim({ authServerId: 'default', claimId: claim.id });
  created.claims.splice(created.claims.indexOf(claim.id), 1);
  await deleteApp(web.app.id);
  created.apps.splice(created.apps.indexOf(web.app.id), 1);
});

test('errors: a bad API token is E0000011 and the SDK surfaces Okta error fields', async () => {
  const bad = new okta.Client({ orgUrl: ORG_URL, token: 'not-the-token' });
  await assert.rejects(bad.userApi.getUser({ userId: 'me' }), (err) => {
    assert.equal(err.status, 401);
    assert.equal(err.errorCode, 'E0000011');
    assert.equal(err.errorSummary, 'Invalid token provided');
    assert.match(err.errorId, /^oae/);
    return true;
  });
});

test('applicationSSOPublicKeysApi: rotate a client secret (add, deactivate, delete) with Okta\'s refusals', async () => {
  const app = await client.applicationApi.createApplication({
    application: oidcWebApp(uniq('compat-node-secrets')),
  });
  created.apps.push(app.id);
  const keys = client.applicationSSOPublicKeysApi;
  const [first, ...others] = await collect(await keys.listOAuth2ClientSecrets({ appId: app.id }));
  assert.equal(others.length, 0);
  assert.equal(first.status, 'ACTIVE');
  assert.equal(first.client_secret, app.credentials.oauthClient.client_secret);
  assert.match(first.id, /^ocs[A-Za-z0-9]{17}$/);
  assert.equal(first.secret_hash.length, 22);

  const second = await keys.createOAuth2ClientSecret({ appId: app.id });
  assert.equal(second.status, 'ACTIVE');
  assert.notEqual(second.client_secret, first.client_secret);
  await assert.rejects(keys.createOAuth2ClientSecret({ appId: app.id }), (err) => {
    assert.equal(err.status, 400);
    assert.equal(err.errorCode, 'E0000001');
    return true;
  });
  await assert.rejects(keys.deleteOAuth2ClientSecret({ appId: app.id, secretId: first.id }), (err) => {
    assert.equal(err.status, 400);
    return true;
  });

  const off = await keys.deactivateOAuth2ClientSecret({ appId: app.id, secretId: first.id });
  assert.equal(off.status, 'INACTIVE');
  assert.ok(off._links.activate && off._links._delete, 'an inactive secret links to activate and delete');
  const on = await keys.activateOAuth2ClientSecret({ appId: app.id, secretId: first.id });
  assert.equal(on.status, 'ACTIVE');
  await keys.deactivateOAuth2ClientSecret({ appId: app.id, secretId: first.id });
  await keys.deleteOAuth2ClientSecret({ appId: app.id, secretId: first.id });
  const got = await keys.getOAuth2ClientSecret({ appId: app.id, secretId: second.id });
  assert.equal(got.client_secret, second.client_secret);
  const left = await collect(await keys.listOAuth2ClientSecrets({ appId: app.id }));
  assert.deepEqual(left.map((s) => s.id), [second.id]);
  await assert.rejects(keys.getOAuth2ClientSecret({ appId: app.id, secretId: first.id }), (err) => {
    assert.equal(err.status, 404);
    assert.equal(err.errorCode, 'E0000007');
    return true;
  });
});

test('sessionApi and userApi: create a session from a session token, get, refresh, revoke, revoke all', async () => {
  const user = await createUser('Sessions');
  const login = user.profile.login;
  const newSession = async () => {
    const { sessionToken } = await (
      await fetch(`${ORG_URL}/api/v1/authn`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify({ username: login, password: 'Compat-Passw0rd!42' }),
      })
    ).json();
    return client.sessionApi.createSession({ createSessionRequest: { sessionToken } });
  };
  const session = await newSession();
  assert.equal(session.login, login);
  assert.equal(session.userId, user.id);
  assert.equal(session.status, 'ACTIVE');

  const got = await client.sessionApi.getSession({ sessionId: session.id });
  assert.equal(got.id, session.id);
  const refreshed = await client.sessionApi.refreshSession({ sessionId: session.id });
  assert.equal(refreshed.id, session.id);
  await client.sessionApi.revokeSession({ sessionId: session.id });
  await assert.rejects(client.sessionApi.getSession({ sessionId: session.id }), (err) => {
    assert.equal(err.status, 404);
    assert.equal(err.errorCode, 'E0000007');
    return true;
  });

  const a = await newSession();
  const b = await newSession();
  await client.userApi.revokeUserSessions({ userId: user.id, oauthTokens: true });
  for (const s of [a, b]) {
    await assert.rejects(client.sessionApi.getSession({ sessionId: s.id }), (err) => err.status === 404);
  }
});

test('userApi: expire a password, change it with the old one, Okta\'s E0000014 for a wrong one', async () => {
  const user = await createUser('Passwords');
  const expired = await client.userApi.expirePassword({ userId: user.id });
  assert.equal(expired.status, 'PASSWORD_EXPIRED');
  await assert.rejects(
    client.userApi.changePassword({
      userId: user.id,
      changePasswordRequest: {
        oldPassword: { value: 'not-the-Passw0rd' },
        newPassword: { value: 'Compat-N3w-Passw0rd' },
      },
    }),
    (err) => {
      assert.equal(err.status, 403);
      assert.equal(err.errorCode, 'E0000014');
      return true;
    },
  );
  const creds = await client.userApi.changePassword({
    userId: user.id,
    changePasswordRequest: {
      oldPassword: { value: 'Compat-Passw0rd!42' },
      newPassword: { value: 'Compat-N3w-Passw0rd' },
    },
  });
  assert.equal(creds.provider.type, 'OKTA');
  // Read raw: the SDK caches GETs of a resource it has just read.
  assert.equal((await api('GET', `/api/v1/users/${user.id}`)).status, 'ACTIVE');

  // Wrong passwords until the org's lockout (10 by default), then an admin unlocks.
  for (let i = 0; i < 20; i += 1) {
    await fetch(`${ORG_URL}/api/v1/authn`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ username: user.profile.login, password: `wrong-${i}` }),
    });
    // Read raw: the SDK caches GETs of a resource it has just read.
    if ((await api('GET', `/api/v1/users/${user.id}`)).status === 'LOCKED_OUT') break;
  }
  assert.equal((await api('GET', `/api/v1/users/${user.id}`)).status, 'LOCKED_OUT');
  await client.userApi.unlockUser({ userId: user.id });
  assert.equal((await api('GET', `/api/v1/users/${user.id}`)).status, 'ACTIVE');

  const reset = await client.userApi.generateResetPasswordToken({ userId: user.id, sendEmail: false });
  assert.match(reset.resetPasswordUrl, /\/signin\/reset-password\/[A-Za-z0-9]+$/);
  assert.equal((await api('GET', `/api/v1/users/${user.id}`)).status, 'RECOVERY');
});

test('authn after userApi.expirePassword: PASSWORD_EXPIRED, then change_password with the state token', async () => {
  const user = await createUser('AuthnExpired');
  await client.userApi.expirePassword({ userId: user.id });
  const post = async (path, body) => {
    const res = await fetch(`${ORG_URL}${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: await res.json() };
  };
  const first = await post('/api/v1/authn', { username: user.profile.login, password: 'Compat-Passw0rd!42' });
  assert.equal(first.status, 200);
  assert.equal(first.body.status, 'PASSWORD_EXPIRED');
  assert.equal(first.body.sessionToken, undefined);
  assert.equal(first.body._links.next.name, 'changePassword');
  const wrong = await post(new URL(first.body._links.next.href).pathname, {
    stateToken: first.body.stateToken,
    oldPassword: 'not-the-Passw0rd',
    newPassword: 'Compat-N3w-Passw0rd',
  });
  assert.equal(wrong.status, 403);
  assert.equal(wrong.body.errorCode, 'E0000014');
  const done = await post(new URL(first.body._links.next.href).pathname, {
    stateToken: first.body.stateToken,
    oldPassword: 'Compat-Passw0rd!42',
    newPassword: 'Compat-N3w-Passw0rd',
  });
  assert.equal(done.status, 200);
  assert.equal(done.body.status, 'SUCCESS');
  const session = await client.sessionApi.createSession({ createSessionRequest: { sessionToken: done.body.sessionToken } });
  assert.equal(session.userId, user.id);
  // Read raw: the SDK caches GETs of a resource it has just read.
  assert.equal((await api('GET', `/api/v1/users/${user.id}`)).status, 'ACTIVE');
});

test('authorizationServerApi: deactivate the default server (its discovery answers 404), activate it again', async () => {
  const as = client.authorizationServerApi;
  const discovery = () => fetch(`${ORG_URL}/oauth2/default/.well-known/openid-configuration`);
  await as.deactivateAuthorizationServer({ authServerId: 'default' });
  try {
    // Read raw: the SDK caches GETs of a resource it has just read.
    assert.equal((await api('GET', '/api/v1/authorizationServers/default')).status, 'INACTIVE');
    const res = await discovery();
    assert.equal(res.status, 404);
    assert.equal((await res.json()).errorCode, 'E0000007');
  } finally {
    await as.activateAuthorizationServer({ authServerId: 'default' });
  }
  assert.equal((await api('GET', '/api/v1/authorizationServers/default')).status, 'ACTIVE');
  assert.equal((await discovery()).status, 200);
});

test('authorizationServerApi: the Default Policy, and a policy with rules made, read, replaced, moved, deactivated and deleted', async () => {
  const as = client.authorizationServerApi;
  const policies = await collect(await as.listAuthorizationServerPolicies({ authServerId: 'default' }));
  const dflt = policies.find((p) => p.name === 'Default Policy');
  assert.ok(dflt, 'the default server has its Default Policy');
  assert.deepEqual(dflt.conditions.clients.include, ['ALL_CLIENTS']);
  const rules = await collect(
    await as.listAuthorizationServerPolicyRules({ authServerId: 'default', policyId: dflt.id }),
  );
  assert.ok(rules.some((r) => r.name === 'Default Policy Rule'));

  const made = await as.createAuthorizationServerPolicy({
    authServerId: 'default',
    policy: {
      type: 'OAUTH_AUTHORIZATION_POLICY',
      name: uniq('compat-node-policy'),
      description: 'compat',
      priority: 9,
      conditions: { clients: { include: ['0oacompatnotanapp01'] } },
    },
  });
  try {
    assert.equal(made.status, 'ACTIVE');
    const rule = await as.createAuthorizationServerPolicyRule({
      authServerId: 'default',
      policyId: made.id,
      policyRule: {
        type: 'RESOURCE_ACCESS',
        name: 'compat rule',
        conditions: {
          grantTypes: { include: ['authorization_code'] },
          people: { groups: { include: ['EVERYONE'] } },
          scopes: { include: ['openid'] },
        },
      },
    });
    const got = await as.getAuthorizationServerPolicyRule({
      authServerId: 'default',
      policyId: made.id,
      ruleId: rule.id,
    });
    assert.deepEqual(got.conditions.grantTypes.include, ['authorization_code']);
    const second = await as.createAuthorizationServerPolicyRule({
      authServerId: 'default',
      policyId: made.id,
      policyRule: {
        type: 'RESOURCE_ACCESS',
        name: 'compat second rule',
        conditions: { grantTypes: { include: ['client_credentials'] } },
      },
    });
    assert.equal(second.priority, 2);
    const replaced = await as.replaceAuthorizationServerPolicyRule({
      authServerId: 'default',
      policyId: made.id,
      ruleId: second.id,
      policyRule: {
        type: 'RESOURCE_ACCESS',
        name: 'compat second rule, first now',
        priority: 1,
        conditions: { grantTypes: { include: ['refresh_token'] }, scopes: { include: ['offline_access'] } },
      },
    });
    assert.equal(replaced.id, second.id);
    assert.equal(replaced.priority, 1);
    assert.deepEqual(replaced.conditions.grantTypes.include, ['refresh_token']);
    // Read raw: the SDK caches GETs of a resource it has just read.
    const rulePath = (id) => `/api/v1/authorizationServers/default/policies/${made.id}/rules/${id}`;
    assert.equal((await api('GET', rulePath(rule.id))).priority, 2, 'the rule that held priority 1 moved down');
    await as.deactivateAuthorizationServerPolicyRule({ authServerId: 'default', policyId: made.id, ruleId: second.id });
    assert.equal((await api('GET', rulePath(second.id))).status, 'INACTIVE');
    await as.activateAuthorizationServerPolicyRule({ authServerId: 'default', policyId: made.id, ruleId: second.id });
    assert.equal((await api('GET', rulePath(second.id))).status, 'ACTIVE');
    await assert.rejects(
      as.replaceAuthorizationServerPolicyRule({
        authServerId: 'default',
        policyId: made.id,
        ruleId: second.id,
        policyRule: { type: 'RESOURCE_ACCESS', name: 'no grants' },
      }),
      (err) => {
        assert.equal(err.status, 400);
        return true;
      },
    );
    await as.deleteAuthorizationServerPolicyRule({ authServerId: 'default', policyId: made.id, ruleId: second.id });
    await as.deleteAuthorizationServerPolicyRule({ authServerId: 'default', policyId: made.id, ruleId: rule.id });
  } finally {
    await as.deleteAuthorizationServerPolicy({ authServerId: 'default', policyId: made.id });
  }
  await assert.rejects(as.getAuthorizationServerPolicy({ authServerId: 'default', policyId: made.id }), (err) => {
    assert.equal(err.status, 404);
    return true;
  });
});

test('trustedOriginApi: create, get, replace, deactivate, activate, list, delete', async () => {
  const to = client.trustedOriginApi;
  const origin = `https://${uniq('compat-node').toLowerCase()}.example.com`;
  const made = await to.createTrustedOrigin({
    trustedOrigin: { name: uniq('compat-node-origin'), origin, scopes: [{ type: 'CORS' }] },
  });
  try {
    assert.equal(made.status, 'ACTIVE');
    assert.equal(made.origin, origin);
    assert.deepEqual(made.scopes.map((s) => s.type), ['CORS']);
    const got = await to.getTrustedOrigin({ trustedOriginId: made.id });
    assert.equal(got.id, made.id);
    const replaced = await to.replaceTrustedOrigin({
      trustedOriginId: made.id,
      trustedOrigin: { name: made.name, origin, scopes: [{ type: 'CORS' }, { type: 'REDIRECT' }] },
    });
    assert.deepEqual(replaced.scopes.map((s) => s.type), ['CORS', 'REDIRECT']);
    assert.equal((await to.deactivateTrustedOrigin({ trustedOriginId: made.id })).status, 'INACTIVE');
    assert.equal((await to.activateTrustedOrigin({ trustedOriginId: made.id })).status, 'ACTIVE');
    const all = await collect(await to.listTrustedOrigins({}));
    assert.ok(all.some((t) => t.id === made.id));
  } finally {
    await to.deleteTrustedOrigin({ trustedOriginId: made.id });
  }
});

test('systemLogApi.listLogEvents: admin changes, filters and paging read through the SDK', async () => {
  const since = new Date(Date.now() - 5000).toISOString();
  const user = await createUser('Logged');
  const user2 = await createUser('Logged');
  const until = new Date(Date.now() + 60000).toISOString();
  const filter = `eventType eq "user.lifecycle.create" and (target.id eq "${user.id}" or target.id eq "${user2.id}")`;
  const before = requested.length;
  const events = await collect(
    await client.systemLogApi.listLogEvents({ since, until, filter, limit: 1 }),
  );
  assert.deepEqual(
    events.map((e) => e.target[0].id),
    [user.id, user2.id],
  );
  assert.ok(requested.length - before >= 2, 'the SDK followed the next link');
  const e = events[0];
  assert.equal(e.eventType, 'user.lifecycle.create');
  assert.equal(e.outcome.result, 'SUCCESS');
  assert.equal(e.severity, 'INFO');
  assert.equal(e.target[0].type, 'User');
  assert.equal(e.target[0].alternateId, user.profile.login);
  assert.match(e.uuid, /^[0-9a-f-]{36}$/);
  assert.ok(!Number.isNaN(new Date(e.published).getTime()));
  assert.equal(typeof e.debugContext.debugData, 'object');

  await assert.rejects(
    collect(await client.systemLogApi.listLogEvents({ since: 'yesterday' })),
    (err) => {
      assert.equal(err.status, 400);
      assert.equal(err.errorCode, 'E0000001');
      return true;
    },
  );
});

test('authorizationServerApi: a server created, read, listed, replaced, deactivated and deleted; its own discovery', async () => {
  const as = client.authorizationServerApi;
  const made = await as.createAuthorizationServer({
    authorizationServer: { name: uniq('compat-node-as'), description: 'compat', audiences: ['api://compat-node'] },
  });
  let deleted = false;
  try {
    assert.match(made.id, /^aus/);
    assert.equal(made.issuer, `${ORG_URL}/oauth2/${made.id}`);
    assert.deepEqual(made.audiences, ['api://compat-node']);
    assert.equal(made.status, 'ACTIVE');
    const listed = await collect(await as.listAuthorizationServers());
    assert.ok(listed.some((s) => s.id === made.id));
    assert.ok(listed.some((s) => s.id === 'default'));
    const doc = await (await fetch(`${made.issuer}/.well-known/openid-configuration`)).json();
    assert.equal(doc.issuer, made.issuer);
    const replaced = await as.replaceAuthorizationServer({
      authServerId: made.id,
      authorizationServer: { name: `${made.name}-renamed`, description: 'renamed', audiences: ['api://compat-node-2'] },
    });
    assert.equal(replaced.id, made.id);
    assert.deepEqual(replaced.audiences, ['api://compat-node-2']);
    // Okta deletes only a deactivated server.
    await assert.rejects(as.deleteAuthorizationServer({ authServerId: made.id }), (e) => e.status === 400);
    await as.deactivateAuthorizationServer({ authServerId: made.id });
    assert.equal((await fetch(`${made.issuer}/.well-known/openid-configuration`)).status, 404);
    await as.deleteAuthorizationServer({ authServerId: made.id });
    deleted = true;
    await assert.rejects(as.getAuthorizationServer({ authServerId: made.id }), (e) => e.status === 404);
  } finally {
    if (!deleted) {
      await api('POST', `/api/v1/authorizationServers/${made.id}/lifecycle/deactivate`).catch(() => {});
      await api('DELETE', `/api/v1/authorizationServers/${made.id}`).catch(() => {});
    }
  }
});
