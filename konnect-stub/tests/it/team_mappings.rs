//! Team mappings at login, through the relying party against a wiremock provider: the groups
//! claim (from the ID token, or userinfo when the ID token lacks it) sets the teams, and the
//! Organization Admin team makes an Organization Admin.

use reqwest::StatusCode;
use serde_json::{Value, json};
use wiremock::{
    Mock, ResponseTemplate,
    matchers::{method, path},
};

use crate::helpers::*;

/// Maps `group` to the Organization Admin team and sets the authentication settings, through
/// the v3 API.
async fn map_to_organization_admin(sso: &Sso, group: &str, settings: Value) {
    let http = server_kit::http_client().build().unwrap();
    let teams = json_ok(
        http.get(format!(
            "{}/v3/teams?filter[name][eq]=organization-admin",
            sso.base()
        ))
        .bearer_auth(ADMIN_PAT),
    )
    .await;
    let team = teams["data"][0]["id"].as_str().unwrap().to_owned();
    json_ok(
        http.patch(format!(
            "{}/v3/identity-provider/team-group-mappings",
            sso.base()
        ))
        .bearer_auth(ADMIN_PAT)
        .json(&json!({"data": [{"team_id": team, "groups": [group]}]})),
    )
    .await;
    json_ok(
        http.patch(format!("{}/v3/authentication-settings", sso.base()))
            .bearer_auth(ADMIN_PAT)
            .json(&settings),
    )
    .await;
}

/// Signs in (a new session in the same browser) with `groups` as the ID token's groups claim
/// (`None`: no such claim), and says whether Identity Management then opens.
async fn logs_in_as_admin(sso: &Sso, groups: Option<Value>) -> bool {
    let response = sso
        .login_with_claims(Key::One, |c| {
            if let Some(g) = groups {
                c["groups"] = g;
            }
        })
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let page = sso
        .http
        .get(format!("{}/settings/identity-management", sso.base()))
        .send()
        .await
        .unwrap();
    match page.status() {
        StatusCode::OK => true,
        StatusCode::FORBIDDEN => false,
        other => panic!("Identity Management answered {other}"),
    }
}

/// The teams the home page shows the logged-in user in.
async fn home_teams(sso: &Sso) -> Vec<String> {
    let html = text_ok(sso.http.get(format!("{}/", sso.base()))).await;
    html.split("data-testid=\"konnect-home-team\">")
        .skip(1)
        .map(|s| s.split('<').next().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn the_groups_claim_sets_the_teams_at_every_login() {
    let sso = Sso::start().await;
    map_to_organization_admin(&sso, "Konnect Admins", json!({"idp_mapping_enabled": true})).await;
    assert!(logs_in_as_admin(&sso, Some(json!(["Everyone", "Konnect Admins"]))).await);
    assert_eq!(home_teams(&sso).await, ["Organization Admin"]);
    // Group names are case sensitive.
    assert!(!logs_in_as_admin(&sso, Some(json!(["konnect admins"]))).await);
    assert!(home_teams(&sso).await.is_empty());
    assert!(logs_in_as_admin(&sso, Some(json!("Konnect Admins"))).await);
    // Out of the group (no groups claim at all, userinfo asked and silent too): a member again
    // at the next login.
    let _userinfo = Mock::given(method("GET"))
        .and(path("/oauth2/default/v1/userinfo"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "sub": "00u-sam", "email": "sam@example.com", "email_verified": true
        })))
        .mount_as_scoped(&sso.idp.server)
        .await;
    assert!(!logs_in_as_admin(&sso, None).await);
}

#[tokio::test]
async fn with_konnect_mapping_the_groups_claim_changes_nothing() {
    let sso = Sso::start().await;
    map_to_organization_admin(
        &sso,
        "Konnect Admins",
        json!({"idp_mapping_enabled": true, "konnect_mapping_enabled": true}),
    )
    .await;
    assert!(!logs_in_as_admin(&sso, Some(json!(["Konnect Admins"]))).await);
    assert!(home_teams(&sso).await.is_empty());
}

#[tokio::test]
async fn the_groups_claim_comes_from_userinfo_when_the_id_token_lacks_it() {
    let sso = Sso::start().await;
    map_to_organization_admin(&sso, "Konnect Admins", json!({"idp_mapping_enabled": true})).await;
    let userinfo = Mock::given(method("GET"))
        .and(path("/oauth2/default/v1/userinfo"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "sub": "00u-sam", "email": "sam@example.com", "email_verified": true,
            "groups": ["Konnect Admins"]
        })))
        .mount_as_scoped(&sso.idp.server)
        .await;
    assert!(logs_in_as_admin(&sso, None).await);
    assert_eq!(userinfo.received_requests().await.len(), 1);
}

#[tokio::test]
async fn a_groups_claim_that_is_not_group_names_fails_the_sign_in() {
    let sso = Sso::start().await;
    map_to_organization_admin(&sso, "Konnect Admins", json!({"idp_mapping_enabled": true})).await;
    let response = sso
        .login_with_claims(Key::One, |c| c["groups"] = json!({"Konnect Admins": true}))
        .await;
    assert_refused(response, StatusCode::BAD_GATEWAY, &["groups claim"]).await;
    sso.assert_no_session().await;
}
