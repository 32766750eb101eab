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

#[tokio::test]
async fn a_deactivated_default_server_answers_as_an_unknown_one_until_activated() {
    let h = Harness::start().await;
    let app = h.web_app(&["authorization_code"]).await;
    let me = "/api/v1/authorizationServers/default";
    assert_eq!(
        get(&h, me).await.json["_links"]["deactivate"]["href"],
        h.url(&format!("{me}/lifecycle/deactivate"))
    );
    let ok = crate::support::code_flow(&h, &app, "openid", "/oauth2/default").await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.text);

    let r = call(
        &h,
        Method::POST,
        &format!("{me}/lifecycle/deactivate"),
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
    let shown = get(&h, me).await.json;
    assert_eq!(shown["status"], "INACTIVE");
    assert_eq!(
        shown["_links"]["activate"]["href"],
        h.url(&format!("{me}/lifecycle/activate"))
    );
    // Every endpoint of the server: Okta's 404 naming it.
    for path in [
        "/oauth2/default/.well-known/openid-configuration",
        "/oauth2/default/.well-known/oauth-authorization-server",
        "/oauth2/default/v1/keys",
        "/oauth2/default/v1/userinfo",
    ] {
        let summary = h
            .http
            .get(h.url(path))
            .reply()
            .await
            .assert_error(StatusCode::NOT_FOUND, "E0000007");
        assert_eq!(
            summary, "Not found: Resource not found: default (AuthorizationServer)",
            "{path}"
        );
    }
    let res = h
        .http
        .get(crate::support::authorize_url(&h, &app.client_id, &[]))
        .reply()
        .await;
    res.assert_error(StatusCode::NOT_FOUND, "E0000007");
    h.http
        .post(h.url("/oauth2/default/v1/token"))
        .basic_auth(&app.client_id, app.client_secret.as_deref())
        .form(&[("grant_type", "client_credentials"), ("scope", "x")])
        .reply()
        .await
        .assert_error(StatusCode::NOT_FOUND, "E0000007");
    // The org server is not affected, and the server's settings stay manageable.
    let org = h
        .http
        .get(h.url("/.well-known/openid-configuration"))
        .reply()
        .await;
    assert_eq!(org.status, StatusCode::OK);
    assert_eq!(
        get(&h, &format!("{me}/scopes")).await.status,
        StatusCode::OK
    );
    assert_eq!(
        get(&h, &format!("{me}/policies")).await.status,
        StatusCode::OK
    );

    let r = call(&h, Method::POST, &format!("{me}/lifecycle/activate"), None).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
    assert_eq!(get(&h, me).await.json["status"], "ACTIVE");
    let ok = crate::support::code_flow(&h, &app, "openid", "/oauth2/default").await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.text);
    call(
        &h,
        Method::POST,
        "/api/v1/authorizationServers/aus0nope/lifecycle/deactivate",
        None,
    )
    .await
    .assert_error(StatusCode::NOT_FOUND, "E0000007");
}
