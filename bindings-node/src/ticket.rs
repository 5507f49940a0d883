//! The string form of a push ticket, read back by the core.

use napi::{Env, Result};
use napi_derive::napi;
use omi_push_ffi::TicketRecord;
use serde_json::Value;

use crate::error::IntoJs;

/// Reads a ticket's string form (`omi1.…`) into its record.
#[napi(catch_unwind)]
pub fn parse_ticket(env: Env, text: String) -> Result<Value> {
    let record = TicketRecord::parse(&text).js(&env)?;
    serde_json::to_value(record).map_err(|e| napi::Error::from_reason(e.to_string()))
}

/// A fresh nonce (144 bits from the OS random generator, base64url).
#[napi(catch_unwind)]
pub fn generate_nonce(env: Env) -> Result<String> {
    omi_push::generate_nonce().js(&env)
}
