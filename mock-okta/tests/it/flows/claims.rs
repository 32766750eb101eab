//! Claims in tokens: the `default` server's custom claims in ID tokens, access tokens and
//! userinfo (token types, "Always", scopes, status, each group filter), Okta's 100-group
//! limit under both readings, and the org server's app groups claim with the `groups` scope.

use mock_okta::{config::Config, state::GroupsOverLimit};

use super::*;

const CLAIMS: &str = "/api/v1/authorizationServers/default/claims";

async fn add_claim(h: &Harness, claim: Value) {
    let r = h
        .api(reqwest::Method::POST, CLAIMS)
        .json(&claim)
        .reply()
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
}

fn groups_claim(name: &str, claim_type: &str, filter: &str, value: &str) -> Value {
    json!({"name": name, "claimType": claim_type, "valueType": "GROUPS",
           "group_filter_type": filter, "value": value, "alwaysIncludeInToken": true,
           "conditions": {"scopes": []}})
}

/// Puts the seeded user into new groups with these names (made in this order).
fn join_groups(h: &Harness, names: &[&str]) {
    let dir = h.okta.directory();
    let user = dir.user(USER.0).expect("user");
    for name in names {
        let g = dir.create_group(name, None).expect("group");
        dir.set_group_member(&g.id, &user.id, true).expect("member");
    }
}

async fn userinfo(h: &Harness, server: &str, access_token: &str) -> Value {
    let r = h
        .http
        .get(h.url(&format!("{server}/v1/userinfo")))
        .bearer_auth(access_token)
        .reply()
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    r.json
}

fn tokens(r: &Reply) -> (Value, Value, String) {
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let id = r.json["id_token"].as_str().expect("id_token");
    let at = r.json["access_token"].as_str().expect("access_token");
    (jwt_parts(id).1, jwt_parts(at).1, at.to_owned())
}

