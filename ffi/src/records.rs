//! Result records in FFI shape: numbers every language carries (no unsigned 64-bit values),
//! the derived flags (`is_final`, `is_confirmed`) computed here once.
//!
//! Their field lists are written once, in [`records!`]: this crate declares the plain structs
//! with it, and the Kotlin binding declares the same types again with it as uniffi remote
//! records (the JVM forms), so no list of fields is written twice.

use std::collections::HashMap;

use omi_push::{Challenge, Device, Outcome, PushTicket, State, Status};
use serde::{Serialize, Serializer};

/// Declares the records with the attributes given for each: `omi_push_ffi` derives serde's
/// `Serialize` (the JSON that Python and Node read); the Kotlin binding describes the same
/// types to uniffi (`#[uniffi::remote(Record)]`). `device_extra`: the attributes of
/// `DeviceRecord::extra`.
#[macro_export]
macro_rules! records {
    (
        device: $(#[$device:meta])*;
        device_extra: $(#[$extra:meta])*;
        status: $(#[$status:meta])*;
        outcome: $(#[$outcome:meta])*;
        ticket: $(#[$ticket:meta])*;
        challenge: $(#[$challenge:meta])*;
    ) => {
        /// An enrolled device.
        $(#[$device])*
        pub struct DeviceRecord {
            pub id: String,
            pub name: Option<String>,
            pub platform: Option<String>,
            pub created_at: Option<String>,
            pub last_used_at: Option<String>,
            /// Every other field the server sent, each value as JSON text.
            $(#[$extra])*
            pub extra: ::std::collections::HashMap<String, String>,
        }

        /// A confirmation state as last read.
        $(#[$status])*
        pub struct StatusRecord {
            /// One of `STATES`: `pending`, `confirmed`, `rejected`, `expired` or `unknown`.
            pub state: String,
            /// The state string as the server sent it (redacted, capped).
            pub raw: String,
            /// True when no further change is expected.
            pub is_final: bool,
        }

        /// How a wait ended.
        $(#[$outcome])*
        pub struct OutcomeRecord {
            /// One of `OUTCOMES`: `confirmed`, `rejected`, `expired` or `timed_out`.
            pub kind: String,
            pub elapsed_ms: f64,
            pub polls: u32,
            pub last_status: Option<String>,
            pub is_confirmed: bool,
        }

        /// A sent push, with its compact string form.
        $(#[$ticket])*
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

        /// What a step-up's `begin` returns.
        $(#[$challenge])*
        pub struct ChallengeRecord {
            /// The signed challenge string: safe in a cookie, a form or a URL.
            pub text: String,
            pub user_id: String,
            pub action: String,
            pub device_id: Option<String>,
            pub nonce: String,
            pub issued_at_ms: i64,
            pub expires_at_ms: i64,
        }
    };
}

records! {
    device: #[derive(Debug, Clone, PartialEq, Serialize)];
    // As `[name, value]` pairs sorted by name, the same JSON however the map iterates.
    device_extra: #[serde(serialize_with = "sorted_pairs")];
    status: #[derive(Debug, Clone, PartialEq, Eq, Serialize)];
    outcome: #[derive(Debug, Clone, PartialEq, Serialize)];
    ticket: #[derive(Debug, Clone, PartialEq, Eq, Serialize)];
    challenge: #[derive(Debug, Clone, PartialEq, Eq, Serialize)];
}

fn sorted_pairs<S: Serializer>(map: &HashMap<String, String>, s: S) -> Result<S::Ok, S::Error> {
    let mut pairs: Vec<(&String, &String)> = map.iter().collect();
    pairs.sort();
    pairs.serialize(s)
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

impl From<Status> for StatusRecord {
    fn from(s: Status) -> StatusRecord {
        StatusRecord { state: s.state.as_str().into(), is_final: s.state.is_final(), raw: s.raw }
    }
}

/// The state names, in a stable order.
pub const STATES: [&str; 5] = ["pending", "confirmed", "rejected", "expired", "unknown"];

/// `is_final` of a state name, for records built in a language (tests, fakes).
pub fn state_is_final(state: &str) -> bool {
    State::parse(state).is_final()
}

impl From<Outcome> for OutcomeRecord {
    fn from(o: Outcome) -> OutcomeRecord {
        OutcomeRecord {
            kind: o.kind.as_str().into(),
            elapsed_ms: o.elapsed.as_secs_f64() * 1000.0,
            polls: o.polls,
            is_confirmed: o.is_confirmed(),
            last_status: o.last_status,
        }
    }
}

/// The outcome kind names, in a stable order.
pub const OUTCOMES: [&str; 4] = ["confirmed", "rejected", "expired", "timed_out"];

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

impl From<Challenge> for ChallengeRecord {
    fn from(c: Challenge) -> ChallengeRecord {
        ChallengeRecord {
            text: c.text,
            issued_at_ms: to_i64(c.claims.issued_at_ms),
            expires_at_ms: to_i64(c.claims.expires_at_ms),
            user_id: c.claims.user_id,
            action: c.claims.action,
            device_id: c.claims.device_id,
            nonce: c.claims.nonce,
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

    #[test]
    fn device_extra_leaves_as_pairs_sorted_by_name() {
        let extra = [("zone", "\"eu\""), ("a", "1"), ("model", "\"x\"")];
        let extra = extra.into_iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        let d =
            DeviceRecord { id: "d".into(), name: None, platform: None, created_at: None, last_used_at: None, extra };
        let json = serde_json::to_value(&d).expect("json");
        assert_eq!(json["extra"], serde_json::json!([["a", "1"], ["model", "\"x\""], ["zone", "\"eu\""]]));
    }
}
