//! `tracing` events as log lines, for the bindings that hand them to a logging API taking a
//! message and a level number (Python's `logging`: the binding's forwarder and the testing kit's
//! simulator queue). Each library links its own `tracing`; only this code is shared.

use std::fmt::Write as _;
use std::time::{SystemTime, UNIX_EPOCH};

use tracing::field::{Field, Visit};
use tracing::subscriber::Interest;
use tracing::{Event, Level, Metadata, Subscriber};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};

/// One event, as a logging API takes it.
#[derive(Debug, Clone, PartialEq)]
pub struct LogLine {
    /// The Rust target (`omi_push::wait`).
    pub target: &'static str,
    /// As Python's `logging` numbers it ([`python_level`]).
    pub level: u8,
    pub file: &'static str,
    pub line: u32,
    pub module: Option<&'static str>,
    /// The message, then the other fields as ` name=value` pairs.
    pub text: String,
    /// When it happened, in Unix seconds.
    pub created: f64,
}

/// A `tracing` layer handing the events of `crates` (never another crate's) to `sink`.
pub struct Forward<F> {
    crates: &'static [&'static str],
    sink: F,
}

impl<F> Forward<F> {
    fn ours(&self, meta: &Metadata<'_>) -> bool {
        meta.is_event() && self.crates.contains(&meta.target().split("::").next().unwrap_or_default())
    }
}

impl<S: Subscriber, F: Fn(LogLine) + Send + Sync + 'static> Layer<S> for Forward<F> {
    // `always` or `never` per callsite, once.
    fn register_callsite(&self, meta: &'static Metadata<'static>) -> Interest {
        if self.ours(meta) { Interest::always() } else { Interest::never() }
    }

    fn enabled(&self, meta: &Metadata<'_>, _ctx: Context<'_, S>) -> bool {
        self.ours(meta)
    }

    fn on_event(&self, event: &Event<'_>, _ctx: Context<'_, S>) {
        let mut fields = EventText::default();
        event.record(&mut fields);
        let meta: &'static Metadata<'static> = event.metadata();
        (self.sink)(LogLine {
            target: meta.target(),
            level: python_level(meta.level()),
            file: meta.file().unwrap_or("<rust>"),
            line: meta.line().unwrap_or(0),
            module: meta.module_path(),
            text: fields.message + &fields.rest,
            created: SystemTime::now().duration_since(UNIX_EPOCH).map_or(0.0, |d| d.as_secs_f64()),
        });
    }
}

/// Installs, as this library's global subscriber, a [`Forward`] layer, unless one is there
/// already (it stays; the subscriber survives `fork`).
pub fn forward(crates: &'static [&'static str], sink: impl Fn(LogLine) + Send + Sync + 'static) {
    let _ = tracing::subscriber::set_global_default(tracing_subscriber::registry().with(Forward { crates, sink }));
}

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

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use super::*;

    #[test]
    fn only_the_named_crates_events_are_forwarded_as_lines() {
        let lines = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&lines);
        let layer = Forward { crates: &["omi_push"], sink: move |l: LogLine| sink.lock().expect("lines").push(l) };
        tracing::subscriber::with_default(tracing_subscriber::registry().with(layer), || {
            tracing::warn!(target: "omi_push::wait", status = 503, "retrying");
            tracing::warn!(target: "omi_push_sim", "not ours");
            tracing::warn!(target: "hyper::proto", "not ours");
        });
        let lines = lines.lock().expect("lines");
        assert_eq!(lines.len(), 1, "{lines:?}");
        let l = &lines[0];
        assert_eq!((l.target, l.level, l.text.as_str()), ("omi_push::wait", 30, "retrying status=503"));
        assert!(l.file.ends_with("events.rs") && l.line > 0 && l.created > 1.0e9);
    }
}
