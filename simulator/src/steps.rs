//! The simulator side of the conformance scenarios (tests/conformance/README.md): every
//! language's runner hands these steps to `Simulator::control`, so the step logic exists once.

use std::time::Duration;

use serde_json::Value;

use crate::{Fault, LogEntry, Simulator};

fn text<'a>(step: &'a Value, key: &str) -> Result<&'a str, String> {
    step.get(key).and_then(Value::as_str).ok_or_else(|| format!("step needs a string `{key}`"))
}

fn number(step: &Value, key: &str) -> Option<u64> {
    step.get(key).and_then(Value::as_u64)
}

impl Simulator {
    /// Runs one simulator-side scenario step; `Err` carries why it failed.
    pub fn control(&self, step: &Value) -> Result<(), String> {
        let what = text(step, "do")?;
        match what {
            "phone" => {
                let nonce = text(step, "nonce")?.to_string();
                let action = text(step, "action")?.to_string();
                let after = number(step, "after_ms").unwrap_or(0);
                let shared = self.shared.clone();
                let act = move || match action.as_str() {
                    "approve" => shared.approve(&nonce),
                    "reject" => shared.reject(&nonce),
                    "expire" => shared.expire(&nonce),
                    other => Err(crate::SimError::Invalid(format!("unknown phone action `{other}`"))),
                };
                if after == 0 {
                    return act().map_err(|e| e.to_string());
                }
                std::thread::spawn(move || {
                    std::thread::sleep(Duration::from_millis(after));
                    if let Err(e) = act() {
                        tracing::warn!("scheduled phone action failed: {e}");
                    }
                });
                Ok(())
            }
            "set_state" => self.set_state(text(step, "nonce")?, text(step, "state")?).map_err(|e| e.to_string()),
            "fault" => {
                let fault: Fault = serde_json::from_value(step.get("fault").cloned().unwrap_or(Value::Null))
                    .map_err(|e| format!("bad fault: {e}"))?;
                self.add_fault(fault).map_err(|e| e.to_string())
            }
            "clear_faults" => {
                self.clear_faults();
                Ok(())
            }
            "revoke_tokens" => {
                self.revoke_tokens();
                Ok(())
            }
            "clear_log" => {
                self.clear_log();
                Ok(())
            }
            "sleep" => {
                std::thread::sleep(Duration::from_millis(number(step, "ms").unwrap_or(0)));
                Ok(())
            }
            "expect_requests" => expect_requests(&self.request_log(), step),
            "expect_gap" => expect_gap(&self.request_log(), step),
            "expect_single_segment" => {
                let route = text(step, "route")?;
                let contains = text(step, "contains")?;
                let log = self.request_log();
                if log.iter().any(|e| e.route == route && e.path.contains(contains)) {
                    Ok(())
                } else {
                    let paths: Vec<&str> = log.iter().filter(|e| e.route == route).map(|e| e.path.as_str()).collect();
                    Err(format!("no `{route}` request path contains `{contains}`; paths: {paths:?}"))
                }
            }
            other => Err(format!("unknown simulator step `{other}`")),
        }
    }
}

fn matching<'a>(log: &'a [LogEntry], step: &Value) -> Result<Vec<&'a LogEntry>, String> {
    let route = text(step, "route")?;
    let method = step.get("method").and_then(Value::as_str);
    let status = number(step, "status");
    Ok(log
        .iter()
        .filter(|e| route == "*" || e.route == route)
        .filter(|e| method.is_none_or(|m| e.method.eq_ignore_ascii_case(m)))
        .filter(|e| status.is_none_or(|s| u64::from(e.status) == s))
        .collect())
}

fn expect_requests(log: &[LogEntry], step: &Value) -> Result<(), String> {
    let n = matching(log, step)?.len() as u64;
    let ok = match number(step, "count") {
        Some(c) => n == c,
        None => number(step, "min").is_none_or(|m| n >= m) && number(step, "max").is_none_or(|m| n <= m),
    };
    if ok {
        Ok(())
    } else {
        let summary: Vec<String> = log.iter().map(|e| format!("{} {} {}", e.method, e.route, e.status)).collect();
        Err(format!("expected requests {step} but found {n}; log: {summary:?}"))
    }
}

fn expect_gap(log: &[LogEntry], step: &Value) -> Result<(), String> {
    let route = text(step, "route")?;
    let after = number(step, "after_status").ok_or("expect_gap needs `after_status`")?;
    let min = number(step, "min_ms").ok_or("expect_gap needs `min_ms`")? as f64;
    let of_route: Vec<&LogEntry> = log.iter().filter(|e| e.route == route).collect();
    let mut seen = 0;
    for pair in of_route.windows(2) {
        if u64::from(pair[0].status) == after {
            seen += 1;
            let gap = pair[1].t_ms - pair[0].t_ms;
            if gap < min {
                return Err(format!(
                    "a `{route}` request came {gap:.0} ms after a {after}; expected at least {min} ms"
                ));
            }
        }
    }
    if seen == 0 {
        return Err(format!("no `{route}` request answered {after} was followed by another"));
    }
    Ok(())
}
