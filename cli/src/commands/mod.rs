//! One module per group of subcommands; each returns the exit code or a failure.

pub mod demo;
pub mod ops;
pub mod sim;
