//! The composition root: merges every surface's router over the one [`AppState`], adds the
//! harness's limits, answers what no surface serves (the stylesheet, and a 404 in the caller's
//! format), and keeps every refusal in the surface's format.

use axum::{
    Router,
    body::to_bytes,
    extract::{OriginalUri, Request},
    http::{HeaderValue, header},
    middleware::{self, Next},
    response::{IntoResponse, Response},
    routing::get,
};

use crate::{
    control,
    error::{ErrorPage, Problem},
    identity, login, paths,
    state::AppState,
};

/// All routes of the stub, with the harness's limits (timeouts, body size).
pub fn router(state: AppState) -> Router {
    let live = state.control.live.clone();
    let routes = Router::new()
        .merge(login::router())
        .merge(identity::router())
        .route(paths::STYLESHEET, get(stylesheet))
        .nest(server_kit::control::PREFIX, control::router())
        .fallback(not_found)
        .with_state(state)
        .layer(middleware::from_fn_with_state(
            live,
            server_kit::control::observe::<control::Endpoint>,
        ));
    server_kit::with_limits(routes).layer(middleware::from_fn(in_surface_format))
}

/// Every answer a client can provoke is in the surface's format. The framework's own
/// refusals (an unsupported method, a wrong Content-Type, a query or form it cannot read, a
/// body too large or shorter than its Content-Length, a timeout) come as text/plain or with
/// no body; they are rewritten here as problem+json on the API and as the error page on the
/// browser routes, keeping their status and `Allow`. They come before any handler ran, so
/// nothing changed and no cookie is set.
async fn in_surface_format(request: Request, next: Next) -> Response {
    let api = paths::is_api(request.uri().path());
    let response = next.run(request).await;
    let status = response.status();
    let refused = status.is_client_error() || status.is_server_error();
    if !refused || in_a_surface_format(&response) {
        return response;
    }
    let allow = response.headers().get(header::ALLOW).cloned();
    let reason = to_bytes(response.into_body(), 4096)
        .await
        .unwrap_or_default();
    tracing::debug!(%status, reason = %String::from_utf8_lossy(&reason), "refused a request");
    let mut answer = if api {
        Problem::for_status(status).into_response()
    } else {
        ErrorPage::for_status(status).into_response()
    };
    if let Some(allow) = allow {
        answer.headers_mut().insert(header::ALLOW, allow);
    }
    answer
}

fn in_a_surface_format(response: &Response) -> bool {
    if response
        .extensions()
        .get::<server_kit::control::FaultAnswer>()
        .is_some()
    {
        // What a fault was asked to answer.
        return true;
    }
    response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("application/problem+json") || t.starts_with("text/html"))
}

const STYLE: &str = include_str!("../assets/konnect.css");

async fn stylesheet() -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/css; charset=utf-8"),
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=300"),
            ),
        ],
        STYLE,
    )
        .into_response()
}

async fn not_found(OriginalUri(uri): OriginalUri) -> Response {
    if paths::is_api(uri.path()) {
        Problem::not_found("The requested resource was not found").into_response()
    } else {
        ErrorPage::not_found().into_response()
    }
}
