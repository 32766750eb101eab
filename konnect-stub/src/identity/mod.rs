//! Settings > Identity Management > Okta, and the v2 identity API. Both go through
//! [`service`], which holds the rules (Organization Admin only, Enterprise only, the issuer
//! checked by discovery).

mod api;
mod service;
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
        .nest("/v3", named_routes(Endpoint::Api, api::router()))
}
