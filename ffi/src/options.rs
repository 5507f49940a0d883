//! Options as bindings receive them, checked by the core's rules.
//!
//! Client options: the core's [`omi_push::ClientOptions`] is the one record (snake_case names,
//! milliseconds); a binding fills it from its language's arguments and calls [`client`]. Wait
//! options: [`wait`] applies the one duration rule to numbers of milliseconds (NaN, ±∞, zero,
//! negative, over a day, or a poll interval under the floor are `invalid_argument`).

use omi_push::{CancellationToken, Client, ClientOptions, Config, WaitOptions};

/// The client of `options` (a `config` error when they cannot work).
pub fn client(options: ClientOptions) -> omi_push::Result<Client> {
    Config::from_options(options).and_then(Client::new)
}

/// A wait's options from milliseconds, with an optional cancellation token.
pub fn wait(
    timeout_ms: Option<f64>,
    poll_interval_ms: Option<f64>,
    cancel: Option<CancellationToken>,
) -> omi_push::Result<WaitOptions> {
    let mut w = WaitOptions::from_millis(timeout_ms, poll_interval_ms)?;
    w.cancel = cancel;
    Ok(w)
}

/// The names of every client option, as the core spells them (each binding's tests check
/// that its public signature covers them all). Read from the core record itself: serde lists
/// the known fields when it refuses an unknown one, so this list cannot drift.
pub fn client_option_names() -> Vec<String> {
    let refusal =
        serde_json::from_str::<ClientOptions>(r#"{"\u0000": null}"#).err().map(|e| e.to_string()).unwrap_or_default();
    let known = refusal.split_once("expected one of").map(|(_, k)| k).unwrap_or("");
    known.split('`').skip(1).step_by(2).map(str::to_string).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_name_list_is_the_core_record() {
        let names = client_option_names();
        assert!(names.len() >= 20, "{names:?}");
        for n in ["base_url", "call_timeout_ms", "max_response_bytes", "request_budget", "http2"] {
            assert!(names.iter().any(|x| x == n), "{n} in {names:?}");
        }
        // Every listed name is accepted by the core record (deny_unknown_fields) ...
        let names = client_option_names();
        let mut obj = serde_json::Map::new();
        for n in &names {
            obj.insert(n.clone(), serde_json::Value::Null);
        }
        obj.insert("base_url".into(), "https://t".into());
        let parsed: Result<ClientOptions, _> = serde_json::from_value(serde_json::Value::Object(obj));
        assert!(parsed.is_ok(), "{parsed:?}");
        // ... and a name the core does not know is refused.
        let bad: Result<ClientOptions, _> = serde_json::from_str(r#"{"base_url":"https://t","nope":1}"#);
        assert!(bad.is_err());
    }

    #[test]
    fn durations_follow_the_core_rule() {
        for bad in [0.0, -1.0, f64::NAN, f64::INFINITY, 86_400_001.0] {
            assert_eq!(wait(Some(bad), None, None).expect_err("bad").kind(), omi_push::ErrorKind::InvalidArgument);
        }
        assert_eq!(wait(None, Some(10.0), None).expect_err("under the floor").field(), Some("poll_interval"));
        assert!(wait(Some(1000.0), Some(50.0), None).is_ok());
    }
}
