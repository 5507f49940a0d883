//! The uniffi layer of the Kotlin/JVM binding (`dev.omipush`). It only converts arguments,
//! calls one core function and converts the result; the Kotlin façade in `src/main/kotlin`
//! gives JVM users idiomatic types on top of the generated code.

uniffi::setup_scaffolding!();

mod client;
mod error;
mod fast;
mod flow;
mod logging;
mod stepup;
mod testing;
mod types;
