//! The one place where core errors become FFI errors: the shared error record
//! (`omi_push_ffi::ErrorRecord`: the core's own kind, retryable and status values) crosses as
//! its JSON, the form the Python and Node bindings receive too, so that its fields are defined
//! once. The Kotlin façade (`OmiException.kt`) builds the `OmiException` of the record's kind.

use omi_push::Error;
use omi_push_ffi::ErrorRecord;

/// A core error as its shared record. Never carries the client secret or a token (the core's
/// error text never holds them).
#[derive(Debug, thiserror::Error, uniffi::Error)]
pub enum NativeError {
    /// `record`: `ErrorRecord::to_json` (snake_case names).
    #[error("{record}")]
    Failure { record: String },
}

impl From<Error> for NativeError {
    fn from(e: Error) -> Self {
        NativeError::Failure { record: ErrorRecord::from(&e).to_json().to_string() }
    }
}
