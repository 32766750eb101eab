//! The Create App Integration wizard: the choices it offers, an app identical to its API
//! twin, and every invalid form refused inline.

use super::*;

#[tokio::test]
async fn create_app_integration_offers_oidc_and_the_three_application_types() {
    let h = Harness::start().await;
    let b = admin(&h).await;
    let (status, html) = page(&b, &h, "/admin/apps/active?dialog=create-app").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Create a new app integration"));
    assert!(html.contains("<legend>Sign-in method</legend>"));
    assert!(html.contains("<strong>OIDC - OpenID Connect</strong>"));
    for other in ["SAML_2_0", "AUTO_LOGIN", "API_SERVICES"] {
        assert!(
            html.contains(&format!("value=\"{other}\" disabled")),
            "{other} is shown but not offered"
        );
    }
    assert!(html.contains("<legend>Application type</legend>"));
    for (value, label) in [
        ("WEB", "Web Application"),
        ("BROWSER", "Single-Page Application"),
        ("NATIVE", "Native Application"),
    ] {
        assert!(html.contains(&format!("value=\"{value}\"")));
        assert!(html.contains(&format!("<strong>{label}</strong>")));
    }
    assert!(html.contains("value=\"Next\""));

    // Next with the guide's choices opens the Web form, filled with Okta's defaults.
    let (status, html) = page(
        &b,
        &h,
        "/admin/apps/oauth2-wizard/create?signOnMode=OIDC&applicationType=WEB",
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("<h1 data-se=\"page-heading\">New Web App Integration</h1>"));
    for label in [
        "<label for=\"app-name\">App integration name</label>",
        "<legend>Grant type</legend>",
        "<label for=\"redirect-uris\">Sign-in redirect URIs</label>",
        "<label for=\"post-logout-redirect-uris\">Sign-out redirect URIs",
        "<h2>Assignments</h2>",
        "Limit access to selected groups",
        "Skip group assignment for now",
        "value=\"Save\"",
    ] {
        assert!(html.contains(label), "{label}");
    }
    assert!(html.contains(
        "value=\"authorization_code\" data-se=\"grant-authorization-code\" checked disabled> Authorization Code"
    ));
    assert!(
        html.contains("value=\"refresh_token\" data-se=\"grant-refresh-token\"> Refresh Token")
    );
    assert!(html.contains("value=\"implicit\" data-se=\"grant-implicit\"> Implicit (hybrid)"));
    assert!(html.contains(
        "value=\"everyone\" data-se=\"assignment-everyone\" checked> Allow everyone in your organization to access"
    ));
    let (_, html) = page(
        &b,
        &h,
        "/admin/apps/oauth2-wizard/create?applicationType=BROWSER",
    )
    .await;
    assert!(html.contains("New Single-Page App Integration"));
    let (_, html) = page(
        &b,
        &h,
        "/admin/apps/oauth2-wizard/create?applicationType=NATIVE",
    )
    .await;
    assert!(html.contains("New Native App Integration"));
    // Next without choosing brings the dialog back with a message.
    let (status, html) = page(&b, &h, "/admin/apps/oauth2-wizard/create?signOnMode=OIDC").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(html.contains("Select a sign-in method and an application type."));
}

