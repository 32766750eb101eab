//! `/api/v1/groups`: groups, members and the built-in Everyone group.

use super::*;

#[tokio::test]
async fn groups_hold_members_and_everyone_is_built_in() {
    let h = Harness::start().await;
    let everyone = get(&h, "/api/v1/groups?q=Every").await;
    assert_eq!(everyone.json[0]["type"], "BUILT_IN");
    assert_eq!(everyone.json[0]["profile"]["name"], "Everyone");
    let everyone_id = everyone.json[0]["id"].as_str().expect("id").to_owned();

    let r = call(
        &h,
        Method::POST,
        "/api/v1/groups",
        Some(json!({"profile": {"name": "Engineering", "description": "Builders"}})),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(
        r.keys(),
        [
            "id",
            "created",
            "lastUpdated",
            "lastMembershipUpdated",
            "objectClass",
            "type",
            "profile",
            "_links"
        ]
    );
    assert_eq!(r.json["objectClass"], json!(["okta:user_group"]));
    assert_eq!(r.json["type"], "OKTA_GROUP");
    assert_eq!(
        r.json["profile"],
        json!({"name": "Engineering", "description": "Builders"})
    );
    let gid = r.json["id"].as_str().expect("gid").to_owned();
    assert!(gid.starts_with("00g"));

    let okta_groups = get(&h, "/api/v1/groups?filter=type%20eq%20%22OKTA_GROUP%22").await;
    assert_eq!(okta_groups.json.as_array().map(Vec::len), Some(1));

    let uid = get(&h, "/api/v1/users/user@example.com").await.json["id"]
        .as_str()
        .expect("uid")
        .to_owned();
    let add = call(
        &h,
        Method::PUT,
        &format!("/api/v1/groups/{gid}/users/{uid}"),
        None,
    )
    .await;
    assert_eq!(add.status, StatusCode::NO_CONTENT);
    let members = get(&h, &format!("/api/v1/groups/{gid}/users")).await;
    assert_eq!(members.json[0]["id"], uid.as_str());
    assert_eq!(members.json.as_array().map(Vec::len), Some(1));
    let theirs = get(&h, &format!("/api/v1/users/{uid}/groups")).await;
    let names: Vec<&str> = theirs
        .json
        .as_array()
        .expect("groups")
        .iter()
        .filter_map(|g| g["profile"]["name"].as_str())
        .collect();
    assert_eq!(names, ["Everyone", "Engineering"]);
    let all = get(&h, &format!("/api/v1/groups/{everyone_id}/users")).await;
    assert_eq!(
        all.json.as_array().map(Vec::len),
        Some(2),
        "Everyone holds every user"
    );

    let remove = call(
        &h,
        Method::DELETE,
        &format!("/api/v1/groups/{gid}/users/{uid}"),
        None,
    )
    .await;
    assert_eq!(remove.status, StatusCode::NO_CONTENT);
    assert_eq!(
        get(&h, &format!("/api/v1/groups/{gid}/users")).await.json,
        json!([])
    );

    let renamed = call(
        &h,
        Method::PUT,
        &format!("/api/v1/groups/{gid}"),
        Some(json!({"profile": {"name": "Platform"}})),
    )
    .await;
    assert_eq!(
        renamed.json["profile"],
        json!({"name": "Platform", "description": null})
    );
    call(
        &h,
        Method::DELETE,
        &format!("/api/v1/groups/{everyone_id}"),
        None,
    )
    .await
    .assert_error(StatusCode::FORBIDDEN, "E0000006");
    let del = call(&h, Method::DELETE, &format!("/api/v1/groups/{gid}"), None).await;
    assert_eq!(del.status, StatusCode::NO_CONTENT);
    get(&h, &format!("/api/v1/groups/{gid}"))
        .await
        .assert_error(StatusCode::NOT_FOUND, "E0000007");
    h.okta.shutdown().await;
}
