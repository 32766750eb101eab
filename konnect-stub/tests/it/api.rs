//! The v2 identity API: authentication, each endpoint, and Konnect's rules and errors.

use konnect_stub::Config;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::*;

fn member_token_config() -> (Config, tempfile::NamedTempFile) {
    // A second organization (Free) from a seed file, and tokens for its users.
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(
        file.path(),
        json!({"organizations": [{
            "name": "Free Org", "tier": "free",
            "users": [
                {"email": "owner@free.test", "password": "Owner-Passw0rd!", "role": "organization-admin", "token": "kpat_free_owner"},
                {"email": "member@free.test", "password": "Member-Passw0rd!", "token": "kpat_free_member"}
            ]
        }]})
        .to_string(),
    )
    .unwrap();
    let mut config = Config::for_tests();
    config.seed = Some(file.path().to_owned());
    (config, file)
}

#[tokio::test]
async fn requests_without_a_valid_token_are_unauthenticated() {
    let stub = start_stub(Config::for_tests()).await;
    let http = server_kit::http_client().build().unwrap();
    let base = stub.base_url();
    for request in [
        http.get(format!("{base}/v2/users/me")),
        http.get(format!("{base}/v2/users/me"))
            .bearer_auth("spat_not_a_pat"),
        http.get(format!("{base}/v2/users/me")).bearer_auth("kpat_"),
        http.get(format!("{base}/v2/organizations/me"))
            .basic_auth("a", Some("b")),
        http.patch(format!("{base}/v2/identity-provider"))
            .json(&json!({})),
    ] {
        let got = send(request).await;
        assert_problem(&got, 401, "Unauthenticated");
        assert_eq!(got.2["detail"], "A valid token is required");
    }
}

#[tokio::test]
async fn any_kpat_is_the_admin_unless_a_token_is_configured() {
    let stub = start_stub(Config::for_tests()).await;
    let http = server_kit::http_client().build().unwrap();
    let (status, _, me) = send(
        http.get(format!("{}/v2/users/me", stub.base_url()))
            .bearer_auth("kpat_whatever"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(me["email"], ADMIN_EMAIL);
    assert_eq!(me["full_name"], "Org Admin");
    assert_eq!(me["active"], true);
    assert!(me.get("password").is_none());

    let mut config = Config::for_tests();
    config.admin_token = Some("kpat_only_this_one".into());
    let stub = start_stub(config).await;
    let me = |token: &'static str| {
        http.get(format!("{}/v2/users/me", stub.base_url()))
            .bearer_auth(token)
    };
    assert_eq!(send(me("kpat_only_this_one")).await.0, StatusCode::OK);
    assert_problem(&send(me("kpat_whatever")).await, 401, "Unauthenticated");
}

#[tokio::test]
async fn the_browser_session_authenticates_the_api() {
    let stub = start_stub(Config::for_tests()).await;
    let http = browser();
    let login = basic_login(&http, stub.base_url(), MEMBER_EMAIL, MEMBER_PASSWORD).await;
    assert_eq!(login.status(), StatusCode::OK);
    assert_eq!(session_email(&http, stub.base_url()).await, MEMBER_EMAIL);
    let (status, _, org) = send(http.get(format!("{}/v2/organizations/me", stub.base_url()))).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(org["name"], "Acme Co.");
}

#[tokio::test]
async fn organizations_me_shows_the_login_path_only_while_sso_is_on() {
    let idp = TestIdp::start().await;
    let stub = start_stub(Config::for_tests()).await;
    let http = server_kit::http_client().build().unwrap();
    let org = || {
        http.get(format!("{}/v2/organizations/me", stub.base_url()))
            .bearer_auth(ADMIN_PAT)
    };
    let (_, _, before) = send(org()).await;
    assert_eq!(before["login_path"], "");
    assert_eq!(before["state"], "active");
    let (_, _, admin) = send(
        http.get(format!("{}/v2/users/me", stub.base_url()))
            .bearer_auth(ADMIN_PAT),
    )
    .await;
    assert_eq!(before["owner_id"], admin["id"]);
    configure_sso(&http, stub.base_url(), &idp.issuer, CLIENT_SECRET).await;
    let (_, _, after) = send(org()).await;
    assert_eq!(after["login_path"], "acme-co");
    assert_eq!(after["id"], before["id"]);
}

#[tokio::test]
async fn identity_provider_round_trip_never_returns_the_secret() {
    let idp = TestIdp::start().await;
    let stub = start_stub(Config::for_tests()).await;
    let http = server_kit::http_client().build().unwrap();
    let url = format!("{}/v2/identity-provider", stub.base_url());
    assert_problem(
        &send(http.get(&url).bearer_auth(ADMIN_PAT)).await,
        404,
        "Not Found",
    );

    let (status, _, body) = send(http.patch(&url).bearer_auth(ADMIN_PAT).json(&json!({
        "issuer": idp.issuer, "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET,
        "login_path": "acme-sso"
    })))
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        body,
        json!({
            "issuer": idp.issuer, "login_path": "acme-sso", "client_id": CLIENT_ID,
            "scopes": ["openid", "email", "profile"],
            "claim_mappings": {"name": "name", "email": "email", "groups": "groups"}
        })
    );
    // A partial PATCH keeps the rest (and the secret: OIDC can be enabled).
    let (status, _, body) = send(
        http.patch(&url)
            .bearer_auth(ADMIN_PAT)
            .json(&json!({"claim_mappings": {"name": "display_name"}})),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["claim_mappings"]["name"], "display_name");
    assert_eq!(body["client_id"], CLIENT_ID);
    let (_, _, got) = send(http.get(&url).bearer_auth(ADMIN_PAT)).await;
    assert_eq!(got, body);
    assert!(!got.to_string().contains(CLIENT_SECRET));
    let on = send(
        http.patch(format!("{}/v2/authentication-settings", stub.base_url()))
            .bearer_auth(ADMIN_PAT)
            .json(&json!({"oidc_auth_enabled": true})),
    )
    .await;
    assert_eq!(on.0, StatusCode::OK);
    assert_eq!(on.2["oidc_auth_enabled"], true);
}

