//! Whole flows: code + PKCE checked by a strict relying party, refresh, userinfo,
//! introspect, revoke, logout, SSO across two apps, implicit and form_post.

use openidconnect::{
    AccessTokenHash, AuthorizationCode, ClientId, ClientSecret, CsrfToken, IssuerUrl, Nonce,
    OAuth2TokenResponse, PkceCodeChallenge, RedirectUrl, Scope, TokenResponse,
    core::{CoreAuthenticationFlow, CoreClient, CoreProviderMetadata, CoreUserInfoClaims},
};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::support::*;

fn rp_http() -> openidconnect::reqwest::Client {
    openidconnect::reqwest::ClientBuilder::new()
        .redirect(openidconnect::reqwest::redirect::Policy::none())
        .build()
        .expect("rp client")
}

#[tokio::test]
async fn a_strict_relying_party_completes_the_code_flow_with_pkce() {
    let h = Harness::start().await;
    let app = h.web_app(&["authorization_code", "refresh_token"]).await;
    let http = rp_http();
    let meta = CoreProviderMetadata::discover_async(IssuerUrl::new(h.issuer()).unwrap(), &http)
        .await
        .expect("discovery passes openidconnect's strict checks");
    let client = CoreClient::from_provider_metadata(
        meta,
        ClientId::new(app.client_id.clone()),
        app.client_secret.clone().map(ClientSecret::new),
    )
    .set_redirect_uri(RedirectUrl::new(REDIRECT.to_owned()).unwrap());
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let (auth_url, csrf, nonce) = client
        .authorize_url(
            CoreAuthenticationFlow::AuthorizationCode,
            CsrfToken::new_random,
            Nonce::new_random,
        )
        .add_scope(Scope::new("profile".into()))
        .add_scope(Scope::new("email".into()))
        .add_scope(Scope::new("offline_access".into()))
        .set_pkce_challenge(challenge)
        .url();
    let back = sign_in_through_page(&h, auth_url.as_str(), USER.0, USER.1).await;
    assert!(back.starts_with(&format!("{REDIRECT}?code=")), "{back}");
    let p = params(&back);
    assert_eq!(p["state"], *csrf.secret());
    assert_eq!(p["code"].len(), 43);

    let tokens = client
        .exchange_code(AuthorizationCode::new(p["code"].clone()))
        .unwrap()
        .set_pkce_verifier(verifier)
        .request_async(&http)
        .await
        .expect("code exchange");
    let id_token = tokens.id_token().expect("id_token");
    let verifier = client.id_token_verifier();
    let claims = id_token
        .claims(&verifier, &nonce)
        .expect("ID token verifies");
    let expected_hash = AccessTokenHash::from_token(
        tokens.access_token(),
        id_token.signing_alg().unwrap(),
        id_token.signing_key(&verifier).unwrap(),
    )
    .unwrap();
    assert_eq!(claims.access_token_hash(), Some(&expected_hash));
    assert_eq!(claims.email().map(|e| e.as_str()), Some(USER.0));
    assert!(
        tokens.refresh_token().is_some(),
        "offline_access + refresh grant gives a refresh token"
    );

    // Okta's shapes: header kid then alg; claims in Okta's order; access token for api://default.
    let raw_id = id_token.to_string();
    assert!(
        jwt_raw(&raw_id, 0).starts_with("{\"kid\":\""),
        "{}",
        jwt_raw(&raw_id, 0)
    );
    assert!(jwt_raw(&raw_id, 0).ends_with("\"alg\":\"RS256\"}"));
    let id_json = jwt_raw(&raw_id, 1);
    assert!(id_json.starts_with("{\"sub\":\"00u"), "{id_json}");
    let order = [
        "\"sub\"",
        "\"name\"",
        "\"email\"",
        "\"ver\"",
        "\"iss\"",
        "\"aud\"",
        "\"iat\"",
        "\"exp\"",
        "\"jti\":\"ID.",
        "\"amr\"",
        "\"idp\"",
        "\"nonce\"",
        "\"preferred_username\"",
        "\"auth_time\"",
        "\"at_hash\"",
    ];
    let positions: Vec<usize> = order
        .iter()
        .map(|k| {
            id_json
                .find(k)
                .unwrap_or_else(|| panic!("{k} in {id_json}"))
        })
        .collect();
    assert!(
        positions.windows(2).all(|w| w[0] < w[1]),
        "claim order: {id_json}"
    );
    let (_, at) = jwt_parts(tokens.access_token().secret());
    assert_eq!(at["aud"], "api://default");
    assert_eq!(at["sub"], USER.0);
    assert_eq!(at["cid"], app.client_id.as_str());
    assert!(at["jti"].as_str().unwrap().starts_with("AT."));
    assert!(
        at["jti"].as_str().unwrap().contains(".oar"),
        "refresh-backed jti"
    );
    assert_eq!(
        at["scp"],
        json!(["openid", "profile", "email", "offline_access"])
    );
    assert_eq!(
        at["exp"].as_i64().unwrap() - at["iat"].as_i64().unwrap(),
        3600
    );

    let info: CoreUserInfoClaims = client
        .user_info(tokens.access_token().to_owned(), None)
        .unwrap()
        .request_async(&http)
        .await
        .expect("userinfo");
    assert_eq!(info.email().map(|e| e.as_str()), Some(USER.0));
    assert_eq!(info.subject().as_str(), claims.subject().as_str());
}

