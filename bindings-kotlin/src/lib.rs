//! The uniffi layer of the Kotlin/JVM binding (`dev.omipush`). It only converts arguments,
//! calls one core function and converts the result; the Kotlin façade in `src/main/kotlin`
//! gives JVM users idiomatic types on top of the generated code.

// The FFI error is serialised for the JVM as soon as it is returned; its size on the stack
// does not matter.
#![allow(clippy::result_large_err)]

uniffi::setup_scaffolding!();

mod client;
mod error;
mod fast;
mod flow;
mod logging;
mod stepup;
mod testing;
mod types;
