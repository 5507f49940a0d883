//! The one place where core errors become FFI errors: the shared error record
//! (`omi_push_ffi::ErrorRecord`, the core's own kind, retryable and status values) as a uniffi
//! error. The Kotlin façade builds its `OmiException` of the record's kind from these fields.

use omi_push::Error;
use omi_push_ffi::ErrorRecord;

/// A core error as its shared record. Never carries the client secret or a token (the core's
/// error text never holds them).
#[derive(Debug, uniffi::Error)]
pub enum NativeError {
    Failure {
        kind: String,
        code: String,
        /// The core's message (`message` would clash with the JVM exception's own).
        text: String,
        retryable: bool,
        status: Option<u16>,
        server_code: Option<String>,
        request_id: Option<String>,
        retry_after_ms: Option<f64>,
        missing_scope: Option<String>,
        field: Option<String>,
        reason: Option<String>,
        connect: bool,
        timeout: bool,
    },
}

impl From<ErrorRecord> for NativeError {
    fn from(r: ErrorRecord) -> Self {
        NativeError::Failure {
            kind: r.kind.to_string(),
            code: r.code,
            text: r.message,
            retryable: r.retryable,
            status: r.status,
            server_code: r.server_code,
            request_id: r.request_id,
            retry_after_ms: r.retry_after_ms,
            missing_scope: r.missing_scope,
            field: r.field,
            reason: r.reason,
            connect: r.connect,
            timeout: r.timeout,
        }
    }
}

impl From<Error> for NativeError {
    fn from(e: Error) -> Self {
        ErrorRecord::from(&e).into()
    }
}

/// An error of the testing simulator (bad seed, unknown nonce, failed conformance step).
#[derive(Debug, uniffi::Error)]
pub enum NativeSimError {
    Failed { text: String },
}

impl NativeSimError {
    pub(crate) fn msg(text: impl Into<String>) -> Self {
        NativeSimError::Failed { text: text.into() }
    }
}

impl std::fmt::Display for NativeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NativeError::Failure { text, .. } => f.write_str(text),
        }
    }
}

impl std::error::Error for NativeError {}

impl std::fmt::Display for NativeSimError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NativeSimError::Failed { text } => f.write_str(text),
        }
    }
}

impl std::error::Error for NativeSimError {}
