//! The step-up challenge: a versioned, HMAC-SHA256-authenticated string carrying the user, the
//! action, the device, the nonce, the issue time and the expiry. It carries no secret and is
//! safe in a cookie, a form or a URL; everything in it is checked before any request.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use crate::error::{Error, Result};

/// Version prefix of the challenge format.
pub(crate) const VERSION: &str = "su1";
/// Longest challenge read at all (longer ones are refused before decoding).
pub const MAX_CHALLENGE_CHARS: usize = 2048;
/// Shortest accepted signing key.
pub const MIN_KEY_BYTES: usize = 32;

/// What a challenge says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    #[serde(rename = "u")]
    pub user_id: String,
    #[serde(rename = "a")]
    pub action: String,
    #[serde(rename = "d")]
    pub device_id: Option<String>,
    #[serde(rename = "n")]
    pub nonce: String,
    /// Unix milliseconds.
    #[serde(rename = "i")]
    pub issued_at_ms: u64,
    /// Unix milliseconds.
    #[serde(rename = "e")]
    pub expires_at_ms: u64,
}

/// The signing keys: the first signs, every one verifies (key rotation).
#[derive(Clone)]
pub(crate) struct Keys(Vec<Vec<u8>>);

impl std::fmt::Debug for Keys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Keys({} key(s), ***)", self.0.len())
    }
}

fn invalid(reason: &str) -> Error {
    Error::InvalidChallenge { reason: reason.into() }
}

impl Keys {
    pub(crate) fn new(keys: Vec<Vec<u8>>) -> Result<Keys> {
        if keys.is_empty() {
            return Err(Error::Config("step-up needs at least one signing key".into()));
        }
        if keys.iter().any(|k| k.len() < MIN_KEY_BYTES) {
            return Err(Error::Config(format!("every step-up signing key needs at least {MIN_KEY_BYTES} bytes")));
        }
        Ok(Keys(keys))
    }

    fn mac(key: &[u8], signed: &str) -> Hmac<Sha256> {
        // HMAC takes keys of any length; `new_from_slice` cannot fail for it.
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key).unwrap_or_else(|_| unreachable!("HMAC key"));
        mac.update(signed.as_bytes());
        mac
    }

    /// The challenge string of `claims`, signed with the first key.
    pub(crate) fn sign(&self, claims: &Claims) -> Result<String> {
        let payload =
            serde_json::to_vec(claims).map_err(|e| Error::Internal(format!("cannot encode a challenge: {e}")))?;
        let signed = format!("{VERSION}.{}", URL_SAFE_NO_PAD.encode(payload));
        let tag = Keys::mac(&self.0[0], &signed).finalize().into_bytes();
        Ok(format!("{signed}.{}", URL_SAFE_NO_PAD.encode(tag)))
    }

    /// The claims of a challenge signed by any of the keys; `InvalidChallenge` otherwise.
    pub(crate) fn verify(&self, challenge: &str) -> Result<Claims> {
        if challenge.is_empty() || challenge.len() > MAX_CHALLENGE_CHARS {
            return Err(invalid("empty or too long"));
        }
        let (signed, tag) = challenge.rsplit_once('.').ok_or_else(|| invalid("not a step-up challenge"))?;
        let (version, payload) = signed.split_once('.').ok_or_else(|| invalid("not a step-up challenge"))?;
        if version != VERSION {
            return Err(invalid("unknown challenge version"));
        }
        let tag = URL_SAFE_NO_PAD.decode(tag).map_err(|_| invalid("the signature is not base64url"))?;
        // Constant-time comparison (Mac::verify_slice), against every key.
        if !self.0.iter().any(|key| Keys::mac(key, signed).verify_slice(&tag).is_ok()) {
            return Err(invalid("the signature does not match (edited, or signed with another key)"));
        }
        let payload = URL_SAFE_NO_PAD.decode(payload).map_err(|_| invalid("the payload is not base64url"))?;
        let claims: Claims = serde_json::from_slice(&payload).map_err(|_| invalid("the payload is not readable"))?;
        Ok(claims)
    }
}

/// Version prefix of the form token (the CSRF field of the flow's POST forms).
const FORM_TOKEN_VERSION: &str = "ft1";

impl Keys {
    fn form_signed(user_id: &str, action: &str, hour: u64) -> String {
        // NUL cannot occur in a user id or an action (both are validated before this).
        format!("{FORM_TOKEN_VERSION}\0{user_id}\0{action}\0{hour}")
    }

