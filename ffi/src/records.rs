//! Result records in FFI shape: numbers every language carries (no unsigned 64-bit values),
//! the derived flags (`is_final`, `is_confirmed`) computed here once.

use omi_push::{Device, Outcome, PushTicket, State, Status};
use serde::Serialize;

/// An enrolled device.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DeviceRecord {
    pub id: String,
    pub name: Option<String>,
    pub platform: Option<String>,
    pub created_at: Option<String>,
    pub last_used_at: Option<String>,
    /// Every other field the server sent, each value as JSON text.
    pub extra: Vec<(String, String)>,
}

impl From<Device> for DeviceRecord {
    fn from(d: Device) -> DeviceRecord {
        DeviceRecord {
            id: d.id,
            name: d.name,
            platform: d.platform,
            created_at: d.created_at,
            last_used_at: d.last_used_at,
            extra: d.extra.into_iter().map(|(k, v)| (k, v.to_string())).collect(),
        }
    }
}

/// A confirmation state as last read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatusRecord {
    /// `pending`, `confirmed`, `rejected`, `expired` or `unknown`.
    pub state: &'static str,
    /// The state string as the server sent it (redacted, capped).
    pub raw: String,
    /// True when no further change is expected.
    pub is_final: bool,
}

impl From<Status> for StatusRecord {
    fn from(s: Status) -> StatusRecord {
        StatusRecord { state: s.state.as_str(), is_final: s.state.is_final(), raw: s.raw }
    }
}

/// The state names, in a stable order.
pub const STATES: [&str; 5] = ["pending", "confirmed", "rejected", "expired", "unknown"];

/// `is_final` of a state name, for records built in a language (tests, fakes).
pub fn state_is_final(state: &str) -> bool {
    State::parse(state).is_final()
}

/// How a wait ended.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OutcomeRecord {
    /// `confirmed`, `rejected`, `expired` or `timed_out`.
    pub kind: &'static str,
    pub elapsed_ms: f64,
    pub polls: u32,
    pub last_status: Option<String>,
    pub is_confirmed: bool,
}

impl From<Outcome> for OutcomeRecord {
    fn from(o: Outcome) -> OutcomeRecord {
        OutcomeRecord {
            kind: o.kind.as_str(),
            elapsed_ms: o.elapsed.as_secs_f64() * 1000.0,
            polls: o.polls,
            is_confirmed: o.is_confirmed(),
            last_status: o.last_status,
        }
    }
}

/// The outcome kind names, in a stable order.
pub const OUTCOMES: [&str; 4] = ["confirmed", "rejected", "expired", "timed_out"];

/// A sent push, with its compact string form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TicketRecord {
    pub nonce: String,
    pub user_id: String,
    pub device_id: Option<String>,
    /// Unix milliseconds (exact in an f64 / i64 for the next 285,000 years).
    pub sent_at_ms: i64,
    pub expires_at_ms: Option<i64>,
    /// `PushTicket::to_string()`.
    pub text: String,
}

fn to_i64(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

impl From<PushTicket> for TicketRecord {
    fn from(t: PushTicket) -> TicketRecord {
        TicketRecord {
            text: t.to_string(),
            sent_at_ms: to_i64(t.sent_at_ms),
            expires_at_ms: t.expires_at_ms.map(to_i64),
            nonce: t.nonce,
            user_id: t.user_id,
            device_id: t.device_id,
        }
    }
}

impl TicketRecord {
    /// Reads a ticket's string form (`invalid_argument`, field `ticket`, when it is not one).
    pub fn parse(text: &str) -> omi_push::Result<TicketRecord> {
        PushTicket::parse(text).map(TicketRecord::from)
    }

    /// The core ticket of fields given by a language (negative times read as 0).
    pub fn to_core(&self) -> PushTicket {
        PushTicket {
            nonce: self.nonce.clone(),
            user_id: self.user_id.clone(),
            device_id: self.device_id.clone(),
            sent_at_ms: u64::try_from(self.sent_at_ms).unwrap_or(0),
            expires_at_ms: self.expires_at_ms.map(|v| u64::try_from(v).unwrap_or(0)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derived_flags_come_from_the_core() {
        for s in STATES {
            let st = Status { state: State::parse(s), raw: s.into() };
            let r = StatusRecord::from(st);
            assert_eq!(r.is_final, state_is_final(s));
        }
        assert!(!state_is_final("pending") && state_is_final("confirmed") && !state_is_final("APPROVING"));
        let t = PushTicket {
            nonce: "AAAAAAAAAAAAAAAAAAAAAAAA".into(),
            user_id: "u".into(),
            device_id: None,
            sent_at_ms: 1,
            expires_at_ms: None,
        };
        let r = TicketRecord::from(t.clone());
        assert_eq!(TicketRecord::parse(&r.text).expect("parse"), r);
        assert_eq!(r.to_core(), t);
    }
}
