// @okta/jwt-verifier (v4): access tokens from client_credentials (custom scope) and from the
// authorization-code flow, and ID tokens with nonce, all verified against the org's JWKS.
// The only test-org switch is its documented `testing.disableHttpsCheck` (plain-http issuer).
// Fixtures (app, scope) are made with raw Management API calls and the code flow with plain
// fetch, so a failure here is about token shape / keys, not another library.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import OktaJwtVerifier from '@okta/jwt-verifier';

import {
  ISSUER,
  USER,
  api,
  uniq,
  createWebApp,
  createScope,
  deleteApp,
  authorizeWithSessionToken,
  decodeJwtPart,
} from './helpers.mjs';

const testing = { disableHttpsCheck: ISSUER.startsWith('http:') };
let web;
let scope;

before(async () => {
  scope = await createScope();
  web = await createWebApp({ label: uniq('compat-jwt') });
});

after(async () => {
  if (web) await deleteApp(web.app.id).catch(() => {});
  if (scope) await api('DELETE', `/api/v1/authorizationServers/default/scopes/${scope.id}`).catch(() => {});
});

function basic(id, secret) {
  return `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;
}

async function tokenRequest(params) {
  const res = await fetch(`${ISSUER}/v1/token`, {
    method: 'POST',
    headers: {
      Authorization: basic(web.clientId, web.clientSecret),
      'Content-Type': 'application/x-www-form-urlencoded',
      Accept: 'application/json',
    },
    body: new URLSearchParams(params),
  });
  const body = await res.json();
  assert.equal(res.status, 200, `token endpoint: ${JSON.stringify(body)}`);
  return body;
}

async function codeFlowTokens(nonce) {
  const verifier = randomBytes(32).toString('base64url');
  const state = randomBytes(8).toString('hex');
  const url = new URL(`${ISSUER}/v1/authorize`);
  url.search = new URLSearchParams({
    client_id: web.clientId,
    response_type: 'code',
    scope: 'openid profile email',
    redirect_uri: web.redirectUri,
    state,
    nonce,
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
  }).toString();
  const back = await authorizeWithSessionToken(url, USER);
  assert.equal(back.searchParams.get('state'), state);
  return tokenRequest({
    grant_type: 'authorization_code',
    code: back.searchParams.get('code'),
    redirect_uri: web.redirectUri,
    code_verifier: verifier,
  });
}

test('verifyAccessToken: client_credentials token with a custom scope, aud and cid asserted', async () => {
  const tokens = await tokenRequest({ grant_type: 'client_credentials', scope: scope.name });
  assert.equal(tokens.token_type, 'Bearer');
  assert.equal(tokens.scope, scope.name);

  const verifier = new OktaJwtVerifier({
    issuer: ISSUER,
    clientId: web.clientId,
    assertClaims: { cid: web.clientId, 'scp.includes': [scope.name] },
    testing,
  });
  const jwt = await verifier.verifyAccessToken(tokens.access_token, 'api://default');
  assert.equal(jwt.claims.iss, ISSUER);
  assert.equal(jwt.claims.aud, 'api://default');
  assert.equal(jwt.claims.cid, web.clientId);
  assert.equal(jwt.claims.sub, web.clientId, 'client_credentials: sub is the client id');
  assert.equal(jwt.claims.uid, undefined, 'client_credentials: no uid');
  assert.deepEqual(jwt.claims.scp, [scope.name]);
  assert.equal(jwt.header.alg, 'RS256');
  assert.ok(jwt.header.kid);
  assert.equal(jwt.isExpired(), false);

  // Array form of the expected audience, as Okta's README shows.
  await verifier.verifyAccessToken(tokens.access_token, ['api://other', 'api://default']);

  // Wrong audience / wrong asserted cid are rejected.
  await assert.rejects(verifier.verifyAccessToken(tokens.access_token, 'api://other'), /audience/);
  const wrongCid = new OktaJwtVerifier({
    issuer: ISSUER,
    assertClaims: { cid: '0oaNOTTHECLIENT00000' },
    testing,
  });
  await assert.rejects(wrongCid.verifyAccessToken(tokens.access_token, 'api://default'), /cid/);

  // A tampered signature is rejected (the key really comes from the org's JWKS).
  const [h, p, sig] = tokens.access_token.split('.');
  const flipped = `${h}.${p}.${sig.startsWith('A') ? 'B' : 'A'}${sig.slice(1)}`;
  await assert.rejects(verifier.verifyAccessToken(flipped, 'api://default'));
});

test('verifyAccessToken + verifyIdToken: authorization-code flow tokens (nonce, client id)', async () => {
  const nonce = randomBytes(12).toString('hex');
  const tokens = await codeFlowTokens(nonce);
  assert.ok(tokens.access_token && tokens.id_token, JSON.stringify(tokens));

  const verifier = new OktaJwtVerifier({
    issuer: ISSUER,
    clientId: web.clientId,
    assertClaims: { aud: 'api://default', cid: web.clientId },
    testing,
  });

  const at = await verifier.verifyAccessToken(tokens.access_token, 'api://default');
  assert.equal(at.claims.cid, web.clientId);
  assert.equal(at.claims.sub, USER.login, 'access token sub is the login');
  assert.match(at.claims.uid, /^00u/);
  assert.deepEqual([...at.claims.scp].sort(), ['email', 'openid', 'profile']);

  const idVerifier = new OktaJwtVerifier({ issuer: ISSUER, clientId: web.clientId, testing });
  const id = await idVerifier.verifyIdToken(tokens.id_token, web.clientId, nonce);
  assert.equal(id.claims.aud, web.clientId);
  assert.equal(id.claims.nonce, nonce);
  assert.equal(id.claims.sub, at.claims.uid, 'ID token sub is the user id');
  assert.equal(id.claims.iss, ISSUER);
  assert.equal(id.claims.preferred_username, USER.login);
  assert.deepEqual(decodeJwtPart(tokens.id_token, 0), { kid: id.header.kid, alg: 'RS256' });

  await assert.rejects(idVerifier.verifyIdToken(tokens.id_token, web.clientId, 'other-nonce'), /nonce/);
  await assert.rejects(idVerifier.verifyIdToken(tokens.id_token, '0oaSOMEOTHERCLIENT00', nonce), /client id/);
  // An access token is not an ID token for this client.
  await assert.rejects(idVerifier.verifyIdToken(tokens.access_token, web.clientId, nonce));
});

test('the verifier refuses a plain-http issuer unless testing.disableHttpsCheck is set', () => {
  if (ISSUER.startsWith('http:')) {
    assert.throws(() => new OktaJwtVerifier({ issuer: ISSUER }), /must start with https/);
  } else {
    assert.ok(new OktaJwtVerifier({ issuer: ISSUER }));
  }
});
