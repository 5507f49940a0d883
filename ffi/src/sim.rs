//! The one simulator handle behind the three testing helpers (`omi_push.testing`,
//! `omi-push/testing`, `dev.omipush.testing`). JSON in, JSON out: a binding exposes
//! [`SimHandle::start`], [`SimHandle::request`] and [`SimHandle::stop`] and builds its idiomatic
//! methods in its own language on top of them, so no simulator logic is written per binding.
//!
//! A request is a JSON object with `"do"`:
//!
//! | do | fields | answer |
//! |---|---|---|
//! | `info` | | `{base_url, token_url, client_id, client_secret, ca_cert_pem}` (`ca_cert_pem` with `"tls": true` only) |
//! | `connections` | | `{accepted, http2}`: connections accepted, and those on HTTP/2 |
//! | `phone_url` | `device_id` | the URL (string) |
//! | `add_user` | `user` (a seed user) | `null` |
//! | `add_device` | `user_id`, `device` (a seed device) | `null` |
//! | `approve` / `reject` / `expire` | `nonce` | `null` |
//! | `pushes` | `device_id`? | the pushes (all, or the device's) |
//! | `add_fault` | `fault` | `null` |
//! | `set_auto_respond` | `auto` (`null` = off) | `null` |
//! | `request_log` | | the log entries |
//! | `count` | `route`, `method` | a number |
//! | anything else | | a conformance step for [`Simulator::control`] (`phone`, `set_state`, `fault`, `clear_faults`, `revoke_tokens`, `clear_log`, `sleep`, `expect_*`), `null` |

use std::sync::Arc;

use omi_push_sim::{AutoRespond, Fault, SeedDevice, SeedUser, SimConfig, Simulator};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

/// A running simulator. Dropping it stops the server.
#[derive(Clone)]
pub struct SimHandle {
    sim: Arc<Simulator>,
}

fn field<T: DeserializeOwned>(request: &Value, key: &str) -> Result<T, String> {
    serde_json::from_value(request.get(key).cloned().unwrap_or(Value::Null)).map_err(|e| format!("bad `{key}`: {e}"))
}

fn text(request: &Value, key: &str) -> Result<String, String> {
    request.get(key).and_then(Value::as_str).map(str::to_string).ok_or_else(|| format!("`{key}` must be a string"))
}

fn to_value<T: serde::Serialize>(v: &T) -> Result<Value, String> {
    serde_json::to_value(v).map_err(|e| format!("cannot encode: {e}"))
}

impl SimHandle {
    /// Starts a simulator on the core's runtime (a free loopback port unless the config says
    /// otherwise). `config_json` is the simulator's JSON configuration; `None` = testing defaults.
    pub fn start(config_json: Option<&str>) -> Result<SimHandle, String> {
        let config = match config_json {
            None => SimConfig::testing(),
            Some(json) => SimConfig::from_json(json).map_err(|e| e.to_string())?,
        };
        let rt = omi_push::runtime::shared().map_err(|e| e.to_string())?;
        let sim = std::thread::scope(|s| {
            // A thread of our own: the caller may be on a runtime thread (napi, uniffi), where
            // `block_on` would panic.
            s.spawn(|| rt.block_on(Simulator::start(config)))
                .join()
                .map_err(|_| "the simulator failed to start (panic)".to_string())
        })?
        .map_err(|e| e.to_string())?;
        Ok(SimHandle { sim: Arc::new(sim) })
    }

    /// The simulator itself, for Rust callers.
    pub fn simulator(&self) -> &Simulator {
        &self.sim
    }

    /// Answers one request (see the module docs); the error text says what was wrong.
    pub fn request(&self, request: &Value) -> Result<Value, String> {
        let sim = &self.sim;
        let done = |r: Result<(), omi_push_sim::SimError>| r.map(|()| Value::Null).map_err(|e| e.to_string());
        let what = request.get("do").and_then(Value::as_str).ok_or("a request needs a string `do`")?;
        match what {
            "info" => Ok(json!({
                "base_url": sim.base_url(),
                "token_url": sim.token_url(),
                "client_id": sim.client_id(),
                "client_secret": sim.client_secret(),
                "ca_cert_pem": sim.ca_cert_pem(),
            })),
            "connections" => {
                let (accepted, http2) = sim.connections();
                Ok(json!({"accepted": accepted, "http2": http2}))
            }
            "phone_url" => Ok(Value::String(sim.phone_url(&text(request, "device_id")?))),
            "add_user" => done(sim.add_user(field::<SeedUser>(request, "user")?)),
            "add_device" => done(sim.add_device(&text(request, "user_id")?, field::<SeedDevice>(request, "device")?)),
            "approve" => done(sim.approve(&text(request, "nonce")?)),
            "reject" => done(sim.reject(&text(request, "nonce")?)),
            "expire" => done(sim.expire(&text(request, "nonce")?)),
            "pushes" => match request.get("device_id").and_then(Value::as_str) {
                Some(d) => to_value(&sim.device_pushes(d)),
                None => to_value(&sim.pushes()),
            },
            "add_fault" => done(sim.add_fault(field::<Fault>(request, "fault")?)),
            "set_auto_respond" => {
                sim.set_auto_respond(field::<Option<AutoRespond>>(request, "auto")?);
                Ok(Value::Null)
            }
            "request_log" => to_value(&sim.request_log()),
            "count" => Ok(json!(sim.count(&text(request, "route")?, &text(request, "method")?))),
            _ => sim.control(request).map(|()| Value::Null),
        }
    }

    /// [`SimHandle::request`] with JSON text in and out.
    pub fn request_json(&self, request: &str) -> Result<String, String> {
        let value: Value = serde_json::from_str(request).map_err(|e| format!("the request is not JSON: {e}"))?;
        self.request(&value).map(|v| v.to_string())
    }

    /// Stops the server: when this returns, the listener and every connection are closed, so
    /// every later call fails with a transport error. Idempotent.
    pub fn stop(&self) {
        self.sim.stop();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_handle_serves_every_request_kind() {
        let h = SimHandle::start(None).expect("start");
        let info = h.request(&json!({"do": "info"})).expect("info");
        assert!(info["base_url"].as_str().is_some_and(|u| u.starts_with("http://127.0.0.1:")));
        assert!(info["ca_cert_pem"].is_null());
        let tls = SimHandle::start(Some(r#"{"tls": true}"#)).expect("tls");
        let info = tls.request(&json!({"do": "info"})).expect("info");
        assert!(info["base_url"].as_str().is_some_and(|u| u.starts_with("https://")));
        assert!(info["ca_cert_pem"].as_str().is_some_and(|p| p.contains("BEGIN CERTIFICATE")));
        assert_eq!(tls.request(&json!({"do": "connections"})).expect("count"), json!({"accepted": 0, "http2": 0}));
        h.request(&json!({"do": "add_user", "user": {"id": "u9", "devices": [{"id": "d9"}]}})).expect("user");
        let fault = json!({"do": "add_fault", "fault": {"route": "devices", "status": 503, "times": 1}});
        h.request(&fault).expect("fault");
        assert_eq!(h.request(&json!({"do": "count", "route": "*", "method": "GET"})).expect("count"), json!(0));
        assert!(h.request(&json!({"do": "approve", "nonce": "nope-nope-nope-nope"})).is_err());
        assert!(h.request(&json!({"do": "no-such-thing"})).is_err());
        assert!(h.request(&json!({"do": "add_fault", "fault": {"route": "nowhere"}})).is_err());
        assert!(h.request_json("{").is_err());
        h.request(&json!({"do": "clear_faults"})).expect("control step");
        h.stop();
        h.stop();
    }
}
