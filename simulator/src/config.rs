//! The simulator's configuration: the same JSON as the `omi-push sim --seed` file.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::SimError;

/// Scope of `GET /omi/users/{userId}/devices`.
pub const SCOPE_DEVICES: &str = "credential:omi:devices:get";
/// Scope of `POST /omi/push/user/{userId}/device/{deviceId}`.
pub const SCOPE_PUSH_DEVICE: &str = "credential:omi:push-notification:device:post";
/// Scope of `POST /omi/push/user/{userId}`.
pub const SCOPE_PUSH_ALL: &str = "credential:omi:push-notification:post";
/// Scope of `GET /omi/push/confirmation`.
pub const SCOPE_STATUS: &str = "credential:omi:push-notification:status:get";

/// The four push scopes, the default set of allowed scopes.
pub const SCOPES: [&str; 4] = [SCOPE_DEVICES, SCOPE_PUSH_DEVICE, SCOPE_PUSH_ALL, SCOPE_STATUS];

/// Route names, as used by faults and the request log.
pub const ROUTES: [&str; 5] = ["token", "devices", "push_device", "push_all", "confirmation"];

/// Which routes the server exposes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// The OMI routes and the token endpoint only.
    #[default]
    Api,
    /// Also the `/_sim` control routes and the virtual phone.
    Test,
    /// Like `Test`; meant for the interactive demo.
    Demo,
}

impl Mode {
    /// Whether the `/_sim` control routes and the phone pages are served.
    pub fn control_enabled(self) -> bool {
        !matches!(self, Mode::Api)
    }
}

/// A user seeded at start or added later.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeedUser {
    pub id: String,
    #[serde(default)]
    pub devices: Vec<SeedDevice>,
}

impl SeedUser {
    pub fn new(id: impl Into<String>, devices: Vec<SeedDevice>) -> Self {
        Self { id: id.into(), devices }
    }
}

/// A device of a seeded user.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeedDevice {
    pub id: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub platform: Option<String>,
}

impl SeedDevice {
    pub fn new(id: impl Into<String>) -> Self {
        Self { id: id.into(), name: None, platform: None }
    }

    pub fn with_name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    pub fn with_platform(mut self, platform: impl Into<String>) -> Self {
        self.platform = Some(platform.into());
        self
    }
}

/// What the auto-responder does with a new push.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    #[default]
    Approve,
    Reject,
}

/// Answer every new push by itself after `delay_ms`, if it is still pending then.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AutoRespond {
    pub action: Action,
    #[serde(default = "default_delay_ms")]
    pub delay_ms: u64,
}

fn default_delay_ms() -> u64 {
    2000
}

impl Default for AutoRespond {
    fn default() -> Self {
        Self { action: Action::Approve, delay_ms: default_delay_ms() }
    }
}

/// The largest body an `oversized_bytes` fault sends: 1 GiB.
pub const MAX_OVERSIZED_BYTES: u64 = 1 << 30;

/// How an `echo` fault writes back what it received.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Echo {
    /// `{"error":"echo","error_description":"<echo text>"}`, `application/json`.
    Json,
    /// The echo text alone, `text/plain`.
    Text,
}

/// An injected fault; see the README's "Faults" section.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Fault {
    /// A route name, `"omi"` (the four OMI routes) or `"*"` (all five).
    pub route: String,
    /// Answer with this status instead of processing the request (also the status of `echo`).
    pub status: Option<u16>,
    /// `Retry-After` seconds sent with `status`.
    pub retry_after_s: Option<u64>,
    /// Wait this long before anything else.
    pub latency_ms: u64,
    /// Break the connection instead of answering.
    pub drop: bool,
    /// Process the request, then answer 200 with a body that is not JSON.
    pub malformed: bool,
    /// Never answer (until the simulator stops); the request is not processed.
    pub hang: bool,
    /// Answer `status` (default 400) with a body echoing the request's `Authorization` header
    /// and body, as a leaky gateway would; `x-request-id` carries the header too.
    pub echo: Option<Echo>,
    /// Process the request, then answer 200 with a JSON-looking body of this many bytes,
    /// streamed (at most [`MAX_OVERSIZED_BYTES`]).
    pub oversized_bytes: Option<u64>,
    /// With `oversized_bytes`: send it chunked, without `Content-Length`.
    pub oversized_chunked: bool,
    /// Let the first `skip` matching requests through untouched.
    pub skip: u64,
    /// Then apply to this many requests (`None` = forever).
    pub times: Option<u64>,
}

