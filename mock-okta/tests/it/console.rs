//! The Admin Console over HTTP: who gets in, the Create App Integration wizard, General
//! Settings, Assignments, People, every validation error and the anti-forgery token.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::support::*;

/// Form fields, as a browser posts them.
type Form<'a> = [(&'a str, &'a str)];

const WEB_WIZARD: &str = "/admin/apps/oauth2-wizard/create?applicationType=WEB";
const KONNECT_LOGIN: &str = "https://cloud.konghq.com/login";
const KONNECT_ORG_LOGIN: &str = "https://cloud.konghq.com/login/acme";

/// A browser signed in to the console as the seeded admin.
async fn admin(h: &Harness) -> reqwest::Client {
    let (b, back) = sign_in_at(h, "/admin/dashboard", ADMIN.0, ADMIN.1).await;
    assert_eq!(back, "/admin/dashboard");
    b
}

async fn page(b: &reqwest::Client, h: &Harness, path: &str) -> (StatusCode, String) {
    let res = b.get(h.url(path)).reply().await;
    (res.status, res.text)
}

/// The session's anti-forgery token, as every console form carries it.
async fn token(b: &reqwest::Client, h: &Harness) -> String {
    let (status, html) = page(b, h, WEB_WIZARD).await;
    assert_eq!(status, StatusCode::OK);
    hidden(&html, "_xsrfToken").expect("console forms carry _xsrfToken")
}

async fn post(
    b: &reqwest::Client,
    h: &Harness,
    path: &str,
    token: &str,
    fields: &[(&str, &str)],
) -> Reply {
    let mut form = vec![("_xsrfToken", token)];
    form.extend_from_slice(fields);
    b.post(h.url(path)).form(&form).reply().await
}

async fn api_app(h: &Harness, id: &str) -> Value {
    let res = h
        .api(Method::GET, &format!("/api/v1/apps/{id}"))
        .reply()
        .await;
    assert_eq!(res.status, StatusCode::OK);
    res.json
}

fn app_count(h: &Harness) -> usize {
    h.okta
        .directory()
        .list_apps(None, &|_| true, None, usize::MAX)
        .items
        .len()
}

/// The guide's web app, made through the wizard; returns the app id.
async fn create_in_console(
    b: &reqwest::Client,
    h: &Harness,
    token: &str,
    fields: &[(&str, &str)],
) -> String {
    let res = post(b, h, WEB_WIZARD, token, fields).await;
    assert_eq!(res.status, StatusCode::FOUND, "Save creates the app");
    let to = location(&res);
    let id = to
        .strip_prefix("/admin/app/oidc_client/instance/")
        .expect("Save opens the app's page")
        .to_owned();
    assert!(id.starts_with("0oa"), "{id}");
    id
}

#[tokio::test]
async fn the_console_sends_a_visitor_without_a_session_to_sign_in_and_back() {
    let h = Harness::start().await;
    let (b, back) = sign_in_at(&h, "/admin/apps/active", ADMIN.0, ADMIN.1).await;
    assert_eq!(back, "/admin/apps/active");
    let (status, html) = page(&b, &h, &back).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("<h1 data-se=\"page-heading\">Applications</h1>"));
    assert!(html.contains(">Create App Integration</a>"));
    // The header: the admin's name, the Okta domain and a way out.
    assert_eq!(
        data_se(&html, "user-menu-toggle").as_deref(),
        Some("Ada Admin")
    );
    let domain = h.base.trim_start_matches("http://");
    assert_eq!(
        data_se(&html, "user-menu-okta-domain").as_deref(),
        Some(domain)
    );
    assert!(html.contains("href=\"/login/signout\""));
    // Deep links survive sign-in too, query included.
    let (_, back) = sign_in_at(&h, WEB_WIZARD, ADMIN.0, ADMIN.1).await;
    assert_eq!(back, WEB_WIZARD);
    let (status, html) = page(&b, &h, "/admin/dashboard").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(data_se(&html, "okta-domain").as_deref(), Some(domain));
}

