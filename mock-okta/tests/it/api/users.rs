//! `/api/v1/users`: creation and lookup, lifecycle, `q`/`filter`/`search`, admin roles.

use super::*;

#[tokio::test]
async fn users_are_created_and_read_by_id_or_login_without_their_password() {
    let h = Harness::start().await;
    let created = create_user(&h, "ann@example.com", true).await;
    assert_eq!(
        keys(&created),
        [
            "id",
            "status",
            "created",
            "activated",
            "statusChanged",
            "lastLogin",
            "lastUpdated",
            "passwordChanged",
            "type",
            "profile",
            "credentials",
            "_links"
        ]
    );
    let id = created["id"].as_str().expect("id");
    assert!(id.starts_with("00u") && id.len() == 20);
    assert_eq!(created["status"], "ACTIVE");
    assert_eq!(created["lastLogin"], Value::Null);
    assert_eq!(
        created["credentials"],
        json!({"password": {}, "provider": {"type": "OKTA", "name": "OKTA"}})
    );
    assert_eq!(
        created["_links"]["self"]["href"],
        h.url(&format!("/api/v1/users/{id}"))
    );
    assert!(
        created["type"]["id"]
            .as_str()
            .is_some_and(|t| t.starts_with("oty"))
    );

    let by_login = get(&h, "/api/v1/users/ANN@example.com").await;
    assert_eq!(by_login.json["id"], id);
    assert_eq!(by_login.json["profile"]["login"], "ann@example.com");
    assert!(
        !by_login.text.contains("Corr3ct-Horse-Battery"),
        "{}",
        by_login.text
    );

    // `me` is the admin who owns the token.
    let me = get(&h, "/api/v1/users/me").await;
    assert_eq!(me.json["profile"]["login"], "admin@example.com");

    // A partial update merges, a replace drops what is not sent.
    let upd = call(
        &h,
        Method::POST,
        &format!("/api/v1/users/{id}"),
        Some(json!({"profile": {"mobilePhone": "555-0100"}})),
    )
    .await;
    assert_eq!(upd.json["profile"]["mobilePhone"], "555-0100");
    assert_eq!(upd.json["profile"]["firstName"], "Test");
    let rep = call(
        &h,
        Method::PUT,
        &format!("/api/v1/users/{id}"),
        Some(json!({"profile": {"firstName": "Ann", "lastName": "Lee",
                                "email": "ann@example.com", "login": "ann@example.com"}})),
    )
    .await;
    assert_eq!(rep.json["profile"]["firstName"], "Ann");
    assert!(rep.json["profile"].get("mobilePhone").is_none());

    // Duplicate logins are refused.
    let dup = call(
        &h,
        Method::POST,
        "/api/v1/users",
        Some(json!({"profile": {"firstName": "A", "lastName": "B",
                                "email": "ann@example.com", "login": "ann@example.com"}})),
    )
    .await;
    assert_eq!(
        dup.assert_error(StatusCode::BAD_REQUEST, "E0000001"),
        "Api validation failed: login"
    );
    assert_eq!(
        dup.json["errorCauses"],
        json!([{"errorSummary": "login: An object with this field already exists in the current organization"}])
    );
    h.okta.shutdown().await;
}