    /// A form token for `user_id` and `action` in the hour `hour` (Unix hours), signed with the
    /// first key: an attacker's page cannot make one for somebody else.
    pub(crate) fn form_token(&self, user_id: &str, action: &str, hour: u64) -> String {
        let tag = Keys::mac(&self.0[0], &Keys::form_signed(user_id, action, hour)).finalize().into_bytes();
        format!("{hour}.{}", URL_SAFE_NO_PAD.encode(tag))
    }

    /// True for a token of this user and action made in the hour `now_hour` or the one before,
    /// by any of the keys (constant-time comparison).
    pub(crate) fn check_form_token(&self, user_id: &str, action: &str, token: &str, now_hour: u64) -> bool {
        let Some((hour, tag)) = token.split_once('.') else { return false };
        let (Ok(hour), Ok(tag)) = (hour.parse::<u64>(), URL_SAFE_NO_PAD.decode(tag)) else { return false };
        if hour > now_hour || now_hour - hour > 1 {
            return false;
        }
        let signed = Keys::form_signed(user_id, action, hour);
        self.0.iter().any(|key| Keys::mac(key, &signed).verify_slice(&tag).is_ok())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims() -> Claims {
        Claims {
            user_id: "alice".into(),
            action: "change-payment-method".into(),
            device_id: Some("dev-1".into()),
            nonce: "AAAAAAAAAAAAAAAAAAAAAAAA".into(),
            issued_at_ms: 1_000,
            expires_at_ms: 301_000,
        }
    }

    #[test]
    fn round_trip_rotation_and_every_edited_byte_is_refused() {
        let old = Keys::new(vec![vec![1u8; 32]]).expect("keys");
        let rotated = Keys::new(vec![vec![2u8; 32], vec![1u8; 32]]).expect("keys");
        let c = old.sign(&claims()).expect("sign");
        assert!(c.starts_with("su1.") && c.len() < 400, "{c}");
        assert_eq!(old.verify(&c).expect("verify"), claims());
        assert_eq!(rotated.verify(&c).expect("an old key still verifies"), claims());
        let new = rotated.sign(&claims()).expect("sign");
        assert!(old.verify(&new).is_err(), "the new key is unknown to the old set");
        let other = Keys::new(vec![vec![3u8; 32]]).expect("keys");
        assert!(matches!(other.verify(&c), Err(Error::InvalidChallenge { .. })));
        let bytes = c.as_bytes();
        for i in 0..bytes.len() {
            let mut edited = bytes.to_vec();
            edited[i] = if edited[i] == b'A' { b'B' } else { b'A' };
            let edited = String::from_utf8_lossy(&edited).to_string();
            if edited != c {
                assert!(matches!(old.verify(&edited), Err(Error::InvalidChallenge { .. })), "byte {i}: {edited}");
            }
        }
        for bad in ["", "su1", "su1.x", "su2.a.b", &c[..c.len() - 3], &"x".repeat(1_000_000)] {
            assert!(matches!(old.verify(bad), Err(Error::InvalidChallenge { .. })), "{bad:.40}");
        }
    }

    #[test]
    fn short_keys_are_refused() {
        assert!(matches!(Keys::new(vec![vec![0u8; 31]]), Err(Error::Config(_))));
        assert!(matches!(Keys::new(vec![]), Err(Error::Config(_))));
        assert!(!format!("{:?}", Keys::new(vec![vec![7u8; 32]]).expect("keys")).contains('7'));
    }

    #[test]
    fn form_tokens_are_bound_to_user_action_and_hour() {
        let keys = Keys::new(vec![vec![1u8; 32]]).expect("keys");
        let t = keys.form_token("alice", "pay", 100);
        assert!(keys.check_form_token("alice", "pay", &t, 100));
        assert!(keys.check_form_token("alice", "pay", &t, 101), "valid in the next hour too");
        assert!(!keys.check_form_token("alice", "pay", &t, 102), "not later");
        assert!(!keys.check_form_token("alice", "pay", &t, 99), "not from the future");
        assert!(!keys.check_form_token("bob", "pay", &t, 100), "another user");
        assert!(!keys.check_form_token("alice", "view", &t, 100), "another action");
        let other = Keys::new(vec![vec![2u8; 32]]).expect("keys");
        assert!(!other.check_form_token("alice", "pay", &t, 100), "another key");
        let forged = format!("101{}", &t[3..]);
        assert!(!keys.check_form_token("alice", "pay", &forged, 101), "the hour is signed");
        for bad in ["", ".", "100.", "x.y", "100.!!"] {
            assert!(!keys.check_form_token("alice", "pay", bad, 100), "{bad}");
        }
    }
}
