//! `/api/v1/authorizationServers/default/claims`: Okta's claim shapes, CRUD and errors, and
//! the app's groups claim (`/api/v1/internal/apps/{id}/settings/oauth/idToken`).

use super::*;

const CLAIMS: &str = "/api/v1/authorizationServers/default/claims";

fn groups_claim() -> Value {
    json!({"name": "groups", "status": "ACTIVE", "claimType": "IDENTITY", "valueType": "GROUPS",
           "value": "Konnect", "group_filter_type": "STARTS_WITH", "alwaysIncludeInToken": true,
           "conditions": {"scopes": []}})
}

#[tokio::test]
async fn a_claim_is_created_listed_read_replaced_and_deleted_in_oktas_shape() {
    let h = Harness::start().await;
    let created = call(&h, Method::POST, CLAIMS, Some(groups_claim())).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    assert_eq!(
        created.keys(),
        [
            "id",
            "name",
            "status",
            "claimType",
            "valueType",
            "value",
            "group_filter_type",
            "conditions",
            "system",
            "alwaysIncludeInToken",
            "_links"
        ]
    );
    let id = created.json["id"].as_str().expect("id").to_owned();
    assert!(id.starts_with("ocl") && id.len() == 20, "{id}");
    assert_eq!(created.json["group_filter_type"], "STARTS_WITH");
    assert_eq!(created.json["system"], false);
    assert_eq!(created.json["conditions"], json!({"scopes": []}));
    assert_eq!(
        created.json["_links"]["self"]["href"],
        h.url(&format!("{CLAIMS}/{id}"))
    );
    assert_eq!(
        created.json["_links"]["self"]["hints"]["allow"],
        json!(["GET", "PUT", "DELETE"])
    );

    let list = get(&h, CLAIMS).await;
    assert_eq!(list.json, json!([created.json.clone()]));
    let one = get(&h, &format!("{CLAIMS}/{id}")).await;
    assert_eq!(one.json, created.json);

    // An expression claim has no group filter type; Okta's examples send "TRUE" as a string.
    let replaced = call(
        &h,
        Method::PUT,
        &format!("{CLAIMS}/{id}"),
        Some(
            json!({"name": "department", "claimType": "RESOURCE", "valueType": "EXPRESSION",
                    "value": "user.department", "alwaysIncludeInToken": "TRUE",
                    "conditions": {"scopes": ["profile"]}}),
        ),
    )
    .await;
    assert_eq!(replaced.status, StatusCode::OK, "{}", replaced.text);
    assert_eq!(replaced.json["id"], id.as_str());
    assert_eq!(replaced.json["valueType"], "EXPRESSION");
    assert!(replaced.json.get("group_filter_type").is_none());
    assert_eq!(replaced.json["conditions"]["scopes"], json!(["profile"]));

    let gone = call(&h, Method::DELETE, &format!("{CLAIMS}/{id}"), None).await;
    assert_eq!(gone.status, StatusCode::NO_CONTENT);
    assert_eq!(get(&h, CLAIMS).await.json, json!([]));
    let summary = get(&h, &format!("{CLAIMS}/{id}"))
        .await
        .assert_error(StatusCode::NOT_FOUND, "E0000007");
    assert_eq!(
        summary,
        format!("Not found: Resource not found: {id} (OAuth2Claim)")
    );
    h.okta.shutdown().await;
}