#[tokio::test]
async fn refresh_introspect_revoke_and_logout() {
    let h = Harness::start().await;
    let app = h.web_app(&["authorization_code", "refresh_token"]).await;
    let token = session_token(&h, USER.0, USER.1).await;
    let res = h
        .http
        .get(authorize_url(
            &h,
            &app.client_id,
            &[
                ("scope", "openid profile offline_access"),
                ("sessionToken", &token),
            ],
        ))
        .reply()
        .await;
    assert_eq!(res.status, StatusCode::FOUND);
    let code = params(&location(&res))["code"].clone();
    let res = exchange(&h, &app, &code, &[]).await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(res.headers["cache-control"], "no-cache, no-store");
    assert_eq!(res.headers["pragma"], "no-cache");
    assert!(res.headers.contains_key("x-rate-limit-remaining"));
    let body = res.text;
    assert!(
        body.starts_with("{\"token_type\":\"Bearer\",\"expires_in\":3600,\"access_token\":\"ey"),
        "{body}"
    );
    let t: Value = serde_json::from_str(&body).unwrap();
    let refresh = t["refresh_token"].as_str().unwrap().to_owned();
    assert_eq!(refresh.len(), 43);

    // Refresh (static rotation for web apps: the same refresh token comes back).
    let res = h
        .http
        .post(h.url("/oauth2/default/v1/token"))
        .basic_auth(&app.client_id, app.client_secret.as_deref())
        .form(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh.as_str()),
            ("scope", "openid offline_access"),
        ])
        .reply()
        .await;
    assert_eq!(res.status, StatusCode::OK);
    let r: Value = res.json;
    assert_eq!(r["refresh_token"], refresh.as_str());
    assert_eq!(r["scope"], "openid offline_access");
    assert!(r["id_token"].is_string());
    // Asking for more than was granted is refused.
    let res = h
        .http
        .post(h.url("/oauth2/default/v1/token"))
        .basic_auth(&app.client_id, app.client_secret.as_deref())
        .form(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh.as_str()),
            ("scope", "openid email"),
        ])
        .reply()
        .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert_eq!(res.json["error"], "invalid_scope");

    // Introspection of the access token, then revocation.
    let access = r["access_token"].as_str().unwrap().to_owned();
    let introspect = |tok: String| {
        h.http
            .post(h.url("/oauth2/default/v1/introspect"))
            .basic_auth(&app.client_id, app.client_secret.as_deref())
            .form(&[
                ("token", tok),
                ("token_type_hint", "access_token".to_owned()),
            ])
            .reply()
    };
    let i: Value = introspect(access.clone()).await.json;
    assert_eq!(i["active"], true);
    assert_eq!(i["username"], USER.0);
    assert_eq!(i["client_id"], app.client_id.as_str());
    assert_eq!(i["token_type"], "Bearer");
    let res = h
        .http
        .post(h.url("/oauth2/default/v1/revoke"))
        .basic_auth(&app.client_id, app.client_secret.as_deref())
        .form(&[("token", access.as_str())])
        .reply()
        .await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(res.text.is_empty());
    let i: Value = introspect(access.clone()).await.json;
    assert_eq!(i, json!({"active": false}));
    let res = h
        .http
        .get(h.url("/oauth2/default/v1/userinfo"))
        .bearer_auth(&access)
        .reply()
        .await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    assert!(
        res.headers["www-authenticate"]
            .to_str()
            .unwrap()
            .contains("error=\"invalid_token\"")
    );
    // Revoking the refresh token ends it.
    let i: Value = introspect(refresh.clone()).await.json;
    assert_eq!(i["active"], true);
    h.http
        .post(h.url("/oauth2/default/v1/revoke"))
        .basic_auth(&app.client_id, app.client_secret.as_deref())
        .form(&[("token", refresh.as_str())])
        .reply()
        .await;
    let i: Value = introspect(refresh.clone()).await.json;
    assert_eq!(i["active"], false);

    // Logout ends the Okta session and returns to the registered sign-out URI with state.
    let id_token = t["id_token"].as_str().unwrap();
    let mut url = url::Url::parse(&h.url("/oauth2/default/v1/logout")).unwrap();
    url.query_pairs_mut()
        .append_pair("id_token_hint", id_token)
        .append_pair("post_logout_redirect_uri", LOGOUT_REDIRECT)
        .append_pair("state", "bye");
    let res = h.http.get(url.as_str()).reply().await;
    assert_eq!(res.status, StatusCode::FOUND);
    assert_eq!(location(&res), format!("{LOGOUT_REDIRECT}?state=bye"));
    let res = h
        .http
        .get(authorize_url(&h, &app.client_id, &[("prompt", "none")]))
        .reply()
        .await;
    let p = params(&location(&res));
    assert_eq!(p["error"], "login_required", "the session is gone");
    // An unregistered sign-out URI gets Okta's error page.
    let mut url = url::Url::parse(&h.url("/oauth2/default/v1/logout")).unwrap();
    url.query_pairs_mut()
        .append_pair("id_token_hint", id_token)
        .append_pair("post_logout_redirect_uri", "https://evil.example/");
    let res = h.http.get(url.as_str()).reply().await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert!(res.text.contains("must be a Logout redirect URI"));
}

