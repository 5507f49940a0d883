//! The request log: one entry per OMI or token request, never headers or bodies.

use serde::{Deserialize, Serialize};

/// One logged request.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LogEntry {
    /// Increases by one per logged request; not reset by clearing the log.
    pub seq: u64,
    /// The route name (`token`, `devices`, `push_device`, `push_all`, `confirmation`).
    pub route: String,
    pub method: String,
    /// The raw, still percent-encoded path.
    pub path: String,
    /// The raw query string, if any.
    pub query: Option<String>,
    /// The response status; 0 for a dropped connection (or while still in flight).
    pub status: u16,
    /// Milliseconds since the simulator started, when the request arrived.
    pub t_ms: f64,
}

#[derive(Default)]
pub(crate) struct RequestLog {
    entries: Vec<LogEntry>,
    last_seq: u64,
}

impl RequestLog {
    /// Records an arriving request; its status stays 0 until `finish`.
    pub(crate) fn begin(&mut self, route: &str, method: &str, path: &str, query: Option<&str>, t_ms: f64) -> u64 {
        self.last_seq += 1;
        self.entries.push(LogEntry {
            seq: self.last_seq,
            route: route.to_owned(),
            method: method.to_owned(),
            path: path.to_owned(),
            query: query.map(str::to_owned),
            status: 0,
            t_ms,
        });
        self.last_seq
    }

    pub(crate) fn finish(&mut self, seq: u64, status: u16) {
        // Entries are in seq order; a cleared log simply no longer has the entry.
        if let Ok(i) = self.entries.binary_search_by_key(&seq, |e| e.seq) {
            self.entries[i].status = status;
        }
    }

    pub(crate) fn entries(&self) -> Vec<LogEntry> {
        self.entries.clone()
    }

    pub(crate) fn clear(&mut self) {
        self.entries.clear();
    }

    /// Entries of `route` (or any route for `"*"`) with `method` (case-insensitive).
    pub(crate) fn count(&self, route: &str, method: &str) -> usize {
        self.entries
            .iter()
            .filter(|e| route == "*" || e.route == route)
            .filter(|e| e.method.eq_ignore_ascii_case(method))
            .count()
    }
}
