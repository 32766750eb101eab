//! The end-user dashboard and Okta-initiated login: which tiles show, and what following a
//! tile's link does in each "Login initiated by" mode.

use mock_okta::{Config, state::SimplifiedTarget};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::support::*;

const INITIATE: &str = "https://app.example.test/login";

/// An app created through the Management API; `assign` gives it to Everyone.
async fn app(
    h: &Harness,
    label: &str,
    settings: Value,
    visible: bool,
    assign: bool,
) -> (String, String) {
    let res = h
        .api(Method::POST, "/api/v1/apps")
        .json(&json!({
            "name": "oidc_client", "label": label, "signOnMode": "OPENID_CONNECT",
            "visibility": {"hide": {"iOS": !visible, "web": !visible}},
            "settings": {"oauthClient": settings}
        }))
        .reply()
        .await;
    assert_eq!(res.status, StatusCode::OK);
    let app: Value = res.json;
    let id = app["id"].as_str().expect("id").to_owned();
    if assign {
        let everyone = h.okta.directory().everyone().id;
        h.okta
            .directory()
            .assign_group(&id, &everyone, None)
            .expect("assign");
    }
    let link = app["_links"]["appLinks"][0]["href"]
        .as_str()
        .expect("app link")
        .to_owned();
    (id, link)
}

fn web(mode: &str) -> Value {
    json!({"application_type": "web", "redirect_uris": [REDIRECT],
           "grant_types": ["authorization_code", "implicit"],
           "initiate_login_uri": INITIATE, "idp_initiated_login": {"mode": mode}})
}

fn spa_simplified() -> Value {
    json!({"application_type": "browser",
           "redirect_uris": ["https://spa.example.test/implicit/callback", REDIRECT],
           "grant_types": ["authorization_code", "implicit"],
           "initiate_login_uri": INITIATE,
           "idp_initiated_login": {"mode": "OKTA", "default_scope": ["openid", "profile", "email"]}})
}

/// A path on the org from one of its absolute URLs.
fn path_of(h: &Harness, url: &str) -> String {
    url.strip_prefix(&h.base).expect("an org URL").to_owned()
}

#[tokio::test]
async fn the_dashboard_asks_for_sign_in_and_comes_back_to_my_apps() {
    let h = Harness::start().await;
    let (b, back) = sign_in_at(&h, "/app/UserHome", USER.0, USER.1).await;
    assert_eq!(back, "/app/UserHome");
    let res = b.get(h.url(&back)).reply().await;
    assert_eq!(res.status, StatusCode::OK);
    let html = res.text;
    assert!(html.contains("<h1 data-se=\"page-heading\">My Apps</h1>"));
    assert_eq!(data_se(&html, "user-name").as_deref(), Some("Uma User"));
    assert!(html.contains("data-se=\"no-apps\""));
    assert!(
        !html.contains("data-se=\"admin-button\""),
        "no Admin button for a user"
    );
}

#[tokio::test]
async fn tiles_show_only_for_assigned_apps_with_okta_initiated_login_and_a_visible_icon() {
    let h = Harness::start().await;
    let (_, shown) = app(&h, "Konnect", web("SPEC"), true, true).await;
    let (_, not_assigned) = app(&h, "Not Assigned", web("SPEC"), true, false).await;
    let (_, hidden) = app(&h, "Hidden Icon", web("SPEC"), false, true).await;
    let (_, app_only) = app(&h, "App Only", web("DISABLED"), true, true).await;
    let (b, back) = sign_in_at(&h, "/app/UserHome", USER.0, USER.1).await;
    let html = b.get(h.url(&back)).reply().await.text;
    assert_eq!(html.matches("data-se=\"app-card\"").count(), 1, "{html}");
    assert!(html.contains(&format!("href=\"{shown}\" data-se=\"app-card\"")));
    assert_eq!(data_se(&html, "app-card-title").as_deref(), Some("Konnect"));
    for (link, label) in [
        (not_assigned, "Not Assigned"),
        (hidden, "Hidden Icon"),
        (app_only, "App Only"),
    ] {
        assert!(!html.contains(&link) && !html.contains(label), "{label}");
    }
    // An admin's dashboard links back to the console.
    let (b, back) = sign_in_at(&h, "/app/UserHome", ADMIN.0, ADMIN.1).await;
    let html = b.get(h.url(&back)).reply().await.text;
    assert!(html.contains("href=\"/admin/dashboard\" data-se=\"admin-button\">Admin</a>"));
}