#[tokio::test]
async fn one_sign_in_gives_sso_to_every_app_of_the_org() {
    let h = Harness::start().await;
    let first = h.web_app(&["authorization_code"]).await;
    let second = h.web_app(&["authorization_code"]).await;
    let back = sign_in_through_page(
        &h,
        &authorize_url(&h, &first.client_id, &[]),
        USER.0,
        USER.1,
    )
    .await;
    assert!(params(&back).contains_key("code"));
    // The second app gets a code at once, without the sign-in page.
    let res = h
        .http
        .get(authorize_url(&h, &second.client_id, &[]))
        .reply()
        .await;
    assert_eq!(res.status, StatusCode::FOUND);
    let back = location(&res);
    assert!(back.starts_with(REDIRECT), "{back}");
    let code = params(&back)["code"].clone();
    let res = exchange(&h, &second, &code, &[]).await;
    assert_eq!(res.status, StatusCode::OK);
    let t: Value = res.json;
    let (_, id) = jwt_parts(t["id_token"].as_str().unwrap());
    assert_eq!(id["aud"], second.client_id.as_str());
    assert_eq!(id["nonce"], "nonce-123");
    // prompt=login forces the sign-in page even with a session, and then comes back.
    let back = sign_in_through_page(
        &h,
        &authorize_url(&h, &second.client_id, &[("prompt", "login")]),
        USER.0,
        USER.1,
    )
    .await;
    assert!(params(&back).contains_key("code"));
    // Sign-out ends SSO.
    let res = h.http.get(h.url("/login/signout")).reply().await;
    assert_eq!(res.status, StatusCode::FOUND);
    let res = h
        .http
        .get(authorize_url(&h, &first.client_id, &[]))
        .reply()
        .await;
    assert!(location(&res).contains("/login/login.htm"));
}

