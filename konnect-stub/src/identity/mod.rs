//! Settings > Identity Management > Okta, and the v2 identity API. Both go through
//! [`service`], which holds the rules (Organization Admin only, Enterprise only, the issuer
//! checked by discovery).

mod api;
mod service;
mod ui;
pub mod views;

use axum::Router;

use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(ui::router())
        // v3 keeps v2's paths for these endpoints.
        .nest("/v2", api::router())
        .nest("/v3", api::router())
}
