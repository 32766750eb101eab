//! An Okta session (`Session`), in the Management API's JSON: `/api/v1/sessions/{id}` and
//! `/api/v1/sessions/me`.

use serde_json::{Value, json};

use crate::{
    directory::Directory,
    ledger::{SESSION_LIFETIME, Session},
    paths::OrgUrls,
};

/// The session as Okta shows it; `me` is the path it was read by (`/api/v1/sessions/me` or
/// `/api/v1/sessions/{id}`), which its `self` and `refresh` links name.
pub fn session(org: &OrgUrls, dir: &Directory, s: &Session, me: &str) -> Value {
    let ts = |t: i64| {
        crate::clock::okta_timestamp(
            time::OffsetDateTime::from_unix_timestamp(t)
                .unwrap_or(time::OffsetDateTime::UNIX_EPOCH),
        )
    };
    let login = dir
        .user(&s.user_id)
        .map(|u| u.login().to_owned())
        .unwrap_or_default();
    json!({
        "id": s.id,
        "userId": s.user_id,
        "login": login,
        "createdAt": ts(s.created),
        "expiresAt": ts(s.last_used + SESSION_LIFETIME),
        "status": "ACTIVE",
        "lastPasswordVerification": ts(s.auth_time),
        "lastFactorVerification": null,
        "amr": s.amr,
        "idp": {"id": dir.org_id(), "type": "OKTA"},
        "mfaActive": false,
        "_links": {
            "self": {"href": org.url(me), "hints": {"allow": ["GET", "DELETE"]}},
            "refresh": {"href": org.url(&format!("{me}/lifecycle/refresh")), "hints": {"allow": ["POST"]}},
            "user": {"name": login, "href": org.url(&format!("/api/v1/users/{}", s.user_id)), "hints": {"allow": ["GET"]}}
        }
    })
}