#[tokio::test]
async fn implicit_and_hybrid_responses_by_fragment_and_form_post() {
    let h = Harness::start().await;
    let app = h
        .create_app(
            json!({"application_type": "web", "redirect_uris": [REDIRECT],
                   "grant_types": ["authorization_code", "implicit"],
                   "response_types": ["code", "token", "id_token"]}),
            json!({"token_endpoint_auth_method": "client_secret_post"}),
        )
        .await;
    let token = session_token(&h, USER.0, USER.1).await;
    let res = h
        .http
        .get(authorize_url(
            &h,
            &app.client_id,
            &[
                ("response_type", "id_token token"),
                ("sessionToken", &token),
            ],
        ))
        .reply()
        .await;
    assert_eq!(res.status, StatusCode::FOUND);
    let back = location(&res);
    assert!(back.starts_with(&format!("{REDIRECT}#id_token=")), "{back}");
    let p = params(&back);
    assert_eq!(p["token_type"], "Bearer");
    assert_eq!(p["state"], "state-123");
    let (_, id) = jwt_parts(&p["id_token"]);
    assert!(id["at_hash"].is_string());
    // With an access token alongside, only name/email/preferred_username of the profile claims.
    assert!(id.get("given_name").is_none());
    // An ID token alone carries all scope claims.
    let res = h
        .http
        .get(authorize_url(
            &h,
            &app.client_id,
            &[("response_type", "id_token")],
        ))
        .reply()
        .await;
    let (_, id) = jwt_parts(&params(&location(&res))["id_token"]);
    assert_eq!(id["given_name"], "Uma");
    assert_eq!(id["email_verified"], true);
    // form_post: an auto-submitting form to the redirect URI carrying code and state.
    let res = h
        .http
        .get(authorize_url(
            &h,
            &app.client_id,
            &[
                ("response_type", "code id_token"),
                ("response_mode", "form_post"),
            ],
        ))
        .reply()
        .await;
    assert_eq!(res.status, StatusCode::OK);
    let html = res.text;
    assert!(html.contains(&format!("action=\"{REDIRECT}\"")), "{html}");
    let code = hidden(&html, "code").expect("code field");
    assert!(hidden(&html, "id_token").is_some());
    assert_eq!(hidden(&html, "state").as_deref(), Some("state-123"));
    let (_, id) = jwt_parts(&hidden(&html, "id_token").unwrap());
    assert!(id["c_hash"].is_string());
    let res = h
        .http
        .post(h.url("/oauth2/default/v1/token"))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
            ("redirect_uri", REDIRECT),
            ("client_id", app.client_id.as_str()),
            ("client_secret", app.client_secret.as_deref().unwrap()),
        ])
        .reply()
        .await;
    assert_eq!(res.status, StatusCode::OK, "client_secret_post works");
}

#[tokio::test]
async fn client_credentials_needs_a_custom_scope_and_gives_a_client_token() {
    let h = Harness::start().await;
    let svc = h
        .create_app(
            json!({"application_type": "service", "grant_types": ["client_credentials"], "response_types": ["token"]}),
            json!({"token_endpoint_auth_method": "client_secret_basic"}),
        )
        .await;
    let ask = |scope: &'static str| {
        h.http
            .post(h.url("/oauth2/default/v1/token"))
            .basic_auth(&svc.client_id, svc.client_secret.as_deref())
            .form(&[("grant_type", "client_credentials"), ("scope", scope)])
            .reply()
    };
    let res = ask("orders:read").await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert_eq!(res.json["error"], "invalid_scope");
    h.add_scope(json!({"name": "orders:read", "metadataPublish": "ALL_CLIENTS"}))
        .await;
    let res = ask("openid").await;
    assert_eq!(res.json["error"], "invalid_scope");
    let res = ask("orders:read").await;
    assert_eq!(res.status, StatusCode::OK);
    let t: Value = res.json;
    assert!(t.get("id_token").is_none() && t.get("refresh_token").is_none());
    let (_, at) = jwt_parts(t["access_token"].as_str().unwrap());
    assert_eq!(at["sub"], svc.client_id.as_str());
    assert!(at.get("uid").is_none());
    assert_eq!(at["scp"], json!(["orders:read"]));
    // The published scope shows in discovery.
    let d: Value = h
        .http
        .get(h.url("/oauth2/default/.well-known/openid-configuration"))
        .reply()
        .await
        .json;
    assert!(
        d["scopes_supported"]
            .as_array()
            .unwrap()
            .contains(&json!("orders:read"))
    );
    // The org authorization server gives client tokens only to private_key_jwt clients
    // (OAuth for Okta), and only okta.* scopes.
    let res = h
        .http
        .post(h.url("/oauth2/v1/token"))
        .basic_auth(&svc.client_id, svc.client_secret.as_deref())
        .form(&[
            ("grant_type", "client_credentials"),
            ("scope", "orders:read"),
        ])
        .reply()
        .await;
    assert_eq!(res.json["error"], "invalid_client");
}

