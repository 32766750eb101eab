//! The browser side of SSO, over the relying party of `oidc_client/`: the organization's
//! login URL `GET /login/{login path}` (also third-party initiated with `?iss=`) redirects to
//! the provider; the callback `GET /login?code&state` (routed here by `login/mod.rs`, since
//! `/login` is also the login page) checks the answer and opens the Konnect session.

use std::{sync::Arc, time::SystemTime};

use axum::{
    Router,
    extract::{Path, Query, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
    routing::get,
};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use serde::Deserialize;

use crate::{
    auth::open_session,
    error::ErrorPage,
    oidc_client::{CallbackParams, RelyingParty, SsoError},
    org::{Directory, ProvisionError, SsoSignIn, User},
    paths,
    state::{AppState, PublicUrls},
};

/// Binds the sign-in attempt to the browser. SameSite=Lax: the provider's redirect back is a
/// top-level GET navigation, on which Lax cookies are sent.
pub const STATE_COOKIE: &str = "kauth_oidc_state";

pub fn router() -> Router<AppState> {
    Router::new().route(
        paths::LOGIN_ORG,
        server_kit::control::named(crate::control::Endpoint::Sso, get(sso_start)),
    )
}

fn state_cookie(value: String, secure: bool) -> Cookie<'static> {
    Cookie::build((STATE_COOKIE, value))
        .path(paths::LOGIN)
        .http_only(true)
        .secure(secure)
        .same_site(SameSite::Lax)
        .max_age(time::Duration::minutes(10))
        .build()
}

/// What clears the state cookie: the cookie's own attributes, expired.
fn state_cookie_removal(secure: bool) -> Cookie<'static> {
    state_cookie(String::new(), secure)
}

#[derive(Debug, Deserialize)]
struct StartQuery {
    /// Third-party-initiated login (OpenID Connect Core §4), as Okta's dashboard tile sends.
    iss: Option<String>,
}

/// An SSO error page, with the way back to the login page.
fn sso_page(status: StatusCode, title: &str, message: impl Into<String>) -> ErrorPage {
    ErrorPage::new(status, title, message).link(
        paths::LOGIN,
        "Back to the login page",
        "sso-error-login-link",
    )
}

/// 400 for a broken or foreign callback, 504 when the provider is too slow, 502 for any
/// other failure of the provider.
fn sso_status(error: &SsoError) -> StatusCode {
    match error {
        SsoError::MissingStateCookie
        | SsoError::StateMismatch
        | SsoError::UnknownState
        | SsoError::OtherBrowser
        | SsoError::ProviderRefused { .. }
        | SsoError::MissingCode
        | SsoError::RepeatedParameter(_)
        | SsoError::WrongResponseIssuer { .. }
        | SsoError::MissingResponseIssuer
        | SsoError::UnknownInitiator(_) => StatusCode::BAD_REQUEST,
        SsoError::Discovery(e) if e.is_timeout() => StatusCode::GATEWAY_TIMEOUT,
        SsoError::Fetch(e) if e.is_timeout() => StatusCode::GATEWAY_TIMEOUT,
        _ => StatusCode::BAD_GATEWAY,
    }
}

impl From<SsoError> for ErrorPage {
    fn from(error: SsoError) -> Self {
        tracing::warn!(%error, "single sign-on failed");
        sso_page(
            sso_status(&error),
            "Single sign-on failed",
            error.to_string(),
        )
    }
}

impl From<ProvisionError> for ErrorPage {
    fn from(error: ProvisionError) -> Self {
        tracing::warn!(%error, "cannot provision an SSO user");
        sso_page(
            StatusCode::FORBIDDEN,
            "Single sign-on failed",
            error.to_string(),
        )
    }
}

