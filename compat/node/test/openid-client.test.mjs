// openid-client (v6, OpenID Certified) against the default custom authorization server and
// the org authorization server: discovery, authorization code + PKCE with full ID token
// validation, userinfo, refresh, introspection, revocation, client_credentials, end-session
// URL. The only test-org switch is its documented `allowInsecureRequests` (plain http).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as client from 'openid-client';

import {
  ORG_URL,
  ISSUER,
  USER,
  api,
  uniq,
  createWebApp,
  createScope,
  deleteApp,
  authorizeWithSessionToken,
} from './helpers.mjs';

const insecure = ORG_URL.startsWith('http:') ? { execute: [client.allowInsecureRequests] } : {};
let web;
let scope;

before(async () => {
  scope = await createScope();
  web = await createWebApp({ label: uniq('compat-oidc') });
});

after(async () => {
  if (web) await deleteApp(web.app.id).catch(() => {});
  if (scope) await api('DELETE', `/api/v1/authorizationServers/default/scopes/${scope.id}`).catch(() => {});
});

async function discover(issuer = ISSUER, options = {}) {
  return client.discovery(
    new URL(issuer),
    web.clientId,
    undefined,
    client.ClientSecretBasic(web.clientSecret),
    { ...insecure, ...options },
  );
}

/** Runs the code + PKCE flow non-interactively and returns the token response. */
async function codeFlow(config, scopeParam) {
  const codeVerifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const authUrl = client.buildAuthorizationUrl(config, {
    redirect_uri: web.redirectUri,
    scope: scopeParam,
    code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
    state,
    nonce,
  });
  const callback = await authorizeWithSessionToken(authUrl, USER);
  assert.equal(`${callback.origin}${callback.pathname}`, web.redirectUri);
  assert.match(callback.searchParams.get('code') ?? '', /^[A-Za-z0-9_-]{20,}$/);
  const tokens = await client.authorizationCodeGrant(config, callback, {
    pkceCodeVerifier: codeVerifier,
    expectedState: state,
    expectedNonce: nonce,
    idTokenExpected: true,
  });
  return { tokens, nonce };
}

test('discovery of the default authorization server', async () => {
  const config = await discover();
  const md = config.serverMetadata();
  assert.equal(md.issuer, ISSUER);
  assert.equal(md.authorization_endpoint, `${ISSUER}/v1/authorize`);
  assert.equal(md.token_endpoint, `${ISSUER}/v1/token`);
  assert.equal(md.userinfo_endpoint, `${ISSUER}/v1/userinfo`);
  assert.equal(md.jwks_uri, `${ISSUER}/v1/keys`);
  assert.equal(md.introspection_endpoint, `${ISSUER}/v1/introspect`);
  assert.equal(md.revocation_endpoint, `${ISSUER}/v1/revoke`);
  assert.equal(md.end_session_endpoint, `${ISSUER}/v1/logout`);
  assert.ok(md.code_challenge_methods_supported.includes('S256'));
  assert.deepEqual(md.id_token_signing_alg_values_supported, ['RS256']);
  assert.equal(config.clientMetadata().client_id, web.clientId);
});

test('oauth-authorization-server metadata of the default authorization server', async () => {
  // Okta serves RFC 8414 metadata under the issuer path (not the RFC's inserted form), so
  // the library is given the well-known URL itself, as Okta's docs show.
  const config = await discover(`${ISSUER}/.well-known/oauth-authorization-server`);
  const md = config.serverMetadata();
  assert.equal(md.issuer, ISSUER);
  assert.ok(md.grant_types_supported.includes('client_credentials'));
  assert.equal(md.userinfo_endpoint, undefined);
});