#[tokio::test]
async fn public_spa_client_uses_pkce_and_rotating_refresh_tokens() {
    let h = Harness::start().await;
    let spa = h
        .create_app(
            json!({"application_type": "browser", "redirect_uris": [REDIRECT],
                   "grant_types": ["authorization_code", "refresh_token"], "response_types": ["code"]}),
            json!({"token_endpoint_auth_method": "none"}),
        )
        .await;
    assert!(spa.client_secret.is_none());
    let token = session_token(&h, USER.0, USER.1).await;
    let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    let res = h
        .http
        .get(authorize_url(
            &h,
            &spa.client_id,
            &[
                ("sessionToken", &token),
                ("scope", "openid offline_access"),
                (
                    "code_challenge",
                    "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
                ),
                ("code_challenge_method", "S256"),
            ],
        ))
        .reply()
        .await;
    let code = params(&location(&res))["code"].clone();
    let token_req = |form: Vec<(&'static str, String)>| {
        h.http
            .post(h.url("/oauth2/default/v1/token"))
            .form(&form)
            .reply()
    };
    let res = token_req(vec![
        ("grant_type", "authorization_code".to_owned()),
        ("code", code.clone()),
        ("redirect_uri", REDIRECT.into()),
        ("client_id", spa.client_id.clone()),
        ("code_verifier", verifier.into()),
    ])
    .await;
    assert_eq!(res.status, StatusCode::OK);
    let t: Value = res.json;
    let first = t["refresh_token"].as_str().unwrap().to_owned();
    let res = token_req(vec![
        ("grant_type", "refresh_token".to_owned()),
        ("refresh_token", first.clone()),
        ("client_id", spa.client_id.clone()),
    ])
    .await;
    let r: Value = res.json;
    let second = r["refresh_token"].as_str().unwrap().to_owned();
    assert_ne!(first, second, "SPAs rotate refresh tokens");
    // After the 30 s leeway the old one stops working.
    h.okta.clock().advance(31);
    let res = token_req(vec![
        ("grant_type", "refresh_token".to_owned()),
        ("refresh_token", first),
        ("client_id", spa.client_id.clone()),
    ])
    .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    let res = token_req(vec![
        ("grant_type", "refresh_token".to_owned()),
        ("refresh_token", second),
        ("client_id", spa.client_id.clone()),
    ])
    .await;
    assert_eq!(res.status, StatusCode::OK);
}

