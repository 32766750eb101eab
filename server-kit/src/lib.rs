//! Serving shared by mock-okta and konnect-stub.
//!
//! Both servers bind first (port 0 allowed), derive their public URLs from the bound address,
//! and must never hang on a slow peer: headers must arrive within [`HEADER_READ_TIMEOUT`], a
//! request body within [`BODY_TIMEOUT`], and a handler must answer within [`HANDLER_TIMEOUT`].
//! `axum::serve` sets no header-read timer, so the accept loop here drives hyper directly.
//!
//! [`cli`] holds the command-line contract of every binary; [`refusals`] keeps the framework's
//! own refusals in each server's format; [`control`] is the test control both servers serve
//! under `/__mock`; [`tls`] serves HTTPS and keeps the local certificate authority.

pub mod cli;
#[cfg(feature = "client")]
mod client;
pub mod control;
#[doc(hidden)]
pub mod fuzz_replay;
pub mod refusals;
pub mod tls;

#[cfg(feature = "client")]
pub use client::{http_client, read_ca_file};

use std::{future::Future, net::SocketAddr, sync::Arc, time::Duration};

use anyhow::Context as _;
use axum::{
    Router,
    http::{Request, StatusCode},
    response::Response,
};
use hyper::{body::Incoming, service::service_fn};
use hyper_util::{
    rt::{TokioIo, TokioTimer},
    server::graceful::GracefulShutdown,
};
use tokio::{net::TcpListener, sync::oneshot, task::JoinHandle};
use tower::ServiceExt as _;
use tower_http::{
    limit::RequestBodyLimitLayer,
    timeout::{RequestBodyTimeoutLayer, TimeoutLayer},
};
use tracing::instrument::WithSubscriber as _;

/// Time a client has to send a request's headers (slowloris guard).
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);
/// Time a client has to send a request body.
pub const BODY_TIMEOUT: Duration = Duration::from_secs(10);
/// Time a handler has to produce a response.
pub const HANDLER_TIMEOUT: Duration = Duration::from_secs(30);
/// Largest request body accepted (forms and JSON documents are small).
pub const BODY_LIMIT: usize = 1024 * 1024;
/// How long graceful shutdown waits for open connections.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(5);

/// Binds `addr` ("HOST:PORT", port 0 for any) with an error that names the address.
pub async fn bind(addr: &str) -> anyhow::Result<TcpListener> {
    TcpListener::bind(addr)
        .await
        .with_context(|| format!("cannot listen on {addr}"))
}

/// Adds the access log, the request timeouts and the body limit every server of the
/// harness uses.
pub fn with_limits(router: Router) -> Router {
    router
        .layer(axum::middleware::from_fn(access_log))
        .layer(RequestBodyLimitLayer::new(BODY_LIMIT))
        .layer(RequestBodyTimeoutLayer::new(BODY_TIMEOUT))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            HANDLER_TIMEOUT,
        ))
}

/// One DEBUG line per request under the target `access` (method, path and query, status,
/// milliseconds). Off unless a subscriber enables it, so it costs nothing under load.
async fn access_log(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    if !tracing::enabled!(target: "access", tracing::Level::DEBUG) {
        return next.run(req).await;
    }
    let method = req.method().clone();
    let uri = req.uri().clone();
    let start = std::time::Instant::now();
    let res = next.run(req).await;
    tracing::debug!(
        target: "access",
        "{method} {uri} -> {} ({} ms)",
        res.status().as_u16(),
        start.elapsed().as_millis()
    );
    res
}

/// A response extension that asks the server to drop the connection instead of answering
/// (test control's "the server is down" fault). Outside [`serve`], e.g. in a `oneshot`
/// test, the response is an empty 200 that carries the marker.
#[derive(Debug, Clone, Copy)]
pub struct CloseConnection;

/// The error a service returns to make hyper close the connection without a response.
#[derive(Debug)]
struct Closed;

impl std::fmt::Display for Closed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection closed on request")
    }
}

impl std::error::Error for Closed {}

/// Answers some requests before the router, for hot read-only documents (discovery) whose
/// answer needs no routing, layers or body: `None` passes the request on to the router.
pub type FastPath = Arc<dyn Fn(&Request<Incoming>) -> Option<Response> + Send + Sync>;

/// Serves `router` on `listener` until `shutdown` resolves, then drains open connections.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) {
    serve_with(listener, router, None, None, shutdown).await;
}

