// Shared set-up for the compat tests: the org URL and API token from the environment, a
// tiny raw Management API client (used only to *prepare* fixtures for the OIDC libraries, so
// a failure there is not blamed on the library under test), and the non-interactive
// authorization-code helper (`/api/v1/authn` session token + `/authorize?sessionToken=`).
//
// Nothing here is specific to mock-okta: pointed at a real Okta org (with an API token of a
// super admin) the same code works.

import { randomBytes } from 'node:crypto';

export const ORG_URL = (process.env.OKTA_ORG_URL ?? '').replace(/\/+$/, '');
export const API_TOKEN = process.env.OKTA_API_TOKEN ?? '';
if (!ORG_URL || !API_TOKEN) {
  throw new Error('OKTA_ORG_URL and OKTA_API_TOKEN must be set (compat/run.sh sets them)');
}
/** The `default` custom authorization server. */
export const ISSUER = `${ORG_URL}/oauth2/default`;

export const ADMIN = {
  login: process.env.OKTA_ADMIN_LOGIN ?? 'admin@example.com',
  password: process.env.OKTA_ADMIN_PASSWORD ?? 'Admin-Passw0rd!',
};
export const USER = {
  login: process.env.OKTA_USER_LOGIN ?? 'user@example.com',
  password: process.env.OKTA_USER_PASSWORD ?? 'User-Passw0rd!',
};

/** A short random suffix so runs (and the Python suite) never collide on names. */
export function uniq(prefix) {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
}

/** A raw Management API call; throws with the full response on a non-2xx answer. */
export async function api(method, path, body) {
  const headers = {
    Authorization: `SSWS ${API_TOKEN}`,
    Accept: 'application/json',
  };
  const init = { method, headers };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const res = await fetch(`${ORG_URL}${path}`, init);
  const text = await res.text();
  if (!res.ok) {
    throw new Error(`${method} ${path} -> ${res.status}: ${text}`);
  }
  return text ? JSON.parse(text) : null;
}

/**
 * Creates an active OIDC web app (Okta's `oidc_client` shape) and assigns it to Everyone,
 * so any active user may sign in to it.
 */
export async function createWebApp({
  label = uniq('compat-web'),
  redirectUri = 'http://localhost:8765/callback',
  grantTypes = ['authorization_code', 'refresh_token', 'client_credentials'],
  authMethod = 'client_secret_basic',
} = {}) {
  const app = await api('POST', '/api/v1/apps', {
    name: 'oidc_client',
    label,
    signOnMode: 'OPENID_CONNECT',
    credentials: { oauthClient: { token_endpoint_auth_method: authMethod } },
    settings: {
      oauthClient: {
        redirect_uris: [redirectUri],
        response_types: ['code'],
        grant_types: grantTypes,
        application_type: 'web',
        consent_method: 'TRUSTED',
      },
    },
  });
  const everyone = await everyoneGroup();
  await api('PUT', `/api/v1/apps/${app.id}/groups/${everyone.id}`, {});
  return {
    app,
    clientId: app.credentials.oauthClient.client_id,
    clientSecret: app.credentials.oauthClient.client_secret,
    redirectUri,
  };
}

export async function everyoneGroup() {
  const groups = await api('GET', `/api/v1/groups?q=${encodeURIComponent('Everyone')}`);
  const everyone = groups.find((g) => g.type === 'BUILT_IN' && g.profile.name === 'Everyone');
  if (!everyone) throw new Error(`no BUILT_IN Everyone group in ${JSON.stringify(groups)}`);
  return everyone;
}

/** Deactivates then deletes an app (Okta refuses to delete an active one). */
export async function deleteApp(appId) {
  await api('POST', `/api/v1/apps/${appId}/lifecycle/deactivate`);
  await api('DELETE', `/api/v1/apps/${appId}`);
}

/** Creates a custom scope on the default authorization server. */
export async function createScope(name = uniq('compat:read').replace(/-/g, '_')) {
  return api('POST', '/api/v1/authorizationServers/default/scopes', {
    name,
    description: 'compat suite scope',
    consent: 'IMPLICIT',
    metadataPublish: 'NO_CLIENTS',
  });
}

/** `POST /api/v1/authn` → a one-time session token. */
export async function sessionToken({ login, password }) {
  const res = await fetch(`${ORG_URL}/api/v1/authn`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify({ username: login, password }),
  });
  const body = await res.json();
  if (res.status !== 200 || body.status !== 'SUCCESS' || !body.sessionToken) {
    throw new Error(`/api/v1/authn -> ${res.status}: ${JSON.stringify(body)}`);
  }
  return body.sessionToken;
}

/**
 * Follows an authorize URL non-interactively: adds `sessionToken`, does not follow
 * redirects, and returns the redirect target (as a URL) that carries `code` and `state`.
 */
export async function authorizeWithSessionToken(authorizeUrl, user = USER) {
  const url = new URL(authorizeUrl);
  url.searchParams.set('sessionToken', await sessionToken(user));
  const res = await fetch(url, { redirect: 'manual' });
  const location = res.headers.get('location');
  if (res.status !== 302 || !location) {
    throw new Error(`GET ${url} -> ${res.status} (Location: ${location}): ${await res.text()}`);
  }
  return new URL(location, url);
}

export function decodeJwtPart(jwt, index) {
  return JSON.parse(Buffer.from(jwt.split('.')[index], 'base64url').toString('utf8'));
}