#[tokio::test]
async fn identity_provider_patch_validates_fields_and_the_issuer() {
    let idp = TestIdp::start().await;
    let stub = start_stub(Config::for_tests()).await;
    let http = server_kit::http_client().build().unwrap();
    let patch = |body: Value| {
        http.patch(format!("{}/v2/identity-provider", stub.base_url()))
            .bearer_auth(ADMIN_PAT)
            .json(&body)
    };

    let got = send(patch(
        json!({"issuer": "nope", "login_path": "has space", "scopes": ["email"]}),
    ))
    .await;
    assert_problem(&got, 400, "Bad Request");
    let fields: Vec<&str> = got.2["invalid_parameters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["issuer", "login_path", "scopes"]);

    // Not JSON, or an unknown field: Konnect's "request format is invalid".
    for bad in [
        http.patch(format!("{}/v2/identity-provider", stub.base_url()))
            .bearer_auth(ADMIN_PAT)
            .header("content-type", "application/json")
            .body("{not json"),
        patch(json!({"issuer_url": "x"})),
    ] {
        let got = send(bad).await;
        assert_problem(&got, 400, "Bad Request");
        assert_eq!(
            got.2["invalid_parameters"],
            json!([{"field": "body", "reason": "request format is invalid"}])
        );
    }

    // The discovery document must name the issuer exactly as entered.
    let got = send(patch(json!({"issuer": format!("{}/", idp.issuer)}))).await;
    assert_problem(&got, 400, "Bad Request");
    let reason = got.2["invalid_parameters"][0]["reason"].as_str().unwrap();
    assert_eq!(got.2["invalid_parameters"][0]["field"], "issuer");
    assert!(reason.contains("names the issuer"), "{reason}");

    // An issuer nobody answers for.
    let got = send(patch(
        json!({"issuer": "http://127.0.0.1:9/oauth2/default"}),
    ))
    .await;
    assert_problem(&got, 400, "Bad Request");
    assert!(
        got.2["invalid_parameters"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("could not be reached")
    );
    // Nothing was stored by the failed attempts.
    let (status, _, _) = send(
        http.get(format!("{}/v2/identity-provider", stub.base_url()))
            .bearer_auth(ADMIN_PAT),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn only_organization_admins_may_read_or_change_identity_settings() {
    let (config, _seed) = member_token_config();
    let stub = start_stub(config).await;
    let http = server_kit::http_client().build().unwrap();
    let base = stub.base_url();
    for request in [
        http.get(format!("{base}/v2/identity-provider")),
        http.patch(format!("{base}/v2/identity-provider"))
            .json(&json!({"client_id": "x"})),
        http.patch(format!("{base}/v2/authentication-settings"))
            .json(&json!({"basic_auth_enabled": true})),
    ] {
        let got = send(request.bearer_auth("kpat_free_member")).await;
        assert_problem(&got, 403, "Invalid Permissions");
        assert_eq!(
            got.2["detail"],
            "You must have the [administrator] role to perform this action"
        );
        assert_eq!(
            got.2["type"],
            "https://kongapi.info/konnect/invalid-permissions"
        );
    }
    // Members may read the settings.
    let (status, _, settings) = send(
        http.get(format!("{base}/v2/authentication-settings"))
            .bearer_auth("kpat_free_member"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        settings,
        json!({"basic_auth_enabled": true, "oidc_auth_enabled": false, "saml_auth_enabled": false,
               "idp_mapping_enabled": true, "konnect_mapping_enabled": false})
    );
}

#[tokio::test]
async fn a_free_organization_cannot_use_sso() {
    let idp = TestIdp::start().await;
    let (config, _seed) = member_token_config();
    let stub = start_stub(config).await;
    let http = server_kit::http_client().build().unwrap();
    let base = stub.base_url();
    let got = send(
        http.patch(format!("{base}/v2/identity-provider"))
            .bearer_auth("kpat_free_owner")
            .json(&json!({"issuer": idp.issuer, "client_id": CLIENT_ID, "client_secret": "s"})),
    )
    .await;
    assert_problem(&got, 403, "Permission denied");
    assert!(
        got.2["detail"]
            .as_str()
            .unwrap()
            .starts_with("Only enterprise organizations can")
    );
    let got = send(
        http.patch(format!("{base}/v2/authentication-settings"))
            .bearer_auth("kpat_free_owner")
            .json(&json!({"oidc_auth_enabled": true})),
    )
    .await;
    // The tier is refused before any other rule.
    assert_problem(&got, 403, "Permission denied");
}

#[tokio::test]
async fn authentication_settings_follow_konnects_rules() {
    let idp = TestIdp::start().await;
    let stub = start_stub(Config::for_tests()).await;
    let http = server_kit::http_client().build().unwrap();
    let patch = |body: Value| {
        http.patch(format!("{}/v2/authentication-settings", stub.base_url()))
            .bearer_auth(ADMIN_PAT)
            .json(&body)
    };
    let got = send(patch(json!({"oidc_auth_enabled": true}))).await;
    assert_problem(&got, 400, "Bad Request");
    assert_eq!(
        got.2["invalid_parameters"],
        json!([{"field": "oidc_auth_enabled", "reason": "cannot be set before configuring an identity provider"}])
    );
    let got = send(patch(json!({"basic_auth_enabled": false}))).await;
    assert_problem(&got, 400, "Bad Request");
    assert_eq!(
        got.2["detail"],
        "Atleast one of the authentication schemes from basic, oidc or saml needs to be enabled"
    );
    assert_eq!(got.2["invalid_parameters"].as_array().unwrap().len(), 3);
    let got = send(patch(json!({"saml_auth_enabled": true}))).await;
    assert_problem(&got, 400, "Bad Request");

    configure_sso(&http, stub.base_url(), &idp.issuer, CLIENT_SECRET).await;
    let (status, _, body) = send(patch(json!({"basic_auth_enabled": false}))).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["basic_auth_enabled"], false);
    assert_eq!(body["oidc_auth_enabled"], true);
    let got = send(patch(json!({"oidc_auth_enabled": false}))).await;
    assert_problem(&got, 400, "Bad Request");
}

#[tokio::test]
async fn v3_serves_the_same_endpoints_and_unknown_paths_are_problems() {
    let stub = start_stub(Config::for_tests()).await;
    let http = server_kit::http_client().build().unwrap();
    let (status, _, me) = send(
        http.get(format!("{}/v3/users/me", stub.base_url()))
            .bearer_auth(ADMIN_PAT),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(me["email"], ADMIN_EMAIL);
    let got = send(
        http.get(format!("{}/v2/teams", stub.base_url()))
            .bearer_auth(ADMIN_PAT),
    )
    .await;
    assert_problem(&got, 404, "Not Found");
}

#[tokio::test]
async fn team_mappings_wait_for_an_identity_provider() {
    let stub = start_stub(Config::for_tests()).await;
    let http = server_kit::http_client().build().unwrap();
    let base = stub.base_url();
    let got = send(
        http.get(format!("{base}/v3/identity-provider/team-mappings"))
            .bearer_auth(ADMIN_PAT),
    )
    .await;
    assert_problem(&got, 412, "Precondition Failed");
    assert_eq!(got.2["detail"], "IdP configuration not found");
    let got = send(
        http.patch(format!("{base}/v3/identity-provider/team-group-mappings"))
            .bearer_auth(ADMIN_PAT)
            .json(&json!({"data": []})),
    )
    .await;
    assert_problem(&got, 400, "Bad Request");
    assert_eq!(got.2["invalid_parameters"][0]["field"], "identity_provider");
    // Members may not read them either way.
    let (config, _file) = member_token_config();
    let stub = start_stub(config).await;
    let got = send(
        http.get(format!("{}/v3/teams", stub.base_url()))
            .bearer_auth("kpat_free_member"),
    )
    .await;
    assert_problem(&got, 403, "Invalid Permissions");
}