/// [`serve`] with a [`FastPath`] in front of the router, over HTTPS when `tls` is given.
pub async fn serve_with(
    listener: TcpListener,
    router: Router,
    fast: Option<FastPath>,
    tls: Option<tls::Tls>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) {
    let graceful = GracefulShutdown::new();
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(HEADER_READ_TIMEOUT)
        .keep_alive(true);
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(pair) => pair,
                Err(err) => {
                    // Out of file descriptors and the like: back off instead of spinning.
                    tracing::warn!(%err, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let (router, fast) = (router.clone(), fast.clone());
        let service = service_fn(move |req: Request<Incoming>| {
            let answer = match fast.as_ref().and_then(|f| f(&req)) {
                Some(res) => Ok(res),
                None => Err((router.clone(), req)),
            };
            async move {
                let res = match answer {
                    Ok(res) => res,
                    Err((router, req)) => match router.oneshot(req).await {
                        Ok(res) => res,
                        Err(never) => match never {},
                    },
                };
                if res.extensions().get::<CloseConnection>().is_some() {
                    return Err(Closed);
                }
                Ok(res)
            }
        });
        let (builder, watcher, tls) = (builder.clone(), graceful.watcher(), tls.clone());
        // Connection tasks log to the subscriber the server was started under, so a test can
        // give each in-process server its own log.
        tokio::spawn(
            async move {
                let result = match tls {
                    None => {
                        let conn = builder.serve_connection(TokioIo::new(stream), service);
                        watcher.watch(conn).await
                    }
                    Some(tls) => {
                        // The handshake runs in the connection's task: a slow peer holds up
                        // nobody else, and gives up after the handshake timeout.
                        let Some(stream) = tls.accept(stream).await else {
                            return;
                        };
                        let conn = builder.serve_connection(TokioIo::new(stream), service);
                        watcher.watch(conn).await
                    }
                };
                if let Err(err) = result {
                    tracing::debug!(%peer, %err, "connection ended with an error");
                }
            }
            .with_current_subscriber(),
        );
    }
    drop(listener);
    let _ = tokio::time::timeout(DRAIN_TIMEOUT, graceful.shutdown()).await;
}

/// A server running in the background of the current tokio runtime.
pub struct Running {
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl Running {
    /// Starts serving `router` on `listener` in a background task.
    pub fn spawn(listener: TcpListener, router: Router) -> std::io::Result<Self> {
        Self::spawn_with(listener, router, None, None)
    }

    /// [`Running::spawn`] with a [`FastPath`] in front of the router, over HTTPS when `tls`
    /// is given.
    pub fn spawn_with(
        listener: TcpListener,
        router: Router,
        fast: Option<FastPath>,
        tls: Option<tls::Tls>,
    ) -> std::io::Result<Self> {
        let addr = listener.local_addr()?;
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(
            serve_with(listener, router, fast, tls, async move {
                let _ = stopped.await;
            })
            .with_current_subscriber(),
        );
        Ok(Self {
            addr,
            stop: Some(stop),
            task: Some(task),
        })
    }

    /// The address the server is bound to.
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// Stops accepting, drains open connections and waits for the server task.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }

    /// Waits until the server stops on its own (it only does on shutdown).
    pub async fn wait(mut self) {
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// The public base URL for a bound address when none is configured: `http://{host}:{port}`
/// (`https://` when serving TLS), without a trailing slash. An unspecified bind address
/// (0.0.0.0 / ::) is advertised as `fallback_host`, since browsers cannot reach "0.0.0.0".
pub fn default_public_url(addr: SocketAddr, fallback_host: &str, tls: bool) -> String {
    let host = if addr.ip().is_unspecified() {
        fallback_host.to_owned()
    } else if addr.is_ipv6() {
        format!("[{}]", addr.ip())
    } else {
        addr.ip().to_string()
    };
    let scheme = if tls { "https" } else { "http" };
    format!("{scheme}://{host}:{}", addr.port())
}

/// Parses and normalises a configured public URL: absolute http(s), no query or fragment,
/// returned without a trailing slash (as Okta writes its org URL).
pub fn parse_public_url(raw: &str) -> anyhow::Result<String> {
    let url = url::Url::parse(raw).with_context(|| format!("invalid public URL {raw:?}"))?;
    anyhow::ensure!(
        matches!(url.scheme(), "http" | "https"),
        "public URL {raw:?} must use http or https"
    );
    anyhow::ensure!(url.host_str().is_some(), "public URL {raw:?} has no host");
    anyhow::ensure!(
        url.query().is_none() && url.fragment().is_none(),
        "public URL {raw:?} must not have a query or fragment"
    );
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_url_is_written_without_trailing_slash() {
        assert_eq!(
            parse_public_url("https://dev-1.okta.com/").unwrap(),
            "https://dev-1.okta.com"
        );
        assert_eq!(
            parse_public_url("http://localhost:8080/base/").unwrap(),
            "http://localhost:8080/base"
        );
    }

    #[test]
    fn public_url_rejects_relative_and_other_schemes() {
        assert!(parse_public_url("/login").is_err());
        assert!(parse_public_url("ftp://x").is_err());
        assert!(parse_public_url("http://x/?a=b").is_err());
    }

    #[test]
    fn unspecified_bind_address_is_advertised_by_name() {
        let addr: SocketAddr = "0.0.0.0:8080".parse().unwrap();
        assert_eq!(
            default_public_url(addr, "localhost", false),
            "http://localhost:8080"
        );
        assert_eq!(
            default_public_url(addr, "localhost", true),
            "https://localhost:8080"
        );
        let addr: SocketAddr = "127.0.0.1:1".parse().unwrap();
        assert_eq!(
            default_public_url(addr, "localhost", false),
            "http://127.0.0.1:1"
        );
    }
}