test('authorization code + PKCE, ID token validation, userinfo, refresh, introspection, revocation', async () => {
  const config = await discover();
  const { tokens, nonce } = await codeFlow(config, 'openid profile email offline_access');

  assert.equal(tokens.token_type.toLowerCase(), 'bearer');
  assert.equal(tokens.expires_in, 3600);
  assert.ok(tokens.access_token);
  assert.ok(tokens.refresh_token, 'offline_access + refresh_token grant gives a refresh token');
  assert.deepEqual(tokens.scope.split(' ').sort(), ['email', 'offline_access', 'openid', 'profile']);

  const claims = tokens.claims();
  assert.equal(claims.iss, ISSUER);
  assert.equal(claims.aud, web.clientId);
  assert.equal(claims.nonce, nonce);
  assert.match(claims.sub, /^00u[A-Za-z0-9]{17}$/);
  assert.equal(claims.preferred_username, USER.login);
  assert.ok(claims.at_hash, 'at_hash present alongside an access token');

  const userinfo = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
  assert.equal(userinfo.sub, claims.sub);
  assert.equal(userinfo.email, USER.login);
  assert.equal(userinfo.preferred_username, USER.login);

  const introspected = await client.tokenIntrospection(config, tokens.access_token, {
    token_type_hint: 'access_token',
  });
  assert.equal(introspected.active, true);
  assert.equal(introspected.client_id, web.clientId);
  assert.equal(introspected.token_type, 'Bearer');
  assert.equal(introspected.username, USER.login);
  assert.equal(introspected.uid, claims.sub);
  assert.equal(introspected.iss, ISSUER);

  const rtInfo = await client.tokenIntrospection(config, tokens.refresh_token, {
    token_type_hint: 'refresh_token',
  });
  assert.equal(rtInfo.active, true);
  assert.equal(rtInfo.client_id, web.clientId);

  const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token);
  assert.ok(refreshed.access_token);
  assert.notEqual(refreshed.access_token, tokens.access_token);
  assert.ok(refreshed.id_token, 'openid was granted, so the refresh returns an ID token');
  assert.equal(refreshed.claims().sub, claims.sub);
  assert.equal(refreshed.refresh_token, tokens.refresh_token, 'STATIC rotation keeps the refresh token');

  await client.tokenRevocation(config, refreshed.access_token, { token_type_hint: 'access_token' });
  const revokedAt = await client.tokenIntrospection(config, refreshed.access_token);
  assert.equal(revokedAt.active, false);

  await client.tokenRevocation(config, tokens.refresh_token, { token_type_hint: 'refresh_token' });
  const revokedRt = await client.tokenIntrospection(config, tokens.refresh_token);
  assert.equal(revokedRt.active, false);
  await assert.rejects(client.refreshTokenGrant(config, tokens.refresh_token), (err) => {
    assert.equal(err.error, 'invalid_grant');
    return true;
  });

  // Revoking an unknown token is still a 200 (RFC 7009), which the library accepts.
  await client.tokenRevocation(config, 'not-a-real-token');

  // The end-session URL built from discovery.
  const logout = client.buildEndSessionUrl(config, {
    id_token_hint: tokens.id_token,
    post_logout_redirect_uri: 'http://localhost:8765/',
  });
  assert.equal(`${logout.origin}${logout.pathname}`, `${ISSUER}/v1/logout`);
});

test('authorization code against the org authorization server', async () => {
  const config = await discover(ORG_URL);
  assert.equal(config.serverMetadata().issuer, ORG_URL);
  assert.equal(config.serverMetadata().token_endpoint, `${ORG_URL}/oauth2/v1/token`);
  const { tokens } = await codeFlow(config, 'openid profile email');
  const claims = tokens.claims();
  assert.equal(claims.iss, ORG_URL);
  assert.equal(claims.aud, web.clientId);
  const userinfo = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
  assert.equal(userinfo.sub, claims.sub);
});

test('client_credentials with a custom scope', async () => {
  const config = await discover();
  const tokens = await client.clientCredentialsGrant(config, { scope: scope.name });
  assert.equal(tokens.token_type.toLowerCase(), 'bearer');
  assert.equal(tokens.scope, scope.name);
  assert.equal(tokens.id_token, undefined);
  const info = await client.tokenIntrospection(config, tokens.access_token);
  assert.equal(info.active, true);
  assert.equal(info.client_id, web.clientId);
  assert.equal(info.sub, web.clientId);
  assert.equal(info.scope, scope.name);
});

test('OAuth errors reach the caller with Okta status and error codes', async () => {
  const config = await discover();
  await assert.rejects(
    client.clientCredentialsGrant(config, { scope: 'no_such_scope_here' }),
    (err) => {
      assert.equal(err.error, 'invalid_scope');
      assert.equal(err.status, 400);
      return true;
    },
  );
  const badSecret = await client.discovery(
    new URL(ISSUER),
    web.clientId,
    undefined,
    client.ClientSecretBasic('wrong-secret-wrong-secret-wrong'),
    insecure,
  );
  // A wrong Basic secret is a 401 invalid_client. If the server adds a WWW-Authenticate
  // challenge (RFC 6749 5.2) the library raises WWWAuthenticateChallengeError instead of
  // ResponseBodyError; either way the status and the OAuth error body must be Okta's.
  const err = await client.clientCredentialsGrant(badSecret, { scope: scope.name }).then(
    () => assert.fail('a wrong client secret was accepted'),
    (e) => e,
  );
  assert.equal(err.status, 401, String(err));
  const body = err.error ? { error: err.error } : await err.response.json();
  assert.equal(body.error, 'invalid_client');
});
