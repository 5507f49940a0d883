//! `PushTicket`: what a sent push returns, storable as a short string.

use std::fmt;
use std::str::FromStr;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::validate;

const PREFIX: &str = "omi1.";

/// A sent push. `to_string()` gives a compact, URL-safe form that [`PushTicket::parse`] reads
/// back, so a web app can keep it in a session and wait from another request or process.
/// It holds no secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushTicket {
    #[serde(rename = "n")]
    pub nonce: String,
    #[serde(rename = "u")]
    pub user_id: String,
    #[serde(rename = "d", default, skip_serializing_if = "Option::is_none")]
    pub device_id: Option<String>,
    /// Unix time in milliseconds when the push was accepted.
    #[serde(rename = "s")]
    pub sent_at_ms: u64,
    /// Unix time in milliseconds when the server said the push expires.
    #[serde(rename = "e", default, skip_serializing_if = "Option::is_none")]
    pub expires_at_ms: Option<u64>,
}

impl PushTicket {
    pub fn sent_at(&self) -> SystemTime {
        UNIX_EPOCH + Duration::from_millis(self.sent_at_ms)
    }
    pub fn expires_at(&self) -> Option<SystemTime> {
        self.expires_at_ms.map(|ms| UNIX_EPOCH + Duration::from_millis(ms))
    }

    /// Reads the string form back.
    pub fn parse(s: &str) -> Result<PushTicket> {
        let bad = |why: &str| Error::invalid("ticket", why.to_string());
        let body =
            s.trim().strip_prefix(PREFIX).ok_or_else(|| bad("is not an omi-push ticket (expected `omi1.` prefix)"))?;
        if body.len() > 4096 {
            return Err(bad("is too long"));
        }
        let bytes = URL_SAFE_NO_PAD.decode(body).map_err(|_| bad("is not valid base64url"))?;
        let t: PushTicket = serde_json::from_slice(&bytes).map_err(|_| bad("has an unreadable body"))?;
        validate::nonce(&t.nonce).map_err(|_| bad("carries a malformed nonce"))?;
        validate::id("ticket.user_id", &t.user_id)?;
        if let Some(d) = &t.device_id {
            validate::id("ticket.device_id", d)?;
        }
        Ok(t)
    }
}

impl fmt::Display for PushTicket {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let json = serde_json::to_vec(self).map_err(|_| fmt::Error)?;
        write!(f, "{PREFIX}{}", URL_SAFE_NO_PAD.encode(json))
    }
}

impl FromStr for PushTicket {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        PushTicket::parse(s)
    }
}

pub(crate) fn unix_ms(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH).map(|d| d.as_millis() as u64).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let t = PushTicket {
            nonce: validate::generate_nonce().expect("nonce"),
            user_id: "user/1".into(),
            device_id: Some("dev 1".into()),
            sent_at_ms: 1_700_000_000_123,
            expires_at_ms: Some(1_700_000_120_123),
        };
        let s = t.to_string();
        assert!(s.starts_with("omi1."));
        assert!(s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.'), "{s}");
        assert_eq!(PushTicket::parse(&s).expect("parse"), t);
        assert!(PushTicket::parse("omi1.!!!").is_err());
        assert!(PushTicket::parse("nonsense").is_err());
    }
}
