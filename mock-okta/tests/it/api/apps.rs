//! `/api/v1/apps`: each app type in Okta's shape, lifecycle, replace, validation, paging and
//! filters.

use super::*;

#[tokio::test]
async fn each_app_type_is_created_in_oktas_shape_with_the_secret_only_where_it_belongs() {
    let h = Harness::start().await;
    let cases = [
        (
            "web",
            web_settings(),
            json!({"token_endpoint_auth_method": "client_secret_post"}),
            true,
        ),
        (
            "browser",
            json!({"application_type": "browser", "redirect_uris": [REDIRECT],
                   "grant_types": ["authorization_code"], "response_types": ["code"]}),
            json!({}),
            false,
        ),
        (
            "native",
            json!({"application_type": "native", "redirect_uris": ["com.example.app:/callback"],
                   "grant_types": ["authorization_code"], "response_types": ["code"]}),
            json!({}),
            false,
        ),
        (
            "service",
            json!({"application_type": "service", "grant_types": ["client_credentials"]}),
            json!({}),
            true,
        ),
    ];
    for (kind, settings, credentials, has_secret) in cases {
        let r = call(
            &h,
            Method::POST,
            "/api/v1/apps",
            Some(app_body(&format!("{kind} app"), settings, credentials)),
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "{kind}: {}", r.text);
        assert_eq!(r.keys(), APP_KEYS, "{kind}");
        let app = &r.json;
        let id = app["id"].as_str().expect("id");
        assert!(id.starts_with("0oa") && id.len() == 20, "{id}");
        assert_eq!(app["name"], "oidc_client");
        assert_eq!(app["status"], "ACTIVE");
        assert_eq!(app["signOnMode"], "OPENID_CONNECT");
        assert!(
            app["created"]
                .as_str()
                .is_some_and(|t| t.ends_with('Z') && t.len() == 24)
        );
        assert_eq!(
            app["visibility"],
            json!({"autoLaunch": false, "autoSubmitToolbar": false,
                   "hide": {"iOS": true, "web": true}, "appLinks": {"oidc_client_link": true}})
        );
        assert_eq!(
            app["accessibility"],
            json!({"selfService": false, "errorRedirectUrl": null, "loginRedirectUrl": null})
        );
        let oc = &app["credentials"]["oauthClient"];
        assert_eq!(oc["client_id"], id, "client_id defaults to the app id");
        assert_eq!(oc["client_secret"].is_string(), has_secret, "{kind}: {oc}");
        assert_eq!(
            oc["pkce_required"],
            matches!(kind, "browser" | "native"),
            "{kind}"
        );
        assert_eq!(
            keys(&app["settings"]),
            [
                "app",
                "notifications",
                "manualProvisioning",
                "implicitAssignment",
                "notes",
                "oauthClient"
            ]
        );
        let s = &app["settings"]["oauthClient"];
        assert_eq!(s["application_type"], kind);
        assert_eq!(
            s["idp_initiated_login"],
            json!({"mode": "DISABLED", "default_scope": []})
        );
        assert_eq!(
            s["refresh_token"].is_object(),
            kind == "web",
            "{kind}: refresh_token"
        );
        assert_eq!(
            app["_links"]["appLinks"][0]["href"]
                .as_str()
                .unwrap_or_default()
                .rsplit_once('/')
                .map(|(prefix, aln)| (prefix.to_owned(), aln.starts_with("aln"))),
            Some((h.url(&format!("/home/oidc_client/{id}")), true))
        );
        assert_eq!(
            app["_links"]["users"]["href"],
            h.url(&format!("/api/v1/apps/{id}/users"))
        );

        // Reading it back never shows the secret.
        let back = get(&h, &format!("/api/v1/apps/{id}")).await;
        assert_eq!(back.status, StatusCode::OK);
        assert_eq!(back.keys(), APP_KEYS);
        assert!(
            back.json["credentials"]["oauthClient"]
                .get("client_secret")
                .is_none()
        );
        assert_eq!(back.json["settings"], app["settings"]);
    }
    h.okta.shutdown().await;
}

