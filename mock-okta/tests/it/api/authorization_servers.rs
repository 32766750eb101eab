//! `/api/v1/authorizationServers`: the `default` server, its keys and custom scopes.

use super::*;

#[tokio::test]
async fn the_default_authorization_server_is_the_only_one_listed() {
    let h = Harness::start().await;
    let list = get(&h, "/api/v1/authorizationServers").await;
    assert_eq!(list.json.as_array().map(Vec::len), Some(1));
    let one = get(&h, "/api/v1/authorizationServers/default").await;
    assert_eq!(one.json, list.json[0]);
    assert_eq!(
        one.keys(),
        [
            "id",
            "name",
            "description",
            "audiences",
            "issuer",
            "issuerMode",
            "status",
            "created",
            "lastUpdated",
            "credentials",
            "_links"
        ]
    );
    assert_eq!(one.json["id"], "default");
    assert_eq!(one.json["issuer"], h.issuer());
    assert_eq!(one.json["audiences"], json!(["api://default"]));
    assert_eq!(one.json["credentials"]["signing"]["rotationMode"], "AUTO");
    let keys_list = get(&h, "/api/v1/authorizationServers/default/credentials/keys").await;
    assert_eq!(
        one.json["credentials"]["signing"]["kid"],
        keys_list.json[0]["kid"]
    );
    h.okta.shutdown().await;
}

#[tokio::test]
async fn custom_scopes_join_the_list_and_published_ones_reach_discovery() {
    let h = Harness::start().await;
    let path = "/api/v1/authorizationServers/default/scopes";
    let before = get(&h, path).await;
    let names: Vec<&str> = before
        .json
        .as_array()
        .expect("scopes")
        .iter()
        .filter_map(|s| s["name"].as_str())
        .collect();
    assert_eq!(names[0], "openid");
    assert!(names.contains(&"offline_access"));
    assert!(
        before
            .json
            .as_array()
            .expect("scopes")
            .iter()
            .all(|s| s["system"] == true)
    );

    let r = call(
        &h,
        Method::POST,
        path,
        Some(json!({"name": "orders:read", "description": "Read orders", "metadataPublish": "ALL_CLIENTS"})),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert_eq!(
        r.keys(),
        [
            "id",
            "name",
            "displayName",
            "description",
            "system",
            "metadataPublish",
            "consent",
            "default",
            "_links"
        ]
    );
    assert_eq!(r.json["system"], false);
    assert_eq!(r.json["metadataPublish"], "ALL_CLIENTS");
    let sid = r.json["id"].as_str().expect("sid").to_owned();
    call(
        &h,
        Method::POST,
        path,
        Some(json!({"name": "orders:write"})),
    )
    .await;

    let after = get(&h, path).await;
    let names: Vec<&str> = after
        .json
        .as_array()
        .expect("scopes")
        .iter()
        .filter_map(|s| s["name"].as_str())
        .collect();
    assert_eq!(names[names.len() - 2..], ["orders:read", "orders:write"]);
    assert_eq!(
        get(&h, &format!("{path}/{sid}")).await.json["name"],
        "orders:read"
    );
    let openid_id = after.json[0]["id"].as_str().expect("openid id").to_owned();
    assert_eq!(
        get(&h, &format!("{path}/{openid_id}")).await.json["name"],
        "openid"
    );

    let dup = call(&h, Method::POST, path, Some(json!({"name": "orders:read"}))).await;
    dup.assert_error(StatusCode::BAD_REQUEST, "E0000001");

    let discovery = |h: &Harness| {
        let url = h.url("/oauth2/default/.well-known/openid-configuration");
        let client = h.http.clone();
        async move {
            let v: Value = client.get(url).reply().await.json;
            v["scopes_supported"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|s| s.as_str().map(str::to_owned))
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        }
    };
    let published = discovery(&h).await;
    assert!(
        published.contains(&"orders:read".to_owned()),
        "{published:?}"
    );
    assert!(
        !published.contains(&"orders:write".to_owned()),
        "{published:?}"
    );

    let d = call(&h, Method::DELETE, &format!("{path}/{sid}"), None).await;
    assert_eq!(d.status, StatusCode::NO_CONTENT);
    assert!(!discovery(&h).await.contains(&"orders:read".to_owned()));
    call(&h, Method::DELETE, &format!("{path}/{openid_id}"), None)
        .await
        .assert_error(StatusCode::FORBIDDEN, "E0000006");
    h.okta.shutdown().await;
}
