//! Okta sessions through the Management API: read, refresh and end one by id, and end
//! every session of a user.

use super::*;
use crate::support::{
    ADMIN, USER, authorize_url, exchange, params, sign_in_at, sign_in_through_page,
};

/// Signs the member in on the hosted page; returns the browser and its session's id.
async fn signed_in(h: &Harness) -> (reqwest::Client, String) {
    let (b, _) = sign_in_at(h, "/app/UserHome", USER.0, USER.1).await;
    let me = b.get(h.url("/api/v1/sessions/me")).reply().await;
    assert_eq!(me.status, StatusCode::OK, "{}", me.text);
    let id = me.json["id"].as_str().expect("session id").to_owned();
    (b, id)
}

#[tokio::test]
async fn a_session_is_read_refreshed_and_ended_by_id_with_the_api_token() {
    let h = Harness::start().await;
    let (b, id) = signed_in(&h).await;
    let path = format!("/api/v1/sessions/{id}");

    let r = get(&h, &path).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json["id"], id.as_str());
    assert_eq!(r.json["login"], USER.0);
    assert_eq!(r.json["status"], "ACTIVE");
    assert_eq!(r.json["amr"], json!(["pwd"]));
    assert_eq!(r.json["_links"]["self"]["href"], h.url(&path));
    assert_eq!(
        r.json["_links"]["refresh"]["href"],
        h.url(&format!("{path}/lifecycle/refresh"))
    );
    let expires = r.json["expiresAt"].as_str().unwrap().to_owned();

    h.okta.advance_clock(600);
    let r = call(&h, Method::POST, &format!("{path}/lifecycle/refresh"), None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert!(
        r.json["expiresAt"].as_str().unwrap() > expires.as_str(),
        "refresh extends the session: {} after {expires}",
        r.json["expiresAt"]
    );

    let r = call(&h, Method::DELETE, &path, None).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
    let summary = get(&h, &path)
        .await
        .assert_error(StatusCode::NOT_FOUND, "E0000007");
    assert_eq!(
        summary,
        format!("Not found: Resource not found: {id} (Session)")
    );
    call(&h, Method::DELETE, &path, None)
        .await
        .assert_error(StatusCode::NOT_FOUND, "E0000007");
    call(&h, Method::POST, &format!("{path}/lifecycle/refresh"), None)
        .await
        .assert_error(StatusCode::NOT_FOUND, "E0000007");
    let me = b.get(h.url("/api/v1/sessions/me")).reply().await;
    assert_eq!(
        me.status,
        StatusCode::NOT_FOUND,
        "the browser is signed out"
    );
}

#[tokio::test]
async fn clearing_a_users_sessions_signs_them_out_everywhere_and_nobody_else() {
    let h = Harness::start().await;
    let (first, _) = signed_in(&h).await;
    let (second, _) = signed_in(&h).await;
    let (admin, _) = sign_in_at(&h, "/app/UserHome", ADMIN.0, ADMIN.1).await;

    call(&h, Method::DELETE, "/api/v1/users/00unope/sessions", None)
        .await
        .assert_error(StatusCode::NOT_FOUND, "E0000007");
    call(
        &h,
        Method::DELETE,
        &format!("/api/v1/users/{}/sessions?oauthTokens=maybe", USER.0),
        None,
    )
    .await
    .assert_error(StatusCode::BAD_REQUEST, "E0000001");
    let me = |b: &reqwest::Client| b.get(h.url("/api/v1/sessions/me")).reply();
    assert_eq!(
        me(&first).await.status,
        StatusCode::OK,
        "a bad request changes nothing"
    );

    let user = get(&h, &format!("/api/v1/users/{}", USER.0)).await;
    let user_id = user.json["id"].as_str().unwrap();
    let r = call(
        &h,
        Method::DELETE,
        &format!("/api/v1/users/{user_id}/sessions"),
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
    assert_eq!(me(&first).await.status, StatusCode::NOT_FOUND);
    assert_eq!(me(&second).await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        me(&admin).await.status,
        StatusCode::OK,
        "another user's session stays"
    );
}

#[tokio::test]
async fn clearing_sessions_with_oauth_tokens_revokes_the_users_refresh_tokens() {
    let h = Harness::start().await;
    let app = h.web_app(&["authorization_code", "refresh_token"]).await;
    let url = authorize_url(&h, &app.client_id, &[("scope", "openid offline_access")]);
    let back = sign_in_through_page(&h, &url, USER.0, USER.1).await;
    let code = params(&back)["code"].clone();
    let tokens = exchange(&h, &app, &code, &[]).await;
    assert_eq!(tokens.status, StatusCode::OK, "{}", tokens.text);
    let refresh = tokens.json["refresh_token"].as_str().unwrap().to_owned();
    let use_refresh = || {
        h.http
            .post(h.url("/oauth2/default/v1/token"))
            .basic_auth(&app.client_id, app.client_secret.as_deref())
            .form(&[
                ("grant_type", "refresh_token"),
                ("refresh_token", refresh.as_str()),
            ])
            .reply()
    };
    let user = get(&h, &format!("/api/v1/users/{}", USER.0)).await;
    let user_id = user.json["id"].as_str().unwrap().to_owned();

    let path = format!("/api/v1/users/{user_id}/sessions");
    assert_eq!(
        call(&h, Method::DELETE, &path, None).await.status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        use_refresh().await.status,
        StatusCode::OK,
        "tokens outlive sessions"
    );
    let r = call(
        &h,
        Method::DELETE,
        &format!("{path}?oauthTokens=true"),
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    let (status, error, _) = use_refresh().await.oauth_error();
    assert_eq!(
        (status, error.as_str()),
        (StatusCode::BAD_REQUEST, "invalid_grant")
    );
}

#[tokio::test]
async fn a_session_token_is_redeemed_once_for_a_session() {
    let h = Harness::start().await;
    let token = crate::support::session_token(&h, USER.0, USER.1).await;
    let r = call(
        &h,
        Method::POST,
        "/api/v1/sessions",
        Some(json!({"sessionToken": token})),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json["login"], USER.0);
    let id = r.json["id"].as_str().unwrap();
    assert_eq!(
        get(&h, &format!("/api/v1/sessions/{id}")).await.status,
        StatusCode::OK
    );
    call(
        &h,
        Method::POST,
        "/api/v1/sessions",
        Some(json!({"sessionToken": token})),
    )
    .await
    .assert_error(StatusCode::UNAUTHORIZED, "E0000004");
    call(&h, Method::POST, "/api/v1/sessions", Some(json!({})))
        .await
        .assert_error(StatusCode::BAD_REQUEST, "E0000001");
}