#[tokio::test]
async fn a_user_without_an_admin_role_gets_the_no_permission_page_until_made_super_admin() {
    let h = Harness::start().await;
    let (b, back) = sign_in_at(&h, "/admin/dashboard", USER.0, USER.1).await;
    assert_eq!(back, "/admin/dashboard");
    for path in [
        "/admin/dashboard",
        "/admin/apps/active",
        WEB_WIZARD,
        "/admin/users",
    ] {
        let (status, html) = page(&b, &h, path).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path}");
        assert!(html.contains("403 Forbidden"));
        assert!(
            html.contains("You don&#39;t have permission to access this page"),
            "{html}"
        );
    }
    // A regular user's forms are refused before anything is read.
    let res = b
        .post(h.url(WEB_WIZARD))
        .form(&[("label", "Sneaky"), ("redirect_uris", KONNECT_LOGIN)])
        .reply()
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert_eq!(app_count(&h), 0);

    let user_id = h.okta.directory().user(USER.0).expect("user").id;
    let res = h
        .api(Method::POST, &format!("/api/v1/users/{user_id}/roles"))
        .json(&json!({"type": "SUPER_ADMIN"}))
        .reply()
        .await;
    assert_eq!(res.status, StatusCode::CREATED);
    let (status, html) = page(&b, &h, "/admin/dashboard").await;
    assert_eq!(status, StatusCode::OK, "the same session is now an admin's");
    assert!(html.contains(">Dashboard</h1>"));
}

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
        app.credentials.client_secret.clone()
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
async fn console_forms_without_the_sessions_token_are_refused_and_change_nothing() {
    let h = Harness::start().await;
    let b = admin(&h).await;
    let t = token(&b, &h).await;
    let other = admin(&h).await;
    let other_token = token(&other, &h).await;
    assert_ne!(t, other_token, "each session has its own token");
    let fields = [("label", "Forged"), ("redirect_uris", KONNECT_LOGIN)];

    let res = b.post(h.url(WEB_WIZARD)).form(&fields).reply().await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "no token");
    assert!(res.text.contains("403 Forbidden"));
    for bad in ["", "not-the-token", other_token.as_str()] {
        let res = post(&b, &h, WEB_WIZARD, bad, &fields).await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "token {bad:?}");
    }
    assert_eq!(app_count(&h), 0);

    let id = create_in_console(&b, &h, &t, &fields).await;
    let before = api_app(&h, &id).await;
    let app = format!("/admin/app/oidc_client/instance/{id}");
    let user_id = h.okta.directory().user(USER.0).expect("user").id;
    for (path, form) in [
        (
            format!("{app}/general"),
            vec![("label", "Renamed"), ("redirect_uris", KONNECT_LOGIN)],
        ),
        (
            format!("{app}/credentials"),
            vec![("pkce_required", "true")],
        ),
        (
            format!("{app}/assignments/people"),
            vec![("user_id", user_id.as_str())],
        ),
        (
            format!("{app}/assignments/groups/remove"),
            vec![("group_id", "x")],
        ),
        ("/admin/users".to_owned(), vec![("first_name", "Eve")]),
    ] {
        let res = post(&b, &h, &path, &other_token, &form).await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{path}");
    }
    assert_eq!(api_app(&h, &id).await, before);
    assert!(h.okta.directory().app(&id).expect("app").users.is_empty());
}

#[tokio::test]
async fn the_assignments_tab_assigns_and_removes_people_and_groups() {
    let h = Harness::start().await;
    let b = admin(&h).await;
    let t = token(&b, &h).await;
    let id = create_in_console(
        &b,
        &h,
        &t,
        &[
            ("label", "Konnect"),
            ("redirect_uris", KONNECT_LOGIN),
            ("assignment", "skip"),
        ],
    )
    .await;
    let path = format!("/admin/app/oidc_client/instance/{id}");
    let tab = format!("{path}?tab=assignments");
    let (status, html) = page(&b, &h, &tab).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("<label for=\"assign-person\">Assign to People</label>"));
    assert!(html.contains("<label for=\"assign-group\">Assign to Groups</label>"));
    assert!(html.contains("No people are assigned directly."));
    assert!(html.contains("No groups are assigned."));
    assert!(html.contains(">Everyone</option>"));

    let dir = h.okta.directory();
    let user = dir.user(USER.0).expect("user");
    let everyone = dir.everyone().id;
    let res = post(
        &b,
        &h,
        &format!("{path}/assignments/people"),
        &t,
        &[("user_id", &user.id)],
    )
    .await;
    assert_eq!(res.status, StatusCode::FOUND);
    assert_eq!(location(&res), tab);
    let assigned: Value = h
        .api(Method::GET, &format!("/api/v1/apps/{id}/users"))
        .reply()
        .await
        .json;
    assert_eq!(assigned[0]["id"].as_str(), Some(user.id.as_str()));
    assert_eq!(assigned[0]["scope"], "USER");
    let (_, html) = page(&b, &h, &tab).await;
    assert!(html.contains(&format!("<td>{}</td>", USER.0)));

    let res = post(
        &b,
        &h,
        &format!("{path}/assignments/people"),
        &t,
        &[("user_id", &user.id)],
    )
    .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST, "assigned twice");
    assert!(
        res.text
            .contains("The specified user is already assigned to the application.")
    );

    let res = post(
        &b,
        &h,
        &format!("{path}/assignments/groups"),
        &t,
        &[("group_id", &everyone)],
    )
    .await;
    assert_eq!(res.status, StatusCode::FOUND);
    let app = dir.app(&id).expect("app");
    assert!(app.groups.contains_key(&everyone));
    let (_, html) = page(&b, &h, &tab).await;
    assert!(html.contains("<td>Everyone</td>"));

    let res = post(
        &b,
        &h,
        &format!("{path}/assignments/people/remove"),
        &t,
        &[("user_id", &user.id)],
    )
    .await;
    assert_eq!(res.status, StatusCode::FOUND);
    let res = post(
        &b,
        &h,
        &format!("{path}/assignments/groups/remove"),
        &t,
        &[("group_id", &everyone)],
    )
    .await;
    assert_eq!(res.status, StatusCode::FOUND);
    let app = dir.app(&id).expect("app");
    assert!(app.users.is_empty() && app.groups.is_empty());
    assert!(!dir.is_assigned(&app, &user.id));
}

