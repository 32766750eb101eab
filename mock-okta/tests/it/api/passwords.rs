//! Passwords through the Management API: an expired password is replaced on the hosted
//! sign-in page before the sign-in goes on; a password is changed with the old one.

use super::*;
use crate::support::{ReplyExt as _, browser, hidden, location};

const PASSWORD: &str = "Corr3ct-Horse-Battery";

/// The hosted page's two steps for `login`; returns the browser, the state token and the
/// page the password step answered with.
async fn password_step(
    h: &Harness,
    login: &str,
    password: &str,
) -> (reqwest::Client, String, Reply) {
    let b = browser();
    let page = b
        .get(h.url("/login/login.htm?fromURI=%2Fapp%2FUserHome"))
        .reply()
        .await;
    let token = hidden(&page.text, "stateToken").expect("stateToken");
    b.post(h.url("/idp/idx/identify"))
        .form(&[("stateToken", token.as_str()), ("identifier", login)])
        .reply()
        .await;
    let res = b
        .post(h.url("/idp/idx/challenge/answer"))
        .form(&[
            ("stateToken", token.as_str()),
            ("credentials.passcode", password),
        ])
        .reply()
        .await;
    (b, token, res)
}

#[tokio::test]
async fn an_expired_password_is_replaced_on_the_sign_in_page_and_the_sign_in_goes_on() {
    let h = Harness::start().await;
    let login = "expiring@example.com";
    let user = create_user(&h, login, true).await;
    let id = user["id"].as_str().unwrap();
    let r = call(
        &h,
        Method::POST,
        &format!("/api/v1/users/{id}/lifecycle/expire_password"),
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json["status"], "PASSWORD_EXPIRED");
    assert_eq!(
        get(&h, &format!("/api/v1/users/{id}")).await.json["status"],
        "PASSWORD_EXPIRED"
    );

    let (_, _, wrong) = password_step(&h, login, "not-the-password").await;
    assert!(
        wrong.text.contains("Password is incorrect"),
        "the old password is still checked"
    );

    let (b, token, page) = password_step(&h, login, PASSWORD).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.text.contains("Your password has expired"),
        "{}",
        page.text
    );
    assert!(page.text.contains("value=\"Change Password\""));
    let submit = |new: &'static str, confirm: &'static str| {
        b.post(h.url("/idp/idx/password/expired"))
            .form(&[
                ("stateToken", token.as_str()),
                ("credentials.passcode", new),
                ("confirmPassword", confirm),
            ])
            .reply()
    };
    let r = submit("N3w-Horse-Battery", "N3w-Horse-Batter").await;
    assert!(r.text.contains("New passwords must match"), "{}", r.text);
    let r = submit(PASSWORD, PASSWORD).await;
    assert!(
        r.text.contains("Password requirements were not met"),
        "{}",
        r.text
    );
    assert!(
        b.get(h.url("/api/v1/sessions/me")).reply().await.status == StatusCode::NOT_FOUND,
        "no session before a new password"
    );
    let r = submit("N3w-Horse-Battery", "N3w-Horse-Battery").await;
    assert_eq!(r.status, StatusCode::FOUND, "{}", r.text);
    assert_eq!(location(&r), "/app/UserHome", "the sign-in goes on");
    assert_eq!(
        b.get(h.url("/api/v1/sessions/me")).reply().await.status,
        StatusCode::OK
    );
    assert_eq!(
        get(&h, &format!("/api/v1/users/{id}")).await.json["status"],
        "ACTIVE"
    );

    let (_, _, old) = password_step(&h, login, PASSWORD).await;
    assert!(
        old.text.contains("Password is incorrect"),
        "the old password is gone"
    );
    let (_, _, new) = password_step(&h, login, "N3w-Horse-Battery").await;
    assert_eq!(new.status, StatusCode::FOUND);
}

#[tokio::test]
async fn a_new_password_is_not_taken_without_the_expired_one() {
    let h = Harness::start().await;
    let login = "skipper@example.com";
    let user = create_user(&h, login, true).await;
    let id = user["id"].as_str().unwrap();
    call(
        &h,
        Method::POST,
        &format!("/api/v1/users/{id}/lifecycle/expire_password"),
        None,
    )
    .await;
    let b = browser();
    let page = b.get(h.url("/login/login.htm")).reply().await;
    let token = hidden(&page.text, "stateToken").unwrap();
    b.post(h.url("/idp/idx/identify"))
        .form(&[("stateToken", token.as_str()), ("identifier", login)])
        .reply()
        .await;
    let r = b
        .post(h.url("/idp/idx/password/expired"))
        .form(&[
            ("stateToken", token.as_str()),
            ("credentials.passcode", "N3w-Horse-Battery"),
            ("confirmPassword", "N3w-Horse-Battery"),
        ])
        .reply()
        .await;
    assert_ne!(r.status, StatusCode::FOUND);
    assert_eq!(
        get(&h, &format!("/api/v1/users/{id}")).await.json["status"],
        "PASSWORD_EXPIRED"
    );
}

