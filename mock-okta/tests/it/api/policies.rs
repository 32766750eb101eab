//! The `default` server's access policies and rules over HTTP, and their evaluation at
//! authorize and token with Okta's refusal.

use super::*;
use crate::support::{USER, authorize_url, exchange, location, params, sign_in_through_page};

const BASE: &str = "/api/v1/authorizationServers/default/policies";
const DENIED: &str =
    "Policy evaluation failed for this request, please check the policy configurations.";

#[tokio::test]
async fn the_default_policy_is_okta_shaped_and_policies_and_rules_are_managed() {
    let h = Harness::start().await;
    let r = get(&h, BASE).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let default = r.json[0].clone();
    assert_eq!(default["name"], "Default Policy");
    assert_eq!(default["type"], "OAUTH_AUTHORIZATION_POLICY");
    assert_eq!(
        default["conditions"]["clients"]["include"],
        json!(["ALL_CLIENTS"])
    );
    let id = default["id"].as_str().unwrap().to_owned();
    assert!(id.starts_with("00p"));
    let rules = get(&h, &format!("{BASE}/{id}/rules")).await;
    assert_eq!(rules.json[0]["name"], "Default Policy Rule");
    assert_eq!(
        rules.json[0]["conditions"]["people"]["groups"]["include"],
        json!(["EVERYONE"])
    );
    assert_eq!(
        rules.json[0]["conditions"]["scopes"]["include"],
        json!(["*"])
    );

    let r = call(
        &h,
        Method::POST,
        BASE,
        Some(json!({"name": "Only one app",
        "conditions": {"clients": {"include": ["0oaone"]}}})),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let pid = r.json["id"].as_str().unwrap().to_owned();
    assert_eq!(r.json["priority"], 2);
    let r = call(
        &h,
        Method::POST,
        &format!("{BASE}/{pid}/rules"),
        Some(json!({"name": "Code",
        "conditions": {"grantTypes": {"include": ["authorization_code"]}}})),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let rid = r.json["id"].as_str().unwrap().to_owned();
    assert!(rid.starts_with("0pr"));
    assert_eq!(
        get(&h, &format!("{BASE}/{pid}/rules/{rid}")).await.json["name"],
        "Code"
    );
    let r = call(
        &h,
        Method::PUT,
        &format!("{BASE}/{pid}"),
        Some(json!({"name": "Renamed",
        "conditions": {"clients": {"include": ["0oatwo"]}}})),
    )
    .await;
    assert_eq!(r.json["name"], "Renamed", "{}", r.text);
    assert_eq!(
        get(&h, &format!("{BASE}/{pid}/rules"))
            .await
            .json
            .as_array()
            .unwrap()
            .len(),
        1,
        "rules stay"
    );
    let r = call(
        &h,
        Method::POST,
        &format!("{BASE}/{pid}/lifecycle/deactivate"),
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert_eq!(
        get(&h, &format!("{BASE}/{pid}")).await.json["status"],
        "INACTIVE"
    );
    assert_eq!(
        call(
            &h,
            Method::DELETE,
            &format!("{BASE}/{pid}/rules/{rid}"),
            None
        )
        .await
        .status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        call(&h, Method::DELETE, &format!("{BASE}/{pid}"), None)
            .await
            .status,
        StatusCode::NO_CONTENT
    );

    // Errors, each in Okta's body, changing nothing.
    call(&h, Method::POST, BASE, Some(json!({"name": "No clients"})))
        .await
        .assert_error(StatusCode::BAD_REQUEST, "E0000001");
    call(
        &h,
        Method::POST,
        BASE,
        Some(json!({"conditions": {"clients": {"include": ["ALL_CLIENTS"]}}})),
    )
    .await
    .assert_error(StatusCode::BAD_REQUEST, "E0000001");
    call(
        &h,
        Method::POST,
        &format!("{BASE}/{id}/rules"),
        Some(json!({"name": "No grants"})),
    )
    .await
    .assert_error(StatusCode::BAD_REQUEST, "E0000001");
    let summary = get(&h, &format!("{BASE}/00pnope"))
        .await
        .assert_error(StatusCode::NOT_FOUND, "E0000007");
    assert_eq!(
        summary,
        "Not found: Resource not found: 00pnope (AuthorizationServerPolicy)"
    );
    get(&h, "/api/v1/authorizationServers/aus0nope/policies")
        .await
        .assert_error(StatusCode::NOT_FOUND, "E0000007");
    assert_eq!(get(&h, BASE).await.json.as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn a_policy_that_excludes_the_client_refuses_at_authorize_and_token() {
    let h = Harness::start().await;
    let app = h.web_app(&["authorization_code"]).await;
    // Signed in while the Default Policy covers every client: a code.
    let back =
        sign_in_through_page(&h, &authorize_url(&h, &app.client_id, &[]), USER.0, USER.1).await;
    let code = params(&back)["code"].clone();

    let default = get(&h, BASE).await.json[0].clone();
    let id = default["id"].as_str().unwrap();
    let r = call(
        &h,
        Method::PUT,
        &format!("{BASE}/{id}"),
        Some(json!({"name": "Default Policy",
        "conditions": {"clients": {"include": ["0oasomeoneelse"]}}})),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);

    // The code already issued is refused at the token endpoint...
    let (status, error, description) = exchange(&h, &app, &code, &[]).await.oauth_error();
    assert_eq!(
        (status, error.as_str(), description.as_str()),
        (StatusCode::UNAUTHORIZED, "access_denied", DENIED)
    );
    // ...and authorize sends the browser back with the same refusal.
    let res = h
        .http
        .get(authorize_url(&h, &app.client_id, &[]))
        .reply()
        .await;
    assert_eq!(res.status, StatusCode::FOUND);
    let back = params(&location(&res));
    assert_eq!(back["error"], "access_denied");
    assert_eq!(back["error_description"], DENIED);
    assert_eq!(back["state"], "state-123");

    // The org authorization server has no such policies.
    let org = authorize_url(&h, &app.client_id, &[]).replace("/oauth2/default/", "/oauth2/");
    let res = h.http.get(org).reply().await;
    assert!(
        params(&location(&res)).contains_key("code"),
        "{}",
        location(&res)
    );

    let r = call(
        &h,
        Method::POST,
        &format!("{BASE}/{id}/lifecycle/deactivate"),
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    call(
        &h,
        Method::PUT,
        &format!("{BASE}/{id}"),
        Some(json!({"name": "Default Policy",
        "conditions": {"clients": {"include": ["ALL_CLIENTS"]}}})),
    )
    .await;
    let res = h
        .http
        .get(authorize_url(&h, &app.client_id, &[]))
        .reply()
        .await;
    assert_eq!(
        params(&location(&res))["error"],
        "access_denied",
        "an inactive policy matches nothing"
    );
    call(
        &h,
        Method::POST,
        &format!("{BASE}/{id}/lifecycle/activate"),
        None,
    )
    .await;
    let res = h
        .http
        .get(authorize_url(&h, &app.client_id, &[]))
        .reply()
        .await;
    assert!(params(&location(&res)).contains_key("code"));
}

/// `(name, priority, status)` of a policy's rules, in the order the API lists them.
async fn rule_order(h: &Harness, pid: &str) -> Vec<(String, u64, String)> {
    get(h, &format!("{BASE}/{pid}/rules"))
        .await
        .json
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["name"].as_str().unwrap().to_owned(),
                r["priority"].as_u64().unwrap(),
                r["status"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn row(name: &str, priority: u64, status: &str) -> (String, u64, String) {
    (name.to_owned(), priority, status.to_owned())
}

#[tokio::test]
async fn a_rule_is_replaced_moved_and_deactivated_and_authorize_follows() {
    let h = Harness::start().await;
    let app = h.web_app(&["authorization_code"]).await;
    let pid = get(&h, BASE).await.json[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let default_rule = get(&h, &format!("{BASE}/{pid}/rules")).await.json[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let one = format!("{BASE}/{pid}/rules/{default_rule}");
    // Signed in while the Default Policy Rule lets the code grant through.
    let back =
        sign_in_through_page(&h, &authorize_url(&h, &app.client_id, &[]), USER.0, USER.1).await;
    assert!(params(&back).contains_key("code"), "{back}");

    // A rule given priority 1 moves the Default Policy Rule down.
    let r = call(
        &h,
        Method::POST,
        &format!("{BASE}/{pid}/rules"),
        Some(json!({"name": "First", "priority": 1,
            "conditions": {"grantTypes": {"include": ["client_credentials"]}}})),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let first = r.json["id"].as_str().unwrap().to_owned();
    assert_eq!(
        rule_order(&h, &pid).await,
        vec![
            row("First", 1, "ACTIVE"),
            row("Default Policy Rule", 2, "ACTIVE")
        ]
    );

    // Replaced: the Default Policy Rule now allows only the refresh grant, and back to 1.
    let r = call(
        &h,
        Method::PUT,
        &one,
        Some(
            json!({"name": "Refresh only", "priority": 1, "type": "RESOURCE_ACCESS",
            "conditions": {"grantTypes": {"include": ["refresh_token"]},
                "people": {"groups": {"include": ["EVERYONE"]}}}}),
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json["id"], default_rule.as_str());
    assert_eq!(
        r.json["conditions"]["grantTypes"]["include"],
        json!(["refresh_token"])
    );
    assert_eq!(
        r.json["_links"]["deactivate"]["href"],
        format!("{}{one}/lifecycle/deactivate", h.base)
    );
    assert_eq!(
        rule_order(&h, &pid).await,
        vec![row("Refresh only", 1, "ACTIVE"), row("First", 2, "ACTIVE")]
    );
    let res = h
        .http
        .get(authorize_url(&h, &app.client_id, &[]))
        .reply()
        .await;
    assert_eq!(params(&location(&res))["error"], "access_denied");

    // Put back to allow the code grant; then deactivated, it matches nothing.
    call(
        &h,
        Method::PUT,
        &one,
        Some(json!({"name": "Code",
            "conditions": {"grantTypes": {"include": ["authorization_code"]}}})),
    )
    .await;
    let res = h
        .http
        .get(authorize_url(&h, &app.client_id, &[]))
        .reply()
        .await;
    assert!(params(&location(&res)).contains_key("code"));
    let r = call(
        &h,
        Method::POST,
        &format!("{one}/lifecycle/deactivate"),
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
    let shown = get(&h, &one).await.json;
    assert_eq!(shown["status"], "INACTIVE");
    assert_eq!(
        shown["_links"]["activate"]["href"],
        format!("{}{one}/lifecycle/activate", h.base)
    );
    let res = h
        .http
        .get(authorize_url(&h, &app.client_id, &[]))
        .reply()
        .await;
    assert_eq!(params(&location(&res))["error"], "access_denied");
    let r = call(&h, Method::POST, &format!("{one}/lifecycle/activate"), None).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
    let res = h
        .http
        .get(authorize_url(&h, &app.client_id, &[]))
        .reply()
        .await;
    assert!(params(&location(&res)).contains_key("code"));

    // Errors, each in Okta's body, changing nothing.
    let before = rule_order(&h, &pid).await;
    call(
        &h,
        Method::PUT,
        &one,
        Some(json!({"name": "No grants", "priority": 2})),
    )
    .await
    .assert_error(StatusCode::BAD_REQUEST, "E0000001");
    call(
        &h,
        Method::PUT,
        &one,
        Some(json!({"name": "Zero", "priority": 0,
            "conditions": {"grantTypes": {"include": ["authorization_code"]}}})),
    )
    .await
    .assert_error(StatusCode::BAD_REQUEST, "E0000001");
    call(&h, Method::PUT, &one, Some(json!({"name": 7})))
        .await
        .assert_error(StatusCode::BAD_REQUEST, "E0000003");
    let summary = call(
        &h,
        Method::PUT,
        &format!("{BASE}/{pid}/rules/0prnope"),
        Some(json!({"name": "x",
            "conditions": {"grantTypes": {"include": ["authorization_code"]}}})),
    )
    .await
    .assert_error(StatusCode::NOT_FOUND, "E0000007");
    assert_eq!(
        summary,
        "Not found: Resource not found: 0prnope (AuthorizationServerPolicyRule)"
    );
    call(
        &h,
        Method::POST,
        &format!("{BASE}/{pid}/rules/0prnope/lifecycle/activate"),
        None,
    )
    .await
    .assert_error(StatusCode::NOT_FOUND, "E0000007");
    call(
        &h,
        Method::POST,
        &format!("{BASE}/00pnope/rules/{first}/lifecycle/deactivate"),
        None,
    )
    .await
    .assert_error(StatusCode::NOT_FOUND, "E0000007");
    call(
        &h,
        Method::POST,
        &format!("/api/v1/authorizationServers/aus0nope/policies/{pid}/rules/{first}/lifecycle/deactivate"),
        None,
    )
    .await
    .assert_error(StatusCode::NOT_FOUND, "E0000007");
    assert_eq!(rule_order(&h, &pid).await, before);
}

#[tokio::test]
async fn a_policy_given_a_priority_in_use_moves_the_others_down() {
    let h = Harness::start().await;
    let r = call(
        &h,
        Method::POST,
        BASE,
        Some(json!({"name": "Top", "priority": 1,
            "conditions": {"clients": {"include": ["ALL_CLIENTS"]}}})),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let top = r.json["id"].as_str().unwrap().to_owned();
    let order = |v: Value| -> Vec<(String, u64)> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|p| {
                (
                    p["name"].as_str().unwrap().to_owned(),
                    p["priority"].as_u64().unwrap(),
                )
            })
            .collect()
    };
    assert_eq!(
        order(get(&h, BASE).await.json),
        vec![("Top".to_owned(), 1), ("Default Policy".to_owned(), 2)]
    );
    let r = call(
        &h,
        Method::PUT,
        &format!("{BASE}/{top}"),
        Some(json!({"name": "Top", "priority": 2,
            "conditions": {"clients": {"include": ["ALL_CLIENTS"]}}})),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(
        order(get(&h, BASE).await.json),
        vec![("Top".to_owned(), 2), ("Default Policy".to_owned(), 3)]
    );
}
