//! Which Konnect user an SSO login signs in: existing users matched by email only when the
//! provider vouches for the address (`email_verified`), newcomers provisioned as members.

use konnect_stub::{Config, org::Email};
use reqwest::StatusCode;
use serde_json::{Value, json};
use wiremock::{
    Mock, ResponseTemplate,
    matchers::{method, path},
};

use crate::helpers::*;

#[tokio::test]
async fn sso_signs_existing_members_in_and_provisions_newcomers_as_members() {
    let sso = Sso::start().await;
    // The seeded member signs in through the provider: same account.
    let response = sso
        .login_with_claims(Key::One, |c| {
            c["email"] = json!(MEMBER_EMAIL.to_uppercase());
        })
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(session_email(&sso.http, sso.base()).await, MEMBER_EMAIL);

    // A newcomer gets a member account, and cannot open the identity settings.
    let newcomer = Sso {
        http: browser(),
        ..sso
    };
    let response = newcomer.login_with_claims(Key::One, |_| {}).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let page = newcomer
        .http
        .get(format!(
            "{}/settings/identity-management/okta",
            newcomer.base()
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::FORBIDDEN);
}

/// The default claims for `email`, with `email_verified` as given (`None`: left out).
fn claims_for(email: &'static str, verified: Option<bool>) -> impl FnOnce(&mut Value) {
    move |c| {
        c["email"] = json!(email);
        match verified {
            Some(v) => c["email_verified"] = json!(v),
            None => {
                c.as_object_mut().unwrap().remove("email_verified");
            }
        }
    }
}

#[tokio::test]
async fn an_unverified_email_neither_signs_in_an_existing_user_nor_creates_one() {
    let sso = Sso::start().await;
    for email in [ADMIN_EMAIL, "newcomer@example.com"] {
        let response = sso
            .login_with_claims(Key::One, claims_for(email, Some(false)))
            .await;
        assert_refused(response, StatusCode::FORBIDDEN, &[email, "is not verified"]).await;
        sso.assert_no_session().await;
    }
    let newcomer = Email::parse("newcomer@example.com").unwrap();
    assert!(sso.stub.directory().user_by_email(&newcomer).is_none());
}

#[tokio::test]
async fn without_email_verified_an_existing_user_is_not_linked_but_a_newcomer_is_created() {
    // A provider that says nothing about verification, in the ID token or anywhere else.
    let idp = TestIdp::start_with(|d| {
        d.as_object_mut().unwrap().remove("userinfo_endpoint");
    })
    .await;
    let sso = Sso::start_with(Config::for_tests(), idp).await;
    for email in [ADMIN_EMAIL, MEMBER_EMAIL] {
        let response = sso
            .login_with_claims(Key::One, claims_for(email, None))
            .await;
        assert_refused(
            response,
            StatusCode::FORBIDDEN,
            &[email, "did not say whether", "already exists"],
        )
        .await;
        sso.assert_no_session().await;
    }

    // A newcomer is created, and the same provider identity signs in again later.
    let newcomer = Sso {
        http: browser(),
        ..sso
    };
    for _ in 0..2 {
        let response = newcomer
            .login_with_claims(Key::One, claims_for("newcomer@example.com", None))
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert_eq!(
            session_email(&newcomer.http, newcomer.base()).await,
            "newcomer@example.com"
        );
    }
    // Another identity at the provider claiming that address is not linked to it.
    let other = Sso {
        http: browser(),
        ..newcomer
    };
    let response = other
        .login_with_claims(Key::One, |c| {
            claims_for("newcomer@example.com", None)(c);
            c["sub"] = json!("00u-someone-else");
        })
        .await;
    assert_refused(response, StatusCode::FORBIDDEN, &["did not say whether"]).await;
    other.assert_no_session().await;
}

#[tokio::test]
async fn email_verified_from_userinfo_decides_when_the_id_token_omits_it() {
    // Okta's way: email_verified only in userinfo.
    let sso = Sso::start().await;
    let userinfo = |verified: bool| {
        Mock::given(method("GET"))
            .and(path("/oauth2/default/v1/userinfo"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "sub": "00u-sam", "email": MEMBER_EMAIL, "email_verified": verified
            })))
    };
    let verified = userinfo(true).mount_as_scoped(&sso.idp.server).await;
    let response = sso
        .login_with_claims(Key::One, claims_for(MEMBER_EMAIL, None))
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(session_email(&sso.http, sso.base()).await, MEMBER_EMAIL);
    assert_eq!(verified.received_requests().await.len(), 1);
    drop(verified);

    let unverified = Sso {
        http: browser(),
        ..sso
    };
    let _userinfo = userinfo(false)
        .mount_as_scoped(&unverified.idp.server)
        .await;
    let response = unverified
        .login_with_claims(Key::One, claims_for(MEMBER_EMAIL, None))
        .await;
    assert_refused(response, StatusCode::FORBIDDEN, &["is not verified"]).await;
    unverified.assert_no_session().await;
}