#[tokio::test]
async fn custom_claims_go_where_their_token_type_and_scopes_say() {
    let h = Harness::start().await;
    let app = h.web_app(&["authorization_code"]).await;
    join_groups(&h, &["Konnect Admins", "Sales", "Konnect Devs"]);
    add_claim(
        &h,
        groups_claim("groups", "IDENTITY", "STARTS_WITH", "Konnect"),
    )
    .await;
    add_claim(
        &h,
        json!({"name": "given", "claimType": "IDENTITY", "valueType": "EXPRESSION",
                         "value": "user.firstName", "alwaysIncludeInToken": false}),
    )
    .await;
    add_claim(
        &h,
        json!({"name": "tier", "claimType": "RESOURCE", "valueType": "EXPRESSION",
                         "value": "\"gold\""}),
    )
    .await;
    add_claim(
        &h,
        json!({"name": "mail_only", "claimType": "IDENTITY", "valueType": "EXPRESSION",
                         "value": "\"yes\"", "conditions": {"scopes": ["email"]}}),
    )
    .await;
    add_claim(
        &h,
        json!({"name": "off", "claimType": "IDENTITY", "valueType": "EXPRESSION",
                         "value": "\"no\"", "status": "INACTIVE"}),
    )
    .await;
    add_claim(
        &h,
        json!({"name": "unset", "claimType": "IDENTITY", "valueType": "EXPRESSION",
                         "value": "user.costCenter"}),
    )
    .await;

    let r = code_flow(&h, &app, "openid profile", "/oauth2/default").await;
    let (id, at, access) = tokens(&r);
    assert_eq!(id["groups"], json!(["Konnect Admins", "Konnect Devs"]));
    // Custom claims follow the standard ones.
    let raw = jwt_raw(r.json["id_token"].as_str().expect("id"), 1);
    assert!(
        raw.ends_with(r#""groups":["Konnect Admins","Konnect Devs"]}"#),
        "{raw}"
    );
    assert!(
        id.get("given").is_none(),
        "Userinfo/id_token request: not with an access token"
    );
    assert!(id.get("tier").is_none() && id.get("mail_only").is_none() && id.get("off").is_none());
    assert!(
        id.get("unset").is_none(),
        "an unset attribute leaves the claim out"
    );
    assert_eq!(at["tier"], "gold");
    assert!(
        at.get("groups").is_none(),
        "IDENTITY claims stay out of access tokens"
    );
    assert_eq!(keys(&at).last(), Some(&"tier"));
    let info = userinfo(&h, "/oauth2/default", &access).await;
    assert_eq!(info["given"], "Uma");
    assert_eq!(info["groups"], json!(["Konnect Admins", "Konnect Devs"]));
    assert!(info.get("tier").is_none() && info.get("mail_only").is_none());

    let r = code_flow(&h, &app, "openid email", "/oauth2/default").await;
    let (id, _, _) = tokens(&r);
    assert_eq!(id["mail_only"], "yes", "granted one of the claim's scopes");
    h.okta.shutdown().await;
}

#[tokio::test]
async fn an_id_token_alone_carries_every_identity_claim() {
    let h = Harness::start().await;
    let app = h.hybrid_app("client_secret_post").await;
    add_claim(
        &h,
        json!({"name": "given", "claimType": "IDENTITY", "valueType": "EXPRESSION",
                         "value": "user.firstName", "alwaysIncludeInToken": false}),
    )
    .await;
    let token = session_token(&h, USER.0, USER.1).await;
    let url = authorize_url(
        &h,
        &app.client_id,
        &[("response_type", "id_token"), ("sessionToken", &token)],
    );
    let back = location(&h.http.get(&url).reply().await);
    let (_, id) = jwt_parts(&params(&back)["id_token"]);
    assert_eq!(id["given"], "Uma");
    h.okta.shutdown().await;
}

#[tokio::test]
async fn each_group_filter_type_picks_its_groups() {
    let h = Harness::start().await;
    let app = h.web_app(&["authorization_code"]).await;
    join_groups(
        &h,
        &["Konnect Admins", "konnect lower", "Team Konnect", "Sales"],
    );
    add_claim(
        &h,
        groups_claim("starts", "IDENTITY", "STARTS_WITH", "Konnect"),
    )
    .await;
    add_claim(&h, groups_claim("equals", "IDENTITY", "EQUALS", "Sales")).await;
    add_claim(
        &h,
        groups_claim("contains", "IDENTITY", "CONTAINS", "onnect"),
    )
    .await;
    add_claim(&h, groups_claim("regex", "IDENTITY", "REGEX", ".*")).await;
    add_claim(
        &h,
        groups_claim("access", "RESOURCE", "REGEX", "(?i)konnect.*"),
    )
    .await;
    let (id, at, _) = tokens(&code_flow(&h, &app, "openid", "/oauth2/default").await);
    assert_eq!(id["starts"], json!(["Konnect Admins"]), "case sensitive");
    assert_eq!(id["equals"], json!(["Sales"]));
    assert_eq!(
        id["contains"],
        json!(["Konnect Admins", "konnect lower", "Team Konnect"])
    );
    assert_eq!(
        id["regex"],
        json!([
            "Everyone",
            "Konnect Admins",
            "konnect lower",
            "Team Konnect",
            "Sales"
        ]),
        "every group, Everyone first (the order groups were made)"
    );
    assert_eq!(
        at["access"],
        json!(["Konnect Admins", "konnect lower"]),
        "a whole-name match"
    );
    h.okta.shutdown().await;
}

/// The seeded user in `n` groups named `g001`…; a groups claim of them all.
async fn many_groups(h: &Harness, n: usize) {
    let names: Vec<String> = (1..=n).map(|i| format!("g{i:03}")).collect();
    join_groups(h, &names.iter().map(String::as_str).collect::<Vec<_>>());
    add_claim(h, groups_claim("groups", "IDENTITY", "STARTS_WITH", "g")).await;
}

#[tokio::test]
async fn a_groups_claim_of_more_than_100_groups_refuses_the_token() {
    let h = Harness::start().await;
    let app = h.web_app(&["authorization_code"]).await;
    many_groups(&h, 100).await;
    let (id, _, _) = tokens(&code_flow(&h, &app, "openid", "/oauth2/default").await);
    assert_eq!(
        id["groups"].as_array().map(Vec::len),
        Some(100),
        "100 is allowed"
    );
    join_groups(&h, &["g101"]);
    let r = code_flow(&h, &app, "openid", "/oauth2/default").await;
    assert_eq!(
        r.oauth_error(),
        (
            StatusCode::BAD_REQUEST,
            "invalid_request".to_owned(),
            "The groups claim matched too many groups and must be configured to match fewer groups"
                .to_owned()
        )
    );
    h.okta.shutdown().await;
}

#[tokio::test]
async fn with_the_implicit_only_reading_the_code_flow_lists_every_group() {
    let mut config = Config::for_tests();
    config.groups_over_limit = GroupsOverLimit::ImplicitOnly;
    let h = Harness::with_config(config).await;
    let app = h.hybrid_app("client_secret_basic").await;
    many_groups(&h, 101).await;
    let (id, _, _) = tokens(&code_flow(&h, &app, "openid", "/oauth2/default").await);
    assert_eq!(id["groups"].as_array().map(Vec::len), Some(101));
    let token = session_token(&h, USER.0, USER.1).await;
    let url = authorize_url(
        &h,
        &app.client_id,
        &[("response_type", "id_token"), ("sessionToken", &token)],
    );
    let back = location(&h.http.get(&url).reply().await);
    let p = params(&back);
    assert_eq!(p["error"], "invalid_request", "{back}");
    assert_eq!(
        p["error_description"],
        "The groups claim matched too many groups and must be configured to match fewer groups"
    );
    assert!(!p.contains_key("id_token"));
    h.okta.shutdown().await;
}

#[tokio::test]
async fn the_org_server_lists_the_apps_groups_claim_with_the_groups_scope() {
    let h = Harness::start().await;
    let app = h.web_app(&["authorization_code"]).await;
    join_groups(&h, &["Konnect Admins"]);
    let path = format!("/api/v1/internal/apps/{}/settings/oauth/idToken", app.id);
    let r = h
        .api(reqwest::Method::POST, &path)
        .json(&json!({"name": "groups", "valueType": "GROUPS", "groupFilterType": "REGEX", "value": ".*"}))
        .reply()
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let (id, at, access) = tokens(&code_flow(&h, &app, "openid groups", "/oauth2").await);
    assert_eq!(id["groups"], json!(["Everyone", "Konnect Admins"]));
    assert!(
        at.get("groups").is_none(),
        "the org server puts it in ID tokens only"
    );
    assert_eq!(
        userinfo(&h, "/oauth2", &access).await["groups"],
        json!(["Everyone", "Konnect Admins"])
    );
    let (id, _, _) = tokens(&code_flow(&h, &app, "openid profile", "/oauth2").await);
    assert!(id.get("groups").is_none(), "not without the groups scope");
    // The default server ignores the app's claim.
    let (id, _, _) = tokens(&code_flow(&h, &app, "openid", "/oauth2/default").await);
    assert!(id.get("groups").is_none());
    h.okta.shutdown().await;
}