#[tokio::test]
async fn user_lifecycle_follows_oktas_rules_and_delete_takes_two_calls() {
    let h = Harness::start().await;
    let staged = create_user(&h, "bob@example.com", false).await;
    assert_eq!(staged["status"], "STAGED");
    assert_eq!(staged["activated"], Value::Null);
    let id = staged["id"].as_str().expect("id");
    let life = |op: &str| format!("/api/v1/users/{id}/lifecycle/{op}");

    let act = call(
        &h,
        Method::POST,
        &(life("activate") + "?sendEmail=false"),
        None,
    )
    .await;
    assert_eq!(act.status, StatusCode::OK);
    assert_eq!(keys(&act.json), ["activationUrl", "activationToken"]);
    let user_path = format!("/api/v1/users/{id}");
    let status = async |h: &Harness| get(h, &user_path).await.json["status"].clone();
    assert_eq!(status(&h).await, "ACTIVE");
    let again = call(&h, Method::POST, &life("activate"), None).await;
    assert_eq!(
        again.assert_error(StatusCode::FORBIDDEN, "E0000038"),
        "This operation is not allowed in the user's current status."
    );
    let s = call(&h, Method::POST, &life("suspend"), None).await;
    assert_eq!((s.status, s.json), (StatusCode::OK, json!({})));
    assert_eq!(status(&h).await, "SUSPENDED");
    call(&h, Method::POST, &life("unsuspend"), None).await;
    assert_eq!(status(&h).await, "ACTIVE");
    call(&h, Method::POST, &life("unlock"), None)
        .await
        .assert_error(StatusCode::FORBIDDEN, "E0000038");
    get(&h, &life("explode"))
        .await
        .assert_error(StatusCode::METHOD_NOT_ALLOWED, "E0000022");
    call(&h, Method::POST, &life("explode"), None)
        .await
        .assert_error(StatusCode::NOT_FOUND, "E0000007");

    let first = call(&h, Method::DELETE, &format!("/api/v1/users/{id}"), None).await;
    assert_eq!(first.status, StatusCode::NO_CONTENT);
    assert_eq!(status(&h).await, "DEPROVISIONED");
    let second = call(&h, Method::DELETE, &format!("/api/v1/users/{id}"), None).await;
    assert_eq!(second.status, StatusCode::NO_CONTENT);
    get(&h, &format!("/api/v1/users/{id}"))
        .await
        .assert_error(StatusCode::NOT_FOUND, "E0000007");
    h.okta.shutdown().await;
}

#[tokio::test]
async fn users_are_found_by_q_filter_and_search() {
    let h = Harness::start().await;
    create_user(&h, "carol@example.com", false).await;
    let logins = |r: &Reply| -> Vec<String> {
        r.json
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|u| u["profile"]["login"].as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    };
    let r = get(
        &h,
        "/api/v1/users?filter=profile.login%20eq%20%22user@example.com%22",
    )
    .await;
    assert_eq!(logins(&r), ["user@example.com"]);
    let r = get(&h, "/api/v1/users?search=status%20eq%20%22STAGED%22").await;
    assert_eq!(logins(&r), ["carol@example.com"]);
    let r = get(&h, "/api/v1/users?q=adm").await;
    assert_eq!(logins(&r), ["admin@example.com"]);
    let r = get(
        &h,
        "/api/v1/users?search=profile.email%20sw%20%22ca%22%20or%20profile.email%20sw%20%22us%22",
    )
    .await;
    assert_eq!(logins(&r), ["user@example.com", "carol@example.com"]);
    let r = get(&h, "/api/v1/users?limit=1").await;
    assert_eq!(logins(&r).len(), 1);
    assert_eq!(r.links().len(), 2, "a next link: {:?}", r.links());
    get(&h, "/api/v1/users?filter=status%20eq%20%22ACTIVE%22%20and")
        .await
        .assert_error(StatusCode::BAD_REQUEST, "E0000031");
    h.okta.shutdown().await;
}

#[tokio::test]
async fn admin_roles_are_listed_assigned_and_removed() {
    let h = Harness::start().await;
    let admin_roles = get(&h, "/api/v1/users/admin@example.com/roles").await;
    assert_eq!(admin_roles.status, StatusCode::OK);
    let role = &admin_roles.json[0];
    assert_eq!(
        keys(role),
        [
            "id",
            "label",
            "type",
            "status",
            "created",
            "lastUpdated",
            "assignmentType",
            "_links"
        ]
    );
    assert_eq!(role["type"], "SUPER_ADMIN");
    assert_eq!(role["label"], "Super Organization Administrator");
    assert_eq!(role["assignmentType"], "USER");

    let path = "/api/v1/users/user@example.com/roles";
    assert_eq!(get(&h, path).await.json, json!([]));
    let r = call(&h, Method::POST, path, Some(json!({"type": "APP_ADMIN"}))).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert_eq!(r.json["label"], "Application Administrator");
    let rid = r.json["id"].as_str().expect("rid").to_owned();
    assert_eq!(get(&h, path).await.json[0]["id"], rid.as_str());
    call(&h, Method::POST, path, Some(json!({"type": "GOD_MODE"})))
        .await
        .assert_error(StatusCode::BAD_REQUEST, "E0000001");
    let d = call(&h, Method::DELETE, &format!("{path}/{rid}"), None).await;
    assert_eq!(d.status, StatusCode::NO_CONTENT);
    assert_eq!(get(&h, path).await.json, json!([]));
    h.okta.shutdown().await;
}
