//! The one place where core and simulator errors become JavaScript errors.
//!
//! A native error's message is [`PREFIX`] followed by a JSON object with the error's kind and
//! structured fields; `lib/errors.js` reads it back into an `OmiError` subclass. Nothing here
//! ever holds the client secret or a token (the core's errors never carry them).

use omi_push::Error;
use serde_json::{Map, Value, json};

/// Marks a message as a structured omi-push error payload.
pub const PREFIX: &str = "OMI_PUSH_ERROR:";

fn payload(kind: &str, message: String, fields: Map<String, Value>) -> napi::Error {
    let mut body = Map::new();
    body.insert("kind".into(), Value::String(kind.into()));
    body.insert("message".into(), Value::String(message));
    body.extend(fields);
    napi::Error::from_reason(format!("{PREFIX}{}", Value::Object(body)))
}

/// Converts a core error into a napi error with a structured payload.
pub fn to_napi(e: &Error) -> napi::Error {
    let mut f = Map::new();
    f.insert("retryable".into(), json!(e.is_retryable()));
    if let Some(s) = e.status() {
        f.insert("status".into(), json!(s));
    }
    if let Some(c) = e.code() {
        f.insert("serverCode".into(), json!(c));
    }
    if let Some(r) = e.request_id() {
        f.insert("requestId".into(), json!(r));
    }
    if let Some(d) = e.retry_after() {
        f.insert("retryAfterMs".into(), json!(d.as_millis() as f64));
    }
    if let Some(s) = e.missing_scope() {
        f.insert("missingScope".into(), json!(s));
    }
    if let Some(field) = e.field() {
        f.insert("field".into(), json!(field));
    }
    if e.kind() == omi_push::ErrorKind::Transport {
        f.insert("connect".into(), json!(e.is_connect()));
        f.insert("timeout".into(), json!(e.is_timeout()));
    }
    payload(e.kind().as_str(), e.to_string(), f)
}

/// A simulator (testing helper) failure.
pub fn simulator(message: impl std::fmt::Display) -> napi::Error {
    let mut f = Map::new();
    f.insert("retryable".into(), json!(false));
    payload("simulator", message.to_string(), f)
}

/// `?`-friendly conversion of core results.
pub trait IntoNapi<T> {
    fn napi(self) -> napi::Result<T>;
}

impl<T> IntoNapi<T> for omi_push::Result<T> {
    fn napi(self) -> napi::Result<T> {
        self.map_err(|e| to_napi(&e))
    }
}
