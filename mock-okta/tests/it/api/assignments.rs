//! App assignments to users and groups, and the user's app links.

use super::*;

#[tokio::test]
async fn apps_are_assigned_to_users_and_groups_and_show_in_app_links() {
    let h = Harness::start().await;
    let app = create_app(&h, "Portal").await;
    let aid = app["id"].as_str().expect("aid").to_owned();
    let user = get(&h, "/api/v1/users/user@example.com").await.json;
    let uid = user["id"].as_str().expect("uid").to_owned();

    let r = call(
        &h,
        Method::POST,
        &format!("/api/v1/apps/{aid}/users"),
        Some(json!({"id": uid, "scope": "USER", "credentials": {"userName": "user@example.com"}})),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(
        r.keys(),
        [
            "id",
            "externalId",
            "created",
            "lastUpdated",
            "scope",
            "status",
            "statusChanged",
            "passwordChanged",
            "syncState",
            "credentials",
            "profile",
            "_links"
        ]
    );
    assert_eq!(r.json["scope"], "USER");
    assert_eq!(r.json["status"], "ACTIVE");
    assert_eq!(r.json["syncState"], "DISABLED");
    assert_eq!(
        r.json["credentials"],
        json!({"userName": "user@example.com"})
    );
    assert_eq!(
        r.json["_links"]["app"]["href"],
        h.url(&format!("/api/v1/apps/{aid}"))
    );

    let dup = call(
        &h,
        Method::POST,
        &format!("/api/v1/apps/{aid}/users"),
        Some(json!({"id": uid, "scope": "USER"})),
    )
    .await;
    assert_eq!(
        dup.assert_error(StatusCode::CONFLICT, "E0000062"),
        "The specified user is already assigned to the application."
    );
    let one = get(&h, &format!("/api/v1/apps/{aid}/users/{uid}")).await;
    assert_eq!(one.json["id"], uid.as_str());

    // Group assignment: the admin gets the app through Everyone.
    let everyone = everyone_id(&h).await;
    let g = call(
        &h,
        Method::PUT,
        &format!("/api/v1/apps/{aid}/groups/{everyone}"),
        Some(json!({})),
    )
    .await;
    assert_eq!(g.status, StatusCode::OK, "{}", g.text);
    assert_eq!(keys(&g.json), ["id", "lastUpdated", "priority", "_links"]);
    assert_eq!(g.json["id"], everyone.as_str());
    assert_eq!(g.json["priority"], 0);
    let g = call(
        &h,
        Method::PUT,
        &format!("/api/v1/apps/{aid}/groups/{everyone}"),
        Some(json!({"priority": 3})),
    )
    .await;
    assert_eq!(g.json["priority"], 3);
    let groups = get(&h, &format!("/api/v1/apps/{aid}/groups")).await;
    assert_eq!(groups.json.as_array().map(Vec::len), Some(1));
    let users = get(&h, &format!("/api/v1/apps/{aid}/users")).await;
    let scopes: Vec<(&str, &str)> = users
        .json
        .as_array()
        .expect("users")
        .iter()
        .filter_map(|u| Some((u["credentials"]["userName"].as_str()?, u["scope"].as_str()?)))
        .collect();
    assert_eq!(
        scopes,
        [("user@example.com", "USER"), ("admin@example.com", "GROUP")]
    );

    // The dashboard links, once the tile is shown.
    let links = get(&h, "/api/v1/users/admin@example.com/appLinks").await;
    assert_eq!(links.status, StatusCode::OK);
    let link = &links.json[0];
    assert_eq!(
        keys(link),
        [
            "id",
            "label",
            "linkUrl",
            "logoUrl",
            "appName",
            "appInstanceId",
            "appAssignmentId",
            "credentialsSetup",
            "hidden",
            "sortOrder"
        ]
    );
    assert_eq!(link["label"], "Portal");
    assert_eq!(link["appInstanceId"], aid.as_str());
    assert_eq!(link["linkUrl"], app["_links"]["appLinks"][0]["href"]);
    assert_eq!(link["hidden"], true);

    let del = call(
        &h,
        Method::DELETE,
        &format!("/api/v1/apps/{aid}/groups/{everyone}"),
        None,
    )
    .await;
    assert_eq!(del.status, StatusCode::NO_CONTENT);
    assert_eq!(
        get(&h, "/api/v1/users/admin@example.com/appLinks")
            .await
            .json,
        json!([])
    );
    let del = call(
        &h,
        Method::DELETE,
        &format!("/api/v1/apps/{aid}/users/{uid}"),
        None,
    )
    .await;
    assert_eq!(del.status, StatusCode::NO_CONTENT);
    get(&h, &format!("/api/v1/apps/{aid}/users/{uid}"))
        .await
        .assert_error(StatusCode::NOT_FOUND, "E0000007");
    call(
        &h,
        Method::POST,
        &format!("/api/v1/apps/{aid}/users"),
        Some(json!({"id": "00uNOPE"})),
    )
    .await
    .assert_error(StatusCode::NOT_FOUND, "E0000007");
    h.okta.shutdown().await;
}