#[tokio::test]
async fn an_oidc_compliant_tile_redirects_to_the_initiate_login_uri_with_the_org_as_iss() {
    let h = Harness::start().await;
    let (_, link) = app(&h, "Konnect", web("SPEC"), true, true).await;
    let link_path = path_of(&h, &link);
    // Following the tile without a session signs in first and comes back to the tile.
    let (b, back) = sign_in_at(&h, &link_path, USER.0, USER.1).await;
    assert_eq!(back, link_path);
    let res = b.get(h.url(&back)).reply().await;
    assert_eq!(res.status, StatusCode::FOUND);
    let iss: String = url::form_urlencoded::byte_serialize(h.base.as_bytes()).collect();
    assert_eq!(location(&res), format!("{INITIATE}?iss={iss}"));

    // An initiate login URI with a query keeps it; only iss is added.
    let (_, link) = app(
        &h,
        "With Query",
        json!({"application_type": "web", "redirect_uris": [REDIRECT],
               "initiate_login_uri": "https://app.example.test/login?org=acme",
               "idp_initiated_login": {"mode": "SPEC"}}),
        true,
        true,
    )
    .await;
    let res = b.get(&link).reply().await;
    assert_eq!(res.status, StatusCode::FOUND);
    let to = location(&res);
    assert_eq!(
        to,
        format!("https://app.example.test/login?org=acme&iss={iss}")
    );
    let p = params(&to);
    assert_eq!(p.len(), 2);
    assert_eq!(p["iss"], h.base);
}

/// Follows an Okta Simplified tile as the regular user and returns the form_post page.
async fn simplified_form_post(h: &Harness) -> (String, String) {
    let (id, link) = app(h, "SPA", spa_simplified(), true, true).await;
    let (b, _) = sign_in_at(h, "/app/UserHome", USER.0, USER.1).await;
    let res = b.get(&link).reply().await;
    assert_eq!(res.status, StatusCode::OK);
    (id, res.text)
}

fn form_action(html: &str) -> String {
    let start = html.find("action=\"").expect("a form") + "action=\"".len();
    let end = start + html[start..].find('"').expect("closing quote");
    html[start..end].to_owned()
}

fn check_simplified_id_token(h: &Harness, html: &str, client_id: &str) {
    assert!(html.contains("document.forms[0].submit()"), "auto-submits");
    assert!(
        hidden(html, "state").is_none(),
        "no state in Okta Simplified"
    );
    let id_token = hidden(html, "id_token").expect("id_token");
    let (header, claims) = jwt_parts(&id_token);
    assert_eq!(header["alg"], "RS256");
    let user = h.okta.directory().user(USER.0).expect("user");
    assert_eq!(claims["sub"].as_str(), Some(user.id.as_str()));
    assert_eq!(claims["aud"].as_str(), Some(client_id));
    assert_eq!(claims["iss"].as_str(), Some(h.base.as_str()));
    assert_eq!(claims["email"].as_str(), Some(USER.0));
    assert_eq!(claims["given_name"], "Uma");
    assert!(claims.get("nonce").is_none());
}

#[tokio::test]
async fn an_okta_simplified_tile_posts_an_id_token_without_state_to_the_first_redirect_uri() {
    let h = Harness::start().await;
    let (id, html) = simplified_form_post(&h).await;
    assert_eq!(
        form_action(&html),
        "https://spa.example.test/implicit/callback"
    );
    check_simplified_id_token(&h, &html, &id);
}

#[tokio::test]
async fn an_okta_simplified_tile_can_post_to_the_initiate_login_uri_instead() {
    let mut config = Config::for_tests();
    config.signing_key = Some(signing_key_file().to_path_buf());
    config.simplified_target = SimplifiedTarget::InitiateLoginUri;
    let h = Harness::with_config(config).await;
    let (id, html) = simplified_form_post(&h).await;
    assert_eq!(form_action(&html), INITIATE);
    check_simplified_id_token(&h, &html, &id);
}

#[tokio::test]
async fn a_tile_link_that_may_not_launch_answers_with_oktas_error_page() {
    let h = Harness::start().await;
    let (_, app_only) = app(&h, "App Only", web("DISABLED"), true, true).await;
    let (_, hidden) = app(&h, "Hidden", web("SPEC"), false, true).await;
    let (_, not_assigned) = app(&h, "Not Assigned", web("SPEC"), true, false).await;
    let (id, _) = app(&h, "Konnect", web("SPEC"), true, true).await;
    let (b, _) = sign_in_at(&h, "/app/UserHome", USER.0, USER.1).await;
    let wrong_link = h.url(&format!("/home/oidc_client/{id}/alnWrongLink000000"));
    for (link, code, description) in [
        (
            app_only,
            "idp_initated_flow_disabled",
            "IdP-initiated login is disabled for this client.",
        ),
        (
            hidden,
            "idp_initated_flow_disabled",
            "IdP-initiated login is disabled for this client.",
        ),
        (
            wrong_link,
            "idp_initated_flow_disabled",
            "IdP-initiated login is disabled for this client.",
        ),
        (
            not_assigned,
            "access_denied",
            "User is not assigned to the client application.",
        ),
    ] {
        let res = b.get(&link).reply().await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST, "{link}");
        let html = res.text;
        assert!(html.contains("400 Bad Request"));
        assert_eq!(
            data_se(&html, "error-code").as_deref(),
            Some(code),
            "{link}"
        );
        assert_eq!(
            data_se(&html, "error-description").as_deref(),
            Some(description)
        );
    }
}
