//! The uniffi layer of the JVM testing kit (`dev.omipush.testing.Simulator` in the
//! `omi-push-testing` jar): a thin shim over the one simulator handle of every binding
//! (`omi_push_ffi::sim::SimHandle`, JSON in and out); the idiomatic methods are Kotlin. A library
//! of its own so that the production library (`omi_push_uniffi`) links no simulator code.

// The FFI error is returned to the JVM at once; its size on the stack does not matter.
#![allow(clippy::result_large_err)]

use omi_push_ffi::sim::SimHandle;

uniffi::setup_scaffolding!();

/// An error of the testing simulator (bad seed, unknown nonce, failed conformance step).
#[derive(Debug, uniffi::Error)]
pub enum NativeSimError {
    Failed { text: String },
}

impl NativeSimError {
    fn msg(text: impl Into<String>) -> Self {
        NativeSimError::Failed { text: text.into() }
    }
}

impl std::fmt::Display for NativeSimError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NativeSimError::Failed { text } => f.write_str(text),
        }
    }
}

impl std::error::Error for NativeSimError {}

#[derive(uniffi::Object)]
pub struct NativeSimulator {
    handle: SimHandle,
}

#[uniffi::export]
impl NativeSimulator {
    /// Starts on a free loopback port (unless the JSON names one); `None` = testing defaults.
    #[uniffi::constructor]
    pub fn start(config_json: Option<String>) -> Result<Self, NativeSimError> {
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