/// The organization's login URL: remembers the attempt, binds it to this browser with the
/// state cookie, and redirects to the provider.
async fn sso_start(
    State(clock): State<server_kit::control::Clock>,
    State(directory): State<Arc<Directory>>,
    State(rp): State<Arc<RelyingParty>>,
    State(urls): State<PublicUrls>,
    Path(login_path): Path<String>,
    Query(query): Query<StartQuery>,
    jar: CookieJar,
) -> Result<Response, ErrorPage> {
    if let Some(org) = directory.organization_by_saml_login_path(&login_path) {
        return Err(sso_page(
            StatusCode::NOT_IMPLEMENTED,
            "SAML single sign-on is not available",
            format!(
                "{} signs in with SAML at this login URL, and this Konnect stub supports only \
                 OpenID Connect single sign-on. Ask your Organization Admin to use an OIDC \
                 identity provider, or log in with your email and password.",
                org.name
            ),
        ));
    }
    let Some(org) = directory.organization_by_login_path(&login_path) else {
        return Err(sso_page(
            StatusCode::NOT_FOUND,
            "Unknown login URL",
            format!("No organization uses the login path {login_path:?}."),
        ));
    };
    let Some(client) = org.sso_client() else {
        return Err(sso_page(
            StatusCode::NOT_FOUND,
            "Single sign-on is not enabled",
            format!(
                "{} does not use single sign-on. Log in with your email and password.",
                org.name
            ),
        ));
    };
    let redirect = rp
        .begin(
            &org.id,
            client,
            &urls.redirect_uri(),
            query.iss.as_deref(),
            clock.now_system(),
        )
        .await?;
    let jar = jar.add(state_cookie(redirect.state_cookie, urls.secure_cookies()));
    Ok((jar, Redirect::to(&redirect.url)).into_response())
}

/// The callback, reached through `/login?code&state` (or `?error`); `params` is what
/// [`CallbackParams::from_query`] made of the query. The state cookie is cleared whatever
/// happens, a malformed query included; a session is opened only once everything checked out.
pub async fn sso_callback(
    directory: &Directory,
    rp: &RelyingParty,
    urls: &PublicUrls,
    jar: CookieJar,
    params: Result<CallbackParams, SsoError>,
    now: SystemTime,
) -> Response {
    let cookie = jar.get(STATE_COOKIE).map(|c| c.value().to_owned());
    let jar = jar.remove(state_cookie_removal(urls.secure_cookies()));
    let outcome = match params {
        Ok(params) => sign_in(directory, rp, &params, cookie.as_deref(), now).await,
        Err(error) => Err(error.into()),
    };
    match outcome {
        Ok(user) => {
            let jar = open_session(jar, directory, urls, &user.id, now);
            (jar, Redirect::to(paths::HOME)).into_response()
        }
        Err(page) => (jar, page).into_response(),
    }
}

/// The provider's answer checked by the relying party, then the Konnect user it stands for.
async fn sign_in(
    directory: &Directory,
    rp: &RelyingParty,
    params: &CallbackParams,
    cookie: Option<&str>,
    now: SystemTime,
) -> Result<User, ErrorPage> {
    let identity = rp.complete(params, cookie, now).await?;
    // The organization may have turned SSO off or changed provider meanwhile.
    let still_valid = directory
        .organization(&identity.org_id)
        .and_then(|org| org.sso_client())
        .is_some_and(|client| client.issuer == identity.issuer);
    if !still_valid {
        return Err(sso_page(
            StatusCode::CONFLICT,
            "Single sign-on failed",
            "Single sign-on settings changed during the sign-in. Please start again.",
        ));
    }
    let user = directory.provision_sso_user(
        &SsoSignIn {
            org_id: &identity.org_id,
            issuer: &identity.issuer,
            subject: &identity.subject,
            email: &identity.email,
            verification: identity.email_verification,
            full_name: identity.name.as_deref().unwrap_or(""),
            groups: &identity.groups,
        },
        now,
    )?;
    tracing::info!(email = %user.email, subject = %identity.subject, groups = ?identity.groups, "SSO login");
    Ok(user)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::oidc_client::{
        fetch::{Endpoint, FetchError, FetchFailure},
        id_token::IdTokenError,
    };

    #[test]
    fn sso_errors_map_to_statuses() {
        assert_eq!(
            sso_status(&SsoError::StateMismatch),
            StatusCode::BAD_REQUEST
        );
        let timeout = FetchError {
            endpoint: Endpoint::Token,
            url: "u".into(),
            failure: FetchFailure::Timeout,
        };
        assert_eq!(
            sso_status(&SsoError::Fetch(timeout)),
            StatusCode::GATEWAY_TIMEOUT
        );
        assert_eq!(
            sso_status(&SsoError::IdToken(IdTokenError::BadSignature)),
            StatusCode::BAD_GATEWAY
        );
        let page = ErrorPage::from(SsoError::MissingCode);
        assert_eq!(page.status, StatusCode::BAD_REQUEST);
        assert_eq!(page.links[0].href, paths::LOGIN);
    }
}
