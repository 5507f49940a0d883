//! Records the core returns, in FFI shape (no unsigned 64-bit values), and the ticket's string
//! form (the core's `Display` / `PushTicket::parse`).

use std::time::Duration;

use omi_push::{Device, Outcome, OutcomeKind, PushTicket, State, Status};

use crate::error::NativeError;

#[derive(Debug, Clone, uniffi::Record)]
pub struct NativeDevice {
    pub id: String,
    pub name: Option<String>,
    pub platform: Option<String>,
    pub created_at: Option<String>,
    pub last_used_at: Option<String>,
    /// Every other field the server sent, each value as JSON text.
    pub extra: std::collections::HashMap<String, String>,
}

impl From<Device> for NativeDevice {
    fn from(d: Device) -> Self {
        NativeDevice {
            id: d.id,
            name: d.name,
            platform: d.platform,
            created_at: d.created_at,
            last_used_at: d.last_used_at,
            extra: d.extra.into_iter().map(|(k, v)| (k, v.to_string())).collect(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum NativeState {
    Pending,
    Confirmed,
    Rejected,
    Expired,
    Unknown,
}

#[derive(Debug, Clone, uniffi::Record)]
pub struct NativeStatus {
    pub state: NativeState,
    pub raw: String,
}

impl From<Status> for NativeStatus {
    fn from(s: Status) -> Self {
        let state = match s.state {
            State::Pending => NativeState::Pending,
            State::Confirmed => NativeState::Confirmed,
            State::Rejected => NativeState::Rejected,
            State::Expired => NativeState::Expired,
            State::Unknown(_) => NativeState::Unknown,
        };
        NativeStatus { state, raw: s.raw }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum NativeOutcomeKind {
    Confirmed,
    Rejected,
    Expired,
    TimedOut,
}

#[derive(Debug, Clone, uniffi::Record)]
pub struct NativeOutcome {
    pub kind: NativeOutcomeKind,
    pub elapsed_ms: f64,
    pub polls: i64,
    pub last_status: Option<String>,
}

impl From<Outcome> for NativeOutcome {
    fn from(o: Outcome) -> Self {
        let kind = match o.kind {
            OutcomeKind::Confirmed => NativeOutcomeKind::Confirmed,
            OutcomeKind::Rejected => NativeOutcomeKind::Rejected,
            OutcomeKind::Expired => NativeOutcomeKind::Expired,
            OutcomeKind::TimedOut => NativeOutcomeKind::TimedOut,
        };
        NativeOutcome {
            kind,
            elapsed_ms: o.elapsed.as_secs_f64() * 1000.0,
            polls: i64::from(o.polls),
            last_status: o.last_status,
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
}

fn to_i64(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

fn to_u64(v: i64) -> u64 {
    u64::try_from(v).unwrap_or(0)
}

impl From<PushTicket> for NativeTicket {
    fn from(t: PushTicket) -> Self {
        NativeTicket {
            nonce: t.nonce,
            user_id: t.user_id,
            device_id: t.device_id,
            sent_at_ms: to_i64(t.sent_at_ms),
            expires_at_ms: t.expires_at_ms.map(to_i64),
        }
    }
}

impl From<NativeTicket> for PushTicket {
    fn from(t: NativeTicket) -> Self {
        PushTicket {
            nonce: t.nonce,
            user_id: t.user_id,
            device_id: t.device_id,
            sent_at_ms: to_u64(t.sent_at_ms),
            expires_at_ms: t.expires_at_ms.map(to_u64),
        }
    }
}

/// The compact, URL-safe string form of a ticket (`omi1.…`).
#[uniffi::export]
pub fn ticket_encode(ticket: NativeTicket) -> String {
    PushTicket::from(ticket).to_string()
}

/// Reads a ticket's string form back; `invalid_argument` (field `ticket`) when it is not one.
#[uniffi::export]
pub fn ticket_parse(text: String) -> Result<NativeTicket, NativeError> {
    Ok(PushTicket::parse(&text)?.into())
}

/// A duration in milliseconds from the JVM, for the core to validate: a negative or NaN value
/// becomes zero (refused as "must be greater than zero"), an out-of-range one the largest
/// duration (refused as too long).
pub(crate) fn millis(ms: f64) -> Duration {
    if ms.is_nan() || ms <= 0.0 {
        return Duration::ZERO;
    }
    Duration::try_from_secs_f64(ms / 1000.0).unwrap_or(Duration::MAX)
}
