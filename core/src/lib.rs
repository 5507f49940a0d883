//! omi-push: ask a logged-in user to confirm a sensitive action on their enrolled phone,
//! through the OneWelcome/Thales Mobile Identity (OMI) push API.
//!
//! ```no_run
//! # async fn demo() -> omi_push::Result<()> {
//! use std::time::Duration;
//! use omi_push::{Client, Config, WaitOptions};
//! let client = Client::new(Config::builder("https://tenant.example").client_credentials("id", "secret").build()?)?;
//! let ticket = client.send_push("user-1", Some("device-1"), "Confirm the new payment method", None).await?;
//! let outcome = client.wait_for_confirmation(&ticket.nonce, WaitOptions::default().timeout(Duration::from_secs(60))).await?;
//! println!("{:?}", outcome.kind);
//! # Ok(()) }
//! ```

//!
//! ## Layers
//! One way, each testable alone:
//! `error`, `secret` ← `wire` ← `config`, `retry`, `validate` ← `transport` (the HTTP seam) ←
//! `auth` (tokens) ← `api` (token → send → 401 refresh → retry → status mapping) ← `client` →
//! `wait` (the poll loop, which takes a poll function, not a client). Under all of them,
//! `process`: every lock and every runtime-bound thing is per process (fork-safe).

mod api;
mod auth;
pub mod blocking;
mod budget;
mod client;
mod config;
mod error;
mod events;
mod memory;
mod process;
mod retry;
pub mod runtime;
#[cfg(test)]
mod scripted;
mod secret;
pub mod stepup;
mod ticket;
mod transport;
mod validate;
mod wait;
pub mod wire;

pub use budget::MAX_BUDGET;
pub use client::Client;
pub use config::{
    ClientAuth, ClientOptions, Config, ConfigBuilder, Credentials, DEFAULT_CALL_TIMEOUT, DEFAULT_MAX_RESPONSE_BYTES,
    Http2, SMALL_BODY_BYTES,
};
pub use error::{Error, ErrorKind, Result};
pub use events::{Event, EventHook};
pub use retry::{MAX_BACKOFF, MAX_RETRIES, RetryPolicy};
pub use secret::{REDACTED, Secret};
pub use stepup::{Challenge, StepUp, StepUpConfig, StoreConfig, Throttle, Verdict};
pub use ticket::PushTicket;
pub use tokio_util::sync::CancellationToken;
pub use validate::{MAX_ID_CHARS, MAX_WAIT, MIN_POLL_INTERVAL, generate_nonce, option_millis};
pub use wait::{Outcome, OutcomeKind, WaitOptions};
pub use wire::{Device, Paths, State, Status};

/// The README's Rust examples run as doc tests against the simulator.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
struct ReadmeExamples;
