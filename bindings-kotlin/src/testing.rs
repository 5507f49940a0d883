//! The embedded simulator, for `dev.omipush.testing.Simulator` (users' integration tests and
//! this binding's own suite): a thin shim over the one simulator handle of every binding
//! (`omi_push_ffi::sim::SimHandle`, JSON in and out); the idiomatic methods are Kotlin. Also the
//! probes of this binding's tests (a panic, the sample errors, the option names).

use omi_push_ffi::sim::SimHandle;

use crate::error::NativeSimError;

#[derive(uniffi::Object)]
pub struct NativeSimulator {
    handle: SimHandle,
}

#[uniffi::export]
impl NativeSimulator {
    /// Starts on a free loopback port (unless the JSON names one); `None` = testing defaults.
    #[uniffi::constructor]
    pub fn start(config_json: Option<String>) -> Result<Self, NativeSimError> {
        crate::logging::init_from_env();
        let handle = SimHandle::start(config_json.as_deref()).map_err(NativeSimError::msg)?;
        Ok(NativeSimulator { handle })
    }

    /// One request of `SimHandle::request` (JSON text in, JSON text out).
    pub fn request(&self, request_json: String) -> Result<String, NativeSimError> {
        self.handle.request_json(&request_json).map_err(NativeSimError::msg)
    }

    /// Closes the listener and every connection. Idempotent.
    pub fn stop(&self) {
        self.handle.stop();
    }
}

/// For this binding's own tests: proves that a Rust panic reaches the JVM as an exception
/// instead of aborting the process. Not in release builds.
#[cfg(debug_assertions)]
#[uniffi::export]
pub fn testing_panic(message: String) {
    panic!("{message}");
}

/// The same inside a future awaited by a coroutine. Not in release builds.
#[cfg(debug_assertions)]
#[uniffi::export]
pub async fn testing_panic_async(message: String) {
    panic!("{message}");
}

/// The error kinds of the shared error record, in its stable order (`omi_push_ffi::KINDS`).
#[uniffi::export]
pub fn testing_error_kinds() -> Vec<String> {
    omi_push_ffi::KINDS.iter().map(|k| (*k).to_string()).collect()
}

/// Fails with the sample error of `kind` (`omi_push_ffi::error::sample`) through the normal
/// conversion: the cross-language error probe.
#[uniffi::export]
pub fn testing_raise_sample(kind: String) -> Result<(), crate::error::NativeError> {
    match omi_push_ffi::error::sample(&kind) {
        Some(e) => Err(e.into()),
        None => {
            Err(omi_push::Error::InvalidArgument { field: "kind".into(), reason: "not an error kind".into() }.into())
        }
    }
}

/// The shared record of the sample error of `kind`, as JSON (`null` for an unknown kind).
#[uniffi::export]
pub fn testing_sample_record_json(kind: String) -> String {
    omi_push_ffi::error::sample_record(&kind).map_or_else(|| "null".to_string(), |r| r.to_json().to_string())
}

/// The core's client option names (`omi_push_ffi::options::client_option_names`), for the test
/// that `OmiConfig` covers every one.
#[uniffi::export]
pub fn testing_client_option_names() -> Vec<String> {
    omi_push_ffi::options::client_option_names()
}
