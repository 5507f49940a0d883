//! `NativeSimulator`: the embedded OMI simulator for tests (`omi-push/testing`). JSON in and
//! out, so this stays a thin layer over `omi_push_sim::Simulator`.

use std::sync::Arc;

use napi::Result;
use napi_derive::napi;
use omi_push::runtime;
use omi_push_sim::{AutoRespond, Fault, SeedDevice, SeedUser, SimConfig, Simulator};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::{IntoNapi, simulator};

/// A running simulator; dropping it stops the server.
#[napi]
pub struct NativeSimulator {
    sim: Arc<Simulator>,
}

fn from_json<T: DeserializeOwned>(what: &str, v: Value) -> Result<T> {
    serde_json::from_value(v).map_err(|e| simulator(format!("bad {what}: {e}")))
}

fn to_json<T: serde::Serialize>(v: &T) -> Result<Value> {
    serde_json::to_value(v).map_err(|e| simulator(format!("cannot encode: {e}")))
}

fn sim_result(r: std::result::Result<(), omi_push_sim::SimError>) -> Result<()> {
    r.map_err(simulator)
}

/// Starts a simulator on a free loopback port. `config` is the simulator's JSON
/// configuration (snake_case keys, see the simulator's README).
#[napi(ts_return_type = "Promise<NativeSimulator>")]
pub async fn start_simulator(config: Option<Value>) -> Result<NativeSimulator> {
    let config = match config {
        None => SimConfig::testing(),
        Some(v) => SimConfig::from_json(&v.to_string()).map_err(simulator)?,
    };
    let started = runtime::run(async move { Ok(Simulator::start(config).await) }).await.napi()?;
    Ok(NativeSimulator { sim: Arc::new(started.map_err(simulator)?) })
}

#[napi]
impl NativeSimulator {
    /// `http://127.0.0.1:PORT`, no trailing slash.
    #[napi(getter)]
    pub fn base_url(&self) -> String {
        self.sim.base_url()
    }

    #[napi(getter)]
    pub fn token_url(&self) -> String {
        self.sim.token_url()
    }

    #[napi(getter)]
    pub fn client_id(&self) -> String {
        self.sim.client_id().to_string()
    }

    #[napi(getter)]
    pub fn client_secret(&self) -> String {
        self.sim.client_secret().to_string()
    }

    #[napi]
    pub fn phone_url(&self, device_id: String) -> String {
        self.sim.phone_url(&device_id)
    }

    #[napi(catch_unwind)]
    pub fn add_user(&self, user: Value) -> Result<()> {
        sim_result(self.sim.add_user(from_json::<SeedUser>("user", user)?))
    }

    #[napi(catch_unwind)]
    pub fn add_device(&self, user_id: String, device: Value) -> Result<()> {
        sim_result(self.sim.add_device(&user_id, from_json::<SeedDevice>("device", device)?))
    }

    #[napi(catch_unwind)]
    pub fn approve(&self, nonce: String) -> Result<()> {
        sim_result(self.sim.approve(&nonce))
    }

    #[napi(catch_unwind)]
    pub fn reject(&self, nonce: String) -> Result<()> {
        sim_result(self.sim.reject(&nonce))
    }

    #[napi(catch_unwind)]
    pub fn expire(&self, nonce: String) -> Result<()> {
        sim_result(self.sim.expire(&nonce))
    }

    #[napi(catch_unwind)]
    pub fn set_state(&self, nonce: String, state: String) -> Result<()> {
        sim_result(self.sim.set_state(&nonce, &state))
    }

    /// Every push, oldest first.
    #[napi(catch_unwind)]
    pub fn pushes(&self) -> Result<Value> {
        to_json(&self.sim.pushes())
    }

    #[napi(catch_unwind)]
    pub fn add_fault(&self, fault: Value) -> Result<()> {
        sim_result(self.sim.add_fault(from_json::<Fault>("fault", fault)?))
    }

    #[napi]
    pub fn clear_faults(&self) {
        self.sim.clear_faults();
    }

    #[napi]
    pub fn revoke_tokens(&self) {
        self.sim.revoke_tokens();
    }

    /// `null` turns auto-respond off.
    #[napi(catch_unwind)]
    pub fn set_auto_respond(&self, auto: Option<Value>) -> Result<()> {
        let auto = match auto {
            None | Some(Value::Null) => None,
            Some(v) => Some(from_json::<AutoRespond>("autoRespond", v)?),
        };
        self.sim.set_auto_respond(auto);
        Ok(())
    }

    /// The OMI and token requests so far, oldest first.
    #[napi(catch_unwind)]
    pub fn request_log(&self) -> Result<Value> {
        to_json(&self.sim.request_log())
    }

    #[napi]
    pub fn clear_log(&self) {
        self.sim.clear_log();
    }

    /// Logged requests of `route` (a route name or `*`) with `method`.
    #[napi]
    pub fn count(&self, route: String, method: String) -> u32 {
        u32::try_from(self.sim.count(&route, &method)).unwrap_or(u32::MAX)
    }

    /// Runs one simulator-side conformance step (tests/conformance/README.md). Runs off the
    /// JavaScript thread, since steps such as `sleep` block.
    #[napi]
    pub async fn control(&self, step: Value) -> Result<()> {
        let sim = self.sim.clone();
        let done = runtime::run(async move { Ok(tokio::task::spawn_blocking(move || sim.control(&step)).await) })
            .await
            .napi()?;
        match done {
            Ok(result) => result.map_err(simulator),
            Err(e) => Err(simulator(format!("the step failed to run: {e}"))),
        }
    }

    /// Stops the server; idempotent.
    #[napi]
    pub fn stop(&self) {
        self.sim.stop();
    }
}
