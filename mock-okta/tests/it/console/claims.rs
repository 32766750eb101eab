//! Security > API > Authorization Servers: the list shows every custom server; `default` >
//! Claims: Add Claim with Okta's labels makes the same claim as the Claims API, and Delete
//! removes it.

use super::*;

const SERVER: &str = "/admin/oauth2/as/default";

#[tokio::test]
async fn add_claim_makes_the_claim_the_api_shows() {
    let h = Harness::start().await;
    let b = admin(&h).await;
    let t = token(&b, &h).await;
    let (status, html) = page(&b, &h, "/admin/oauth2/as").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(">Authorization Servers</a>"));
    assert!(html.contains(&format!(
        "<a href=\"{SERVER}\" data-se=\"auth-server-name\">default</a>"
    )));
    let (_, html) = page(&b, &h, &format!("{SERVER}?tab=claims")).await;
    assert!(html.contains("No claims yet."));
    let (_, html) = page(&b, &h, &format!("{SERVER}?tab=claims&dialog=add-claim")).await;
    for label in [
        "<label for=\"claim-name\">Name</label>",
        "<label for=\"token-type\">Include in token type</label>",
        ">ID Token</option>",
        ">Always</option>",
        ">Userinfo/id_token request</option>",
        "<label for=\"value-type\">Value type</label>",
        ">Groups</option>",
        "<label for=\"filter-type\">Filter</label>",
        ">Matches regex</option>",
        "<legend>Include in</legend>",
        "<label for=\"include-any\">Any scope</label>",
        "<label for=\"include-scopes\">The following scopes</label>",
    ] {
        assert!(html.contains(label), "{label}");
    }

    let kong = [
        ("name", "groups"),
        ("token_type", "IDENTITY"),
        ("include", "always"),
        ("value_type", "GROUPS"),
        ("filter_type", "REGEX"),
        ("filter_value", ".*"),
        ("include_in", "any"),
    ];
    let claims = "/api/v1/authorizationServers/default/claims";
    let bad = [("filter_value", "("), ("name", "groups")];
    let mut form: Vec<(&str, &str)> = kong.to_vec();
    form.retain(|(k, _)| !bad.iter().any(|(b, _)| b == k));
    form.extend_from_slice(&bad);
    let res = post(&b, &h, &format!("{SERVER}/claims"), &t, &form).await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        data_se(&res.text, "error-filter").as_deref(),
        Some("The regular expression is not valid")
    );
    assert_eq!(
        get(&h, claims).await.json,
        json!([]),
        "a refusal makes nothing"
    );

    let res = post(&b, &h, &format!("{SERVER}/claims"), &t, &kong).await;
    assert_eq!(res.status, StatusCode::FOUND);
    assert_eq!(location(&res), format!("{SERVER}?tab=claims#tab-claims"));
    let api = get(&h, claims).await;
    let c = &api.json[0];
    assert_eq!(c["name"], "groups");
    assert_eq!(c["claimType"], "IDENTITY");
    assert_eq!(c["valueType"], "GROUPS");
    assert_eq!(c["group_filter_type"], "REGEX");
    assert_eq!(c["value"], ".*");
    assert_eq!(c["alwaysIncludeInToken"], true);
    assert_eq!(c["conditions"]["scopes"], json!([]));
    assert_eq!(c["status"], "ACTIVE");
    let (_, html) = page(&b, &h, &format!("{SERVER}?tab=claims")).await;
    assert_eq!(data_se(&html, "claim-name").as_deref(), Some("groups"));
    assert_eq!(
        data_se(&html, "claim-value").as_deref(),
        Some("Matches regex: .*")
    );

    // An expression claim for the access token, for chosen scopes.
    let res = post(
        &b,
        &h,
        &format!("{SERVER}/claims"),
        &t,
        &[
            ("name", "given"),
            ("token_type", "RESOURCE"),
            ("include", "always"),
            ("value_type", "EXPRESSION"),
            ("value", "user.firstName"),
            ("include_in", "scopes"),
            ("scopes", "profile"),
        ],
    )
    .await;
    assert_eq!(res.status, StatusCode::FOUND);
    let api = get(&h, claims).await;
    assert_eq!(api.json[1]["claimType"], "RESOURCE");
    assert_eq!(api.json[1]["value"], "user.firstName");
    assert_eq!(api.json[1]["conditions"]["scopes"], json!(["profile"]));

    let id = api.json[0]["id"].as_str().expect("id");
    let res = post(
        &b,
        &h,
        &format!("{SERVER}/claims/remove"),
        &t,
        &[("claim_id", id)],
    )
    .await;
    assert_eq!(res.status, StatusCode::FOUND);
    assert_eq!(get(&h, claims).await.json.as_array().map(Vec::len), Some(1));
    let (status, _) = page(&b, &h, "/admin/oauth2/as/aus404").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    h.okta.shutdown().await;
}

#[tokio::test]
async fn the_authorization_servers_page_lists_created_servers() {
    let h = Harness::start().await;
    let made = call(
        &h,
        Method::POST,
        "/api/v1/authorizationServers",
        Some(json!({"name": "Orders", "description": "Orders API", "audiences": ["api://orders"]})),
    )
    .await
    .json;
    let id = made["id"].as_str().expect("id").to_owned();
    call(
        &h,
        Method::POST,
        &format!("/api/v1/authorizationServers/{id}/lifecycle/deactivate"),
        None,
    )
    .await;
    let b = admin(&h).await;
    let (status, html) = page(&b, &h, "/admin/oauth2/as").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(html.matches("data-se=\"auth-server-row\"").count(), 2);
    assert!(html.contains("<span data-se=\"auth-server-name\">Orders</span>"));
    assert!(html.contains("<td>api://orders</td>"));
    assert!(html.contains(&format!("<td>{}</td>", h.url(&format!("/oauth2/{id}")))));
    assert!(html.contains("<td data-se=\"auth-server-status\">Inactive</td>"));
    assert!(html.contains("<td data-se=\"auth-server-status\">Active</td>"));
}
