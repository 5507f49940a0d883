//! The in-memory world: users, devices, pushes and tokens, and the push state machine.
//! Expiry is never a timer: a pending push counts as EXPIRED once its deadline has passed.

use std::collections::HashMap;
use std::time::{Duration, Instant, SystemTime};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::Rng as _;
use serde::{Deserialize, Serialize};

use crate::config::{AutoRespond, SCOPES, SeedDevice, SeedUser, SimConfig};
use crate::error::{Missing, SimError};
use crate::faults::Faults;
use crate::log::RequestLog;

/// A push as the control routes and the handle report it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PushInfo {
    pub nonce: String,
    pub user_id: String,
    /// The devices the push was sent to.
    pub device_ids: Vec<String>,
    pub message: String,
    /// `PENDING`, `CONFIRMED`, `REJECTED`, `EXPIRED` or a custom state.
    pub status: String,
    /// Milliseconds since the simulator started, when the push was created.
    pub created_ms: f64,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Status {
    Pending,
    Confirmed,
    Rejected,
    Expired,
    Custom(String),
}

impl Status {
    pub(crate) fn as_str(&self) -> &str {
        match self {
            Status::Pending => "PENDING",
            Status::Confirmed => "CONFIRMED",
            Status::Rejected => "REJECTED",
            Status::Expired => "EXPIRED",
            Status::Custom(s) => s,
        }
    }

    fn parse(s: &str) -> Self {
        match s {
            "PENDING" => Status::Pending,
            "CONFIRMED" => Status::Confirmed,
            "REJECTED" => Status::Rejected,
            "EXPIRED" => Status::Expired,
            other => Status::Custom(other.to_owned()),
        }
    }
}

/// A device as `GET /omi/users/{userId}/devices` lists it.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct DeviceView {
    pub id: String,
    pub name: Option<String>,
    pub platform: Option<String>,
    pub created_at: String,
    pub last_used_at: Option<String>,
}

/// A device with its owner, for the phone pages.
#[derive(Clone, Debug)]
pub(crate) struct DeviceSummary {
    pub user_id: String,
    pub id: String,
    pub name: Option<String>,
    pub platform: Option<String>,
}

/// The outcome of a push request.
pub(crate) struct Created {
    pub nonce: String,
    pub expires_at: String,
    /// False when the request repeated an existing push (deduplicated).
    pub fresh: bool,
}