#[tokio::test]
async fn an_app_created_with_activate_false_is_inactive_until_activated() {
    let h = Harness::start().await;
    let r = call(
        &h,
        Method::POST,
        "/api/v1/apps?activate=false",
        Some(app_body("Dormant", web_settings(), json!({}))),
    )
    .await;
    assert_eq!(r.json["status"], "INACTIVE", "{}", r.text);
    assert!(r.json["_links"]["activate"].is_object());
    let id = r.json["id"].as_str().expect("id").to_owned();
    let act = call(
        &h,
        Method::POST,
        &format!("/api/v1/apps/{id}/lifecycle/activate"),
        None,
    )
    .await;
    assert_eq!((act.status, act.json), (StatusCode::OK, json!({})));
    assert_eq!(
        get(&h, &format!("/api/v1/apps/{id}")).await.json["status"],
        "ACTIVE"
    );
    h.okta.shutdown().await;
}

#[tokio::test]
async fn replacing_an_app_changes_its_settings_and_keeps_client_id_and_secret() {
    let h = Harness::start().await;
    let app = create_app(&h, "Before").await;
    let id = app["id"].as_str().expect("id");
    let secret = app["credentials"]["oauthClient"]["client_secret"].clone();
    assert!(secret.is_string());
    let mut settings = web_settings();
    settings["redirect_uris"] = json!(["https://new.example.test/cb"]);
    settings["initiate_login_uri"] = json!("https://new.example.test/login");
    settings["idp_initiated_login"] = json!({"mode": "SPEC", "default_scope": []});
    let mut body = app_body("After", settings, json!({}));
    body["visibility"] = json!({"hide": {"iOS": true, "web": false}});
    let r = call(&h, Method::PUT, &format!("/api/v1/apps/{id}"), Some(body)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json["label"], "After");
    assert_eq!(r.json["credentials"]["oauthClient"]["client_id"], id);
    assert_eq!(
        r.json["credentials"]["oauthClient"]["client_secret"],
        secret
    );
    let s = &r.json["settings"]["oauthClient"];
    assert_eq!(s["redirect_uris"], json!(["https://new.example.test/cb"]));
    assert_eq!(s["initiate_login_uri"], "https://new.example.test/login");
    assert_eq!(s["idp_initiated_login"]["mode"], "SPEC");
    assert_eq!(r.json["visibility"]["hide"]["web"], false);

    // Changing the application type is refused and changes nothing.
    let mut browser = web_settings();
    browser["application_type"] = json!("browser");
    let bad = call(
        &h,
        Method::PUT,
        &format!("/api/v1/apps/{id}"),
        Some(app_body("Other", browser, json!({}))),
    )
    .await;
    bad.assert_error(StatusCode::BAD_REQUEST, "E0000001");
    assert_eq!(
        get(&h, &format!("/api/v1/apps/{id}")).await.json["label"],
        "After"
    );
    h.okta.shutdown().await;
}

#[tokio::test]
async fn invalid_apps_are_refused_with_oktas_validation_error_and_causes() {
    let h = Harness::start().await;
    let body = app_body(
        "",
        json!({"application_type": "web", "redirect_uris": ["/relative"],
               "grant_types": ["authorization_code"], "response_types": ["code"]}),
        json!({}),
    );
    let r = call(&h, Method::POST, "/api/v1/apps", Some(body)).await;
    let summary = r.assert_error(StatusCode::BAD_REQUEST, "E0000001");
    assert!(summary.starts_with("Api validation failed: "), "{summary}");
    assert!(summary.contains("label"), "{summary}");
    let causes: Vec<&str> = r.json["errorCauses"]
        .as_array()
        .expect("causes")
        .iter()
        .filter_map(|c| c["errorSummary"].as_str())
        .collect();
    assert!(
        causes.iter().any(|c| c.starts_with("label: ")),
        "{causes:?}"
    );
    assert!(
        causes.iter().any(|c| c.starts_with("redirect_uris: ")),
        "{causes:?}"
    );
    assert_eq!(
        get(&h, "/api/v1/apps").await.json,
        json!([]),
        "nothing was created"
    );
    h.okta.shutdown().await;
}

#[tokio::test]
async fn an_active_app_cannot_be_deleted_until_it_is_deactivated() {
    let h = Harness::start().await;
    let app = create_app(&h, "Doomed").await;
    let path = format!("/api/v1/apps/{}", app["id"].as_str().expect("id"));
    let r = call(&h, Method::DELETE, &path, None).await;
    assert_eq!(
        r.assert_error(StatusCode::FORBIDDEN, "E0000056"),
        "Delete application forbidden."
    );
    assert_eq!(
        r.json["errorCauses"],
        json!([{"errorSummary": "The application must be deactivated before deletion."}])
    );
    let d = call(
        &h,
        Method::POST,
        &format!("{path}/lifecycle/deactivate"),
        None,
    )
    .await;
    assert_eq!((d.status, d.json), (StatusCode::OK, json!({})));
    let r = call(&h, Method::DELETE, &path, None).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert!(r.text.is_empty());
    get(&h, &path)
        .await
        .assert_error(StatusCode::NOT_FOUND, "E0000007");
    h.okta.shutdown().await;
}