impl Default for Fault {
    fn default() -> Self {
        Self {
            route: "*".to_owned(),
            status: None,
            retry_after_s: None,
            latency_ms: 0,
            drop: false,
            malformed: false,
            hang: false,
            echo: None,
            oversized_bytes: None,
            oversized_chunked: false,
            skip: 0,
            times: None,
        }
    }
}

impl Fault {
    /// A fault on `route` with no effect yet; set the fields you need.
    pub fn on(route: impl Into<String>) -> Self {
        Self { route: route.into(), ..Self::default() }
    }

    pub(crate) fn validate(&self) -> Result<(), SimError> {
        let invalid = |message: String| Err(SimError::Invalid(message));
        let route = self.route.as_str();
        if route != "*" && route != "omi" && !ROUTES.contains(&route) {
            return invalid(format!(
                "unknown fault route '{route}' (expected one of {}, \"omi\" or \"*\")",
                ROUTES.join(", ")
            ));
        }
        if let Some(status) = self.status {
            if !(200..=599).contains(&status) {
                return invalid(format!("fault status {status} is not 200..=599"));
            }
        }
        let effects: Vec<&str> = [
            (self.hang, "hang"),
            (self.echo.is_some(), "echo"),
            (self.drop, "drop"),
            (self.malformed, "malformed"),
            (self.oversized_bytes.is_some(), "oversized_bytes"),
        ]
        .into_iter()
        .filter_map(|(set, name)| set.then_some(name))
        .collect();
        if effects.len() > 1 {
            return invalid(format!(
                "a fault has at most one of hang, echo, drop, malformed and oversized_bytes \
                 (got {})",
                effects.join(", ")
            ));
        }
        // `status` is the answer of a status fault or of `echo`; the others have their own.
        if let (Some(_), [effect]) = (self.status, effects.as_slice()) {
            if *effect != "echo" {
                return invalid(format!("a fault with {effect} takes no status"));
            }
        }
        if let Some(bytes) = self.oversized_bytes {
            if bytes > MAX_OVERSIZED_BYTES {
                return invalid(format!("oversized_bytes {bytes} is more than {MAX_OVERSIZED_BYTES} (1 GiB)"));
            }
        } else if self.oversized_chunked {
            return invalid("oversized_chunked needs oversized_bytes".to_owned());
        }
        Ok(())
    }
}

/// The simulator's configuration. Every field is optional in JSON.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SimConfig {
    /// Bind address.
    pub host: String,
    /// Port; 0 picks a free one.
    pub port: u16,
    pub mode: Mode,
    /// The OAuth client the token endpoint accepts.
    pub client_id: String,
    /// `None` = a random secret per start (read it from the handle).
    pub client_secret: Option<String>,
    /// `None` = the four push scopes.
    pub allowed_scopes: Option<Vec<String>>,
    pub token_lifetime_ms: u64,
    /// A pending push becomes EXPIRED after this.
    pub push_ttl_ms: u64,
    pub auto_respond: Option<AutoRespond>,
    /// Adds a uniformly random 0..=N ms to each auto-respond delay (benchmarks: "approved at a
    /// random moment 1–5 s after it was sent" is `delay_ms` 1000 with a spread of 4000).
    pub auto_respond_spread_ms: u64,
    pub users: Vec<SeedUser>,
    pub faults: Vec<Fault>,
    /// Serve HTTPS with a certificate generated at start (for `localhost` and `127.0.0.1`;
    /// clients trust `Simulator::ca_cert_pem`), offering HTTP/2 and HTTP/1.1 by ALPN.
    pub tls: bool,
}

