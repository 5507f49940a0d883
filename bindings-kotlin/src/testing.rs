//! The embedded simulator, for `dev.omipush.testing.Simulator` (users' integration tests and
//! this binding's own suite). The server runs on the core's shared runtime.

use omi_push::runtime;
use omi_push_sim::{Action, AutoRespond, Fault, LogEntry, PushInfo, SeedDevice, SeedUser, SimConfig, Simulator};

use crate::error::NativeSimError;

#[derive(Debug, Clone, uniffi::Record)]
pub struct NativeSimDevice {
    pub id: String,
    pub name: Option<String>,
    pub platform: Option<String>,
}

impl From<NativeSimDevice> for SeedDevice {
    fn from(d: NativeSimDevice) -> Self {
        SeedDevice { id: d.id, name: d.name, platform: d.platform }
    }
}

/// A fault to inject; see the simulator's README ("Faults").
#[derive(Debug, Clone, uniffi::Record)]
pub struct NativeFault {
    pub route: String,
    pub status: Option<i32>,
    pub retry_after_s: Option<i64>,
    pub latency_ms: i64,
    pub drop: bool,
    pub malformed: bool,
    pub skip: i64,
    pub times: Option<i64>,
}

fn unsigned(field: &str, v: i64) -> Result<u64, NativeSimError> {
    u64::try_from(v).map_err(|_| NativeSimError::msg(format!("{field} must not be negative")))
}

impl TryFrom<NativeFault> for Fault {
    type Error = NativeSimError;
    fn try_from(f: NativeFault) -> Result<Self, NativeSimError> {
        let status = match f.status {
            None => None,
            Some(s) => Some(u16::try_from(s).map_err(|_| NativeSimError::msg("fault status is out of range"))?),
        };
        Ok(Fault {
            route: f.route,
            status,
            retry_after_s: f.retry_after_s.map(|v| unsigned("retry_after_s", v)).transpose()?,
            latency_ms: unsigned("latency_ms", f.latency_ms)?,
            drop: f.drop,
            malformed: f.malformed,
            skip: unsigned("skip", f.skip)?,
            times: f.times.map(|v| unsigned("times", v)).transpose()?,
            // NativeFault does not carry hang, echo or the oversized fields: they keep their defaults.
            ..Fault::default()
        })
    }
}

#[derive(Debug, Clone, uniffi::Record)]
pub struct NativeLogEntry {
    pub seq: i64,
    pub route: String,
    pub method: String,
    pub path: String,
    pub query: Option<String>,
    pub status: i32,
    pub t_ms: f64,
}

impl From<LogEntry> for NativeLogEntry {
    fn from(e: LogEntry) -> Self {
        NativeLogEntry {
            seq: i64::try_from(e.seq).unwrap_or(i64::MAX),
            route: e.route,
            method: e.method,
            path: e.path,
            query: e.query,
            status: i32::from(e.status),
            t_ms: e.t_ms,
        }
    }
}

#[derive(Debug, Clone, uniffi::Record)]
pub struct NativePush {
    pub nonce: String,
    pub user_id: String,
    pub device_ids: Vec<String>,
    pub message: String,
    pub status: String,
    pub created_ms: f64,
}

impl From<PushInfo> for NativePush {
    fn from(p: PushInfo) -> Self {
        NativePush {
            nonce: p.nonce,
            user_id: p.user_id,
            device_ids: p.device_ids,
            message: p.message,
            status: p.status,
            created_ms: p.created_ms,
        }
    }
}

#[derive(uniffi::Object)]
pub struct NativeSimulator {
    sim: Simulator,
}

/// The seed JSON with the control routes on unless it names a mode.
fn config_from_json(json: Option<String>) -> Result<SimConfig, NativeSimError> {
    let Some(json) = json else {
        return Ok(SimConfig::testing());
    };
    let mut value: serde_json::Value =
        serde_json::from_str(&json).map_err(|e| NativeSimError::msg(format!("simulator config: {e}")))?;
    let object = value.as_object_mut().ok_or_else(|| NativeSimError::msg("simulator config must be a JSON object"))?;
    object.entry("mode").or_insert_with(|| serde_json::Value::from("test"));
    Ok(SimConfig::from_json(&value.to_string())?)
}

#[uniffi::export]
impl NativeSimulator {
    /// Starts on a free loopback port (unless the JSON names one).
    #[uniffi::constructor]
    pub fn start(config_json: Option<String>) -> Result<Self, NativeSimError> {
        crate::logging::init_from_env();
        let config = config_from_json(config_json)?;
        let sim = runtime::block_on(Simulator::start(config))??;
        Ok(NativeSimulator { sim })
    }

