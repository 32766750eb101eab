//! The org authorization server issues tokens for its own issuer.

use super::*;

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
    let res = code_flow(&h, &app, "openid profile email", "/oauth2").await;
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
