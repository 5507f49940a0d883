//! Fault injection: which fault a request gets, and the responses faults produce.

use std::io;

use axum::body::{Body, Bytes};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use futures_util::stream;
use serde_json::json;

use crate::config::{Fault, Route};

/// The body a `malformed` fault sends: truncated JSON.
pub(crate) const MALFORMED_BODY: &str = "{\"status\": \"CONFIRMED\", \"nonce\": ";

struct Slot {
    fault: Fault,
    /// Matching requests this fault has seen (skipped ones included).
    seen: u64,
}

impl Slot {
    fn exhausted(&self) -> bool {
        self.fault
            .times
            .is_some_and(|times| self.seen >= self.fault.skip.saturating_add(times))
    }
}

#[derive(Default)]
pub(crate) struct Faults {
    slots: Vec<Slot>,
}

impl Faults {
    /// Adds an already validated fault after the existing ones.
    pub(crate) fn add(&mut self, fault: Fault) {
        self.slots.push(Slot { fault, seen: 0 });
    }

    pub(crate) fn clear(&mut self) {
        self.slots.clear();
    }

    /// Takes the first matching fault with applications left. `None` when there is none,
    /// or when that fault is still letting its first `skip` requests through.
    pub(crate) fn take(&mut self, route: Route) -> Option<Fault> {
        let slot = self
            .slots
            .iter_mut()
            .find(|s| route.matches(&s.fault.route) && !s.exhausted())?;
        slot.seen += 1;
        (slot.seen > slot.fault.skip).then(|| slot.fault.clone())
    }
}

/// A response whose body fails at once: hyper aborts the connection mid-response.
pub(crate) fn dropped() -> Response {
    let broken = stream::once(async {
        Err::<Bytes, io::Error>(io::Error::new(
            io::ErrorKind::ConnectionAborted,
            "simulated dropped connection",
        ))
    });
    Response::new(Body::from_stream(broken))
}

/// The response of a `status` fault.
pub(crate) fn status_response(status: u16, retry_after_s: Option<u64>) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
    let code = match status {
        StatusCode::TOO_MANY_REQUESTS => "TOO_MANY_REQUESTS",
        StatusCode::SERVICE_UNAVAILABLE => "SERVICE_UNAVAILABLE",
        _ => "SIMULATED_FAULT",
    };
    let body = json!({
        "error_code": code,
        "error_message": format!("simulated fault (status {})", status.as_u16()),
    });
    let mut response = (status, axum::Json(body)).into_response();
    if let Some(seconds) = retry_after_s {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    }
    response
}

/// The response of a `malformed` fault: 200 with a body that is not JSON.
pub(crate) fn malformed() -> Response {
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/json")],
        MALFORMED_BODY,
    )
        .into_response()
}
