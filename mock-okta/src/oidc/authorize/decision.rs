//! What the authorize endpoint does with a valid request, given the browser's Okta session:
//! send the browser to sign in first, refuse back to the client, or issue. Plain Rust; the
//! handler looks the facts up and renders the outcome.

use super::request::AuthorizeRequest;
use crate::{directory::User, ledger::Session, oidc::error::OAuthError};

/// The browser's Okta session and what the directory says about its user.
pub struct SignedIn<'a> {
    pub session: &'a Session,
    /// The session's user, if they may still sign in.
    pub user: Option<&'a User>,
    /// Whether that user is assigned to the requesting app.
    pub assigned: bool,
    /// Whether the authorization server's access policies let this request through.
    pub policy_allows: bool,
}

/// How recent a sign-in the request needs, beyond `max_age`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Freshness {
    /// A request resumed after sign-in needs a session authenticated at or after this time
    /// (it asked for `prompt=login` or `max_age`).
    pub signed_in_after: Option<i64>,
    /// The session was made by this very request (a one-time `sessionToken`).
    pub session_is_new: bool,
}

#[derive(Debug, PartialEq, Eq)]
pub enum Decision {
    /// No session recent enough: the sign-in page first, then back to this request.
    SignInFirst,
    /// Back to the client with an OAuth error.
    Refuse(OAuthError),
    /// The session's user may no longer sign in: end the session and refuse.
    EndSessionAndRefuse(OAuthError),
    /// Issue the code and/or tokens for the session's user.
    Issue,
}

