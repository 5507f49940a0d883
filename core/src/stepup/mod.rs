//! Step-up: let *this user* do *this one thing*, *now*, *once*.
//!
//! [`StepUp::begin`] sends the push (throttled per user) and returns a signed challenge bound
//! to the user, the action, the device and the push's nonce. [`StepUp::check`] (one poll) and
//! [`StepUp::wait`] (until a final state) verify the challenge before any request — signature,
//! key, user, action, age — and give `Approved` exactly once: the first one that sees the
//! confirmation consumes the challenge atomically in the store (memory, or Redis across every
//! instance of an app); later ones get [`Error::AlreadyUsed`]. A store that cannot answer is
//! [`Error::StoreUnavailable`]: nothing is approved (fail closed).

mod challenge;
pub mod flow;
pub mod page;
mod store;

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use crate::client::Client;
use crate::error::{Error, Result};
use crate::ticket::unix_ms;
use crate::validate;
use crate::wait::{OutcomeKind, WaitOptions};
use crate::wire::{Device, State};

use challenge::Keys;
pub use challenge::{Claims, MAX_CHALLENGE_CHARS, MIN_KEY_BYTES};
use store::{Mark, MemoryStore, RedisStore, Store};
pub use store::{REDIS_PREFIX, Throttle};

/// Longest accepted action name.
pub const MAX_ACTION_CHARS: usize = 64;

/// Where step-up state is kept.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum StoreConfig {
    /// In this process (one instance).
    #[default]
    Memory,
    /// In Redis (`redis://host:port/db`, `rediss://…`), shared by every instance.
    Redis(String),
}

impl StoreConfig {
    /// `memory` or a `redis://` / `rediss://` URL.
    pub fn parse(s: &str) -> Result<StoreConfig> {
        match s.trim() {
            "" | "memory" => Ok(StoreConfig::Memory),
            url if url.starts_with("redis://") || url.starts_with("rediss://") || url.starts_with("redis+unix://") => {
                Ok(StoreConfig::Redis(url.to_string()))
            }
            _ => Err(Error::Config("the step-up store is `memory` or a redis:// URL".into())),
        }
    }
}

/// Options of a [`StepUp`].
#[derive(Debug, Clone)]
pub struct StepUpConfig {
    /// Signing keys, each at least 32 bytes: the first signs, every one verifies.
    pub keys: Vec<Vec<u8>>,
    /// A challenge older than this is expired (no request is made for it). Default 5 minutes.
    pub max_age: Duration,
    /// The push throttle (default: at most 3 unresolved challenges per user, 10 s apart).
    pub throttle: Throttle,
    pub store: StoreConfig,
    /// Prefix of every Redis key (default `omi-push:stepup:`): apps, or test runs, that share
    /// one Redis keep apart by it.
    pub store_prefix: String,
}

impl StepUpConfig {
    pub fn new(key: impl Into<Vec<u8>>) -> StepUpConfig {
        StepUpConfig {
            keys: vec![key.into()],
            max_age: Duration::from_secs(300),
            throttle: Throttle::default(),
            store: StoreConfig::Memory,
            store_prefix: REDIS_PREFIX.to_string(),
        }
    }
}

/// The state of a step-up challenge.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Verdict {
    /// No answer yet (or the wait timed out before one).
    Pending,
    /// Confirmed on the phone; given once per challenge.
    Approved,
    /// Denied on the phone.
    Rejected,
    /// The push or the challenge expired.
    Expired,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Pending => "pending",
            Verdict::Approved => "approved",
            Verdict::Rejected => "rejected",
            Verdict::Expired => "expired",
        }
    }
    /// True for every verdict but `Pending`.
    pub fn is_final(self) -> bool {
        self != Verdict::Pending
    }
}

/// What [`StepUp::begin`] returns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Challenge {
    /// The signed challenge string (no secret in it).
    pub text: String,
    pub claims: Claims,
}

/// Step-up challenges on top of a [`Client`]. Cheap to clone.
#[derive(Clone)]
pub struct StepUp {
    inner: Arc<Inner>,
}

struct Inner {
    client: Client,
    keys: Keys,
    max_age: Duration,
    throttle: Throttle,
    store: Box<dyn Store>,
}

impl std::fmt::Debug for StepUp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StepUp")
            .field("keys", &self.inner.keys)
            .field("max_age", &self.inner.max_age)
            .finish_non_exhaustive()
    }
}

/// An action name: 1 to 64 of `A-Z a-z 0-9 . _ : -`.
fn action(value: &str) -> Result<()> {
    if value.is_empty() || value.chars().count() > MAX_ACTION_CHARS {
        return Err(Error::invalid("action", format!("must be 1 to {MAX_ACTION_CHARS} characters")));
    }
    if !value.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | ':' | '-')) {
        return Err(Error::invalid("action", "may only contain A-Z, a-z, 0-9, `.`, `_`, `:` and `-`"));
    }
    Ok(())
}

