//! The FFI-facing side of omi-push, shared by the Python, Node and Kotlin bindings.
//!
//! Everything a binding converts is defined here once, in plain Rust (no pyo3, napi or uniffi
//! types, so that each binding's library links only its own FFI crate): the result records
//! with the numbers every language can carry ([`records`]), the error record with the same
//! fields in every language ([`error`]), the per-call wait options with the core's one
//! duration rule ([`options`]), what crosses as JSON text, read and written once ([`json`]),
//! `tracing` events as log lines ([`events`]), and (with the `sim` feature, for the testing kits
//! only) the one simulator handle behind the three testing helpers (`sim`). Core futures run on
//! the core's runtime through `omi_push::runtime::run` (a panic there is an `internal` error).
//! A binding file maps these to its language and nothing else.

pub mod error;
pub mod events;
pub mod json;
pub mod options;
pub mod records;
#[cfg(feature = "sim")]
pub mod sim;
pub mod stepup;

pub use error::{ErrorRecord, KINDS};
pub use records::{ChallengeRecord, DeviceRecord, OutcomeRecord, StatusRecord, TicketRecord};
pub use stepup::StepUpOptions;