#[tokio::test]
async fn a_password_is_changed_with_the_old_one_and_refused_in_oktas_words() {
    let h = Harness::start().await;
    let user = create_user(&h, "changer@example.com", true).await;
    let id = user["id"].as_str().unwrap();
    let path = format!("/api/v1/users/{id}/credentials/change_password");
    let body = |old: &str, new: &str| json!({"oldPassword": {"value": old}, "newPassword": {"value": new}});

    let r = call(
        &h,
        Method::POST,
        &path,
        Some(body("wrong-Passw0rd", "N3w-Horse-Battery")),
    )
    .await;
    assert_eq!(
        r.assert_error(StatusCode::FORBIDDEN, "E0000014"),
        "Update of credentials failed"
    );
    assert!(
        r.text
            .contains("oldPassword: The credentials provided were incorrect."),
        "{}",
        r.text
    );
    let r = call(&h, Method::POST, &path, Some(body(PASSWORD, "short"))).await;
    r.assert_error(StatusCode::FORBIDDEN, "E0000014");
    call(
        &h,
        Method::POST,
        &path,
        Some(json!({"oldPassword": {"value": PASSWORD}})),
    )
    .await
    .assert_error(StatusCode::BAD_REQUEST, "E0000001");

    let r = call(
        &h,
        Method::POST,
        &path,
        Some(body(PASSWORD, "N3w-Horse-Battery")),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(
        r.json,
        json!({"password": {}, "provider": {"type": "OKTA", "name": "OKTA"}})
    );
    let (_, _, signed) = password_step(&h, "changer@example.com", "N3w-Horse-Battery").await;
    assert_eq!(signed.status, StatusCode::FOUND);

    call(
        &h,
        Method::POST,
        "/api/v1/users/00unope/credentials/change_password",
        Some(body("a", "b")),
    )
    .await
    .assert_error(StatusCode::NOT_FOUND, "E0000007");
    let staged = create_user(&h, "staged@example.com", false).await;
    let sid = staged["id"].as_str().unwrap();
    call(
        &h,
        Method::POST,
        &format!("/api/v1/users/{sid}/lifecycle/expire_password"),
        None,
    )
    .await
    .assert_error(StatusCode::FORBIDDEN, "E0000038");
}

#[tokio::test]
async fn wrong_passwords_in_a_row_lock_the_user_out_until_an_admin_unlocks() {
    let mut config = mock_okta::config::Config::for_tests();
    config.lockout_attempts = 3;
    let h = Harness::with_config(config).await;
    let login = "forgetful@example.com";
    let user = create_user(&h, login, true).await;
    let id = user["id"].as_str().unwrap();
    let authn = |password: &'static str| {
        h.http
            .post(h.url("/api/v1/authn"))
            .json(&json!({"username": login, "password": password}))
            .reply()
    };
    // Wrong passwords on the page and at /api/v1/authn count together.
    let (_, _, page) = password_step(&h, login, "wrong-1").await;
    assert!(page.text.contains("Password is incorrect"));
    authn("wrong-2")
        .await
        .assert_error(StatusCode::UNAUTHORIZED, "E0000004");
    assert_eq!(
        get(&h, &format!("/api/v1/users/{id}")).await.json["status"],
        "ACTIVE"
    );
    let (_, _, page) = password_step(&h, login, "wrong-3").await;
    assert!(page.text.contains("Password is incorrect"));
    let locked = get(&h, &format!("/api/v1/users/{id}")).await;
    assert_eq!(locked.json["status"], "LOCKED_OUT");
    assert_eq!(
        locked.json["_links"]["unlock"]["href"],
        h.url(&format!("/api/v1/users/{id}/lifecycle/unlock"))
    );

    let (_, _, page) = password_step(&h, login, PASSWORD).await;
    assert!(
        page.text.contains("Your account is locked"),
        "{}",
        page.text
    );
    authn(PASSWORD)
        .await
        .assert_error(StatusCode::UNAUTHORIZED, "E0000004");

    let r = call(
        &h,
        Method::POST,
        &format!("/api/v1/users/{id}/lifecycle/unlock"),
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(
        get(&h, &format!("/api/v1/users/{id}")).await.json["status"],
        "ACTIVE"
    );
    let (_, _, page) = password_step(&h, login, PASSWORD).await;
    assert_eq!(page.status, StatusCode::FOUND, "signed in after the unlock");
    call(
        &h,
        Method::POST,
        &format!("/api/v1/users/{id}/lifecycle/unlock"),
        None,
    )
    .await
    .assert_error(StatusCode::FORBIDDEN, "E0000038");
}

#[tokio::test]
async fn a_reset_link_sets_a_new_password_once_and_signs_the_user_in() {
    let h = Harness::start().await;
    let login = "resetter@example.com";
    let user = create_user(&h, login, true).await;
    let id = user["id"].as_str().unwrap();
    let path = format!("/api/v1/users/{id}/lifecycle/reset_password");
    call(&h, Method::POST, &format!("{path}?sendEmail=perhaps"), None)
        .await
        .assert_error(StatusCode::BAD_REQUEST, "E0000001");
    let r = call(&h, Method::POST, &format!("{path}?sendEmail=false"), None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let url = r.json["resetPasswordUrl"].as_str().unwrap().to_owned();
    assert!(url.starts_with(&h.url("/signin/reset-password/")), "{url}");
    assert_eq!(
        get(&h, &format!("/api/v1/users/{id}")).await.json["status"],
        "RECOVERY"
    );
    let (_, _, page) = password_step(&h, login, PASSWORD).await;
    assert!(
        page.text.contains("not active"),
        "no sign-in while in recovery"
    );

    let b = browser();
    let page = b.get(&url).reply().await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains("Reset your password") && page.text.contains(login));
    let submit = |new: &'static str, confirm: &'static str| {
        b.post(&url)
            .form(&[("credentials.passcode", new), ("confirmPassword", confirm)])
            .reply()
    };
    assert!(
        submit("N3w-Horse-Battery", "other")
            .await
            .text
            .contains("must match")
    );
    assert!(
        submit("short", "short")
            .await
            .text
            .contains("Password requirements were not met")
    );
    let r = submit("N3w-Horse-Battery", "N3w-Horse-Battery").await;
    assert_eq!(r.status, StatusCode::FOUND, "{}", r.text);
    assert_eq!(location(&r), "/app/UserHome");
    assert_eq!(
        b.get(h.url("/api/v1/sessions/me")).reply().await.status,
        StatusCode::OK
    );
    assert_eq!(
        get(&h, &format!("/api/v1/users/{id}")).await.json["status"],
        "ACTIVE"
    );
    assert_eq!(
        b.get(&url).reply().await.status,
        StatusCode::FORBIDDEN,
        "used once"
    );

    // With the email (none is sent here) the answer is empty.
    let r = call(&h, Method::POST, &path, None).await;
    assert_eq!((r.status, r.json.clone()), (StatusCode::OK, json!({})));
    let staged = create_user(&h, "staged-reset@example.com", false).await;
    let sid = staged["id"].as_str().unwrap();
    call(
        &h,
        Method::POST,
        &format!("/api/v1/users/{sid}/lifecycle/reset_password"),
        None,
    )
    .await
    .assert_error(StatusCode::FORBIDDEN, "E0000038");
}

#[tokio::test]
async fn authn_answers_password_expired_and_change_password_finishes_with_a_session_token() {
    let h = Harness::start().await;
    let login = "expired-authn@example.com";
    let user = create_user(&h, login, true).await;
    let id = user["id"].as_str().unwrap();
    call(
        &h,
        Method::POST,
        &format!("/api/v1/users/{id}/lifecycle/expire_password"),
        None,
    )
    .await;
    let post = |path: &'static str, body: Value| h.http.post(h.url(path)).json(&body).reply();

    // A wrong password is still E0000004; the right one answers PASSWORD_EXPIRED, no session token.
    post(
        "/api/v1/authn",
        json!({"username": login, "password": "wrong-one"}),
    )
    .await
    .assert_error(StatusCode::UNAUTHORIZED, "E0000004");
    let r = post(
        "/api/v1/authn",
        json!({"username": login, "password": PASSWORD}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json["status"], "PASSWORD_EXPIRED");
    assert!(r.json.get("sessionToken").is_none(), "{}", r.text);
    assert_eq!(r.json["_embedded"]["user"]["id"], id);
    assert_eq!(r.json["_embedded"]["user"]["profile"]["login"], login);
    assert_eq!(r.json["_embedded"]["policy"]["complexity"]["minLength"], 8);
    assert_eq!(r.json["_links"]["next"]["name"], "changePassword");
    assert_eq!(
        r.json["_links"]["next"]["href"],
        h.url("/api/v1/authn/credentials/change_password")
    );
    assert_eq!(
        r.json["_links"]["cancel"]["href"],
        h.url("/api/v1/authn/cancel")
    );
    assert!(r.json["expiresAt"].as_str().unwrap().ends_with(".000Z"));
    let state_token = r.json["stateToken"].as_str().unwrap().to_owned();
    let change = "/api/v1/authn/credentials/change_password";

    // Errors in Okta's body; the transaction stays open and the user expired.
    let summary = post(
        change,
        json!({"stateToken": "00nope", "oldPassword": PASSWORD, "newPassword": "N3w-Passw0rd-1"}),
    )
    .await
    .assert_error(StatusCode::UNAUTHORIZED, "E0000011");
    assert_eq!(summary, "Invalid token provided");
    post(
        change,
        json!({"stateToken": state_token, "oldPassword": "wrong-one", "newPassword": "N3w-Passw0rd-1"}),
    )
    .await
    .assert_error(StatusCode::FORBIDDEN, "E0000014");
    post(
        change,
        json!({"stateToken": state_token, "oldPassword": PASSWORD, "newPassword": "short"}),
    )
    .await
    .assert_error(StatusCode::FORBIDDEN, "E0000014");
    post(
        change,
        json!({"stateToken": state_token, "oldPassword": PASSWORD}),
    )
    .await
    .assert_error(StatusCode::BAD_REQUEST, "E0000001");
    h.http
        .post(h.url(change))
        .header("content-type", "application/json")
        .body("{not json")
        .reply()
        .await
        .assert_error(StatusCode::BAD_REQUEST, "E0000003");
    assert_eq!(
        get(&h, &format!("/api/v1/users/{id}")).await.json["status"],
        "PASSWORD_EXPIRED"
    );

    // The old password and a new one: SUCCESS with a session token that opens a session.
    let r = post(
        change,
        json!({"stateToken": state_token, "oldPassword": PASSWORD, "newPassword": "N3w-Passw0rd-1"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json["status"], "SUCCESS");
    assert_eq!(r.json["_embedded"]["user"]["id"], id);
    let session_token = r.json["sessionToken"].as_str().unwrap().to_owned();
    let s = call(
        &h,
        Method::POST,
        "/api/v1/sessions",
        Some(json!({"sessionToken": session_token})),
    )
    .await;
    assert_eq!(s.status, StatusCode::OK, "{}", s.text);
    assert_eq!(s.json["userId"], id);
    assert_eq!(
        get(&h, &format!("/api/v1/users/{id}")).await.json["status"],
        "ACTIVE"
    );
    // The state token is spent; the new password signs in straight away.
    post(
        change,
        json!({"stateToken": state_token, "oldPassword": "N3w-Passw0rd-1", "newPassword": "An0ther-Passw0rd"}),
    )
    .await
    .assert_error(StatusCode::UNAUTHORIZED, "E0000011");
    let r = post(
        "/api/v1/authn",
        json!({"username": login, "password": "N3w-Passw0rd-1"}),
    )
    .await;
    assert_eq!(r.json["status"], "SUCCESS", "{}", r.text);
}

#[tokio::test]
async fn a_cancelled_password_expired_transaction_ends_its_state_token() {
    let h = Harness::start().await;
    let login = "cancels@example.com";
    let user = create_user(&h, login, true).await;
    let id = user["id"].as_str().unwrap();
    call(
        &h,
        Method::POST,
        &format!("/api/v1/users/{id}/lifecycle/expire_password"),
        None,
    )
    .await;
    let post = |path: &'static str, body: Value| h.http.post(h.url(path)).json(&body).reply();
    let r = post(
        "/api/v1/authn",
        json!({"username": login, "password": PASSWORD}),
    )
    .await;
    let state_token = r.json["stateToken"].as_str().unwrap().to_owned();
    let r = post("/api/v1/authn/cancel", json!({"stateToken": state_token})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json["status"], "UNAUTHENTICATED");
    post("/api/v1/authn/cancel", json!({"stateToken": state_token}))
        .await
        .assert_error(StatusCode::UNAUTHORIZED, "E0000011");
    post(
        "/api/v1/authn/credentials/change_password",
        json!({"stateToken": state_token, "oldPassword": PASSWORD, "newPassword": "N3w-Passw0rd-1"}),
    )
    .await
    .assert_error(StatusCode::UNAUTHORIZED, "E0000011");
    assert_eq!(
        get(&h, &format!("/api/v1/users/{id}")).await.json["status"],
        "PASSWORD_EXPIRED"
    );
}
