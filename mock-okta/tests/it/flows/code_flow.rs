//! The authorization code flow: PKCE checked by a strict relying party, refresh,
//! introspect, revoke, logout, and SSO across the apps of the org.

use super::*;

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
