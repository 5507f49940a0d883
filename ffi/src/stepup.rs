//! Step-up in FFI shape: its options (one record, checked by the core's rules); the challenge
//! record every binding returns from `begin` is with the other records (`records`).

use std::time::Duration;

use omi_push::{Client, StepUp, StepUpConfig, StoreConfig, Throttle};
use serde::Deserialize;

/// Options of a step-up as bindings receive them (milliseconds; `store` is `memory` or a
/// `redis://` URL). Unset fields take the core's defaults.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StepUpOptions {
    /// Signing keys (each at least 32 bytes); the first signs, every one verifies.
    #[serde(skip)]
    pub keys: Vec<Vec<u8>>,
    /// Challenges older than this are expired. Default 300 000 (5 minutes).
    pub max_age_ms: Option<f64>,
    /// Most unresolved challenges per user. Default 3.
    pub max_unresolved: Option<u32>,
    /// Least time between two pushes to one user. Default 10 000; 0 = none.
    pub min_gap_ms: Option<f64>,
    /// `memory` (default) or `redis://host:port/db`.
    pub store: Option<String>,
    /// Prefix of every Redis key. Default `omi-push:stepup:`.
    pub store_prefix: Option<String>,
}

impl StepUpOptions {
    /// The core configuration of these options.
    pub fn config(&self) -> omi_push::Result<StepUpConfig> {
        let mut c = StepUpConfig::new(Vec::new());
        c.keys = self.keys.clone();
        if let Some(v) = self.max_age_ms {
            c.max_age = omi_push::option_millis("max_age_ms", v)?;
        }
        let mut t = Throttle::default();
        if let Some(n) = self.max_unresolved {
            t.max_unresolved = n;
        }
        if let Some(v) = self.min_gap_ms {
            // 0 = no minimum gap; anything else by the one duration rule.
            t.min_gap = if v == 0.0 { Duration::ZERO } else { omi_push::option_millis("min_gap_ms", v)? };
        }
        c.throttle = t;
        if let Some(s) = &self.store {
            c.store = StoreConfig::parse(s)?;
        }
        if let Some(p) = &self.store_prefix {
            c.store_prefix = p.clone();
        }
        Ok(c)
    }

    /// The step-up on `client`.
    pub fn build(&self, client: Client) -> omi_push::Result<StepUp> {
        StepUp::new(client, self.config()?)
    }
}

/// The verdict names, in a stable order.
pub const VERDICTS: [&str; 4] = ["pending", "approved", "rejected", "expired"];

#[cfg(test)]
mod tests {
    use super::*;
    use omi_push::Error;

    #[test]
    fn options_follow_the_core_rules() {
        let o = StepUpOptions { keys: vec![vec![1; 32]], min_gap_ms: Some(0.0), ..Default::default() };
        let c = o.config().expect("config");
        assert_eq!((c.throttle.min_gap, c.max_age), (Duration::ZERO, Duration::from_secs(300)));
        for bad in [f64::NAN, -1.0, 0.0, 1e12] {
            let o = StepUpOptions { max_age_ms: Some(bad), ..Default::default() };
            assert!(matches!(o.config(), Err(Error::Config(_))), "{bad}");
        }
        let o = StepUpOptions { store: Some("ftp://x".into()), ..Default::default() };
        assert!(o.config().is_err());
        let parsed: StepUpOptions = serde_json::from_str(r#"{"max_unresolved":2,"store":"memory"}"#).expect("json");
        assert_eq!(parsed.max_unresolved, Some(2));
        assert!(serde_json::from_str::<StepUpOptions>(r#"{"nope":1}"#).is_err());
    }
}
