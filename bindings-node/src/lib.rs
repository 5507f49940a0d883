//! Native half of the `omi-push` npm package. The JavaScript wrapper (`index.js`) is the
//! public API: it checks argument types, wires `AbortSignal`s to [`cancel::CancelHandle`]
//! and turns the structured errors of [`error`] into `OmiError` subclasses.
//!
//! Every function here converts arguments, calls one core function and converts the result;
//! async work runs on the core's shared runtime ([`runtime`]).

// Under `cargo test` napi's macros do not register the exported free functions, which then
// look unused to the compiler.
#![cfg_attr(test, allow(dead_code))]

mod cancel;
mod client;
mod error;
mod flow;
mod runtime;
mod settle;
mod stepup;
mod testing;
mod ticket;
