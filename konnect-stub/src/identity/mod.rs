//! Settings > Identity Management (Okta, Team Mappings), the v2 identity API, and v3's teams,
//! users and team-group mappings. All go through [`service`] and the directory, which hold
//! the rules (Organization Admin only, Enterprise only, the issuer checked by discovery).

mod api;
mod params;
mod providers_api;
mod service;
mod teams_api;
mod ui;
pub mod views;

use axum::Router;

use server_kit::control::named_routes;

use crate::{control::Endpoint, state::AppState};

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(named_routes(Endpoint::Identity, ui::router()))
        // v3 keeps v2's paths for these endpoints.
        .nest("/v2", named_routes(Endpoint::Api, api::router()))
        .nest(
            "/v3",
            named_routes(
                Endpoint::Api,
                api::router()
                    .merge(teams_api::router())
                    .merge(providers_api::router()),
            ),
        )
}
