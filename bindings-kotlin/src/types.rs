//! The shared result records (`omi_push_ffi::records`, derived flags computed there once) as
//! uniffi records: the ffi types themselves, described to uniffi as remote records by the ffi
//! crate's own field lists (`omi_push_ffi::records!`), so no field is listed here.

use omi_push_ffi::records;
pub use omi_push_ffi::records::{ChallengeRecord, DeviceRecord, OutcomeRecord, StatusRecord, TicketRecord};

use crate::error::NativeError;

omi_push_ffi::records! {
    device: #[uniffi::remote(Record)] #[uniffi(name = "NativeDevice")];
    device_extra: ;
    status: #[uniffi::remote(Record)] #[uniffi(name = "NativeStatus")];
    outcome: #[uniffi::remote(Record)] #[uniffi(name = "NativeOutcome")];
    ticket: #[uniffi::remote(Record)] #[uniffi(name = "NativeTicket")];
    challenge: #[uniffi::remote(Record)] #[uniffi(name = "NativeChallenge")];
}

/// The JVM names of the records.
pub type NativeDevice = DeviceRecord;
pub type NativeStatus = StatusRecord;
pub type NativeOutcome = OutcomeRecord;
pub type NativeTicket = TicketRecord;
pub type NativeChallenge = ChallengeRecord;

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
