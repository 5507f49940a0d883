//! Everything the CLI writes: results on stdout (text or one JSON object), progress and errors
//! on stderr.

use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

use omi_push::{CancellationToken, Outcome, PushTicket};
use serde_json::{Value, json};

use crate::exit::Failure;

#[derive(Debug, Clone, Copy)]
pub struct Output {
    pub json: bool,
    /// Animate progress: stderr is a terminal and output is text.
    pub animate: bool,
}

impl Output {
    pub fn new(json: bool) -> Output {
        Output { json, animate: !json && std::io::stderr().is_terminal() }
    }

    /// Prints the result: `text` in text mode, `value` (one line) in JSON mode.
    pub fn result(&self, text: impl FnOnce() -> String, value: impl FnOnce() -> Value) {
        let mut out = std::io::stdout().lock();
        // A closed stdout (`| head`) is not worth a second error.
        let _ = if self.json { writeln!(out, "{}", value()) } else { writeln!(out, "{}", text()) };
        let _ = out.flush();
    }

    /// A line of text output (text mode only).
    pub fn line(&self, text: impl AsRef<str>) {
        if !self.json {
            let mut out = std::io::stdout().lock();
            let _ = writeln!(out, "{}", text.as_ref());
            let _ = out.flush();
        }
    }

    /// A progress note on stderr (text mode only).
    pub fn note(&self, text: impl AsRef<str>) {
        if !self.json {
            eprintln!("{}", text.as_ref());
        }
    }

    /// One line on stderr, and in JSON mode an `{"error": ...}` object on stdout.
    pub fn failure(&self, f: &Failure) {
        let message = one_line(&f.message());
        let mut details = vec![format!("kind: {}", f.kind())];
        if let Failure::Core(e) = f {
            if let Some(id) = e.request_id() {
                details.push(format!("request id: {}", one_line(id)));
            }
        }
        eprintln!("error: {message} ({})", details.join(", "));
        if self.json {
            let mut err = json!({ "kind": f.kind(), "message": message, "exit_code": f.code() });
            if let Failure::Core(e) = f {
                err["status"] = json!(e.status());
                err["code"] = json!(e.code());
                err["request_id"] = json!(e.request_id());
                err["retryable"] = json!(e.is_retryable());
                err["retry_after_s"] = json!(e.retry_after().map(|d| d.as_secs_f64()));
                err["missing_scope"] = json!(e.missing_scope());
                err["field"] = json!(e.field());
            }
            let _ = writeln!(std::io::stdout().lock(), "{}", json!({ "error": err }));
        }
    }

    /// Shows that a wait is running: a spinner when stderr is a terminal, else one plain line.
    pub fn spinner(&self, label: String) -> Spinner {
        let stop = CancellationToken::new();
        if !self.animate {
            self.note(format!("{label}..."));
            return Spinner { stop, task: None };
        }
        let token = stop.clone();
        let task = tokio::spawn(async move {
            const FRAMES: [char; 10] = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
            let start = Instant::now();
            let mut tick = tokio::time::interval(Duration::from_millis(100));
            for frame in FRAMES.iter().cycle() {
                tokio::select! {
                    _ = token.cancelled() => break,
                    _ = tick.tick() => {
                        let mut err = std::io::stderr().lock();
                        let _ = write!(err, "\r\x1b[2K{frame} {label} {:.1} s", start.elapsed().as_secs_f64());
                        let _ = err.flush();
                    }
                }
            }
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r\x1b[2K");
            let _ = err.flush();
        });
        Spinner { stop, task: Some(task) }
    }
}

/// Stop it with [`Spinner::finish`] so the line is cleared before the result is printed.
pub struct Spinner {
    stop: CancellationToken,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl Spinner {
    pub async fn finish(mut self) {
        self.stop.cancel();
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for Spinner {
    fn drop(&mut self) {
        self.stop.cancel();
    }
}

pub fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

pub fn secs(d: Duration) -> String {
    format!("{:.2} s", d.as_secs_f64())
}

pub fn outcome_text(o: &Outcome) -> String {
    let polls = if o.polls == 1 { "1 poll".to_string() } else { format!("{} polls", o.polls) };
    format!("{} after {} ({polls})", o.kind.as_str().replace('_', " "), secs(o.elapsed))
}

/// The outcome's fields, merged into a command's JSON object.
pub fn outcome_json(o: &Outcome, into: &mut Value) {
    into["outcome"] = json!(o.kind.as_str());
    into["elapsed_ms"] = json!(o.elapsed.as_millis() as u64);
    into["polls"] = json!(o.polls);
    into["last_status"] = json!(o.last_status);
}

pub fn ticket_json(t: &PushTicket) -> Value {
    json!({
        "ticket": t.to_string(),
        "nonce": t.nonce,
        "user_id": t.user_id,
        "device_id": t.device_id,
        "sent_at_ms": t.sent_at_ms,
        "expires_at_ms": t.expires_at_ms,
    })
}

pub fn ticket_text(t: &PushTicket) -> String {
    let target = match &t.device_id {
        Some(d) => format!("device {d}"),
        None => "all devices".to_string(),
    };
    let mut s = format!("push sent to {} ({target})\nnonce:  {}\nticket: {t}", t.user_id, t.nonce);
    if let Some(at) = t.expires_at() {
        s.push_str(&format!("\nexpires: {}", humantime::format_rfc3339_seconds(at)));
    }
    s
}

pub fn devices_text(devices: &[omi_push::Device], indent: &str) -> String {
    let width = devices.iter().map(|d| d.id.chars().count()).max().unwrap_or(0);
    devices
        .iter()
        .map(|d| {
            let name = d.name.as_deref().unwrap_or("-");
            let platform = d.platform.as_deref().unwrap_or("-");
            format!("{indent}{:<width$}  {name}  ({platform})", d.id)
        })
        .collect::<Vec<_>>()
        .join("\n")
}