#[tokio::test]
async fn bad_claims_are_refused_with_the_field_and_change_nothing() {
    let h = Harness::start().await;
    let with = |patch: Value| {
        let mut body = groups_claim();
        for (k, v) in patch.as_object().expect("patch") {
            body[k] = v.clone();
        }
        body
    };
    for (body, field, cause) in [
        (
            with(json!({"name": ""})),
            "name",
            "name: The field cannot be left blank",
        ),
        (
            with(json!({"name": "sub"})),
            "name",
            "name: The claim name 'sub' is reserved by Okta",
        ),
        (
            with(json!({"group_filter_type": "REGEX", "value": "("})),
            "value",
            "value: The regular expression is not valid",
        ),
        (
            with(json!({"value": ""})),
            "value",
            "value: The field cannot be left blank",
        ),
        (
            with(json!({"group_filter_type": null})),
            "group_filter_type",
            "group_filter_type: The field cannot be left blank",
        ),
        (
            with(json!({"valueType": "EXPRESSION", "value": "String.toUpperCase(user.login)"})),
            "value",
            "value: mock-okta evaluates only user.<profile attribute> and string literals in double quotes",
        ),
        (
            with(json!({"conditions": {"scopes": ["nope"]}})),
            "conditions.scopes",
            "scopes: The scope 'nope' does not exist on this authorization server",
        ),
        (
            with(json!({"claimType": null})),
            "claimType",
            "claimType: The field cannot be left blank",
        ),
    ] {
        let r = call(&h, Method::POST, CLAIMS, Some(body)).await;
        let summary = r.assert_error(StatusCode::BAD_REQUEST, "E0000001");
        assert_eq!(summary, format!("Api validation failed: {field}"));
        assert_eq!(r.json["errorCauses"][0]["errorSummary"], cause);
    }
    // Not JSON of the claim's shape: E0000003.
    let r = call(
        &h,
        Method::POST,
        CLAIMS,
        Some(with(json!({"claimType": "BOTH"}))),
    )
    .await;
    r.assert_error(StatusCode::BAD_REQUEST, "E0000003");
    let r = h
        .api(Method::POST, CLAIMS)
        .header("content-type", "application/json")
        .body("{\"name\": ")
        .reply()
        .await;
    r.assert_error(StatusCode::BAD_REQUEST, "E0000003");
    call(&h, Method::PATCH, CLAIMS, None)
        .await
        .assert_error(StatusCode::METHOD_NOT_ALLOWED, "E0000022");
    assert_eq!(get(&h, CLAIMS).await.json, json!([]), "nothing was made");

    // One name per token type: an ID-token and an access-token `groups` claim may coexist.
    let first = call(&h, Method::POST, CLAIMS, Some(groups_claim())).await;
    assert_eq!(first.status, StatusCode::CREATED);
    let again = call(&h, Method::POST, CLAIMS, Some(groups_claim())).await;
    again.assert_error(StatusCode::BAD_REQUEST, "E0000001");
    assert_eq!(
        again.json["errorCauses"][0]["errorSummary"],
        "name: An object with this field already exists in the current organization"
    );
    let resource = call(
        &h,
        Method::POST,
        CLAIMS,
        Some(with(json!({"claimType": "RESOURCE"}))),
    )
    .await;
    assert_eq!(resource.status, StatusCode::CREATED, "{}", resource.text);

    // Another server, an unknown claim.
    get(&h, "/api/v1/authorizationServers/aus123/claims")
        .await
        .assert_error(StatusCode::NOT_FOUND, "E0000007");
    call(
        &h,
        Method::PUT,
        &format!("{CLAIMS}/ocl404"),
        Some(groups_claim()),
    )
    .await
    .assert_error(StatusCode::NOT_FOUND, "E0000007");
    call(&h, Method::DELETE, &format!("{CLAIMS}/ocl404"), None)
        .await
        .assert_error(StatusCode::NOT_FOUND, "E0000007");
    h.okta.shutdown().await;
}

#[tokio::test]
async fn an_apps_groups_claim_is_set_read_and_cleared() {
    let h = Harness::start().await;
    let app = create_app(&h, "Konnect").await;
    let id = app["id"].as_str().expect("id");
    let path = format!("/api/v1/internal/apps/{id}/settings/oauth/idToken");
    assert_eq!(get(&h, &path).await.json, json!({"issuerMode": "ORG_URL"}));
    let set = call(
        &h,
        Method::POST,
        &path,
        Some(json!({"name": "groups", "valueType": "GROUPS", "groupFilterType": "REGEX", "value": ".*"})),
    )
    .await;
    assert_eq!(set.status, StatusCode::OK, "{}", set.text);
    assert_eq!(
        set.keys(),
        [
            "valueType",
            "groupFilterType",
            "issuerMode",
            "name",
            "value"
        ]
    );
    assert_eq!(get(&h, &path).await.json, set.json);
    let bad = call(
        &h,
        Method::POST,
        &path,
        Some(json!({"name": "groups", "groupFilterType": "SOUNDS_LIKE", "value": "x"})),
    )
    .await;
    bad.assert_error(StatusCode::BAD_REQUEST, "E0000001");
    assert_eq!(
        get(&h, &path).await.json,
        set.json,
        "a refusal changes nothing"
    );
    let cleared = call(&h, Method::POST, &path, Some(json!({}))).await;
    assert_eq!(cleared.json, json!({"issuerMode": "ORG_URL"}));
    get(&h, "/api/v1/internal/apps/0oa404/settings/oauth/idToken")
        .await
        .assert_error(StatusCode::NOT_FOUND, "E0000007");
    h.okta.shutdown().await;
}
