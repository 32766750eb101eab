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

#[tokio::test]
async fn an_app_user_gets_the_apps_own_profile_and_username_and_bad_updates_change_nothing() {
    let h = Harness::start().await;
    let app = create_app(&h, "Profiles").await;
    let aid = app["id"].as_str().expect("aid").to_owned();
    let uid = create_user(&h, "pat@example.com", true).await["id"]
        .as_str()
        .expect("uid")
        .to_owned();
    let one = format!("/api/v1/apps/{aid}/users/{uid}");

    // Assigned with a profile and a username, as Okta's SDKs assign.
    let r = call(
        &h,
        Method::POST,
        &format!("/api/v1/apps/{aid}/users"),
        Some(json!({"id": uid, "scope": "USER",
            "credentials": {"userName": "pat"}, "profile": {"team": "blue"}})),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json["credentials"], json!({"userName": "pat"}));
    assert_eq!(r.json["profile"], json!({"team": "blue"}));

    // An update replaces the profile (Okta's SDKs: read it, change it, post it back) or the
    // username, each leaving the other as it was.
    let r = call(
        &h,
        Method::POST,
        &one,
        Some(json!({"profile": {"floor": 3}})),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json["profile"], json!({"floor": 3}));
    assert_eq!(r.json["credentials"], json!({"userName": "pat"}));
    let r = call(
        &h,
        Method::POST,
        &one,
        Some(json!({"credentials": {"userName": "pat.p"}})),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json["profile"], json!({"floor": 3}));
    assert_eq!(r.json["credentials"], json!({"userName": "pat.p"}));
    let kept = get(&h, &one).await;
    assert_eq!(kept.json["profile"], json!({"floor": 3}));
    assert_eq!(kept.json["credentials"], json!({"userName": "pat.p"}));

    // Refused updates change nothing.
    for (body, field) in [
        (
            json!({"credentials": {"userName": " "}}),
            "credentials.userName",
        ),
        (
            json!({"credentials": {"userName": "x".repeat(101)}}),
            "cannot exceed 100 characters",
        ),
        (
            json!({"credentials": {"password": {"value": "x"}}, "profile": {"floor": 4}}),
            "Credentials should not be set on this resource based on the scheme.",
        ),
    ] {
        let r = call(&h, Method::POST, &one, Some(body)).await;
        r.assert_error(StatusCode::BAD_REQUEST, "E0000001");
        assert!(r.text.contains(field), "{}", r.text);
    }
    assert_eq!(get(&h, &one).await.json, kept.json);
    let r = call(
        &h,
        Method::POST,
        &format!("/api/v1/apps/{aid}/users"),
        Some(json!({"id": uid, "credentials": {"userName": ""}})),
    )
    .await;
    r.assert_error(StatusCode::BAD_REQUEST, "E0000001");

    // A user the app has only through a group has no app profile of their own; one it does
    // not have at all is not found.
    let everyone = everyone_id(&h).await;
    let r = call(
        &h,
        Method::PUT,
        &format!("/api/v1/apps/{aid}/groups/{everyone}"),
        Some(json!({})),
    )
    .await;
    assert!(r.status.is_success(), "{}", r.text);
    let other = create_user(&h, "lee@example.com", true).await["id"]
        .as_str()
        .expect("uid")
        .to_owned();
    let via_group = format!("/api/v1/apps/{aid}/users/{other}");
    assert_eq!(get(&h, &via_group).await.json["scope"], "GROUP");
    let r = call(
        &h,
        Method::POST,
        &via_group,
        Some(json!({"profile": {"a": 1}})),
    )
    .await;
    r.assert_error(StatusCode::BAD_REQUEST, "E0000001");
    assert_eq!(get(&h, &via_group).await.json["profile"], json!({}));
    let other_app = create_app(&h, "Nobody").await["id"]
        .as_str()
        .expect("aid")
        .to_owned();
    let r = call(
        &h,
        Method::POST,
        &format!("/api/v1/apps/{other_app}/users/{uid}"),
        Some(json!({"profile": {}})),
    )
    .await;
    r.assert_error(StatusCode::NOT_FOUND, "E0000007");
}
