//! The probes of this binding's tests and of `dev.omipush.testing.ErrorProbe` (a panic, the
//! sample errors, the option names). The simulator is not here: it is the library of the
//! testing jar (`testing-native/`), so that this production library links no simulator code.

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
