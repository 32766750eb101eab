//! People: Add person makes an active user who can sign in.

use super::*;

#[tokio::test]
async fn add_person_creates_an_active_user_who_can_sign_in() {
    let h = Harness::start().await;
    let b = admin(&h).await;
    let t = token(&b, &h).await;
    let (status, html) = page(&b, &h, "/admin/users").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("<h1 data-se=\"page-heading\">People</h1>"));
    assert!(html.contains(">Add person</a>"));
    assert!(html.contains(ADMIN.0) && html.contains(USER.0));
    let (_, html) = page(&b, &h, "/admin/users?dialog=add-person").await;
    for label in [
        "<label for=\"first-name\">First name</label>",
        "<label for=\"last-name\">Last name</label>",
        "<label for=\"login\">Username</label>",
        "<label for=\"email\">Primary email</label>",
        "<label for=\"password-mode\">Password</label>",
        ">Set by admin</option>",
        "<label for=\"password\">Enter password</label>",
        "<option value=\"now\" selected>Activate now</option>",
    ] {
        assert!(html.contains(label), "{label}");
    }

    let person = |login: &'static str, password: &'static str| {
        vec![
            ("first_name", "Grace"),
            ("last_name", "Hopper"),
            ("login", login),
            ("email", "grace@example.com"),
            ("activation", "now"),
            ("password_mode", "admin"),
            ("password", password),
        ]
    };
    let users_before = h
        .okta
        .directory()
        .list_users(None, &|_| true, None, 100)
        .items
        .len();
    for (form, error_se, message) in [
        (
            person("grace@example.com", ""),
            "error-password",
            "This field cannot be left blank",
        ),
        (
            person("grace", "Grace-Passw0rd!"),
            "error-username",
            "Username must be in the form of an email address",
        ),
        (
            person("grace@example.com", "short"),
            "error-password",
            "Password requirements were not met",
        ),
        (
            person(USER.0, "Grace-Passw0rd!"),
            "error-username",
            "An object with this field already exists",
        ),
    ] {
        let res = post(&b, &h, "/admin/users", &t, &form).await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST, "{form:?}");
        let html = res.text;
        let shown = data_se(&html, error_se).unwrap_or_else(|| panic!("{error_se} in {html}"));
        assert!(shown.contains(message), "{shown:?} should say {message:?}");
        assert!(html.contains("value=\"Grace\""), "input kept");
        assert!(
            !html.contains("Grace-Passw0rd!"),
            "the password is never echoed"
        );
    }
    assert_eq!(
        h.okta
            .directory()
            .list_users(None, &|_| true, None, 100)
            .items
            .len(),
        users_before
    );

    let res = post(
        &b,
        &h,
        "/admin/users",
        &t,
        &person("grace@example.com", "Grace-Passw0rd!"),
    )
    .await;
    assert_eq!(res.status, StatusCode::FOUND);
    assert_eq!(location(&res), "/admin/users");
    let (_, html) = page(&b, &h, "/admin/users").await;
    assert!(html.contains("<strong>Grace Hopper</strong>"));
    let user: Value = h
        .api(Method::GET, "/api/v1/users/grace@example.com")
        .reply()
        .await
        .json;
    assert_eq!(user["status"], "ACTIVE");
    assert_eq!(user["profile"]["firstName"], "Grace");
    let (_, back) = sign_in_at(&h, "/app/UserHome", "grace@example.com", "Grace-Passw0rd!").await;
    assert_eq!(back, "/app/UserHome");
}