#[tokio::test]
async fn org_authorization_server_issues_tokens_for_its_own_issuer() {
    let h = Harness::start().await;
    let app = h.web_app(&["authorization_code"]).await;
    let d: Value = h
        .http
        .get(h.url("/.well-known/openid-configuration"))
        .reply()
        .await
        .json;
    assert_eq!(d["issuer"], h.base.as_str());
    let token = session_token(&h, USER.0, USER.1).await;
    let url = authorize_url(&h, &app.client_id, &[("sessionToken", &token)])
        .replace("/oauth2/default/v1/", "/oauth2/v1/");
    let res = h.http.get(&url).reply().await;
    let code = params(&location(&res))["code"].clone();
    let res = h
        .http
        .post(h.url("/oauth2/v1/token"))
        .basic_auth(&app.client_id, app.client_secret.as_deref())
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
            ("redirect_uri", REDIRECT),
        ])
        .reply()
        .await;
    assert_eq!(res.status, StatusCode::OK);
    let t: Value = res.json;
    let (_, id) = jwt_parts(t["id_token"].as_str().unwrap());
    assert_eq!(id["iss"], h.base.as_str());
    let (_, at) = jwt_parts(t["access_token"].as_str().unwrap());
    assert_eq!(at["aud"], h.base.as_str());
    // A code from one server cannot be redeemed at the other.
    let token = session_token(&h, USER.0, USER.1).await;
    let res = h
        .http
        .get(authorize_url(
            &h,
            &app.client_id,
            &[("sessionToken", &token)],
        ))
        .reply()
        .await;
    let code = params(&location(&res))["code"].clone();
    let res = h
        .http
        .post(h.url("/oauth2/v1/token"))
        .basic_auth(&app.client_id, app.client_secret.as_deref())
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
            ("redirect_uri", REDIRECT),
        ])
        .reply()
        .await;
    assert_eq!(res.json["error"], "invalid_grant");
}

/// `client_secret_jwt`: an assertion made by another JWT library (jsonwebtoken), with `aud`
/// the endpoint it is sent to, authenticates the client at token and introspect; the same
/// assertion is refused the second time.
#[tokio::test]
async fn client_secret_jwt_authenticates_with_a_one_time_assertion() {
    let h = Harness::start().await;
    h.add_scope(json!({"name": "orders:read"})).await;
    let svc = h
        .create_app(
            json!({"application_type": "service", "grant_types": ["client_credentials"], "response_types": ["token"]}),
            json!({"token_endpoint_auth_method": "client_secret_jwt"}),
        )
        .await;
    let secret = svc
        .client_secret
        .clone()
        .expect("a secret for client_secret_jwt");
    let assertion = |endpoint: &str, jti: &str| {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs();
        jsonwebtoken::encode(
            &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
            &json!({"iss": svc.client_id, "sub": svc.client_id,
                    "aud": h.url(&format!("/oauth2/default/v1/{endpoint}")),
                    "iat": now, "exp": now + 300, "jti": jti}),
            &jsonwebtoken::EncodingKey::from_secret(secret.as_bytes()).unwrap(),
        )
        .unwrap()
    };
    let jwt_bearer = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
    let token = |jwt: String| {
        h.http
            .post(h.url("/oauth2/default/v1/token"))
            .form(&[
                ("grant_type", "client_credentials"),
                ("scope", "orders:read"),
                ("client_assertion_type", jwt_bearer),
                ("client_assertion", &jwt),
            ])
            .reply()
    };
    let jwt = assertion("token", "first");
    let res = token(jwt.clone()).await;
    assert_eq!(res.status, StatusCode::OK);
    let access = res.json["access_token"].as_str().unwrap().to_owned();
    let res = token(jwt).await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    let e: Value = res.json;
    assert_eq!(e["error"], "invalid_client");
    assert_eq!(
        e["error_description"],
        "The client_assertion token has already been used."
    );
    // An assertion for the token endpoint is not one for introspect.
    let introspect = |jwt: String| {
        h.http
            .post(h.url("/oauth2/default/v1/introspect"))
            .form(&[
                ("token", access.as_str()),
                ("client_assertion_type", jwt_bearer),
                ("client_assertion", &jwt),
            ])
            .reply()
    };
    let res = introspect(assertion("token", "second")).await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    let res = introspect(assertion("introspect", "third")).await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(res.json["active"], true);
}