    pub fn base_url(&self) -> String {
        self.sim.base_url()
    }
    pub fn token_url(&self) -> String {
        self.sim.token_url()
    }
    pub fn client_id(&self) -> String {
        self.sim.client_id().to_string()
    }
    pub fn client_secret(&self) -> String {
        self.sim.client_secret().to_string()
    }
    pub fn phone_url(&self, device_id: String) -> String {
        self.sim.phone_url(&device_id)
    }

    pub fn add_user(&self, user_id: String, devices: Vec<NativeSimDevice>) -> Result<(), NativeSimError> {
        let devices = devices.into_iter().map(SeedDevice::from).collect();
        Ok(self.sim.add_user(SeedUser::new(user_id, devices))?)
    }
    pub fn add_device(&self, user_id: String, device: NativeSimDevice) -> Result<(), NativeSimError> {
        Ok(self.sim.add_device(&user_id, device.into())?)
    }

    pub fn approve(&self, nonce: String) -> Result<(), NativeSimError> {
        Ok(self.sim.approve(&nonce)?)
    }
    pub fn reject(&self, nonce: String) -> Result<(), NativeSimError> {
        Ok(self.sim.reject(&nonce)?)
    }
    pub fn expire(&self, nonce: String) -> Result<(), NativeSimError> {
        Ok(self.sim.expire(&nonce)?)
    }
    pub fn set_state(&self, nonce: String, state: String) -> Result<(), NativeSimError> {
        Ok(self.sim.set_state(&nonce, &state)?)
    }
    pub fn pushes(&self) -> Vec<NativePush> {
        self.sim.pushes().into_iter().map(NativePush::from).collect()
    }

    pub fn add_fault(&self, fault: NativeFault) -> Result<(), NativeSimError> {
        Ok(self.sim.add_fault(fault.try_into()?)?)
    }
    pub fn clear_faults(&self) {
        self.sim.clear_faults();
    }
    pub fn revoke_tokens(&self) {
        self.sim.revoke_tokens();
    }
    /// `approve` or `reject` every new push after `delay_ms`; `None` turns it off.
    pub fn set_auto_respond(&self, approve: Option<bool>, delay_ms: i64) -> Result<(), NativeSimError> {
        let auto = match approve {
            None => None,
            Some(approve) => Some(AutoRespond {
                action: if approve { Action::Approve } else { Action::Reject },
                delay_ms: unsigned("delay_ms", delay_ms)?,
            }),
        };
        self.sim.set_auto_respond(auto);
        Ok(())
    }

    pub fn request_log(&self) -> Vec<NativeLogEntry> {
        self.sim.request_log().into_iter().map(NativeLogEntry::from).collect()
    }
    pub fn clear_log(&self) {
        self.sim.clear_log();
    }
    pub fn count(&self, route: String, method: String) -> i64 {
        i64::try_from(self.sim.count(&route, &method)).unwrap_or(i64::MAX)
    }

    /// Runs one simulator-side conformance step (JSON), e.g. `{"do": "phone", ...}`.
    pub fn control(&self, step_json: String) -> Result<(), NativeSimError> {
        let step: serde_json::Value =
            serde_json::from_str(&step_json).map_err(|e| NativeSimError::msg(format!("step is not JSON: {e}")))?;
        self.sim.control(&step).map_err(NativeSimError::msg)
    }

    pub fn stop(&self) {
        self.sim.stop();
    }
}

/// For this binding's own tests: proves that a Rust panic reaches the JVM as an exception
/// instead of aborting the process.
#[uniffi::export]
pub fn testing_panic(message: String) {
    panic!("{message}");
}

/// The same inside a future awaited by a coroutine.
#[uniffi::export]
pub async fn testing_panic_async(message: String) {
    panic!("{message}");
}

/// The error kinds of the shared error record, in its stable order (`omi_push_ffi::KINDS`).
#[uniffi::export]
pub fn testing_error_kinds() -> Vec<String> {
    omi_push_ffi::KINDS.iter().map(|k| (*k).to_string()).collect()
}

/// Fails with the sample error of `kind` (`omi_push_ffi::error::sample`) through the normal
/// conversion: the cross-language error probe.
#[uniffi::export]
pub fn testing_raise_sample(kind: String) -> Result<(), crate::error::NativeError> {
    match omi_push_ffi::error::sample(&kind) {
        Some(e) => Err(e.into()),
        None => {
            Err(omi_push::Error::InvalidArgument { field: "kind".into(), reason: "not an error kind".into() }.into())
        }
    }
}

/// The shared record of the sample error of `kind`, as JSON (`null` for an unknown kind).
#[uniffi::export]
pub fn testing_sample_record_json(kind: String) -> String {
    omi_push_ffi::error::sample_record(&kind).map_or_else(|| "null".to_string(), |r| r.to_json().to_string())
}

/// The core's client option names (`omi_push_ffi::options::client_option_names`), for the test
/// that `OmiConfig` covers every one.
#[uniffi::export]
pub fn testing_client_option_names() -> Vec<String> {
    omi_push_ffi::options::client_option_names()
}