#[tokio::test]
async fn add_person_creates_an_active_user_who_can_sign_in() {
    let h = Harness::start().await;
    let b = admin(&h).await;
    let t = token(&b, &h).await;
    let (status, html) = page(&b, &h, "/admin/users").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("<h1 data-se=\"page-heading\">People</h1>"));
    assert!(html.contains(">Add person</a>"));
    assert!(html.contains(ADMIN.0) && html.contains(USER.0));
    let (_, html) = page(&b, &h, "/admin/users?dialog=add-person").await;
    for label in [
        "<label for=\"first-name\">First name</label>",
        "<label for=\"last-name\">Last name</label>",
        "<label for=\"login\">Username</label>",
        "<label for=\"email\">Primary email</label>",
        "<label for=\"password-mode\">Password</label>",
        ">Set by admin</option>",
        "<label for=\"password\">Enter password</label>",
        "<option value=\"now\" selected>Activate now</option>",
    ] {
        assert!(html.contains(label), "{label}");
    }

    let person = |login: &'static str, password: &'static str| {
        vec![
            ("first_name", "Grace"),
            ("last_name", "Hopper"),
            ("login", login),
            ("email", "grace@example.com"),
            ("activation", "now"),
            ("password_mode", "admin"),
            ("password", password),
        ]
    };
    let users_before = h
        .okta
        .directory()
        .list_users(None, &|_| true, None, 100)
        .items
        .len();
    for (form, error_se, message) in [
        (
            person("grace@example.com", ""),
            "error-password",
            "This field cannot be left blank",
        ),
        (
            person("grace", "Grace-Passw0rd!"),
            "error-username",
            "Username must be in the form of an email address",
        ),
        (
            person("grace@example.com", "short"),
            "error-password",
            "Password requirements were not met",
        ),
        (
            person(USER.0, "Grace-Passw0rd!"),
            "error-username",
            "An object with this field already exists",
        ),
    ] {
        let res = post(&b, &h, "/admin/users", &t, &form).await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST, "{form:?}");
        let html = res.text;
        let shown = data_se(&html, error_se).unwrap_or_else(|| panic!("{error_se} in {html}"));
        assert!(shown.contains(message), "{shown:?} should say {message:?}");
        assert!(html.contains("value=\"Grace\""), "input kept");
        assert!(
            !html.contains("Grace-Passw0rd!"),
            "the password is never echoed"
        );
    }
    assert_eq!(
        h.okta
            .directory()
            .list_users(None, &|_| true, None, 100)
            .items
            .len(),
        users_before
    );

    let res = post(
        &b,
        &h,
        "/admin/users",
        &t,
        &person("grace@example.com", "Grace-Passw0rd!"),
    )
    .await;
    assert_eq!(res.status, StatusCode::FOUND);
    assert_eq!(location(&res), "/admin/users");
    let (_, html) = page(&b, &h, "/admin/users").await;
    assert!(html.contains("<strong>Grace Hopper</strong>"));
    let user: Value = h
        .api(Method::GET, "/api/v1/users/grace@example.com")
        .reply()
        .await
        .json;
    assert_eq!(user["status"], "ACTIVE");
    assert_eq!(user["profile"]["firstName"], "Grace");
    let (_, back) = sign_in_at(&h, "/app/UserHome", "grace@example.com", "Grace-Passw0rd!").await;
    assert_eq!(back, "/app/UserHome");
}