/// Why a bearer token was refused.
pub(crate) enum AuthError {
    /// 401, with a description.
    Invalid(&'static str),
    /// 403: the token lacks this scope.
    Scope(&'static str),
}

struct Device {
    id: String,
    name: Option<String>,
    platform: Option<String>,
    created_at: SystemTime,
    last_used_at: Option<SystemTime>,
}

impl Device {
    fn new(seed: SeedDevice) -> Self {
        Self {
            id: seed.id,
            name: seed.name,
            platform: seed.platform,
            created_at: SystemTime::now(),
            last_used_at: None,
        }
    }
}

struct User {
    id: String,
    devices: Vec<Device>,
}

struct Push {
    nonce: String,
    user_id: String,
    /// The device of a one-device push; `None` for a push to all devices.
    target: Option<String>,
    device_ids: Vec<String>,
    message: String,
    status: Status,
    created: Instant,
    expires: Instant,
    expires_at: SystemTime,
}

impl Push {
    fn status_at(&self, now: Instant) -> Status {
        if self.status == Status::Pending && now >= self.expires { Status::Expired } else { self.status.clone() }
    }
}

struct Token {
    scopes: Vec<String>,
    expires: Instant,
    revoked: bool,
}

pub(crate) struct State {
    pub(crate) start: Instant,
    client_id: String,
    client_secret: String,
    allowed_scopes: Vec<String>,
    token_lifetime: Duration,
    push_ttl: Duration,
    pub(crate) auto_respond: Option<AutoRespond>,
    users: Vec<User>,
    pushes: Vec<Push>,
    by_nonce: HashMap<String, usize>,
    tokens: HashMap<String, Token>,
    pub(crate) faults: Faults,
    pub(crate) log: RequestLog,
}

/// 32 random bytes, base64url without padding.
pub(crate) fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

fn rfc3339(t: SystemTime) -> String {
    humantime::format_rfc3339_millis(t).to_string()
}

impl State {
    /// Builds the world from an already validated config.
    pub(crate) fn new(config: &SimConfig, client_secret: String, start: Instant) -> Self {
        let mut state = Self {
            start,
            client_id: config.client_id.clone(),
            client_secret,
            allowed_scopes: config
                .allowed_scopes
                .clone()
                .unwrap_or_else(|| SCOPES.iter().map(|s| (*s).to_owned()).collect()),
            token_lifetime: Duration::from_millis(config.token_lifetime_ms),
            push_ttl: Duration::from_millis(config.push_ttl_ms),
            auto_respond: config.auto_respond,
            users: Vec::new(),
            pushes: Vec::new(),
            by_nonce: HashMap::new(),
            tokens: HashMap::new(),
            faults: Faults::default(),
            log: RequestLog::default(),
        };
        for user in &config.users {
            state.add_user(user.clone());
        }
        for fault in &config.faults {
            state.faults.add(fault.clone());
        }
        state
    }

    pub(crate) fn ms_since_start(&self, t: Instant) -> f64 {
        t.saturating_duration_since(self.start).as_secs_f64() * 1000.0
    }

    // --- tokens ---

    pub(crate) fn client_matches(&self, id: &str, secret: &str) -> bool {
        id == self.client_id && secret == self.client_secret
    }

    /// The requested scopes that are allowed, in request order; all allowed ones when
    /// nothing was requested.
    pub(crate) fn grant(&self, requested: Option<&str>) -> Vec<String> {
        match requested.map(str::split_whitespace) {
            None => self.allowed_scopes.clone(),
            Some(words) => {
                let mut granted: Vec<String> = Vec::new();
                for word in words {
                    if self.allowed_scopes.iter().any(|s| s == word) && !granted.iter().any(|g| g == word) {
                        granted.push(word.to_owned());
                    }
                }
                granted
            }
        }
    }

    /// Issues a token; returns it with its `expires_in` seconds (rounded up, at least 1).
    pub(crate) fn issue_token(&mut self, scopes: Vec<String>) -> (String, u64) {
        let now = Instant::now();
        // Forget tokens that can no longer be used so a long run does not grow forever.
        self.tokens.retain(|_, t| now < t.expires);
        let token = random_token();
        self.tokens.insert(token.clone(), Token { scopes, expires: now + self.token_lifetime, revoked: false });
        let ms = u64::try_from(self.token_lifetime.as_millis()).unwrap_or(u64::MAX);
        (token, ms.div_ceil(1000).max(1))
    }

    pub(crate) fn authorize(&self, bearer: Option<&str>, scope: &'static str) -> Result<(), AuthError> {
        let bearer = bearer.ok_or(AuthError::Invalid("missing bearer token"))?;
        let token = self.tokens.get(bearer).ok_or(AuthError::Invalid("unknown access token"))?;
        if token.revoked {
            return Err(AuthError::Invalid("the access token was revoked"));
        }
        if Instant::now() >= token.expires {
            return Err(AuthError::Invalid("the access token has expired"));
        }
        if !token.scopes.iter().any(|s| s == scope) {
            return Err(AuthError::Scope(scope));
        }
        Ok(())
    }

    pub(crate) fn revoke_tokens(&mut self) {
        for token in self.tokens.values_mut() {
            token.revoked = true;
        }
    }

    // --- users and devices ---

    /// Adds a user, replacing one with the same id.
    pub(crate) fn add_user(&mut self, seed: SeedUser) {
        let user = User { id: seed.id, devices: Vec::new() };
        let index = match self.users.iter().position(|u| u.id == user.id) {
            Some(i) => {
                self.users[i] = user;
                i
            }
            None => {
                self.users.push(user);
                self.users.len() - 1
            }
        };
        for device in seed.devices {
            upsert_device(&mut self.users[index].devices, Device::new(device));
        }
    }

    /// Adds a device to a user, replacing one with the same id.
    pub(crate) fn add_device(&mut self, user_id: &str, seed: SeedDevice) -> Result<(), SimError> {
        let user = self.user_mut(user_id)?;
        upsert_device(&mut user.devices, Device::new(seed));
        Ok(())
    }

    fn user(&self, id: &str) -> Result<&User, SimError> {
        self.users.iter().find(|u| u.id == id).ok_or(SimError::NotFound(Missing::User))
    }

    fn user_mut(&mut self, id: &str) -> Result<&mut User, SimError> {
        self.users.iter_mut().find(|u| u.id == id).ok_or(SimError::NotFound(Missing::User))
    }

    pub(crate) fn devices(&self, user_id: &str) -> Result<Vec<DeviceView>, SimError> {
        Ok(self
            .user(user_id)?
            .devices
            .iter()
            .map(|d| DeviceView {
                id: d.id.clone(),
                name: d.name.clone(),
                platform: d.platform.clone(),
                created_at: rfc3339(d.created_at),
                last_used_at: d.last_used_at.map(rfc3339),
            })
            .collect())
    }

    /// Every device of every user, in insertion order.
    pub(crate) fn all_devices(&self) -> Vec<DeviceSummary> {
        self.users
            .iter()
            .flat_map(|u| {
                u.devices.iter().map(|d| DeviceSummary {
                    user_id: u.id.clone(),
                    id: d.id.clone(),
                    name: d.name.clone(),
                    platform: d.platform.clone(),
                })
            })
            .collect()
    }

    // --- pushes ---

    /// Creates a push to one device (`device = Some`) or to all of the user's devices.
    /// A repeated nonce for the same user and target returns the existing push.
    pub(crate) fn push(
        &mut self,
        user_id: &str,
        device: Option<&str>,
        message: &str,
        nonce: &str,
    ) -> Result<Created, SimError> {
        let user = self.user(user_id)?;
        let device_ids: Vec<String> = match device {
            Some(id) => {
                if !user.devices.iter().any(|d| d.id == id) {
                    return Err(SimError::NotFound(Missing::Device));
                }
                vec![id.to_owned()]
            }
            None => user.devices.iter().map(|d| d.id.clone()).collect(),
        };
        if device_ids.is_empty() {
            return Err(SimError::NotFound(Missing::Device));
        }
        if let Some(&i) = self.by_nonce.get(nonce) {
            let existing = &self.pushes[i];
            if existing.user_id == user_id && existing.target.as_deref() == device {
                return Ok(Created {
                    nonce: existing.nonce.clone(),
                    expires_at: rfc3339(existing.expires_at),
                    fresh: false,
                });
            }
            return Err(SimError::Conflict("the nonce is already used by a push to another user or device".to_owned()));
        }
        let created = Instant::now();
        let expires_at = SystemTime::now() + self.push_ttl;
        self.by_nonce.insert(nonce.to_owned(), self.pushes.len());
        self.pushes.push(Push {
            nonce: nonce.to_owned(),
            user_id: user_id.to_owned(),
            target: device.map(str::to_owned),
            device_ids,
            message: message.to_owned(),
            status: Status::Pending,
            created,
            expires: created + self.push_ttl,
            expires_at,
        });
        Ok(Created { nonce: nonce.to_owned(), expires_at: rfc3339(expires_at), fresh: true })
    }

    fn find(&self, nonce: &str) -> Result<usize, SimError> {
        self.by_nonce.get(nonce).copied().ok_or(SimError::NotFound(Missing::Nonce))
    }

    /// The current status of a push.
    pub(crate) fn status(&self, nonce: &str) -> Result<String, SimError> {
        let i = self.find(nonce)?;
        Ok(self.pushes[i].status_at(Instant::now()).as_str().to_owned())
    }

    /// Moves a PENDING push to `to` (CONFIRMED, REJECTED or EXPIRED).
    pub(crate) fn resolve(&mut self, nonce: &str, to: Status) -> Result<(), SimError> {
        let i = self.find(nonce)?;
        let now = Instant::now();
        let current = self.pushes[i].status_at(now);
        if current != Status::Pending {
            self.pushes[i].status = current.clone();
            return Err(SimError::Conflict(format!("the push is {}, not PENDING", current.as_str())));
        }
        let answered = matches!(to, Status::Confirmed | Status::Rejected);
        self.pushes[i].status = to;
        if answered {
            let device_ids = self.pushes[i].device_ids.clone();
            let user_id = self.pushes[i].user_id.clone();
            if let Ok(user) = self.user_mut(&user_id) {
                let used = SystemTime::now();
                for device in user.devices.iter_mut().filter(|d| device_ids.contains(&d.id)) {
                    device.last_used_at = Some(used);
                }
            }
        }
        Ok(())
    }

    /// Sets any state string, whatever the current state.
    pub(crate) fn set_state(&mut self, nonce: &str, state: &str) -> Result<(), SimError> {
        if state.is_empty() {
            return Err(SimError::Invalid("the state must not be empty".to_owned()));
        }
        let i = self.find(nonce)?;
        self.pushes[i].status = Status::parse(state);
        Ok(())
    }

    fn info(&self, push: &Push, now: Instant) -> PushInfo {
        PushInfo {
            nonce: push.nonce.clone(),
            user_id: push.user_id.clone(),
            device_ids: push.device_ids.clone(),
            message: push.message.clone(),
            status: push.status_at(now).as_str().to_owned(),
            created_ms: self.ms_since_start(push.created),
        }
    }

    /// Every push, oldest first.
    pub(crate) fn pushes(&self) -> Vec<PushInfo> {
        let now = Instant::now();
        self.pushes.iter().map(|p| self.info(p, now)).collect()
    }

    /// The pushes sent to a device: pending ones first (oldest first), then the others
    /// (newest first).
    pub(crate) fn device_pushes(&self, device_id: &str) -> Vec<PushInfo> {
        let now = Instant::now();
        let sent: Vec<&Push> = self.pushes.iter().filter(|p| p.device_ids.iter().any(|d| d == device_id)).collect();
        let pending = sent.iter().filter(|p| p.status_at(now) == Status::Pending);
        let done = sent.iter().rev().filter(|p| p.status_at(now) != Status::Pending);
        pending.chain(done).map(|p| self.info(p, now)).collect()
    }
}

fn upsert_device(devices: &mut Vec<Device>, device: Device) {
    match devices.iter_mut().find(|d| d.id == device.id) {
        Some(existing) => *existing = device,
        None => devices.push(device),
    }
}
