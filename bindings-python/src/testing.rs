//! `_native.SimHandle`: the embedded simulator, JSON in and out. The Pythonic helper is
//! `omi_push.testing.Simulator` (python/omi_push/testing.py).
//!
//! Every call releases the GIL: the simulator's threads log through Python `logging`, so
//! holding the GIL while waiting for the simulator's state lock could deadlock.

use std::sync::Mutex;

use pyo3::prelude::*;
use serde_json::Value;

use omi_push_sim::{AutoRespond, Fault, SeedDevice, SeedUser, SimConfig, Simulator};

use crate::error;

/// A running simulator (see ``omi_push.testing.Simulator``).
#[pyclass(frozen, module = "omi_push._native")]
pub struct SimHandle {
    sim: Mutex<Option<Simulator>>,
    base_url: String,
    client_id: String,
    client_secret: String,
}

fn parse<T: serde::de::DeserializeOwned>(py: Python<'_>, what: &str, json: &str) -> PyResult<T> {
    serde_json::from_str(json).map_err(|e| error::simulator(py, format!("bad {what}: {e}")))
}

fn to_json<T: serde::Serialize>(py: Python<'_>, value: &T) -> PyResult<String> {
    serde_json::to_string(value).map_err(|e| error::simulator(py, format!("cannot encode: {e}")))
}

impl SimHandle {
    /// Runs `f` on the simulator without holding the GIL.
    fn with<T: Send>(&self, py: Python<'_>, f: impl FnOnce(&Simulator) -> Result<T, String> + Send) -> PyResult<T> {
        let result = py.detach(|| {
            let guard = self.sim.lock().unwrap_or_else(|p| p.into_inner());
            match guard.as_ref() {
                Some(sim) => f(sim),
                None => Err("the simulator is stopped".to_string()),
            }
        });
        result.map_err(|e| error::simulator(py, e))
    }
}

#[pymethods]
impl SimHandle {
    /// Starts a simulator from its JSON configuration (see the simulator's README).
    #[staticmethod]
    fn start(py: Python<'_>, config_json: &str) -> PyResult<SimHandle> {
        let config = SimConfig::from_json(config_json).map_err(|e| error::simulator(py, e.to_string()))?;
        let started = py.detach(|| -> Result<Simulator, String> {
            let runtime = omi_push::runtime::shared().map_err(|e| e.to_string())?;
            runtime.block_on(Simulator::start(config)).map_err(|e| e.to_string())
        });
        let sim = started.map_err(|e| error::simulator(py, e))?;
        Ok(SimHandle {
            base_url: sim.base_url(),
            client_id: sim.client_id().to_string(),
            client_secret: sim.client_secret().to_string(),
            sim: Mutex::new(Some(sim)),
        })
    }

    #[getter]
    fn base_url(&self) -> &str {
        &self.base_url
    }

    #[getter]
    fn client_id(&self) -> &str {
        &self.client_id
    }

    #[getter]
    fn client_secret(&self) -> &str {
        &self.client_secret
    }

    fn phone_url(&self, py: Python<'_>, device_id: String) -> PyResult<String> {
        self.with(py, move |s| Ok(s.phone_url(&device_id)))
    }

    fn add_user(&self, py: Python<'_>, user_json: &str) -> PyResult<()> {
        let user: SeedUser = parse(py, "user", user_json)?;
        self.with(py, move |s| s.add_user(user).map_err(|e| e.to_string()))
    }

    fn add_device(&self, py: Python<'_>, user_id: String, device_json: &str) -> PyResult<()> {
        let device: SeedDevice = parse(py, "device", device_json)?;
        self.with(py, move |s| s.add_device(&user_id, device).map_err(|e| e.to_string()))
    }

    fn approve(&self, py: Python<'_>, nonce: String) -> PyResult<()> {
        self.with(py, move |s| s.approve(&nonce).map_err(|e| e.to_string()))
    }

    fn reject(&self, py: Python<'_>, nonce: String) -> PyResult<()> {
        self.with(py, move |s| s.reject(&nonce).map_err(|e| e.to_string()))
    }

    fn expire(&self, py: Python<'_>, nonce: String) -> PyResult<()> {
        self.with(py, move |s| s.expire(&nonce).map_err(|e| e.to_string()))
    }

