// @okta/okta-sdk-nodejs (v8) in its "OAuth for Okta" mode (authorizationMode: 'PrivateKey'):
// a service app with private_key_jwt, granted okta.* scopes, gets a token from the org
// authorization server (the SDK builds the client assertion itself) and calls the
// Management API with it. Fixtures are made with the raw SSWS helper.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import okta from '@okta/okta-sdk-nodejs';

import { ORG_URL, ADMIN, api, uniq } from './helpers.mjs';

const kid = uniq('compat-key');
const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const publicJwk = { ...publicKey.export({ format: 'jwk' }), kid };
const privateJwk = { ...privateKey.export({ format: 'jwk' }), kid };

let app;

before(async () => {
  app = await api('POST', '/api/v1/apps', {
    name: 'oidc_client',
    label: uniq('compat-service'),
    signOnMode: 'OPENID_CONNECT',
    credentials: { oauthClient: { token_endpoint_auth_method: 'private_key_jwt' } },
    settings: {
      oauthClient: {
        application_type: 'service',
        grant_types: ['client_credentials'],
        response_types: ['token'],
        jwks: { keys: [publicJwk] },
      },
    },
  });
  for (const scopeId of ['okta.users.read', 'okta.groups.read']) {
    await api('POST', `/api/v1/apps/${app.id}/grants`, { issuer: ORG_URL, scopeId });
  }
});

after(async () => {
  if (app) {
    await api('POST', `/api/v1/apps/${app.id}/lifecycle/deactivate`);
    await api('DELETE', `/api/v1/apps/${app.id}`);
  }
});

function sdk(scopes) {
  return new okta.Client({
    orgUrl: ORG_URL,
    authorizationMode: 'PrivateKey',
    clientId: app.credentials.oauthClient.client_id,
    scopes,
    privateKey: privateJwk,
    keyId: kid,
  });
}

test('PrivateKey mode reads users and groups with the granted scopes', async () => {
  const client = sdk(['okta.users.read', 'okta.groups.read']);
  const users = [];
  for await (const u of await client.userApi.listUsers()) {
    if (u) users.push(u.profile.login);
  }
  assert.ok(users.includes(ADMIN.login), `users: ${users}`);
  const groups = [];
  for await (const g of await client.groupApi.listGroups()) {
    if (g) groups.push(g.profile.name);
  }
  assert.ok(groups.includes('Everyone'), `groups: ${groups}`);
});

test('PrivateKey mode is refused what the scopes do not cover', async () => {
  const client = sdk(['okta.users.read']);
  await assert.rejects(
    client.userApi.createUser({
      body: { profile: { firstName: 'No', lastName: 'Scope', email: 'no@example.com', login: 'no@example.com' } },
    }),
    (err) => err.status === 403,
  );
});

test('PrivateKey mode gets no access with a scope that was not granted', async () => {
  // The token request is refused (invalid_scope); the SDK then calls the API without a
  // usable token, which the API answers with E0000011.
  const client = sdk(['okta.apps.read']);
  await assert.rejects(async () => {
    for await (const a of await client.applicationApi.listApplications()) {
      void a;
    }
  }, (err) => err.status === 401 && err.errorCode === 'E0000011');
});
