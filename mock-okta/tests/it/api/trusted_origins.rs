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
