//! Implicit and hybrid responses, by fragment and form_post.

use super::*;

#[tokio::test]
async fn implicit_and_hybrid_responses_by_fragment_and_form_post() {
    let h = Harness::start().await;
    let app = h.hybrid_app("client_secret_post").await;
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
