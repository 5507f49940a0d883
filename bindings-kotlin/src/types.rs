//! The shared result records (`omi_push_ffi::records`: numbers every language carries, the
//! derived flags `is_final` / `is_confirmed` computed there once) as uniffi records.

use std::collections::HashMap;

use omi_push::{Device, Outcome, PushTicket, Status};
use omi_push_ffi::records::{self, DeviceRecord, OutcomeRecord, StatusRecord, TicketRecord};

use crate::error::NativeError;

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

impl From<DeviceRecord> for NativeDevice {
    fn from(d: DeviceRecord) -> Self {
        NativeDevice {
            id: d.id,
            name: d.name,
            platform: d.platform,
            created_at: d.created_at,
            last_used_at: d.last_used_at,
            extra: d.extra.into_iter().collect(),
        }
    }
}

#[derive(Debug, Clone, uniffi::Record)]
pub struct NativeStatus {
    /// One of `omi_push_ffi::records::STATES`.
    pub state: String,
    pub raw: String,
    pub is_final: bool,
}

impl From<StatusRecord> for NativeStatus {
    fn from(s: StatusRecord) -> Self {
        NativeStatus { state: s.state.to_string(), raw: s.raw, is_final: s.is_final }
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

impl From<OutcomeRecord> for NativeOutcome {
    fn from(o: OutcomeRecord) -> Self {
        NativeOutcome {
            kind: o.kind.to_string(),
            elapsed_ms: o.elapsed_ms,
            polls: o.polls,
            last_status: o.last_status,
            is_confirmed: o.is_confirmed,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct NativeTicket {
    pub nonce: String,
    pub user_id: String,
    pub device_id: Option<String>,
    pub sent_at_ms: i64,
    pub expires_at_ms: Option<i64>,
    /// The compact string form (`omi1.…`).
    pub text: String,
}

impl From<TicketRecord> for NativeTicket {
    fn from(t: TicketRecord) -> Self {
        let TicketRecord { nonce, user_id, device_id, sent_at_ms, expires_at_ms, text } = t;
        NativeTicket { nonce, user_id, device_id, sent_at_ms, expires_at_ms, text }
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
    let r = TicketRecord { nonce, user_id, device_id, sent_at_ms, expires_at_ms, text: String::new() };
    TicketRecord::from(r.to_core()).into()
}

/// Reads a ticket's string form back; `invalid_argument` (field `ticket`) when it is not one.
#[uniffi::export]
pub fn ticket_parse(text: String) -> Result<NativeTicket, NativeError> {
    Ok(TicketRecord::parse(&text)?.into())
}

/// `is_final` of a state name (`omi_push_ffi::records::state_is_final`).
#[uniffi::export]
pub fn state_is_final(state: String) -> bool {
    records::state_is_final(&state)
}

/// The core's values reach the JVM through the shared records, never around them.
macro_rules! via_record {
    ($($core:ty => $record:ty => $native:ty),*) => {$(
        impl From<$core> for $native {
            fn from(v: $core) -> Self {
                <$record>::from(v).into()
            }
        }
    )*};
}

via_record!(
    Device => DeviceRecord => NativeDevice,
    Status => StatusRecord => NativeStatus,
    Outcome => OutcomeRecord => NativeOutcome,
    PushTicket => TicketRecord => NativeTicket
);
