//! The one error type of omi-push. Outcomes (confirmed, rejected, expired, timed out) are data,
//! not errors; errors are for failures only. No variant ever holds the client secret or a token.

use std::time::Duration;

/// A result with the omi-push error.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Stable names of the error kinds, shared by every binding (exception classes, Node `code`s,
/// conformance scenarios).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    InvalidArgument,
    Config,
    Authentication,
    PermissionDenied,
    NotFound,
    RateLimited,
    Server,
    Transport,
    Protocol,
    Cancelled,
    /// A bug in omi-push (a panic inside a core task); please report it.
    Internal,
    /// A step-up challenge that is not one of ours: garbled, truncated, edited, or signed
    /// with a key we do not have.
    InvalidChallenge,
    /// A genuine step-up challenge presented for another user or another action.
    ChallengeMismatch,
    /// A step-up challenge whose approval was already given once.
    AlreadyUsed,
    /// The push throttle refused a new step-up push (MFA-fatigue protection).
    Throttled,
    /// The step-up store (memory or Redis) could not answer; the step-up fails closed.
    StoreUnavailable,
}

impl ErrorKind {
    /// snake_case name, e.g. `rate_limited`.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::InvalidArgument => "invalid_argument",
            ErrorKind::Config => "config",
            ErrorKind::Authentication => "authentication",
            ErrorKind::PermissionDenied => "permission_denied",
            ErrorKind::NotFound => "not_found",
            ErrorKind::RateLimited => "rate_limited",
            ErrorKind::Server => "server",
            ErrorKind::Transport => "transport",
            ErrorKind::Protocol => "protocol",
            ErrorKind::Cancelled => "cancelled",
            ErrorKind::Internal => "internal",
            ErrorKind::InvalidChallenge => "invalid_challenge",
            ErrorKind::ChallengeMismatch => "challenge_mismatch",
            ErrorKind::AlreadyUsed => "already_used",
            ErrorKind::Throttled => "throttled",
            ErrorKind::StoreUnavailable => "store_unavailable",
        }
    }
}

/// Everything that can go wrong.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A caller-supplied value was refused before any I/O.
    #[error("invalid argument `{field}`: {reason}")]
    InvalidArgument { field: String, reason: String },
    /// The configuration cannot work (bad URL, missing credentials, misuse of the blocking API).
    #[error("configuration error: {0}")]
    Config(String),
    /// The token endpoint refused the client, or a fresh token was still refused (401).
    #[error("authentication failed{}: {message}", code_suffix(.code))]
    Authentication { status: Option<u16>, code: Option<String>, message: String, request_id: Option<String> },
    /// The token lacks the scope this call needs (403).
    #[error("permission denied: this call needs the scope `{scope}`{}", message_suffix(.message))]
    PermissionDenied { scope: String, message: Option<String>, request_id: Option<String> },
    /// Unknown user, device or nonce (404).
    #[error("not found: {message}")]
    NotFound { code: Option<String>, message: String, request_id: Option<String> },
    /// 429 (or 503 with Retry-After): slow down.
    #[error("rate limited{}", retry_suffix(.retry_after))]
    RateLimited { status: u16, retry_after: Option<Duration>, request_id: Option<String> },
    /// Any other error status from the server.
    #[error("server error {status}{}{}", code_suffix(.code), message_suffix(.message))]
    Server { status: u16, code: Option<String>, message: Option<String>, request_id: Option<String> },
    /// The request did not complete: connection refused or dropped, DNS, TLS, timeout.
    #[error("transport error: {message}")]
    Transport { message: String, connect: bool, timeout: bool },
    /// The server answered something this client cannot read.
    #[error("protocol error: {message}")]
    Protocol { message: String, request_id: Option<String> },
    /// The call was cancelled by the caller.
    #[error("cancelled")]
    Cancelled,
    /// A bug in omi-push: a core task panicked. Never retryable.
    #[error("internal error: {0}; please report it")]
    Internal(String),
    /// The challenge is not one of ours (decided before any request).
    #[error("invalid step-up challenge: {reason}")]
    InvalidChallenge { reason: String },
    /// The challenge was issued for another user or action (decided before any request).
    #[error("the step-up challenge was issued for another {field}")]
    ChallengeMismatch { field: String },
    /// The approval of this challenge was already given once.
    #[error("this step-up challenge was already used")]
    AlreadyUsed,
    /// Too many step-up pushes to this user; nothing was sent.
    #[error("step-up throttled: {reason}{}", retry_suffix(.retry_after))]
    Throttled { reason: String, retry_after: Option<Duration> },
    /// The step-up store could not answer; nothing is approved.
    #[error("step-up store unavailable: {message}")]
    StoreUnavailable { message: String },
}

fn code_suffix(code: &Option<String>) -> String {
    code.as_ref().map(|c| format!(" ({c})")).unwrap_or_default()
}

