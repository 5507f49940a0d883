//! The string form of a push ticket, read back by the core.

use napi::bindgen_prelude::Unknown;
use napi::{Env, Result};
use napi_derive::napi;
use omi_push_ffi::TicketRecord;

use crate::error::IntoJs;

/// Reads a ticket's string form (`omi1.…`) into its record.
#[napi(catch_unwind)]
pub fn parse_ticket(env: &Env, text: String) -> Result<Unknown<'_>> {
    env.to_js_value(&TicketRecord::parse(&text).js(env)?)
}

/// A fresh nonce (144 bits from the OS random generator, base64url).
#[napi(catch_unwind)]
pub fn generate_nonce(env: Env) -> Result<String> {
    omi_push::generate_nonce().js(&env)
}
