//! The shared result records (`omi_push_ffi::records`, derived flags computed there once) as
//! uniffi records; a core value reaches the JVM through its ffi record. The ticket crosses as it
//! is (a remote record: the compiler checks its fields against the ffi one); the others hold
//! names (`&'static str`) or pairs uniffi cannot carry, so they get a JVM form here.

use std::collections::HashMap;

use omi_push::{Device, Outcome, Status};
use omi_push_ffi::records::{self, DeviceRecord, OutcomeRecord, StatusRecord, TicketRecord};

use crate::error::NativeError;

/// `omi_push_ffi::TicketRecord`, for the JVM as `NativeTicket` (`text`: the compact string form).
pub type NativeTicket = TicketRecord;

#[uniffi::remote(Record)]
#[uniffi(name = "NativeTicket")]
pub struct TicketRecord {
    pub nonce: String,
    pub user_id: String,
    pub device_id: Option<String>,
    pub sent_at_ms: i64,
    pub expires_at_ms: Option<i64>,
    pub text: String,
}

#[derive(Debug, Clone, uniffi::Record)]
pub struct NativeDevice {
    pub id: String,
    pub name: Option<String>,
    pub platform: Option<String>,
    pub created_at: Option<String>,
    pub last_used_at: Option<String>,
    /// Every other field the server sent, each value as JSON text.
    pub extra: HashMap<String, String>,
}

impl From<Device> for NativeDevice {
    fn from(d: Device) -> Self {
        let DeviceRecord { id, name, platform, created_at, last_used_at, extra } = d.into();
        NativeDevice { id, name, platform, created_at, last_used_at, extra: extra.into_iter().collect() }
    }
}

#[derive(Debug, Clone, uniffi::Record)]
pub struct NativeStatus {
    /// One of `omi_push_ffi::records::STATES`.
    pub state: String,
    pub raw: String,
    pub is_final: bool,
}

impl From<Status> for NativeStatus {
    fn from(s: Status) -> Self {
        let StatusRecord { state, raw, is_final } = s.into();
        NativeStatus { state: state.into(), raw, is_final }
    }
}

#[derive(Debug, Clone, uniffi::Record)]
pub struct NativeOutcome {
    /// One of `omi_push_ffi::records::OUTCOMES`.
    pub kind: String,
    pub elapsed_ms: f64,
    pub polls: u32,
    pub last_status: Option<String>,
    pub is_confirmed: bool,
}

impl From<Outcome> for NativeOutcome {
    fn from(o: Outcome) -> Self {
        let OutcomeRecord { kind, elapsed_ms, polls, last_status, is_confirmed } = o.into();
        NativeOutcome { kind: kind.into(), elapsed_ms, polls, last_status, is_confirmed }
    }
}

/// The ticket of fields given on the JVM (a `PushTicket` built by hand), with its string form.
#[uniffi::export]
pub fn ticket_from_fields(
    nonce: String,
    user_id: String,
    device_id: Option<String>,
    sent_at_ms: i64,
    expires_at_ms: Option<i64>,
) -> NativeTicket {
    let r = NativeTicket { nonce, user_id, device_id, sent_at_ms, expires_at_ms, text: String::new() };
    r.to_core().into()
}

/// Reads a ticket's string form back; `invalid_argument` (field `ticket`) when it is not one.
#[uniffi::export]
pub fn ticket_parse(text: String) -> Result<NativeTicket, NativeError> {
    Ok(NativeTicket::parse(&text)?)
}

/// `is_final` of a state name (`omi_push_ffi::records::state_is_final`).
#[uniffi::export]
pub fn state_is_final(state: String) -> bool {
    records::state_is_final(&state)
}
