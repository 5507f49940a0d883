//! The error record: a core error flattened into the fields every language shows, with the
//! same concepts everywhere (each language spells them its own way: `server_code` in Python,
//! `serverCode` in Node and Kotlin). The values are the core's own: kind, retryable, status.

use omi_push::Error;
use serde::Serialize;

/// Every kind an error record can have, in a stable order. Each binding has one exception
/// class per kind; its tests check the list against this one.
pub const KINDS: [&str; 16] = [
    "invalid_argument",
    "config",
    "authentication",
    "permission_denied",
    "not_found",
    "rate_limited",
    "server",
    "transport",
    "protocol",
    "cancelled",
    "internal",
    "invalid_challenge",
    "challenge_mismatch",
    "already_used",
    "throttled",
    "store_unavailable",
];

/// A core error as every binding receives it. Never holds the client secret or a token (the
/// core redacts server text before it reaches an error).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ErrorRecord {
    /// The core's stable kind, e.g. `rate_limited` (one of [`KINDS`]).
    pub kind: &'static str,
    /// The stable code of the kind, e.g. `OMI_RATE_LIMITED`.
    pub code: String,
    /// The core's message (Display).
    pub message: String,
    /// The core's `is_retryable()`.
    pub retryable: bool,
    /// HTTP status, when the server answered.
    pub status: Option<u16>,
    /// The server's own error code (`error` / `error_code`), when it sent one.
    pub server_code: Option<String>,
    /// The server's request id, when it sent one.
    pub request_id: Option<String>,
    /// How long the server asked to wait (`Retry-After`), in milliseconds.
    pub retry_after_ms: Option<f64>,
    /// The scope the refused call needs (`permission_denied`).
    pub missing_scope: Option<String>,
    /// The refused argument (`invalid_argument`).
    pub field: Option<String>,
    /// Why it was refused (`invalid_argument`).
    pub reason: Option<String>,
    /// A transport failure before the connection was made.
    pub connect: bool,
    /// A transport failure that timed out.
    pub timeout: bool,
}

/// `OMI_` and the kind in upper case.
pub fn code_of(kind: &str) -> String {
    format!("OMI_{}", kind.to_ascii_uppercase())
}

impl From<&Error> for ErrorRecord {
    fn from(e: &Error) -> ErrorRecord {
        let kind = e.kind().as_str();
        ErrorRecord {
            kind,
            code: code_of(kind),
            message: e.to_string(),
            retryable: e.is_retryable(),
            status: e.status(),
            server_code: e.code().map(str::to_string),
            request_id: e.request_id().map(str::to_string),
            retry_after_ms: e.retry_after().map(|d| d.as_secs_f64() * 1000.0),
            missing_scope: e.missing_scope().map(str::to_string),
            field: e.field().map(str::to_string),
            reason: e.reason().map(str::to_string),
            connect: e.is_connect(),
            timeout: e.is_timeout(),
        }
    }
}

impl From<Error> for ErrorRecord {
    fn from(e: Error) -> ErrorRecord {
        ErrorRecord::from(&e)
    }
}

impl ErrorRecord {
    /// The record as JSON, for bindings that pass it as a value.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or_else(|_| serde_json::json!({"kind": "internal", "message": self.message}))
    }
}

/// A sample error of `kind`, with every field its kind can carry, for the cross-language error
/// probe: each binding's tests turn each sample into its language's error and compare the
/// fields with this record.
pub fn sample(kind: &str) -> Option<Error> {
    use std::time::Duration;
    Some(match kind {
        "invalid_argument" => Error::InvalidArgument { field: "user_id".into(), reason: "must not be empty".into() },
        "config" => Error::Config("base_url is not a valid URL".into()),
        "authentication" => Error::Authentication {
            status: Some(401),
            code: Some("invalid_client".into()),
            message: "client authentication failed".into(),
            request_id: Some("req-1".into()),
        },
        "permission_denied" => Error::PermissionDenied {
            scope: omi_push::wire::SCOPE_PUSH_DEVICE.into(),
            message: Some("scope missing".into()),
            request_id: Some("req-2".into()),
        },
        "not_found" => {
            Error::NotFound { code: Some("USER_NOT_FOUND".into()), message: "unknown user".into(), request_id: None }
        }
        "rate_limited" => Error::RateLimited {
            status: 429,
            retry_after: Some(Duration::from_millis(1500)),
            request_id: Some("req-3".into()),
        },
        "server" => Error::Server {
            status: 503,
            code: Some("SERVICE_UNAVAILABLE".into()),
            message: Some("try later".into()),
            request_id: Some("req-4".into()),
        },
        "transport" => Error::Transport { message: "connection refused".into(), connect: true, timeout: false },
        "protocol" => Error::Protocol { message: "devices body is not JSON".into(), request_id: Some("req-5".into()) },
        "cancelled" => Error::Cancelled,
        "internal" => Error::Internal("an omi-push task panicked".into()),
        "invalid_challenge" => Error::InvalidChallenge { reason: "the signature does not match".into() },
        "challenge_mismatch" => Error::ChallengeMismatch { field: "user".into() },
        "already_used" => Error::AlreadyUsed,
        "throttled" => Error::Throttled {
            reason: "at most 3 unresolved step-up pushes per user".into(),
            retry_after: Some(Duration::from_secs(10)),
        },
        "store_unavailable" => Error::StoreUnavailable { message: "redis: connection refused".into() },
        _ => return None,
    })
}

/// The record of [`sample`]`(kind)`.
pub fn sample_record(kind: &str) -> Option<ErrorRecord> {
    sample(kind).map(ErrorRecord::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_a_sample_with_the_core_values() {
        for kind in KINDS {
            let e = sample(kind).expect("sample");
            assert_eq!(e.kind().as_str(), kind);
            let r = ErrorRecord::from(&e);
            assert_eq!((r.kind, r.retryable, r.status), (kind, e.is_retryable(), e.status()));
            assert_eq!(r.code, format!("OMI_{}", kind.to_uppercase()));
        }
        assert!(sample("nope").is_none());
        let r = sample_record("rate_limited").expect("record");
        assert_eq!((r.retry_after_ms, r.retryable, r.status), (Some(1500.0), true, Some(429)));
        assert_eq!(sample_record("internal").map(|r| r.retryable), Some(false));
    }

    #[test]
    fn a_panic_in_a_core_task_is_an_internal_error() {
        let task = omi_push::runtime::spawn(async {
            if std::hint::black_box(true) {
                panic!("boom");
            }
        })
        .expect("spawn");
        let e = ErrorRecord::from(task.join().expect_err("panicked"));
        assert_eq!((e.kind, e.code.as_str(), e.retryable), ("internal", "OMI_INTERNAL", false));
    }
}