#[tokio::test]
async fn an_app_made_in_the_console_is_identical_to_its_api_twin() {
    let h = Harness::start().await;
    let b = admin(&h).await;
    let t = token(&b, &h).await;
    let id = create_in_console(
        &b,
        &h,
        &t,
        &[
            ("label", "Kong Konnect"),
            ("grant_types", "refresh_token"),
            (
                "redirect_uris",
                "https://cloud.konghq.com/login\r\nhttps://cloud.konghq.com/login/acme\r\n",
            ),
            ("post_logout_redirect_uris", "https://cloud.konghq.com/"),
            ("assignment", "everyone"),
        ],
    )
    .await;

    // The General tab shows what a person copies, as text.
    let (status, html) = page(&b, &h, &format!("/admin/app/oidc_client/instance/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    let app = h.okta.directory().app(&id).expect("app");
    assert!(html.contains("<h2>Client Credentials</h2>"));
    assert_eq!(data_se(&html, "client-id").as_deref(), Some(id.as_str()));
    assert_eq!(
        data_se(&html, "client-secret"),
        app.credentials.secrets.current().map(str::to_owned)
    );
    assert_eq!(
        data_se(&html, "okta-domain").as_deref(),
        Some(h.base.trim_start_matches("http://"))
    );
    assert!(html.contains("<h2>General Settings</h2>"));
    assert!(html.contains(">Edit</a>"));
    assert_eq!(
        data_se(&html, "login-initiated-by").as_deref(),
        Some("App Only")
    );

    let made = api_app(&h, &id).await;
    let res = h
        .api(Method::POST, "/api/v1/apps")
        .json(&json!({
            "name": "oidc_client", "label": "Kong Konnect", "signOnMode": "OPENID_CONNECT",
            "settings": {"oauthClient": {
                "application_type": "web",
                "redirect_uris": [KONNECT_LOGIN, KONNECT_ORG_LOGIN],
                "post_logout_redirect_uris": ["https://cloud.konghq.com/"],
                "grant_types": ["authorization_code", "refresh_token"]}}
        }))
        .reply()
        .await;
    assert_eq!(res.status, StatusCode::OK);
    let twin: Value = res.json;
    let twin = api_app(&h, twin["id"].as_str().expect("id")).await;
    for key in [
        "name",
        "label",
        "status",
        "signOnMode",
        "visibility",
        "settings",
    ] {
        assert_eq!(made[key], twin[key], "{key}");
    }
    let creds = |v: &Value| {
        let mut c = v["credentials"].clone();
        c["oauthClient"]["client_id"] = Value::Null;
        c
    };
    assert_eq!(creds(&made), creds(&twin));
    // "Allow everyone in your organization to access" assigned Everyone.
    let groups: Value = h
        .api(Method::GET, &format!("/api/v1/apps/{id}/groups"))
        .reply()
        .await
        .json;
    assert_eq!(groups.as_array().map(Vec::len), Some(1));
    assert_eq!(
        groups[0]["id"].as_str(),
        Some(h.okta.directory().everyone().id.as_str())
    );
    let (_, html) = page(&b, &h, "/admin/apps/active").await;
    assert!(html.contains(&format!(
        "<a href=\"/admin/app/oidc_client/instance/{id}\" data-se=\"app-link\">Kong Konnect</a>"
    )));
}

/// Posts a wizard form that must be refused: 400, the message beside the field, the input
/// kept, nothing created.
async fn refused_wizard(
    b: &reqwest::Client,
    h: &Harness,
    t: &str,
    fields: &[(&str, &str)],
    error_se: &str,
    message: &str,
) -> String {
    let before = app_count(h);
    let res = post(b, h, WEB_WIZARD, t, fields).await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST, "{fields:?}");
    let html = res.text;
    assert!(html.contains("We found some errors. Please review the form and make corrections."));
    let shown = data_se(&html, error_se).unwrap_or_else(|| panic!("{error_se} in {html}"));
    assert!(shown.contains(message), "{shown:?} should say {message:?}");
    assert_eq!(app_count(h), before, "nothing is created");
    html
}

#[tokio::test]
async fn every_invalid_app_form_is_refused_inline_and_changes_nothing() {
    let h = Harness::start().await;
    let b = admin(&h).await;
    let t = token(&b, &h).await;

    let html = refused_wizard(
        &b,
        &h,
        &t,
        &[
            ("label", "  "),
            ("redirect_uris", KONNECT_LOGIN),
            ("grant_types", "refresh_token"),
        ],
        "error-label",
        "This field cannot be left blank",
    )
    .await;
    assert!(
        html.contains(&format!(">{KONNECT_LOGIN}</textarea>")),
        "input kept"
    );
    assert!(html.contains("value=\"refresh_token\" data-se=\"grant-refresh-token\" checked>"));
    let html = refused_wizard(
        &b,
        &h,
        &t,
        &[("label", "Konnect"), ("redirect_uris", "/login")],
        "error-redirect-uris",
        "is not a valid absolute URI",
    )
    .await;
    assert!(html.contains("value=\"Konnect\""), "name kept");
    assert!(html.contains(">/login</textarea>"));
    refused_wizard(
        &b,
        &h,
        &t,
        &[
            ("label", "Konnect"),
            ("redirect_uris", "https://bad host/callback"),
        ],
        "error-redirect-uris",
        "is not a valid absolute URI",
    )
    .await;
    refused_wizard(
        &b,
        &h,
        &t,
        &[
            ("label", "Konnect"),
            ("redirect_uris", KONNECT_LOGIN),
            ("post_logout_redirect_uris", "signed-out"),
        ],
        "error-post-logout-redirect-uris",
        "is not a valid absolute URI",
    )
    .await;
    refused_wizard(
        &b,
        &h,
        &t,
        &[("label", "Konnect"), ("redirect_uris", "")],
        "error-redirect-uris",
        "At least one Sign-in redirect URI is required",
    )
    .await;
    refused_wizard(
        &b,
        &h,
        &t,
        &[
            ("label", "Konnect"),
            ("redirect_uris", KONNECT_LOGIN),
            ("assignment", "groups"),
        ],
        "error-group-ids",
        "Select at least one group",
    )
    .await;

    // General Settings: refused inline, the app untouched.
    let id = create_in_console(
        &b,
        &h,
        &t,
        &[("label", "Konnect"), ("redirect_uris", KONNECT_LOGIN)],
    )
    .await;
    let before = api_app(&h, &id).await;
    let general = format!("/admin/app/oidc_client/instance/{id}/general");
    let cases: [(&Form, &str, &str); 4] = [
        (
            &[
                ("label", "Konnect"),
                ("redirect_uris", KONNECT_LOGIN),
                ("login_initiated_by", "OKTA_OR_APP"),
                ("display_icon", "true"),
                ("initiate_login_uri", ""),
            ],
            "error-initiate-login-uri",
            "Initiate login URI is required when Login initiated by is Either Okta or App",
        ),
        (
            &[
                ("label", "Konnect"),
                ("redirect_uris", KONNECT_LOGIN),
                ("login_initiated_by", "OKTA_OR_APP"),
                ("initiate_login_uri", "/login/acme"),
            ],
            "error-initiate-login-uri",
            "is not a valid absolute URI",
        ),
        (
            &[("label", ""), ("redirect_uris", KONNECT_LOGIN)],
            "error-label",
            "This field cannot be left blank",
        ),
        (
            &[
                ("label", "Konnect"),
                ("redirect_uris", "cloud.konghq.com/login"),
            ],
            "error-redirect-uris",
            "is not a valid absolute URI",
        ),
    ];
    for (fields, error_se, message) in cases {
        let res = post(&b, &h, &general, &t, fields).await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST, "{fields:?}");
        let html = res.text;
        let shown = data_se(&html, error_se).unwrap_or_else(|| panic!("{error_se} in {html}"));
        assert!(shown.contains(message), "{shown:?} should say {message:?}");
        assert!(
            html.contains("data-se=\"general-settings-form\""),
            "still editing"
        );
        assert_eq!(api_app(&h, &id).await, before, "nothing changed");
    }
    // The typed values come back, so the admin only fixes the mistake.
    let res = post(&b, &h, &general, &t, cases[0].0).await;
    let html = res.text;
    assert!(html.contains("<option value=\"OKTA_OR_APP\" selected>Either Okta or App</option>"));
    assert!(html.contains("value=\"true\" data-se=\"display-application-icon\" checked>"));
}

#[tokio::test]
async fn an_app_made_in_the_console_is_in_the_system_log_as_one_made_with_the_api() {
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
            ("assignment", "everyone"),
        ],
    )
    .await;
    let r = get(
        &h,
        &format!("/api/v1/logs?filter=target.id%20eq%20%22{id}%22%20and%20eventType%20sw%20%22application.%22"),
    )
    .await;
    let types: Vec<_> = r
        .json
        .as_array()
        .expect("events")
        .iter()
        .map(|e| e["eventType"].clone())
        .collect();
    assert_eq!(
        types,
        [
            json!("application.lifecycle.create"),
            json!("application.lifecycle.activate")
        ]
    );
    // The console's own sign-in is a hosted sign-in too.
    let r = get(
        &h,
        "/api/v1/logs?filter=eventType%20eq%20%22user.session.start%22",
    )
    .await;
    assert_eq!(r.json[0]["actor"]["alternateId"], ADMIN.0);
}
