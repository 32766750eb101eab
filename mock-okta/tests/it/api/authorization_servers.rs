//! `/api/v1/authorizationServers`: the `default` server and servers an admin makes, their
//! lifecycle, keys and `default`'s custom scopes.

use super::*;

#[tokio::test]
async fn the_default_authorization_server_is_listed_in_a_new_org() {
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

async fn create_server(h: &Harness, name: &str, audience: &str) -> Value {
    let r = call(
        h,
        Method::POST,
        "/api/v1/authorizationServers",
        Some(json!({"name": name, "description": "Orders API", "audiences": [audience]})),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    r.json
}

#[tokio::test]
async fn a_created_server_is_a_custom_server_with_its_own_issuer_and_discovery() {
    let h = Harness::start().await;
    let made = create_server(&h, "Orders", "api://orders").await;
    let id = made["id"].as_str().expect("id").to_owned();
    assert!(id.starts_with("aus") && id.len() == 20, "{id}");
    let issuer = h.url(&format!("/oauth2/{id}"));
    assert_eq!(made["issuer"], issuer);
    assert_eq!(made["name"], "Orders");
    assert_eq!(made["description"], "Orders API");
    assert_eq!(made["audiences"], json!(["api://orders"]));
    assert_eq!(made["issuerMode"], "ORG_URL");
    assert_eq!(made["status"], "ACTIVE");
    let me = format!("/api/v1/authorizationServers/{id}");
    assert_eq!(
        made["_links"]["self"]["hints"]["allow"],
        json!(["GET", "PUT", "DELETE"])
    );
    for settings in ["scopes", "claims", "policies"] {
        assert_eq!(
            made["_links"][settings]["href"],
            h.url(&format!("/api/v1/authorizationServers/{id}/{settings}"))
        );
    }
    assert_eq!(
        made["_links"]["deactivate"]["href"],
        h.url(&format!("{me}/lifecycle/deactivate"))
    );
    assert_eq!(get(&h, &me).await.json, made);
    let list = get(&h, "/api/v1/authorizationServers").await.json;
    let ids: Vec<&str> = list
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|s| s["id"].as_str())
        .collect();
    assert_eq!(ids, ["default", id.as_str()]);

    for kind in ["openid-configuration", "oauth-authorization-server"] {
        let doc = h
            .http
            .get(h.url(&format!("/oauth2/{id}/.well-known/{kind}")))
            .reply()
            .await;
        assert_eq!(doc.status, StatusCode::OK, "{kind}: {}", doc.text);
        assert_eq!(doc.json["issuer"], issuer);
        assert_eq!(doc.json["token_endpoint"], format!("{issuer}/v1/token"));
        assert_eq!(doc.json["jwks_uri"], format!("{issuer}/v1/keys"));
    }
    let keys = h
        .http
        .get(h.url(&format!("/oauth2/{id}/v1/keys")))
        .reply()
        .await;
    assert_eq!(keys.status, StatusCode::OK);
    assert_eq!(
        keys.json["keys"][0]["kid"],
        made["credentials"]["signing"]["kid"]
    );
}

#[tokio::test]
async fn a_new_server_has_no_policy_so_authorize_and_token_refuse() {
    let h = Harness::start().await;
    let app = h
        .web_app(&["authorization_code", "client_credentials"])
        .await;
    let id = create_server(&h, "Orders", "api://orders").await["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let token =
        crate::support::session_token(&h, crate::support::USER.0, crate::support::USER.1).await;
    let url = crate::support::authorize_url(&h, &app.client_id, &[("sessionToken", &token)])
        .replace("/oauth2/default/", &format!("/oauth2/{id}/"));
    let res = h.http.get(&url).reply().await;
    let back = crate::support::params(&crate::support::location(&res));
    assert_eq!(back["error"], "access_denied", "{back:?}");
    assert_eq!(
        back["error_description"],
        "Policy evaluation failed for this request, please check the policy configurations."
    );
    let r = h
        .http
        .post(h.url(&format!("/oauth2/{id}/v1/token")))
        .basic_auth(&app.client_id, app.client_secret.as_deref())
        .form(&[("grant_type", "client_credentials"), ("scope", "openid")])
        .reply()
        .await;
    let (status, error, _) = r.oauth_error();
    assert_eq!(
        (status, error.as_str()),
        (StatusCode::UNAUTHORIZED, "access_denied"),
        "{}",
        r.text
    );
}

#[tokio::test]
async fn creating_needs_a_name_a_description_and_one_audience() {
    let h = Harness::start().await;
    let path = "/api/v1/authorizationServers";
    let r = call(&h, Method::POST, path, Some(json!({}))).await;
    r.assert_error(StatusCode::BAD_REQUEST, "E0000001");
    assert_eq!(
        r.json["errorCauses"].as_array().map(Vec::len),
        Some(3),
        "{}",
        r.text
    );
    let two = json!({"name": "x", "description": "d", "audiences": ["a", "b"]});
    call(&h, Method::POST, path, Some(two))
        .await
        .assert_error(StatusCode::BAD_REQUEST, "E0000001");
    let taken = json!({"name": "default", "description": "d", "audiences": ["a"]});
    call(&h, Method::POST, path, Some(taken))
        .await
        .assert_error(StatusCode::BAD_REQUEST, "E0000001");
    let bad_mode =
        json!({"name": "x", "description": "d", "audiences": ["a"], "issuerMode": "NOPE"});
    call(&h, Method::POST, path, Some(bad_mode))
        .await
        .assert_error(StatusCode::BAD_REQUEST, "E0000003");
    // Nothing was made.
    assert_eq!(get(&h, path).await.json.as_array().map(Vec::len), Some(1));
}

#[tokio::test]
async fn replacing_changes_the_settings_and_keeps_id_and_status() {
    let h = Harness::start().await;
    let id = create_server(&h, "Orders", "api://orders").await["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let me = format!("/api/v1/authorizationServers/{id}");
    let r = call(
        &h,
        Method::PUT,
        &me,
        Some(json!({"name": "Billing", "description": "Billing API", "audiences": ["api://billing"], "issuerMode": "DYNAMIC"})),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json["id"], id.as_str());
    assert_eq!(r.json["name"], "Billing");
    assert_eq!(r.json["audiences"], json!(["api://billing"]));
    assert_eq!(r.json["issuerMode"], "DYNAMIC");
    assert_eq!(r.json["status"], "ACTIVE");
    assert_eq!(get(&h, &me).await.json, r.json);
    call(&h, Method::PUT, &me, Some(json!({"name": "Billing"})))
        .await
        .assert_error(StatusCode::BAD_REQUEST, "E0000001");
    assert_eq!(get(&h, &me).await.json["name"], "Billing");
    call(
        &h,
        Method::PUT,
        "/api/v1/authorizationServers/aus0nope",
        Some(json!({"name": "x", "description": "d", "audiences": ["a"]})),
    )
    .await
    .assert_error(StatusCode::NOT_FOUND, "E0000007");
}

#[tokio::test]
async fn a_server_is_deleted_once_deactivated_and_default_never() {
    let h = Harness::start().await;
    let id = create_server(&h, "Orders", "api://orders").await["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let me = format!("/api/v1/authorizationServers/{id}");
    call(&h, Method::DELETE, &me, None)
        .await
        .assert_error(StatusCode::BAD_REQUEST, "E0000001");
    assert_eq!(get(&h, &me).await.status, StatusCode::OK);
    let r = call(
        &h,
        Method::POST,
        &format!("{me}/lifecycle/deactivate"),
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
    let summary = h
        .http
        .get(h.url(&format!("/oauth2/{id}/v1/keys")))
        .reply()
        .await
        .assert_error(StatusCode::NOT_FOUND, "E0000007");
    assert_eq!(
        summary,
        format!("Not found: Resource not found: {id} (AuthorizationServer)")
    );
    let r = call(&h, Method::DELETE, &me, None).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
    get(&h, &me)
        .await
        .assert_error(StatusCode::NOT_FOUND, "E0000007");
    h.http
        .get(h.url(&format!("/oauth2/{id}/.well-known/openid-configuration")))
        .reply()
        .await
        .assert_error(StatusCode::NOT_FOUND, "E0000007");
    // Each change is in the System Log, the server its target.
    let events: Vec<String> = get(
        &h,
        &format!("/api/v1/logs?filter=target.id%20eq%20%22{id}%22"),
    )
    .await
    .json
    .as_array()
    .expect("events")
    .iter()
    .filter_map(|e| e["eventType"].as_str().map(str::to_owned))
    .collect();
    assert_eq!(
        events,
        [
            "oauth2.as.created",
            "oauth2.as.deactivated",
            "oauth2.as.deleted"
        ]
    );

    let default = "/api/v1/authorizationServers/default";
    call(
        &h,
        Method::POST,
        &format!("{default}/lifecycle/deactivate"),
        None,
    )
    .await;
    call(&h, Method::DELETE, default, None)
        .await
        .assert_error(StatusCode::FORBIDDEN, "E0000006");
    assert_eq!(get(&h, default).await.json["status"], "INACTIVE");
}

#[tokio::test]
async fn with_a_policy_a_created_server_issues_its_own_tokens_which_other_servers_refuse() {
    let h = Harness::start().await;
    let app = h.web_app(&["authorization_code"]).await;
    let id = create_server(&h, "Orders", "api://orders").await["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let policies = format!("/api/v1/authorizationServers/{id}/policies");
    assert_eq!(get(&h, &policies).await.json, json!([]));
    let p = call(
        &h,
        Method::POST,
        &policies,
        Some(
            json!({"name": "All clients", "conditions": {"clients": {"include": ["ALL_CLIENTS"]}}}),
        ),
    )
    .await;
    assert_eq!(p.status, StatusCode::CREATED, "{}", p.text);
    assert_eq!(p.json["priority"], 1);
    let pid = p.json["id"].as_str().expect("id").to_owned();
    assert_eq!(
        p.json["_links"]["self"]["href"],
        h.url(&format!("{policies}/{pid}"))
    );
    // The policy is this server's only.
    get(
        &h,
        &format!("/api/v1/authorizationServers/default/policies/{pid}"),
    )
    .await
    .assert_error(StatusCode::NOT_FOUND, "E0000007");
    let r = call(
        &h,
        Method::POST,
        &format!("{policies}/{pid}/rules"),
        Some(json!({"name": "Code", "conditions": {
            "grantTypes": {"include": ["authorization_code"]},
            "people": {"groups": {"include": ["EVERYONE"]}},
            "scopes": {"include": ["*"]}}})),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);

    // A claim of this server only.
    let claims = format!("/api/v1/authorizationServers/{id}/claims");
    let c = call(
        &h,
        Method::POST,
        &claims,
        Some(
            json!({"name": "team", "status": "ACTIVE", "claimType": "RESOURCE",
            "valueType": "EXPRESSION", "value": "\"orders\"", "conditions": {"scopes": []}}),
        ),
    )
    .await;
    assert_eq!(c.status, StatusCode::CREATED, "{}", c.text);
    let cid = c.json["id"].as_str().expect("id").to_owned();
    assert_eq!(
        c.json["_links"]["self"]["href"],
        h.url(&format!("{claims}/{cid}"))
    );
    assert_eq!(
        get(&h, "/api/v1/authorizationServers/default/claims")
            .await
            .json,
        json!([])
    );
    get(
        &h,
        &format!("/api/v1/authorizationServers/default/claims/{cid}"),
    )
    .await
    .assert_error(StatusCode::NOT_FOUND, "E0000007");

    let issuer = h.url(&format!("/oauth2/{id}"));
    let tokens =
        crate::support::code_flow(&h, &app, "openid profile", &format!("/oauth2/{id}")).await;
    assert_eq!(tokens.status, StatusCode::OK, "{}", tokens.text);
    let access = tokens.json["access_token"].as_str().expect("access_token");
    let (_, at) = crate::support::jwt_parts(access);
    assert_eq!(at["iss"], issuer);
    assert_eq!(at["aud"], "api://orders");
    assert_eq!(at["team"], "orders");
    let at_default = crate::support::code_flow(&h, &app, "openid", "/oauth2/default").await;
    let (_, at_default) = crate::support::jwt_parts(
        at_default.json["access_token"]
            .as_str()
            .expect("access_token"),
    );
    assert!(at_default.get("team").is_none(), "{at_default}");
    let (_, idt) = crate::support::jwt_parts(tokens.json["id_token"].as_str().expect("id_token"));
    assert_eq!(idt["iss"], issuer);
    assert_eq!(idt["aud"], app.client_id.as_str());

    let introspect = |server: String| {
        h.http
            .post(h.url(&format!("{server}/v1/introspect")))
            .basic_auth(&app.client_id, app.client_secret.as_deref())
            .form(&[("token", access), ("token_type_hint", "access_token")])
            .reply()
    };
    let own = introspect(format!("/oauth2/{id}")).await;
    assert_eq!(own.json["active"], true, "{}", own.text);
    assert_eq!(own.json["aud"], "api://orders");
    assert_eq!(own.json["iss"], issuer);
    let other = introspect("/oauth2/default".to_owned()).await;
    assert_eq!(other.json, json!({"active": false}), "{}", other.text);
    let userinfo = |server: String| {
        h.http
            .get(h.url(&format!("{server}/v1/userinfo")))
            .bearer_auth(access)
            .reply()
    };
    assert_eq!(
        userinfo(format!("/oauth2/{id}")).await.status,
        StatusCode::OK
    );
    assert_eq!(
        userinfo("/oauth2/default".to_owned()).await.status,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn a_created_server_has_the_system_scopes_and_its_own_custom_ones() {
    let h = Harness::start().await;
    let made = create_server(&h, "Orders", "api://orders").await;
    let id = made["id"].as_str().expect("id").to_owned();
    let scopes = format!("/api/v1/authorizationServers/{id}/scopes");
    assert_eq!(made["_links"]["scopes"]["href"], h.url(&scopes));
    let names = |v: &Value| -> Vec<String> {
        v.as_array()
            .expect("scopes")
            .iter()
            .filter_map(|s| s["name"].as_str().map(str::to_owned))
            .collect()
    };
    let default_system = names(
        &get(&h, "/api/v1/authorizationServers/default/scopes")
            .await
            .json,
    );
    let system = get(&h, &scopes).await.json;
    assert_eq!(names(&system), default_system);
    assert_eq!(
        system[0]["_links"]["self"]["href"],
        h.url(&format!(
            "{scopes}/{}",
            system[0]["id"].as_str().expect("id")
        ))
    );
    let r = call(
        &h,
        Method::POST,
        &scopes,
        Some(json!({"name": "orders:read", "metadataPublish": "ALL_CLIENTS"})),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let sid = r.json["id"].as_str().expect("id").to_owned();
    assert!(names(&get(&h, &scopes).await.json).contains(&"orders:read".to_owned()));
    // Only this server has it.
    assert!(
        !names(
            &get(&h, "/api/v1/authorizationServers/default/scopes")
                .await
                .json
        )
        .contains(&"orders:read".to_owned())
    );
    get(
        &h,
        &format!("/api/v1/authorizationServers/default/scopes/{sid}"),
    )
    .await
    .assert_error(StatusCode::NOT_FOUND, "E0000007");
    let doc = h
        .http
        .get(h.url(&format!("/oauth2/{id}/.well-known/openid-configuration")))
        .reply()
        .await;
    assert!(
        doc.json["scopes_supported"]
            .as_array()
            .expect("scopes_supported")
            .contains(&json!("orders:read"))
    );
    let default_doc = h
        .http
        .get(h.url("/oauth2/default/.well-known/openid-configuration"))
        .reply()
        .await;
    assert!(
        !default_doc.json["scopes_supported"]
            .as_array()
            .expect("scopes_supported")
            .contains(&json!("orders:read"))
    );
    let r = call(&h, Method::DELETE, &format!("{scopes}/{sid}"), None).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
    get(&h, &format!("{scopes}/{sid}"))
        .await
        .assert_error(StatusCode::NOT_FOUND, "E0000007");
}
