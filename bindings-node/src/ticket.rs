//! The string form of a push ticket, read back by the core.

use napi::{Env, Result};
use napi_derive::napi;
use omi_push::PushTicket;

use crate::error::IntoJs;
use crate::types::TicketData;

/// Reads a ticket's string form (`omi1.…`).
#[napi(catch_unwind)]
pub fn parse_ticket(env: Env, text: String) -> Result<TicketData> {
    Ok(PushTicket::parse(&text).js(&env)?.into())
}

/// A fresh nonce (144 bits from the OS random generator, base64url).
#[napi(catch_unwind)]
pub fn generate_nonce(env: Env) -> Result<String> {
    omi_push::generate_nonce().js(&env)
}
