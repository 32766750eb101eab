//! Every answer a client can provoke is in the surface's own format. The framework's own
//! refusals (an unsupported method, a wrong Content-Type, a query, path or form it cannot read,
//! a body too large or shorter than its Content-Length, a timeout) come as text/plain or with
//! no body; this layer rewrites them in the server's format for the request's surface, keeping
//! their status and `Allow`. They come before any handler ran, so nothing changed and no
//! cookie is set.

use std::{future::Future, pin::Pin, sync::Arc};

use axum::{
    Router,
    body::to_bytes,
    extract::Request,
    http::{HeaderMap, StatusCode, header},
    middleware::{self, Next},
    response::Response,
};

/// How a server answers a refused request to `path`.
pub type Answer = fn(path: &str, status: StatusCode) -> Response;

/// Whether a response is already in one of the server's formats.
pub type InFormat = fn(headers: &HeaderMap) -> bool;

/// Wraps `router` (outside its limits, so their refusals are rewritten too).
pub fn in_surface_format(router: Router, in_format: InFormat, answer: Answer) -> Router {
    let rule = Arc::new((in_format, answer));
    router.layer(middleware::from_fn(move |req: Request, next: Next| {
        let rule = rule.clone();
        Box::pin(async move { rewrite(req, next, rule.0, rule.1).await })
            as Pin<Box<dyn Future<Output = Response> + Send>>
    }))
}

async fn rewrite(req: Request, next: Next, in_format: InFormat, answer: Answer) -> Response {
    let path = req.uri().path().to_owned();
    let response = next.run(req).await;
    let status = response.status();
    let refused = status.is_client_error() || status.is_server_error();
    if !refused || in_format(response.headers()) {
        return response;
    }
    let allow = response.headers().get(header::ALLOW).cloned();
    let reason = to_bytes(response.into_body(), 4096)
        .await
        .unwrap_or_default();
    tracing::debug!(%status, reason = %String::from_utf8_lossy(&reason), "refused a request");
    let mut rewritten = answer(&path, status);
    if let Some(allow) = allow {
        rewritten.headers_mut().insert(header::ALLOW, allow);
    }
    rewritten
}

/// The `Content-Type` starts with one of `types`.
pub fn content_type_is(headers: &HeaderMap, types: &[&str]) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| types.iter().any(|p| t.starts_with(p)))
}