impl StepUp {
    pub fn new(client: Client, config: StepUpConfig) -> Result<StepUp> {
        let keys = Keys::new(config.keys)?;
        validate::duration_rule(config.max_age, Duration::from_secs(1))
            .map_err(|r| Error::Config(format!("max_age {r}")))?;
        if config.throttle.max_unresolved == 0 || config.throttle.min_gap > validate::MAX_WAIT {
            return Err(Error::Config("throttle: max_unresolved must be at least 1, min_gap at most a day".into()));
        }
        let store: Box<dyn Store> = match &config.store {
            StoreConfig::Memory => Box::new(MemoryStore::default()),
            StoreConfig::Redis(url) => {
                let p = &config.store_prefix;
                if p.is_empty() || p.len() > 128 || p.chars().any(|c| c.is_control() || c.is_whitespace()) {
                    return Err(Error::Config("store_prefix must be 1 to 128 visible characters".into()));
                }
                Box::new(RedisStore::new(url, p)?)
            }
        };
        Ok(StepUp {
            inner: Arc::new(Inner { client, keys, max_age: config.max_age, throttle: config.throttle, store }),
        })
    }

    /// A token for the hidden field of a form that starts a step-up (the flow's device picker
    /// and "send again"): bound to the user, the action and the hour, so a page of another site
    /// cannot make the user's browser send pushes (CSRF). Valid for one to two hours.
    pub fn form_token(&self, user_id: &str, action: &str) -> String {
        self.inner.keys.form_token(user_id, action, unix_ms(SystemTime::now()) / 3_600_000)
    }

    /// True when `token` is a [`StepUp::form_token`] of this user and action, still valid.
    pub fn check_form_token(&self, user_id: &str, action: &str, token: &str) -> bool {
        self.inner.keys.check_form_token(user_id, action, token, unix_ms(SystemTime::now()) / 3_600_000)
    }

    /// The client behind this step-up.
    pub fn client(&self) -> &Client {
        &self.inner.client
    }

    /// The user's devices, for a picker; give the chosen id (or `None`, all devices) to
    /// [`StepUp::begin`].
    pub async fn devices(&self, user_id: &str) -> Result<Vec<Device>> {
        self.inner.client.list_devices(user_id).await
    }

    /// Sends the push to `device_id` (or all the user's devices) and returns the challenge.
    /// Over the throttle it fails with [`Error::Throttled`] and sends nothing.
    pub async fn begin(
        &self,
        user_id: &str,
        action_name: &str,
        device_id: Option<&str>,
        message: &str,
    ) -> Result<Challenge> {
        validate::id("user_id", user_id)?;
        action(action_name)?;
        if let Some(d) = device_id {
            validate::id("device_id", d)?;
        }
        validate::message(message, self.inner.client.config().max_message_chars)?;
        let nonce = validate::generate_nonce()?;
        let issued = unix_ms(SystemTime::now());
        let expires = issued + self.inner.max_age.as_millis() as u64;
        let claims = Claims {
            user_id: user_id.to_string(),
            action: action_name.to_string(),
            device_id: device_id.map(str::to_string),
            nonce: nonce.clone(),
            issued_at_ms: issued,
            expires_at_ms: expires,
        };
        let text = self.inner.keys.sign(&claims)?;
        self.inner.store.reserve(user_id, &nonce, issued, expires, self.inner.throttle).await?;
        if let Err(e) = self.inner.client.send_push(user_id, device_id, message, Some(&nonce)).await {
            // Nothing is pending on the phone: the slot goes back (the gap stays).
            let _ = self.inner.store.release(user_id, &nonce).await;
            return Err(e);
        }
        Ok(Challenge { text, claims })
    }

    /// Everything decided before any request: signature and key, user, action, age, reuse.
    /// `Ok(None)` = expired.
    /// The claims of a challenge signed by one of our keys for this user and action, with the
    /// time (unix ms) it ends: its expiry or `max_age` after its issue, whichever is first.
    fn bound(&self, challenge: &str, user_id: &str, action_name: &str) -> Result<(Claims, u64)> {
        let claims = self.inner.keys.verify(challenge)?;
        if claims.user_id != user_id {
            return Err(Error::ChallengeMismatch { field: "user".into() });
        }
        if claims.action != action_name {
            return Err(Error::ChallengeMismatch { field: "action".into() });
        }
        let end = claims.expires_at_ms.min(claims.issued_at_ms.saturating_add(self.inner.max_age.as_millis() as u64));
        Ok((claims, end))
    }