/// Decides, in Okta's order: a recent enough session, then the user's status, then the
/// app assignment.
pub fn decide(
    req: &AuthorizeRequest,
    signed_in: Option<SignedIn<'_>>,
    freshness: Freshness,
    now: i64,
) -> Decision {
    let recent_enough = |s: &Session| {
        let after_prompt = match (req.prompt.login, freshness.signed_in_after) {
            (true, Some(t)) => s.auth_time >= t,
            (true, None) => freshness.session_is_new,
            (false, _) => true,
        };
        after_prompt && req.max_age.is_none_or(|m| now - s.auth_time <= m)
    };
    let Some(signed_in) = signed_in.filter(|s| recent_enough(s.session)) else {
        if req.prompt.none {
            return Decision::Refuse(OAuthError::bad_request(
                "login_required",
                "The client specified not to prompt, but the user is not logged in.",
            ));
        }
        return Decision::SignInFirst;
    };
    if signed_in.user.is_none() {
        return Decision::EndSessionAndRefuse(OAuthError::bad_request(
            "access_denied",
            "The user is not active.",
        ));
    }
    if !signed_in.assigned {
        return Decision::Refuse(OAuthError::bad_request(
            "access_denied",
            "User is not assigned to the client application.",
        ));
    }
    if !signed_in.policy_allows {
        return Decision::Refuse(crate::oidc::error::OAuthError::policy_denied());
    }
    Decision::Issue
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{
        clock::Clock,
        directory::{AppInput, Directory},
        oidc::authorize::request::{Prompt, validate},
        paths::{AuthServer, OrgUrls},
    };

    const NOW: i64 = 1_000_000;

    fn request(extra: &[(&str, &str)]) -> (AuthorizeRequest, User) {
        let dir = Directory::new(Clock::default());
        let input: AppInput = serde_json::from_value(serde_json::json!({
            "name": "oidc_client", "label": "K", "settings": {"oauthClient": {
                "application_type": "web", "redirect_uris": ["https://app.example/cb"]}}}))
        .unwrap();
        let app = dir.create_app(input, true).unwrap();
        let mut params = vec![
            ("client_id".to_owned(), app.credentials.client_id.clone()),
            (
                "redirect_uri".to_owned(),
                "https://app.example/cb".to_owned(),
            ),
            ("response_type".to_owned(), "code".to_owned()),
            ("scope".to_owned(), "openid".to_owned()),
            ("state".to_owned(), "s".to_owned()),
        ];
        params.extend(
            extra
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned())),
        );
        let req = validate(
            &params,
            AuthServer::DEFAULT,
            &dir,
            &OrgUrls::new("https://org.example"),
        )
        .unwrap();
        let profile = serde_json::json!({"firstName": "Ada", "lastName": "Admin",
            "email": "ada@example.com", "login": "ada@example.com"});
        let user = dir
            .create_user(crate::directory::NewUser {
                profile: profile.as_object().unwrap().clone(),
                password: None,
                group_ids: vec![],
                activate: true,
            })
            .unwrap();
        (req, user)
    }

    fn session(auth_time: i64) -> Session {
        Session {
            id: "102s".into(),
            user_id: "00u1".into(),
            created: auth_time,
            auth_time,
            expires_at: auth_time + 7200,
            last_used: auth_time,
            amr: vec!["pwd".into()],
            csrf: "c".into(),
        }
    }

    fn signed_in<'a>(s: &'a Session, user: &'a User, assigned: bool) -> Option<SignedIn<'a>> {
        Some(SignedIn {
            session: s,
            user: Some(user),
            assigned,
            policy_allows: true,
        })
    }

    fn error_of(d: Decision) -> &'static str {
        match d {
            Decision::Refuse(e) | Decision::EndSessionAndRefuse(e) => e.error,
            other => panic!("expected a refusal, got {other:?}"),
        }
    }

    #[test]
    fn without_a_session_the_user_signs_in_first() {
        let (req, _) = request(&[]);
        assert_eq!(
            decide(&req, None, Freshness::default(), NOW),
            Decision::SignInFirst
        );
    }

    #[test]
    fn prompt_none_without_a_session_is_login_required() {
        let (req, _) = request(&[("prompt", "none")]);
        assert_eq!(
            req.prompt,
            Prompt {
                none: true,
                ..Prompt::default()
            }
        );
        assert_eq!(
            error_of(decide(&req, None, Freshness::default(), NOW)),
            "login_required"
        );
    }

    #[test]
    fn a_signed_in_assigned_user_is_issued_a_code() {
        let (req, user) = request(&[]);
        let s = session(NOW - 60);
        assert_eq!(
            decide(&req, signed_in(&s, &user, true), Freshness::default(), NOW),
            Decision::Issue
        );
    }

    #[test]
    fn prompt_login_needs_a_sign_in_made_for_this_request() {
        let (req, user) = request(&[("prompt", "login")]);
        let s = session(NOW - 60);
        // An older session does not count ...
        assert_eq!(
            decide(&req, signed_in(&s, &user, true), Freshness::default(), NOW),
            Decision::SignInFirst
        );
        // ... a sign-in after the request was parked does ...
        let resumed = Freshness {
            signed_in_after: Some(NOW - 120),
            session_is_new: false,
        };
        assert_eq!(
            decide(&req, signed_in(&s, &user, true), resumed, NOW),
            Decision::Issue
        );
        // ... and so does a session made from this request's session token.
        let new = Freshness {
            signed_in_after: None,
            session_is_new: true,
        };
        assert_eq!(
            decide(&req, signed_in(&s, &user, true), new, NOW),
            Decision::Issue
        );
    }

    #[test]
    fn max_age_sends_an_older_sign_in_back_to_the_page() {
        let (req, user) = request(&[("max_age", "300")]);
        let old = session(NOW - 301);
        let recent = session(NOW - 300);
        assert_eq!(
            decide(
                &req,
                signed_in(&old, &user, true),
                Freshness::default(),
                NOW
            ),
            Decision::SignInFirst
        );
        assert_eq!(
            decide(
                &req,
                signed_in(&recent, &user, true),
                Freshness::default(),
                NOW
            ),
            Decision::Issue
        );
    }

    #[test]
    fn a_user_who_may_no_longer_sign_in_loses_the_session() {
        let (req, _) = request(&[]);
        let s = session(NOW - 60);
        let d = decide(
            &req,
            Some(SignedIn {
                session: &s,
                user: None,
                assigned: false,
                policy_allows: true,
            }),
            Freshness::default(),
            NOW,
        );
        assert!(matches!(d, Decision::EndSessionAndRefuse(_)));
        assert_eq!(error_of(d), "access_denied");
    }

    #[test]
    fn an_unassigned_user_is_refused() {
        let (req, user) = request(&[]);
        let s = session(NOW - 60);
        match decide(&req, signed_in(&s, &user, false), Freshness::default(), NOW) {
            Decision::Refuse(e) => {
                assert_eq!(e.error, "access_denied");
                assert_eq!(
                    e.description,
                    "User is not assigned to the client application."
                );
            }
            other => panic!("{other:?}"),
        }
    }
}
