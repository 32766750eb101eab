//! `/api/v1/trustedOrigins`: Okta's shape, lifecycle and errors, and what a trusted origin
//! allows: CORS for its `CORS` scope, a redirect after sign-out for its `REDIRECT` scope.

use super::*;
use crate::support::location;

const PORTAL: &str = "https://portal.example.test";

#[tokio::test]
async fn a_trusted_origin_allows_cors_and_redirects_by_its_scopes_while_active() {
    let h = Harness::start().await;
    let keys = h.url("/oauth2/default/v1/keys");
    let cors = || h.http.get(&keys).header("origin", PORTAL).reply();
    let signout = || {
        h.http
            .get(h.url(&format!("/login/signout?fromURI={PORTAL}/bye")))
            .reply()
    };
    assert!(
        cors()
            .await
            .headers
            .get("access-control-allow-origin")
            .is_none()
    );
    assert_ne!(location(&signout().await), format!("{PORTAL}/bye"));

    let r = call(
        &h,
        Method::POST,
        "/api/v1/trustedOrigins",
        Some(json!({"name": "Portal",
        "origin": PORTAL, "scopes": [{"type": "CORS"}]})),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(
        r.keys(),
        [
            "id",
            "name",
            "origin",
            "scopes",
            "status",
            "created",
            "createdBy",
            "lastUpdated",
            "lastUpdatedBy",
            "_links"
        ]
    );
    let id = r.json["id"].as_str().unwrap().to_owned();
    assert!(id.starts_with("tos"));
    assert_eq!(cors().await.headers["access-control-allow-origin"], PORTAL);
    assert_ne!(
        location(&signout().await),
        format!("{PORTAL}/bye"),
        "CORS only"
    );

    let path = format!("/api/v1/trustedOrigins/{id}");
    let r = call(
        &h,
        Method::PUT,
        &path,
        Some(json!({"name": "Portal",
        "origin": PORTAL, "scopes": [{"type": "REDIRECT"}]})),
    )
    .await;
    assert_eq!(
        r.json["scopes"],
        json!([{"type": "REDIRECT"}]),
        "{}",
        r.text
    );
    assert_eq!(location(&signout().await), format!("{PORTAL}/bye"));
    assert!(
        cors()
            .await
            .headers
            .get("access-control-allow-origin")
            .is_none()
    );

    let r = call(
        &h,
        Method::POST,
        &format!("{path}/lifecycle/deactivate"),
        None,
    )
    .await;
    assert_eq!(r.json["status"], "INACTIVE", "{}", r.text);
    assert_ne!(location(&signout().await), format!("{PORTAL}/bye"));
    call(
        &h,
        Method::POST,
        &format!("{path}/lifecycle/activate"),
        None,
    )
    .await;
    assert_eq!(
        get(&h, "/api/v1/trustedOrigins").await.json[0]["status"],
        "ACTIVE"
    );

    call(
        &h,
        Method::POST,
        "/api/v1/trustedOrigins",
        Some(json!({"name": "Twice",
        "origin": PORTAL, "scopes": [{"type": "CORS"}]})),
    )
    .await
    .assert_error(StatusCode::BAD_REQUEST, "E0000001");
    let r = call(
        &h,
        Method::POST,
        "/api/v1/trustedOrigins",
        Some(json!({"name": "",
        "origin": "ftp://x", "scopes": []})),
    )
    .await;
    assert_eq!(
        r.assert_error(StatusCode::BAD_REQUEST, "E0000001"),
        "Api validation failed: name, origin, scopes"
    );
    call(
        &h,
        Method::POST,
        "/api/v1/trustedOrigins",
        Some(json!({"name": "x",
        "origin": PORTAL, "scopes": [{"type": "IFRAME_EMBEDDING"}]})),
    )
    .await
    .assert_error(StatusCode::BAD_REQUEST, "E0000003");
    assert_eq!(
        call(&h, Method::DELETE, &path, None).await.status,
        StatusCode::NO_CONTENT
    );
    get(&h, &path)
        .await
        .assert_error(StatusCode::NOT_FOUND, "E0000007");
    assert_eq!(get(&h, "/api/v1/trustedOrigins").await.json, json!([]));
}

/// The trusted origin whose origin is `origin`, as the API lists it.
async fn listed(h: &Harness, origin: &str) -> Option<Value> {
    get(h, "/api/v1/trustedOrigins")
        .await
        .json
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["origin"] == origin)
        .cloned()
}

#[tokio::test]
async fn an_apps_origins_are_trusted_origins_an_admin_can_narrow_and_remove() {
    const APP: &str = "https://app.example.test";
    let h = Harness::start().await;
    let keys = h.url("/oauth2/default/v1/keys");
    let cors = || h.http.get(&keys).header("origin", APP).reply();
    let cors_allowed = |r: Reply| {
        r.headers
            .get("access-control-allow-origin")
            .is_some_and(|v| v == APP)
    };
    let signout = || {
        h.http
            .get(h.url(&format!("/login/signout?fromURI={APP}/bye")))
            .reply()
    };
    assert!(listed(&h, APP).await.is_none());
    assert!(!cors_allowed(cors().await));
    assert_ne!(location(&signout().await), format!("{APP}/bye"));

    // Creating an app trusts the origin of its redirect and sign-out URIs, for both scopes.
    let app = h.web_app(&["authorization_code"]).await;
    let t = listed(&h, APP).await.expect("the app's origin is trusted");
    assert_eq!(t["status"], "ACTIVE");
    assert_eq!(t["scopes"], json!([{"type": "CORS"}, {"type": "REDIRECT"}]));
    assert!(cors_allowed(cors().await));
    assert_eq!(location(&signout().await), format!("{APP}/bye"));
    let id = t["id"].as_str().unwrap().to_owned();

    // Narrowed to CORS by the admin: sign-out may no longer send the browser there, and
    // replacing the app leaves the admin's choice alone.
    let r = call(
        &h,
        Method::PUT,
        &format!("/api/v1/trustedOrigins/{id}"),
        Some(json!({"name": "App", "origin": APP, "scopes": [{"type": "CORS"}]})),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert!(cors_allowed(cors().await));
    assert_ne!(location(&signout().await), format!("{APP}/bye"));
    let r = call(
        &h,
        Method::PUT,
        &format!("/api/v1/apps/{}", app.id),
        Some(app.json.clone()),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(
        listed(&h, APP).await.unwrap()["scopes"],
        json!([{"type": "CORS"}])
    );

    // Removed: no CORS answer either.
    let r = call(
        &h,
        Method::DELETE,
        &format!("/api/v1/trustedOrigins/{id}"),
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
    assert!(!cors_allowed(cors().await));
    assert_ne!(location(&signout().await), format!("{APP}/bye"));
}