    async fn verify(&self, challenge: &str, user_id: &str, action_name: &str) -> Result<Option<Claims>> {
        let (claims, end) = self.bound(challenge, user_id, action_name)?;
        if unix_ms(SystemTime::now()) >= end {
            return Ok(None);
        }
        if self.inner.store.is_used(Mark::Used, &claims.nonce).await? {
            return Err(Error::AlreadyUsed);
        }
        Ok(Some(claims))
    }

    /// The verdict of a final state; `Approved` only for the one caller that consumes it.
    async fn settle(&self, claims: &Claims, state: Option<OutcomeKind>) -> Result<Verdict> {
        let verdict = match state {
            Some(OutcomeKind::Confirmed) => {
                let ttl = Duration::from_millis(claims.expires_at_ms.saturating_sub(unix_ms(SystemTime::now())))
                    .max(Duration::from_secs(1));
                if !self.inner.store.consume(Mark::Used, &claims.nonce, ttl).await? {
                    return Err(Error::AlreadyUsed);
                }
                Verdict::Approved
            }
            Some(OutcomeKind::Rejected) => Verdict::Rejected,
            Some(OutcomeKind::Expired) => Verdict::Expired,
            Some(OutcomeKind::TimedOut) | None => return Ok(Verdict::Pending),
        };
        // Resolved: no longer counts against the throttle (best effort; the entry expires).
        let _ = self.inner.store.release(&claims.user_id, &claims.nonce).await;
        Ok(verdict)
    }

    /// One poll: `pending`, `approved` (once), `rejected` or `expired`.
    pub async fn check(&self, challenge: &str, user_id: &str, action_name: &str) -> Result<Verdict> {
        let Some(claims) = self.verify(challenge, user_id, action_name).await? else {
            return Ok(Verdict::Expired);
        };
        let status = self.inner.client.confirmation_status(&claims.nonce).await?;
        let state = match status.state {
            State::Confirmed => Some(OutcomeKind::Confirmed),
            State::Rejected => Some(OutcomeKind::Rejected),
            State::Expired => Some(OutcomeKind::Expired),
            State::Pending | State::Unknown(_) => None,
        };
        self.settle(&claims, state).await
    }

    /// Spends the approval of `challenge`, once — for guards: the waiting page's status route
    /// approves (`check`), the protected route redeems. `Ok(true)` the first time after an
    /// approval, within `max_age`; `Ok(false)` when it was never approved or is too old;
    /// [`Error::AlreadyUsed`] when it was redeemed before. No request is made.
    pub async fn redeem(&self, challenge: &str, user_id: &str, action_name: &str) -> Result<bool> {
        let (claims, end) = self.bound(challenge, user_id, action_name)?;
        let now = unix_ms(SystemTime::now());
        if now >= end || !self.inner.store.is_used(Mark::Used, &claims.nonce).await? {
            return Ok(false);
        }
        let ttl = Duration::from_millis(end - now).max(Duration::from_secs(1));
        if !self.inner.store.consume(Mark::Redeemed, &claims.nonce, ttl).await? {
            return Err(Error::AlreadyUsed);
        }
        Ok(true)
    }

    /// Waits until a final state, the timeout (then `Pending`), the challenge's expiry (then
    /// `Expired`) or cancellation, with every guarantee of [`Client::wait_for_confirmation`].
    pub async fn wait(
        &self,
        challenge: &str,
        user_id: &str,
        action_name: &str,
        options: WaitOptions,
    ) -> Result<Verdict> {
        let Some(claims) = self.verify(challenge, user_id, action_name).await? else {
            return Ok(Verdict::Expired);
        };
        let left = Duration::from_millis(claims.expires_at_ms.saturating_sub(unix_ms(SystemTime::now())));
        let wanted = options.timeout.unwrap_or(self.inner.client.config().wait_timeout);
        validate::timeout("timeout", Some(wanted))?;
        let options = options.timeout(wanted.min(left).max(Duration::from_millis(1)));
        let outcome = self.inner.client.wait_for_confirmation(&claims.nonce, options).await?;
        if outcome.kind == OutcomeKind::TimedOut && left <= wanted {
            return Ok(Verdict::Expired);
        }
        self.settle(&claims, Some(outcome.kind)).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn action_names() {
        assert!(action("change-payment-method").is_ok());
        assert!(action("view:card.number_1").is_ok());
        for bad in ["", "has space", "é", "a/b", &"x".repeat(65), "new\nline"] {
            assert_eq!(action(bad).expect_err("bad").field(), Some("action"), "{bad}");
        }
        assert_eq!(StoreConfig::parse("memory").ok(), Some(StoreConfig::Memory));
        assert!(matches!(StoreConfig::parse("redis://127.0.0.1:6379/0"), Ok(StoreConfig::Redis(_))));
        assert!(StoreConfig::parse("mysql://x").is_err());
    }
}
