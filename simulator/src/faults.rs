//! Fault injection: which fault a request gets, and the responses faults produce.

use std::io;

use axum::body::{Body, Bytes};
use axum::http::{HeaderValue, StatusCode, header, request::Parts};
use axum::response::{IntoResponse, Response};
use futures_util::stream;
use serde_json::json;

use crate::config::{Echo, Fault, Route};
use crate::server::REQUEST_ID;

/// The body a `malformed` fault sends: truncated JSON.
pub(crate) const MALFORMED_BODY: &str = "{\"status\": \"CONFIRMED\", \"nonce\": ";

struct Slot {
    fault: Fault,
    /// Matching requests this fault has seen (skipped ones included).
    seen: u64,
}

impl Slot {
    fn exhausted(&self) -> bool {
        self.fault.times.is_some_and(|times| self.seen >= self.fault.skip.saturating_add(times))
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
        let slot = self.slots.iter_mut().find(|s| route.matches(&s.fault.route) && !s.exhausted())?;
        slot.seen += 1;
        (slot.seen > slot.fault.skip).then(|| slot.fault.clone())
    }
}

/// A response whose body fails at once: hyper aborts the connection mid-response.
pub(crate) fn dropped() -> Response {
    let broken = stream::once(async {
        Err::<Bytes, io::Error>(io::Error::new(io::ErrorKind::ConnectionAborted, "simulated dropped connection"))
    });
    Response::new(Body::from_stream(broken))
}

fn with_retry_after(mut response: Response, retry_after_s: Option<u64>) -> Response {
    if let Some(seconds) = retry_after_s {
        response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    }
    response
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
    with_retry_after((status, axum::Json(body)).into_response(), retry_after_s)
}

/// The response of a `malformed` fault: 200 with a body that is not JSON.
pub(crate) fn malformed() -> Response {
    (StatusCode::OK, [(header::CONTENT_TYPE, "application/json")], MALFORMED_BODY).into_response()
}

/// The status of an `echo` fault without a `status`.
pub(crate) const ECHO_STATUS: u16 = 400;

/// How much of the `Authorization` value the echoed `x-request-id` carries: well within what
/// clients accept for a whole response head (Node's default is 16 KiB).
pub(crate) const ECHO_HEADER_MAX: usize = 4096;

/// The response of an `echo` fault: the request's `Authorization` value and body (`None` when
/// it was too large or broken), verbatim, in the body and the `Authorization` value (cut to
/// [`ECHO_HEADER_MAX`] bytes) in `x-request-id`, which the server then leaves alone.
pub(crate) fn echo(fault: &Fault, format: Echo, parts: &Parts, body: Option<&[u8]>) -> Response {
    let status = StatusCode::from_u16(fault.status.unwrap_or(ECHO_STATUS)).unwrap_or(StatusCode::BAD_REQUEST);
    let authorization = parts.headers.get(header::AUTHORIZATION);
    let text = format!(
        "echo of {} {}: authorization: {}; body: {}",
        parts.method,
        parts.uri.path_and_query().map_or("/", |p| p.as_str()),
        authorization.map_or("(none)".into(), |v| String::from_utf8_lossy(v.as_bytes())),
        body.map_or("(unreadable)".into(), String::from_utf8_lossy),
    );
    let response = match format {
        Echo::Json => (status, axum::Json(json!({"error": "echo", "error_description": text}))).into_response(),
        Echo::Text => (status, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], text).into_response(),
    };
    let mut response = with_retry_after(response, fault.retry_after_s);
    let request_id = authorization.and_then(|v| {
        let bytes = v.as_bytes();
        // Any prefix of a valid header value is valid.
        HeaderValue::from_bytes(&bytes[..bytes.len().min(ECHO_HEADER_MAX)]).ok()
    });
    if let Some(value) = request_id {
        response.headers_mut().insert(REQUEST_ID.clone(), value);
    }
    response
}

const OVERSIZED_HEAD: &[u8] = b"{\"status\":\"PENDING\",\"pad\":\"";
const OVERSIZED_TAIL: &[u8] = b"\"}";
static PAD: [u8; 64 * 1024] = [b'x'; 64 * 1024];

/// The response of an `oversized_bytes` fault: 200 with exactly `bytes` bytes of
/// `{"status":"PENDING","pad":"xxx…"}` (cut short when `bytes` is below its frame), streamed
/// from one static buffer, so even 1 GiB costs no memory.
pub(crate) fn oversized(bytes: u64, chunked: bool) -> Response {
    let chunks = Padded::new(bytes).map(Ok::<Bytes, io::Error>);
    let mut response = Response::new(Body::from_stream(stream::iter(chunks)));
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    // hyper sends a streamed body of unknown length chunked unless the length is given.
    if !chunked {
        headers.insert(header::CONTENT_LENGTH, HeaderValue::from(bytes));
    }
    response
}

/// The pieces of an oversized body: the head, the padding in static slices, the tail.
struct Padded {
    head: &'static [u8],
    pad: u64,
    tail: &'static [u8],
}

impl Padded {
    fn new(total: u64) -> Self {
        let frame = (OVERSIZED_HEAD.len() + OVERSIZED_TAIL.len()) as u64;
        match usize::try_from(total) {
            Ok(short) if total < frame => Self {
                head: &OVERSIZED_HEAD[..short.min(OVERSIZED_HEAD.len())],
                pad: 0,
                tail: &OVERSIZED_TAIL[..short.saturating_sub(OVERSIZED_HEAD.len())],
            },
            _ => Self { head: OVERSIZED_HEAD, pad: total - frame, tail: OVERSIZED_TAIL },
        }
    }
}

impl Iterator for Padded {
    type Item = Bytes;

    fn next(&mut self) -> Option<Bytes> {
        if !self.head.is_empty() {
            return Some(Bytes::from_static(std::mem::take(&mut self.head)));
        }
        if self.pad > 0 {
            let n = PAD.len().min(usize::try_from(self.pad).unwrap_or(usize::MAX));
            self.pad -= n as u64;
            return Some(Bytes::from_static(&PAD[..n]));
        }
        if !self.tail.is_empty() {
            return Some(Bytes::from_static(std::mem::take(&mut self.tail)));
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collect(total: u64) -> Vec<u8> {
        Padded::new(total).flat_map(|b| b.to_vec()).collect()
    }

    #[test]
    fn an_oversized_body_has_exactly_the_size_asked_for() {
        for total in [0, 1, 5, 27, 28, 29, 30, 31, 1000, 64 * 1024 + 31, 200_000] {
            let body = collect(total);
            assert_eq!(body.len() as u64, total);
            assert!(body.starts_with(&OVERSIZED_HEAD[..body.len().min(OVERSIZED_HEAD.len())]));
        }
        let json: serde_json::Value = serde_json::from_slice(&collect(1000)).unwrap_or_default();
        assert_eq!(json["status"], "PENDING");
        assert_eq!(collect(29), b"{\"status\":\"PENDING\",\"pad\":\"\"}");
    }
}