/// `private_key_jwt`: the app holds public keys in `settings.oauthClient.jwks` (RSA and EC);
/// an assertion signed by the matching private key authenticates, one signed by another key
/// or naming an unknown `kid` does not, and the app cannot be made without keys.
#[tokio::test]
async fn private_key_jwt_checks_the_assertion_against_the_apps_keys() {
    use ring::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, KeyPair as _};
    let h = Harness::start().await;
    h.add_scope(json!({"name": "orders:read"})).await;
    let settings = |jwks: Option<Value>| {
        let mut s = json!({"application_type": "service", "grant_types": ["client_credentials"],
                           "response_types": ["token"]});
        if let Some(j) = jwks {
            s["jwks"] = j;
        }
        json!({"name": "oidc_client", "label": "Keys", "signOnMode": "OPENID_CONNECT",
               "credentials": {"oauthClient": {"token_endpoint_auth_method": "private_key_jwt"}},
               "settings": {"oauthClient": s}})
    };
    let res = h
        .api(reqwest::Method::POST, "/api/v1/apps")
        .json(&settings(None))
        .reply()
        .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    let e: Value = res.json;
    assert_eq!(e["errorCode"], "E0000001");
    assert!(
        e["errorCauses"][0]["errorSummary"]
            .as_str()
            .unwrap()
            .starts_with("jwks:"),
        "{e}"
    );

    let rsa = ClientKey::rsa("rsa-1");
    let rng = ring::rand::SystemRandom::new();
    let ec_der = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &rng).unwrap();
    let ec =
        EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, ec_der.as_ref(), &rng).unwrap();
    let point = ec.public_key().as_ref();
    let b64 = |b: &[u8]| {
        use base64::Engine as _;
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b)
    };
    let jwks = json!({"keys": [
        rsa.jwk,
        {"kty": "EC", "kid": "ec-1", "crv": "P-256", "x": b64(&point[1..33]), "y": b64(&point[33..65])}
    ]});
    let res = h
        .api(reqwest::Method::POST, "/api/v1/apps")
        .json(&settings(Some(jwks.clone())))
        .reply()
        .await;
    assert_eq!(res.status, StatusCode::OK);
    let app: Value = res.json;
    assert_eq!(app["settings"]["oauthClient"]["jwks"], jwks);
    assert!(
        app["credentials"]["oauthClient"]
            .get("client_secret")
            .is_none()
    );
    let client_id = app["credentials"]["oauthClient"]["client_id"]
        .as_str()
        .unwrap()
        .to_owned();

    let token_url = h.url("/oauth2/default/v1/token");
    let sign = |alg: jsonwebtoken::Algorithm, kid: &str, key: &jsonwebtoken::EncodingKey| {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs();
        let mut header = jsonwebtoken::Header::new(alg);
        header.kid = Some(kid.to_owned());
        jsonwebtoken::encode(
            &header,
            &json!({"iss": client_id, "sub": client_id, "aud": token_url,
                    "iat": now, "exp": now + 300, "jti": format!("{kid}-{now}-{alg:?}")}),
            key,
        )
        .unwrap()
    };
    let ask = |jwt: String| {
        h.http
            .post(&token_url)
            .form(&[
                ("grant_type", "client_credentials"),
                ("scope", "orders:read"),
                (
                    "client_assertion_type",
                    "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                ),
                ("client_assertion", &jwt),
            ])
            .reply()
    };
    let rsa_key = &rsa.signing;
    let ec_key = jsonwebtoken::EncodingKey::from_ec_der(ec_der.as_ref());
    let res = ask(sign(jsonwebtoken::Algorithm::RS256, "rsa-1", rsa_key)).await;
    assert_eq!(res.status, StatusCode::OK, "RS256 with the RSA key");
    let res = ask(sign(jsonwebtoken::Algorithm::ES256, "ec-1", &ec_key)).await;
    assert_eq!(res.status, StatusCode::OK, "ES256 with the EC key");

    let error = |res: Reply| {
        let (status, error, description) = res.oauth_error();
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert_eq!(error, "invalid_client");
        description
    };
    let other_pem = std::fs::read_to_string(signing_key_file()).unwrap();
    let other = jsonwebtoken::EncodingKey::from_rsa_pem(other_pem.as_bytes()).unwrap();
    let res = ask(sign(jsonwebtoken::Algorithm::RS256, "rsa-1", &other)).await;
    assert_eq!(error(res), "The client_assertion signature is invalid.");
    let res = ask(sign(jsonwebtoken::Algorithm::RS256, "nope", rsa_key)).await;
    assert_eq!(error(res), "The client_assertion JWT kid is invalid.");
}
