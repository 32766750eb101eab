//! General Settings: the Edit form that turns on the dashboard tile, and Okta Simplified
//! for single-page apps.

use super::*;

#[tokio::test]
async fn general_settings_edit_turns_on_the_dashboard_tile_as_the_kong_guide_says() {
    let h = Harness::start().await;
    let b = admin(&h).await;
    let t = token(&b, &h).await;
    let id = create_in_console(
        &b,
        &h,
        &t,
        &[
            ("label", "Kong Konnect"),
            ("redirect_uris", KONNECT_LOGIN),
            ("assignment", "skip"),
        ],
    )
    .await;
    let before = h.okta.directory().app(&id).expect("app");
    let path = format!("/admin/app/oidc_client/instance/{id}");
    let (status, html) = page(&b, &h, &format!("{path}?edit=general")).await;
    assert_eq!(status, StatusCode::OK);
    for label in [
        "<label for=\"login-initiated-by\">Login initiated by</label>",
        "<option value=\"APP_ONLY\" selected>App Only</option>",
        "<option value=\"OKTA_OR_APP\">Either Okta or App</option>",
        "<legend>Application visibility</legend>",
        "Display application icon to users",
        "<legend>Login flow</legend>",
        "checked> Redirect to app to initiate login (OIDC Compliant)",
        "Send ID Token directly to app (Okta Simplified)",
        "<label for=\"initiate-login-uri\">Initiate login URI</label>",
        "Implicit (hybrid)",
        "value=\"Save\"",
        ">Cancel</a>",
    ] {
        assert!(html.contains(label), "{label}");
    }
    // Okta Simplified is not offered to a web app.
    assert!(html.contains("value=\"OKTA\" data-se=\"login-flow-okta-simplified\" disabled"));

    let res = post(
        &b,
        &h,
        &format!("{path}/general"),
        &t,
        &[
            ("label", "Kong Konnect"),
            ("grant_types", "implicit"),
            ("redirect_uris", KONNECT_LOGIN),
            ("post_logout_redirect_uris", ""),
            ("login_initiated_by", "OKTA_OR_APP"),
            ("display_icon", "true"),
            ("login_flow", "SPEC"),
            ("initiate_login_uri", KONNECT_ORG_LOGIN),
        ],
    )
    .await;
    assert_eq!(res.status, StatusCode::FOUND);
    assert_eq!(location(&res), path);
    let app = api_app(&h, &id).await;
    let oc = &app["settings"]["oauthClient"];
    assert_eq!(oc["idp_initiated_login"]["mode"], "SPEC");
    assert_eq!(oc["initiate_login_uri"], KONNECT_ORG_LOGIN);
    assert_eq!(oc["grant_types"], json!(["authorization_code", "implicit"]));
    assert_eq!(
        app["visibility"]["hide"],
        json!({"iOS": false, "web": false})
    );
    let after = h.okta.directory().app(&id).expect("app");
    assert_eq!(
        after.credentials, before.credentials,
        "client id and secret kept"
    );
    assert!(after.shows_tile());
    let (_, html) = page(&b, &h, &path).await;
    assert_eq!(
        data_se(&html, "login-initiated-by").as_deref(),
        Some("Either Okta or App")
    );
    assert_eq!(
        data_se(&html, "initiate-login-uri").as_deref(),
        Some(KONNECT_ORG_LOGIN)
    );

    // App Only turns the tile off again.
    let res = post(
        &b,
        &h,
        &format!("{path}/general"),
        &t,
        &[
            ("label", "Kong Konnect"),
            ("redirect_uris", KONNECT_LOGIN),
            ("login_initiated_by", "APP_ONLY"),
            ("initiate_login_uri", KONNECT_ORG_LOGIN),
        ],
    )
    .await;
    assert_eq!(res.status, StatusCode::FOUND);
    let app = api_app(&h, &id).await;
    assert_eq!(
        app["settings"]["oauthClient"]["idp_initiated_login"]["mode"],
        "DISABLED"
    );
    assert_eq!(app["visibility"]["hide"]["web"], true);
}

#[tokio::test]
async fn a_single_page_app_can_send_the_id_token_directly_with_okta_simplified() {
    let h = Harness::start().await;
    let b = admin(&h).await;
    let t = token(&b, &h).await;
    let res = post(
        &b,
        &h,
        "/admin/apps/oauth2-wizard/create?applicationType=BROWSER",
        &t,
        &[
            ("label", "SPA"),
            ("grant_types", "authorization_code"),
            ("grant_types", "implicit"),
            ("redirect_uris", "http://localhost:8080/login/callback"),
            ("assignment", "everyone"),
        ],
    )
    .await;
    assert_eq!(res.status, StatusCode::FOUND);
    let path = location(&res);
    let id = path.rsplit('/').next().expect("id").to_owned();
    let (_, html) = page(&b, &h, &format!("{path}?edit=general")).await;
    assert!(html.contains("value=\"OKTA\" data-se=\"login-flow-okta-simplified\">"));
    let res = post(
        &b,
        &h,
        &format!("{path}/general"),
        &t,
        &[
            ("label", "SPA"),
            ("grant_types", "authorization_code"),
            ("grant_types", "implicit"),
            ("redirect_uris", "http://localhost:8080/login/callback"),
            ("login_initiated_by", "OKTA_OR_APP"),
            ("display_icon", "true"),
            ("login_flow", "OKTA"),
            ("initiate_login_uri", "http://localhost:8080/login"),
        ],
    )
    .await;
    assert_eq!(res.status, StatusCode::FOUND);
    let app = api_app(&h, &id).await;
    assert_eq!(
        app["settings"]["oauthClient"]["application_type"],
        "browser"
    );
    assert_eq!(
        app["settings"]["oauthClient"]["idp_initiated_login"]["mode"],
        "OKTA"
    );
    assert_eq!(
        app["credentials"]["oauthClient"]["token_endpoint_auth_method"],
        "none"
    );
    let (_, html) = page(&b, &h, &path).await;
    assert!(
        data_se(&html, "client-secret").is_none(),
        "a SPA has no secret"
    );
}
