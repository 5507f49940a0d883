//! The router and the server task.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;

use axum::Router;
use axum::extract::State as AxumState;
use axum::http::{HeaderName, HeaderValue};
use axum::middleware;
use axum::response::Response;
use tokio::runtime::Handle;

use crate::control;
use crate::omi;
use crate::shared::Shared;
use crate::sockets::{SimListener, Sockets};

pub(crate) static REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

pub(crate) fn router(shared: Arc<Shared>) -> Router {
    let mut router = omi::routes();
    if shared.mode.control_enabled() {
        router = router.merge(control::routes());
    }
    router
        .fallback(omi::fallback)
        .layer(middleware::map_response_with_state(shared.clone(), request_id))
        .with_state(shared)
}

/// Every response carries `x-request-id: sim-<n>`, except an `echo` fault's, which has set
/// its own.
async fn request_id(AxumState(app): AxumState<Arc<Shared>>, mut response: Response) -> Response {
    let id = format!("sim-{}", app.next_request_id());
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().entry(REQUEST_ID.clone()).or_insert(value);
    }
    response
}

/// Serves until `stop` has shut the sockets, then lets the connection tasks wind down (their
/// sockets are already shut, so none of them answers anything any more).
pub(crate) fn spawn(runtime: &Handle, listener: SimListener, router: Router, sockets: Arc<Sockets>) {
    runtime.spawn(async move {
        let signal = async move { sockets.stopped().await };
        if let Err(e) = axum::serve(listener, router).with_graceful_shutdown(signal).await {
            tracing::warn!(error = %e, "simulator server stopped with an error");
        }
        tracing::debug!("simulator server stopped");
    });
}

/// The URL clients use: loopback when bound to an unspecified address.
pub(crate) fn base_url(addr: SocketAddr, tls: bool) -> String {
    let ip = match addr.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
        ip => ip,
    };
    let scheme = if tls { "https" } else { "http" };
    format!("{scheme}://{}", SocketAddr::new(ip, addr.port()))
}