impl Default for SimConfig {
    fn default() -> Self {
        Self {
            host: "127.0.0.1".to_owned(),
            port: 0,
            mode: Mode::Api,
            client_id: "sim-client".to_owned(),
            client_secret: None,
            allowed_scopes: None,
            token_lifetime_ms: 3_600_000,
            push_ttl_ms: 120_000,
            auto_respond: None,
            auto_respond_spread_ms: 0,
            users: vec![SeedUser::new(
                "user-1",
                vec![SeedDevice::new("dev-1").with_name("Pixel 9").with_platform("android")],
            )],
            faults: Vec::new(),
            tls: false,
        }
    }
}

impl SimConfig {
    /// The defaults with the control routes on (mode `test`).
    pub fn testing() -> Self {
        Self { mode: Mode::Test, ..Self::default() }
    }

    /// Parses (and checks) the seed-file JSON; any subset of the fields is fine.
    pub fn from_json(json: &str) -> Result<Self, SimError> {
        let config: Self =
            serde_json::from_str(json).map_err(|e| SimError::Invalid(format!("simulator config: {e}")))?;
        config.validate()?;
        Ok(config)
    }

    /// Checks what serde cannot: names, ids and fault routes.
    pub fn validate(&self) -> Result<(), SimError> {
        if self.client_id.is_empty() {
            return Err(SimError::Invalid("client_id must not be empty".to_owned()));
        }
        if self.client_secret.as_deref() == Some("") {
            return Err(SimError::Invalid("client_secret must not be empty".to_owned()));
        }
        for user in &self.users {
            check_user(user)?;
        }
        for fault in &self.faults {
            fault.validate()?;
        }
        Ok(())
    }
}

pub(crate) fn check_user(user: &SeedUser) -> Result<(), SimError> {
    if user.id.is_empty() {
        return Err(SimError::Invalid("user id must not be empty".to_owned()));
    }
    user.devices.iter().try_for_each(check_device)
}

pub(crate) fn check_device(device: &SeedDevice) -> Result<(), SimError> {
    if device.id.is_empty() {
        return Err(SimError::Invalid("device id must not be empty".to_owned()));
    }
    Ok(())
}

impl fmt::Debug for SimConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SimConfig")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("mode", &self.mode)
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret.as_ref().map(|_| "<redacted>"))
            .field("allowed_scopes", &self.allowed_scopes)
            .field("token_lifetime_ms", &self.token_lifetime_ms)
            .field("push_ttl_ms", &self.push_ttl_ms)
            .field("auto_respond", &self.auto_respond)
            .field("auto_respond_spread_ms", &self.auto_respond_spread_ms)
            .field("users", &self.users)
            .field("faults", &self.faults)
            .finish()
    }
}

/// The five logged routes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Route {
    Token,
    Devices,
    PushDevice,
    PushAll,
    Confirmation,
}

impl Route {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Route::Token => "token",
            Route::Devices => "devices",
            Route::PushDevice => "push_device",
            Route::PushAll => "push_all",
            Route::Confirmation => "confirmation",
        }
    }

    /// The scope a bearer token needs; `None` for the token endpoint.
    pub(crate) fn scope(self) -> Option<&'static str> {
        match self {
            Route::Token => None,
            Route::Devices => Some(SCOPE_DEVICES),
            Route::PushDevice => Some(SCOPE_PUSH_DEVICE),
            Route::PushAll => Some(SCOPE_PUSH_ALL),
            Route::Confirmation => Some(SCOPE_STATUS),
        }
    }

    /// Whether a fault's `route` pattern covers this route.
    pub(crate) fn matches(self, pattern: &str) -> bool {
        match pattern {
            "*" => true,
            "omi" => self != Route::Token,
            name => name == self.name(),
        }
    }
}
