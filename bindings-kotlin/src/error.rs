//! The one place where core (and simulator) errors become FFI errors. The Kotlin façade turns
//! `NativeError::Failure` into the sealed `OmiException` hierarchy by its `kind`.

use omi_push::Error;

/// A core error, flattened: `kind` is the core's stable `ErrorKind::as_str()`, the other
/// fields are the core's accessors. Never carries the client secret or a token (the core's
/// error text never holds them).
#[derive(Debug, uniffi::Error)]
pub enum NativeError {
    Failure {
        kind: String,
        text: String,
        retryable: bool,
        field: Option<String>,
        reason: Option<String>,
        status: Option<i32>,
        code: Option<String>,
        request_id: Option<String>,
        retry_after_ms: Option<i64>,
        scope: Option<String>,
        connect: bool,
        timeout: bool,
    },
}

/// Converts a core error for the FFI.
pub(crate) trait IntoNative {
    fn into_native(self) -> NativeError;
}

impl IntoNative for Error {
    fn into_native(self) -> NativeError {
        NativeError::Failure {
            kind: self.kind().as_str().to_string(),
            text: self.to_string(),
            retryable: self.is_retryable(),
            field: self.field().map(str::to_string),
            reason: self.reason().map(str::to_string),
            status: self.status().map(i32::from),
            code: self.code().map(str::to_string),
            request_id: self.request_id().map(str::to_string),
            retry_after_ms: self.retry_after().map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX)),
            scope: self.missing_scope().map(str::to_string),
            connect: self.is_connect(),
            timeout: self.is_timeout(),
        }
    }
}

impl From<Error> for NativeError {
    fn from(e: Error) -> Self {
        e.into_native()
    }
}

/// An error of the testing simulator (bad seed, unknown nonce, failed conformance step).
#[derive(Debug, uniffi::Error)]
pub enum NativeSimError {
    Failed { text: String },
}

impl From<omi_push_sim::SimError> for NativeSimError {
    fn from(e: omi_push_sim::SimError) -> Self {
        NativeSimError::Failed { text: e.to_string() }
    }
}

impl From<Error> for NativeSimError {
    fn from(e: Error) -> Self {
        NativeSimError::Failed { text: e.to_string() }
    }
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