fn message_suffix(message: &Option<String>) -> String {
    message.as_ref().map(|m| format!(": {m}")).unwrap_or_default()
}

fn retry_suffix(retry_after: &Option<Duration>) -> String {
    retry_after.map(|d| format!(", retry after {:.1} s", d.as_secs_f64())).unwrap_or_default()
}

impl Error {
    pub(crate) fn invalid(field: &str, reason: impl Into<String>) -> Error {
        Error::InvalidArgument { field: field.to_string(), reason: reason.into() }
    }

    /// The stable kind of this error.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::InvalidArgument { .. } => ErrorKind::InvalidArgument,
            Error::Config(_) => ErrorKind::Config,
            Error::Authentication { .. } => ErrorKind::Authentication,
            Error::PermissionDenied { .. } => ErrorKind::PermissionDenied,
            Error::NotFound { .. } => ErrorKind::NotFound,
            Error::RateLimited { .. } => ErrorKind::RateLimited,
            Error::Server { .. } => ErrorKind::Server,
            Error::Transport { .. } => ErrorKind::Transport,
            Error::Protocol { .. } => ErrorKind::Protocol,
            Error::Cancelled => ErrorKind::Cancelled,
            Error::Internal(_) => ErrorKind::Internal,
            Error::InvalidChallenge { .. } => ErrorKind::InvalidChallenge,
            Error::ChallengeMismatch { .. } => ErrorKind::ChallengeMismatch,
            Error::AlreadyUsed => ErrorKind::AlreadyUsed,
            Error::Throttled { .. } => ErrorKind::Throttled,
            Error::StoreUnavailable { .. } => ErrorKind::StoreUnavailable,
        }
    }

    /// True when trying the same call again later may succeed: rate limits, 5xx, transport
    /// failures.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::RateLimited { .. } | Error::Transport { .. } | Error::StoreUnavailable { .. } => true,
            Error::Throttled { .. } => true,
            Error::Server { status, .. } => *status >= 500 || *status == 408,
            _ => false,
        }
    }

    /// HTTP status, when the server answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Authentication { status, .. } => *status,
            Error::PermissionDenied { .. } => Some(403),
            Error::NotFound { .. } => Some(404),
            Error::RateLimited { status, .. } | Error::Server { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// Error code from the server's body (`error` or `error_code`), when it sent one.
    pub fn code(&self) -> Option<&str> {
        match self {
            Error::Authentication { code, .. } | Error::NotFound { code, .. } | Error::Server { code, .. } => {
                code.as_deref()
            }
            _ => None,
        }
    }

    /// The server's request id, when it sent one.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::Authentication { request_id, .. }
            | Error::PermissionDenied { request_id, .. }
            | Error::NotFound { request_id, .. }
            | Error::RateLimited { request_id, .. }
            | Error::Server { request_id, .. }
            | Error::Protocol { request_id, .. } => request_id.as_deref(),
            _ => None,
        }
    }

    /// How long the server asked us to wait (Retry-After).
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Error::RateLimited { retry_after, .. } | Error::Throttled { retry_after, .. } => *retry_after,
            _ => None,
        }
    }

    /// The scope the refused call needs.
    pub fn missing_scope(&self) -> Option<&str> {
        match self {
            Error::PermissionDenied { scope, .. } => Some(scope),
            _ => None,
        }
    }

    /// The argument that was refused (`invalid_argument`), or what did not match
    /// (`challenge_mismatch`: `user` or `action`).
    pub fn field(&self) -> Option<&str> {
        match self {
            Error::InvalidArgument { field, .. } | Error::ChallengeMismatch { field } => Some(field),
            _ => None,
        }
    }

    /// Why the argument, the challenge or the push was refused.
    pub fn reason(&self) -> Option<&str> {
        match self {
            Error::InvalidArgument { reason, .. }
            | Error::InvalidChallenge { reason }
            | Error::Throttled { reason, .. } => Some(reason),
            _ => None,
        }
    }

    /// True for a transport failure before the connection was established.
    pub fn is_connect(&self) -> bool {
        matches!(self, Error::Transport { connect: true, .. })
    }

    /// True for a transport failure that timed out.
    pub fn is_timeout(&self) -> bool {
        matches!(self, Error::Transport { timeout: true, .. })
    }

    /// Converts a reqwest failure without its URL (which may carry a nonce) and without any
    /// header (which would carry the token).
    pub(crate) fn transport(err: reqwest::Error) -> Error {
        let timeout = err.is_timeout();
        let connect = err.is_connect();
        let err = err.without_url();
        let mut message = err.to_string();
        let mut source = std::error::Error::source(&err);
        while let Some(s) = source {
            let text = s.to_string();
            if !message.contains(&text) {
                message.push_str(": ");
                message.push_str(&text);
            }
            source = s.source();
        }
        if err.is_decode() || err.is_body() {
            return Error::Transport { message, connect: false, timeout };
        }
        Error::Transport { message, connect, timeout }
    }
}