    fn set_state(&self, py: Python<'_>, nonce: String, state: String) -> PyResult<()> {
        self.with(py, move |s| s.set_state(&nonce, &state).map_err(|e| e.to_string()))
    }

    /// Every push, oldest first, as a JSON array.
    fn pushes(&self, py: Python<'_>) -> PyResult<String> {
        let pushes = self.with(py, |s| Ok(s.pushes()))?;
        to_json(py, &pushes)
    }

    fn add_fault(&self, py: Python<'_>, fault_json: &str) -> PyResult<()> {
        let fault: Fault = parse(py, "fault", fault_json)?;
        self.with(py, move |s| s.add_fault(fault).map_err(|e| e.to_string()))
    }

    fn clear_faults(&self, py: Python<'_>) -> PyResult<()> {
        self.with(py, |s| {
            s.clear_faults();
            Ok(())
        })
    }

    fn revoke_tokens(&self, py: Python<'_>) -> PyResult<()> {
        self.with(py, |s| {
            s.revoke_tokens();
            Ok(())
        })
    }

    /// `auto_json` is an `{"action", "delay_ms"}` object or `null` (off).
    fn set_auto_respond(&self, py: Python<'_>, auto_json: &str) -> PyResult<()> {
        let auto: Option<AutoRespond> = parse(py, "auto-respond setting", auto_json)?;
        self.with(py, move |s| {
            s.set_auto_respond(auto);
            Ok(())
        })
    }

    /// The request log as a JSON array.
    fn request_log(&self, py: Python<'_>) -> PyResult<String> {
        let log = self.with(py, |s| Ok(s.request_log()))?;
        to_json(py, &log)
    }

    fn clear_log(&self, py: Python<'_>) -> PyResult<()> {
        self.with(py, |s| {
            s.clear_log();
            Ok(())
        })
    }

    fn count(&self, py: Python<'_>, route: String, method: String) -> PyResult<usize> {
        self.with(py, move |s| Ok(s.count(&route, &method)))
    }

    /// Runs one simulator-side conformance step (JSON object).
    fn control(&self, py: Python<'_>, step_json: &str) -> PyResult<()> {
        let step: Value = parse(py, "step", step_json)?;
        self.with(py, move |s| s.control(&step))
    }

    /// Stops the server. Idempotent.
    fn stop(&self, py: Python<'_>) {
        let taken = self.sim.lock().unwrap_or_else(|p| p.into_inner()).take();
        py.detach(move || {
            if let Some(sim) = taken {
                sim.stop();
            }
        });
    }

    #[getter]
    fn running(&self) -> bool {
        self.sim.lock().unwrap_or_else(|p| p.into_inner()).is_some()
    }

    fn __repr__(&self) -> String {
        format!("SimHandle(base_url={:?}, client_id={:?})", self.base_url, self.client_id)
    }
}

/// The error kinds of the core, in its order (`omi_push_ffi::KINDS`).
#[pyfunction]
pub fn error_kinds() -> Vec<&'static str> {
    omi_push_ffi::KINDS.to_vec()
}

/// Raises the core's sample error of `kind` through the normal conversion (the
/// cross-language error probe).
#[pyfunction]
pub fn raise_sample_error(py: Python<'_>, kind: &str) -> PyResult<()> {
    match omi_push_ffi::error::sample(kind) {
        Some(e) => Err(error::to_py(py, e)),
        None => Err(pyo3::exceptions::PyValueError::new_err(format!("no error kind {kind:?}"))),
    }
}

/// The record of the core's sample error of `kind`, as JSON.
#[pyfunction]
pub fn sample_error_record(kind: &str) -> PyResult<String> {
    omi_push_ffi::error::sample_record(kind)
        .map(|r| r.to_json().to_string())
        .ok_or_else(|| pyo3::exceptions::PyValueError::new_err(format!("no error kind {kind:?}")))
}

/// The core's client option names (`omi_push_ffi::options::client_option_names`), for the
/// test that `Client(...)` offers every one.
#[pyfunction]
pub fn client_option_names() -> Vec<String> {
    omi_push_ffi::options::client_option_names()
}
