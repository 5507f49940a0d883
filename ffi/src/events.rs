//! A `tracing` event as log text, for the bindings that hand events to a logging API taking a
//! message and a level number (Python's `logging`: the binding's forwarder and the testing kit's
//! simulator queue). Each library links its own `tracing`; only this code is shared.

use std::fmt::Write as _;

use tracing::Level;
use tracing::field::{Field, Visit};

/// The level as Python's `logging` numbers it (`TRACE` below `DEBUG`: 5).
pub fn python_level(level: &Level) -> u8 {
    match *level {
        Level::ERROR => 40,
        Level::WARN => 30,
        Level::INFO => 20,
        Level::DEBUG => 10,
        Level::TRACE => 5,
    }
}

/// An event's `message` field, and its other fields as ` name=value` pairs.
#[derive(Debug, Default)]
pub struct EventText {
    pub message: String,
    pub rest: String,
}

impl Visit for EventText {
    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" {
            self.message.push_str(value);
        } else {
            let _ = write!(self.rest, " {}={}", field.name(), value);
        }
    }

    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" {
            let _ = write!(self.message, "{value:?}");
        } else {
            let _ = write!(self.rest, " {}={:?}", field.name(), value);
        }
    }
}
