//! The end-user dashboard (`/app/UserHome`) and Okta-initiated login: a tile per app the
//! user may use whose icon is displayed, and the tile's link
//! (`/home/oidc_client/{appId}/{linkId}`), which starts the app's sign-in from Okta.
//!
//! - OIDC Compliant (`idp_initiated_login.mode = SPEC`): a redirect to the app's
//!   `initiate_login_uri` with only `iss` (the org URL) added (OIDC Core §4).
//! - Okta Simplified (`OKTA`): an ID token from the org authorization server, posted with
//!   `form_post` and no `state`, to the first sign-in redirect URI or, by configuration,
//!   the initiate login URI (Okta's documents disagree).
//! - Otherwise Okta's error page.

use askama::Template;
use axum::{
    Router,
    extract::{Path, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    routing::get,
};

use crate::{
    directory::{App, ClaimTarget, IdpMode, User},
    ledger::Session,
    oidc::{
        authorize::{Delivery, ResponseMode, deliver},
        claims::{self, Channel},
        error::ErrorPage,
        mint::{self, IdTokenExtras, Issuance},
    },
    paths::{self, AuthServer},
    signin,
    state::{AppState, SimplifiedTarget},
};

pub fn router(_state: &AppState) -> Router<AppState> {
    Router::new()
        .route(paths::DASHBOARD, get(dashboard_home))
        .route(paths::APP_LINK, get(dashboard_app_launch))
}

/// The signed-in user of the request's Okta session.
fn signed_in(state: &AppState, headers: &HeaderMap) -> Option<(Session, User)> {
    let session = signin::current_session(state, headers)?;
    let user = state.dir.user(&session.user_id).ok()?;
    Some((session, user))
}

/// The sign-in page, which brings the browser back to `from` (a path on the org).
fn sign_in_first(state: &AppState, from: &str) -> Response {
    signin::redirect_to_signin(state, from, None, HeaderMap::new())
}

struct Tile {
    label: String,
    href: String,
    initial: String,
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    user_name: String,
    user_login: String,
    is_admin: bool,
    tiles: Vec<Tile>,
}

async fn dashboard_home(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let Some((_, user)) = signed_in(&state, &headers) else {
        return sign_in_first(&state, paths::DASHBOARD);
    };
    let tiles = state
        .dir
        .apps_for_user(&user.id)
        .into_iter()
        .filter(App::shows_tile)
        .map(|a| Tile {
            href: state.org.app_link(&a.id, &a.link_id),
            initial: a
                .label
                .chars()
                .next()
                .map(|c| c.to_uppercase().to_string())
                .unwrap_or_default(),
            label: a.label,
        })
        .collect();
    let page = DashboardPage {
        user_name: user.display_name(),
        user_login: user.login().to_owned(),
        is_admin: user.is_super_admin(),
        tiles,
    };
    crate::html::render(StatusCode::OK, &page)
}

/// What a tile's link does for a user.
#[derive(Debug, PartialEq, Eq)]
enum Launch {
    /// OIDC Compliant: redirect the browser here.
    Redirect(String),
    /// Okta Simplified: post an ID token here.
    PostIdToken(String),
}

fn idp_initiated_disabled() -> ErrorPage {
    // `idp_initated_flow_disabled` is Okta's own spelling.
    ErrorPage::new(
        "idp_initated_flow_disabled",
        "IdP-initiated login is disabled for this client.",
    )
}

/// Decides what following an app's tile link does: the link id must be the app's, the user
/// assigned, the tile shown and Okta-initiated login on.
fn launch(
    app: &App,
    link_id: &str,
    assigned: bool,
    org_url: &str,
    target: SimplifiedTarget,
) -> Result<Launch, ErrorPage> {
    if link_id != app.link_id {
        return Err(idp_initiated_disabled());
    }
    if !assigned {
        return Err(ErrorPage::new(
            "access_denied",
            "User is not assigned to the client application.",
        ));
    }
    let s = &app.settings;
    let Some(initiate) = s.initiate_login_uri.as_deref().filter(|_| app.shows_tile()) else {
        return Err(idp_initiated_disabled());
    };
    match s.idp_initiated_login.mode {
        IdpMode::Disabled => Err(idp_initiated_disabled()),
        IdpMode::Spec => with_iss(initiate, org_url)
            .map(Launch::Redirect)
            .ok_or_else(|| {
                ErrorPage::new(
                    "missing_initiate_login_uri",
                    "initiate_login_uri is missing.",
                )
            }),
        IdpMode::Okta => {
            let to = match target {
                SimplifiedTarget::FirstRedirectUri => s.redirect_uris.first().map(String::as_str),
                SimplifiedTarget::InitiateLoginUri => Some(initiate),
            };
            to.map(|t| Launch::PostIdToken(t.to_owned()))
                .ok_or_else(idp_initiated_disabled)
        }
    }
}

/// `initiate_login_uri` with `iss` added to its query (existing parameters kept).
fn with_iss(initiate_login_uri: &str, iss: &str) -> Option<String> {
    let mut url = url::Url::parse(initiate_login_uri).ok()?;
    url.query_pairs_mut().append_pair("iss", iss);
    Some(url.into())
}

async fn dashboard_app_launch(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path((app_id, link_id)): Path<(String, String)>,
) -> Response {
    let from = paths::APP_LINK
        .replace("{app_id}", &app_id)
        .replace("{link_id}", &link_id);
    let Some((session, user)) = signed_in(&state, &headers) else {
        return sign_in_first(&state, &from);
    };
    let Ok(app) = state.dir.app(&app_id) else {
        return ErrorPage::new("invalid_client", "Invalid value for 'client_id' parameter.")
            .into_response();
    };
    let assigned = state.dir.is_assigned(&app, &user.id);
    match launch(
        &app,
        &link_id,
        assigned,
        state.org.base(),
        state.options.simplified_target,
    ) {
        Err(page) => page.into_response(),
        Ok(Launch::Redirect(to)) => crate::web::found(&to),
        Ok(Launch::PostIdToken(to)) => {
            match simplified_id_token(&state, &app, &user, &session).await {
                Ok(id_token) => deliver(
                    Delivery {
                        redirect_uri: to,
                        mode: ResponseMode::FormPost,
                        params: vec![("id_token".to_owned(), id_token)],
                    },
                    HeaderMap::new(),
                ),
                Err(err) => {
                    tracing::error!(%err, "Okta Simplified ID token not minted");
                    crate::html::PageError::new(
                        StatusCode::INTERNAL_SERVER_ERROR,
                        "500 Internal Server Error",
                        "The server encountered an internal error.",
                    )
                    .into_response()
                }
            }
        }
    }
}

/// The ID token of an Okta Simplified launch: the app's default scopes (always with
/// `openid`), every claim of those scopes, no nonce.
async fn simplified_id_token(
    state: &AppState,
    app: &App,
    user: &User,
    session: &Session,
) -> anyhow::Result<String> {
    let mut scopes = app.settings.idp_initiated_login.default_scope.clone();
    if !scopes.iter().any(|s| s == "openid") {
        scopes.insert(0, "openid".to_owned());
    }
    let key = state.keys.active().await?;
    let grant = Issuance {
        server: AuthServer::Org,
        client_id: &app.credentials.client_id,
        user: Some(user),
        scopes: &scopes,
        auth_time: Some(session.auth_time),
        amr: &session.amr,
        refresh_id: None,
    };
    let limited = claims::limited(state.options.groups_over_limit, Channel::Authorize);
    let appended = claims::extra_claims(
        &state.dir,
        AuthServer::Org,
        app.groups_claim.as_ref(),
        user,
        ClaimTarget::IdToken {
            with_access_token: false,
        },
        &scopes,
        limited,
    )?;
    mint::id_token(
        &key,
        &state.org,
        &grant,
        user,
        &IdTokenExtras {
            nonce: None,
            access_token: None,
            code: None,
            all_claims: true,
            idp: state.dir.org_id(),
            appended: &appended,
        },
        state.clock.now(),
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{
        clock::Clock,
        directory::{AppInput, Directory},
    };
    use serde_json::json;

    fn app(mode: &str, hide_web: bool) -> App {
        let input: AppInput = serde_json::from_value(json!({
            "name": "oidc_client", "label": "Konnect", "signOnMode": "OPENID_CONNECT",
            "visibility": {"hide": {"web": hide_web, "iOS": hide_web}},
            "settings": {"oauthClient": {
                "application_type": "browser",
                "redirect_uris": ["https://spa.test/callback", "https://spa.test/other"],
                "grant_types": ["authorization_code", "implicit"],
                "initiate_login_uri": "https://spa.test/login?org=acme",
                "idp_initiated_login": {"mode": mode}}}
        }))
        .unwrap();
        Directory::new(Clock::default())
            .create_app(input, true)
            .unwrap()
    }

    const ORG: &str = "https://dev-1.okta.com";

    #[test]
    fn oidc_compliant_tile_redirects_with_only_iss_added() {
        let a = app("SPEC", false);
        assert_eq!(
            launch(&a, &a.link_id, true, ORG, SimplifiedTarget::default()),
            Ok(Launch::Redirect(
                "https://spa.test/login?org=acme&iss=https%3A%2F%2Fdev-1.okta.com".into()
            ))
        );
    }

    #[test]
    fn okta_simplified_tile_posts_to_the_configured_target() {
        let a = app("OKTA", false);
        assert_eq!(
            launch(
                &a,
                &a.link_id,
                true,
                ORG,
                SimplifiedTarget::FirstRedirectUri
            ),
            Ok(Launch::PostIdToken("https://spa.test/callback".into()))
        );
        assert_eq!(
            launch(
                &a,
                &a.link_id,
                true,
                ORG,
                SimplifiedTarget::InitiateLoginUri
            ),
            Ok(Launch::PostIdToken(
                "https://spa.test/login?org=acme".into()
            ))
        );
    }

    #[test]
    fn disabled_hidden_unassigned_or_wrong_link_answers_with_okta_errors() {
        let off = app("DISABLED", false);
        let hidden = app("SPEC", true);
        let on = app("SPEC", false);
        let t = SimplifiedTarget::default();
        let code = |r: Result<Launch, ErrorPage>| r.unwrap_err().code;
        assert_eq!(
            code(launch(&off, &off.link_id, true, ORG, t)),
            "idp_initated_flow_disabled"
        );
        assert_eq!(
            code(launch(&hidden, &hidden.link_id, true, ORG, t)),
            "idp_initated_flow_disabled"
        );
        assert_eq!(
            code(launch(&on, "alnWrong", true, ORG, t)),
            "idp_initated_flow_disabled"
        );
        assert_eq!(
            code(launch(&on, &on.link_id, false, ORG, t)),
            "access_denied"
        );
    }
}
