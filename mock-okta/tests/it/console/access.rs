//! Who gets into the console: sign-in first, the no-permission page for non-admins, and
//! forms without the session's anti-forgery token.

use super::*;

#[tokio::test]
async fn the_console_sends_a_visitor_without_a_session_to_sign_in_and_back() {
    let h = Harness::start().await;
    let (b, back) = sign_in_at(&h, "/admin/apps/active", ADMIN.0, ADMIN.1).await;
    assert_eq!(back, "/admin/apps/active");
    let (status, html) = page(&b, &h, &back).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("<h1 data-se=\"page-heading\">Applications</h1>"));
    assert!(html.contains(">Create App Integration</a>"));
    // The header: the admin's name, the Okta domain and a way out.
    assert_eq!(
        data_se(&html, "user-menu-toggle").as_deref(),
        Some("Ada Admin")
    );
    let domain = h.base.trim_start_matches("http://");
    assert_eq!(
        data_se(&html, "user-menu-okta-domain").as_deref(),
        Some(domain)
    );
    assert!(html.contains("href=\"/login/signout\""));
    // Deep links survive sign-in too, query included.
    let (_, back) = sign_in_at(&h, WEB_WIZARD, ADMIN.0, ADMIN.1).await;
    assert_eq!(back, WEB_WIZARD);
    let (status, html) = page(&b, &h, "/admin/dashboard").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(data_se(&html, "okta-domain").as_deref(), Some(domain));
}

#[tokio::test]
async fn a_user_without_an_admin_role_gets_the_no_permission_page_until_made_super_admin() {
    let h = Harness::start().await;
    let (b, back) = sign_in_at(&h, "/admin/dashboard", USER.0, USER.1).await;
    assert_eq!(back, "/admin/dashboard");
    for path in [
        "/admin/dashboard",
        "/admin/apps/active",
        WEB_WIZARD,
        "/admin/users",
    ] {
        let (status, html) = page(&b, &h, path).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path}");
        assert!(html.contains("403 Forbidden"));
        assert!(
            html.contains("You don&#39;t have permission to access this page"),
            "{html}"
        );
    }
    // A regular user's forms are refused before anything is read.
    let res = b
        .post(h.url(WEB_WIZARD))
        .form(&[("label", "Sneaky"), ("redirect_uris", KONNECT_LOGIN)])
        .reply()
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert_eq!(app_count(&h), 0);

    let user_id = h.okta.directory().user(USER.0).expect("user").id;
    let res = h
        .api(Method::POST, &format!("/api/v1/users/{user_id}/roles"))
        .json(&json!({"type": "SUPER_ADMIN"}))
        .reply()
        .await;
    assert_eq!(res.status, StatusCode::CREATED);
    let (status, html) = page(&b, &h, "/admin/dashboard").await;
    assert_eq!(status, StatusCode::OK, "the same session is now an admin's");
    assert!(html.contains(">Dashboard</h1>"));
}

#[tokio::test]
async fn console_forms_without_the_sessions_token_are_refused_and_change_nothing() {
    let h = Harness::start().await;
    let b = admin(&h).await;
    let t = token(&b, &h).await;
    let other = admin(&h).await;
    let other_token = token(&other, &h).await;
    assert_ne!(t, other_token, "each session has its own token");
    let fields = [("label", "Forged"), ("redirect_uris", KONNECT_LOGIN)];

    let res = b.post(h.url(WEB_WIZARD)).form(&fields).reply().await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "no token");
    assert!(res.text.contains("403 Forbidden"));
    for bad in ["", "not-the-token", other_token.as_str()] {
        let res = post(&b, &h, WEB_WIZARD, bad, &fields).await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "token {bad:?}");
    }
    assert_eq!(app_count(&h), 0);

    let id = create_in_console(&b, &h, &t, &fields).await;
    let before = api_app(&h, &id).await;
    let app = format!("/admin/app/oidc_client/instance/{id}");
    let user_id = h.okta.directory().user(USER.0).expect("user").id;
    for (path, form) in [
        (
            format!("{app}/general"),
            vec![("label", "Renamed"), ("redirect_uris", KONNECT_LOGIN)],
        ),
        (
            format!("{app}/credentials"),
            vec![("pkce_required", "true")],
        ),
        (
            format!("{app}/assignments/people"),
            vec![("user_id", user_id.as_str())],
        ),
        (
            format!("{app}/assignments/groups/remove"),
            vec![("group_id", "x")],
        ),
        ("/admin/users".to_owned(), vec![("first_name", "Eve")]),
    ] {
        let res = post(&b, &h, &path, &other_token, &form).await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{path}");
    }
    assert_eq!(api_app(&h, &id).await, before);
    assert!(h.okta.directory().app(&id).expect("app").users.is_empty());
}