#[tokio::test]
async fn app_lists_are_paged_with_link_headers_and_an_after_cursor() {
    let h = Harness::start().await;
    let mut ids = Vec::new();
    for label in ["Pager A", "Pager B", "Pager C"] {
        ids.push(
            create_app(&h, label).await["id"]
                .as_str()
                .expect("id")
                .to_owned(),
        );
    }
    create_app(&h, "Other").await;
    let first = get(&h, "/api/v1/apps?q=Pager&limit=2").await;
    assert_eq!(first.status, StatusCode::OK);
    let got: Vec<&str> = first
        .json
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|a| a["id"].as_str())
        .collect();
    assert_eq!(got, [ids[0].as_str(), ids[1].as_str()]);
    let next_url = h.url(&format!("/api/v1/apps?limit=2&q=Pager&after={}", ids[1]));
    assert_eq!(
        first.links(),
        [
            format!("<{}>; rel=\"self\"", h.url("/api/v1/apps?limit=2&q=Pager")),
            format!("<{next_url}>; rel=\"next\""),
        ]
    );
    // Clients follow the next link as given.
    let second = h
        .http
        .get(&next_url)
        .header("authorization", format!("SSWS {DEFAULT_API_TOKEN}"))
        .reply()
        .await;
    let got: Vec<&str> = second
        .json
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|a| a["id"].as_str())
        .collect();
    assert_eq!(got, [ids[2].as_str()]);
    assert_eq!(second.links().len(), 1, "the last page has no next link");
    assert!(second.links()[0].ends_with("rel=\"self\""));

    // Without `limit`, apps come 20 to a page and the self link says so.
    let all = get(&h, "/api/v1/apps").await;
    assert_eq!(all.json.as_array().map(Vec::len), Some(4));
    assert_eq!(
        all.links(),
        [format!(
            "<{}>; rel=\"self\"",
            h.url("/api/v1/apps?limit=20")
        )]
    );
    h.okta.shutdown().await;
}

#[tokio::test]
async fn app_lists_filter_by_status_name_and_assigned_user() {
    let h = Harness::start().await;
    let active = create_app(&h, "Active one").await;
    let inactive = call(
        &h,
        Method::POST,
        "/api/v1/apps?activate=false",
        Some(app_body("Inactive one", web_settings(), json!({}))),
    )
    .await
    .json;
    let ids = |r: &Reply| -> Vec<String> {
        r.json
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|x| x["id"].as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    };
    let r = get(&h, "/api/v1/apps?filter=status%20eq%20%22INACTIVE%22").await;
    assert_eq!(ids(&r), [inactive["id"].as_str().expect("id")]);
    assert!(
        r.links()[0].contains("filter=status+eq+%22INACTIVE%22"),
        "{:?}",
        r.links()
    );
    let r = get(
        &h,
        "/api/v1/apps?filter=name%20eq%20%22oidc_client%22%20and%20status%20eq%20%22ACTIVE%22",
    )
    .await;
    assert_eq!(ids(&r), [active["id"].as_str().expect("id")]);

    // `user.id` finds apps assigned directly or through a group.
    let user = get(&h, "/api/v1/users/user@example.com").await.json;
    let uid = user["id"].as_str().expect("uid");
    let path = format!("/api/v1/apps?filter=user.id+eq+%22{uid}%22");
    assert!(ids(&get(&h, &path).await).is_empty());
    let everyone = everyone_id(&h).await;
    let aid = inactive["id"].as_str().expect("id");
    call(
        &h,
        Method::PUT,
        &format!("/api/v1/apps/{aid}/groups/{everyone}"),
        Some(json!({})),
    )
    .await;
    assert_eq!(ids(&get(&h, &path).await), [aid]);

    let bad = get(&h, "/api/v1/apps?filter=status%20eq").await;
    assert_eq!(
        bad.assert_error(StatusCode::BAD_REQUEST, "E0000031"),
        "Invalid search criteria."
    );
    get(&h, "/api/v1/apps?filter=color%20eq%20%22red%22")
        .await
        .assert_error(StatusCode::BAD_REQUEST, "E0000031");
    h.okta.shutdown().await;
}
