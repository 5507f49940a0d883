//! Checks of caller input, made before any I/O; and path building with one segment per id.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use rand::TryRngCore;
use std::time::Duration;

use crate::error::{Error, Result};

/// Longest accepted user or device id.
pub const MAX_ID_CHARS: usize = 256;
const MIN_NONCE_CHARS: usize = 16;
const MAX_NONCE_CHARS: usize = 128;

/// Everything but unreserved characters is encoded, so `/`, `?`, `#` and `%` inside an id stay
/// inside one path segment.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'~').remove(b'.');

pub(crate) fn id(field: &str, value: &str) -> Result<()> {
    if value.is_empty() {
        return Err(Error::invalid(field, "must not be empty"));
    }
    if value.chars().count() > MAX_ID_CHARS {
        return Err(Error::invalid(field, format!("is longer than {MAX_ID_CHARS} characters")));
    }
    if value.chars().any(forbidden) {
        return Err(Error::invalid(field, "contains control, format or separator characters"));
    }
    if value.trim() != value {
        return Err(Error::invalid(field, "has leading or trailing whitespace"));
    }
    // URL parsers treat a `.` or `..` segment (even percent-encoded) as navigation.
    if value == "." || value == ".." {
        return Err(Error::invalid(field, "cannot be `.` or `..`"));
    }
    Ok(())
}

pub(crate) fn message(value: &str, max_chars: usize) -> Result<()> {
    if value.trim().is_empty() {
        return Err(Error::invalid("message", "must not be empty"));
    }
    let n = value.chars().count();
    if n > max_chars {
        return Err(Error::invalid("message", format!("has {n} characters; the maximum is {max_chars}")));
    }
    if value.chars().any(|c| c != '\n' && forbidden(c)) {
        return Err(Error::invalid("message", "contains control, format or separator characters"));
    }
    Ok(())
}

/// A caller-given nonce: 16 to 128 URL-safe characters (`A-Z a-z 0-9 - _`).
pub(crate) fn nonce(value: &str) -> Result<()> {
    let n = value.len();
    if !(MIN_NONCE_CHARS..=MAX_NONCE_CHARS).contains(&n) {
        return Err(Error::invalid(
            "nonce",
            format!("must be {MIN_NONCE_CHARS} to {MAX_NONCE_CHARS} characters long (got {n})"),
        ));
    }
    if !value.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') {
        return Err(Error::invalid("nonce", "may only contain A-Z, a-z, 0-9, `-` and `_`"));
    }
    Ok(())
}

/// Longest accepted duration of any kind (timeouts, intervals, backoffs).
pub const MAX_WAIT: Duration = Duration::from_secs(86_400);

/// Shortest accepted poll interval: a wait sends at most 20 polls a second.
pub const MIN_POLL_INTERVAL: Duration = Duration::from_millis(50);

/// The one duration rule, for client options and per-call values alike: greater than zero,
/// at least `floor`, at most [`MAX_WAIT`]. Returns why a value is refused.
pub(crate) fn duration_rule(d: Duration, floor: Duration) -> std::result::Result<(), String> {
    if d.is_zero() {
        Err("must be greater than zero".into())
    } else if d < floor {
        Err(format!("must be at least {} ms", floor.as_millis()))
    } else if d > MAX_WAIT {
        Err("must be at most one day".into())
    } else {
        Ok(())
    }
}

/// A duration given in (possibly fractional) milliseconds, as bindings receive them:
/// NaN, infinite, zero, negative and over-a-day values are refused, with the reason.
pub(crate) fn millis_rule(ms: f64, floor: Duration) -> std::result::Result<Duration, String> {
    if !ms.is_finite() || ms <= 0.0 {
        return Err("must be a positive, finite number".into());
    }
    let d = Duration::from_secs_f64(ms.min(MAX_WAIT.as_secs_f64() * 1000.0 + 1.0) / 1000.0);
    duration_rule(d, floor)?;
    Ok(d)
}

/// A duration option given in milliseconds (client or step-up options, as bindings pass them),
/// by the one duration rule; refused as [`Error::Config`] naming the option.
pub fn option_millis(field: &str, ms: f64) -> Result<Duration> {
    millis_rule(ms, floor_of(field)).map_err(|r| Error::Config(format!("{field} {r}")))
}

/// The floor of a per-call or client duration named `field`.
pub(crate) fn floor_of(field: &str) -> Duration {
    if field == "poll_interval" { MIN_POLL_INTERVAL } else { Duration::ZERO }
}

/// A per-call duration: refused as [`Error::InvalidArgument`].
pub(crate) fn timeout(field: &str, d: Option<Duration>) -> Result<()> {
    match d {
        Some(d) => duration_rule(d, floor_of(field)).map_err(|reason| Error::invalid(field, reason)),
        None => Ok(()),
    }
}

/// A per-call duration in milliseconds: refused as [`Error::InvalidArgument`].
pub(crate) fn millis(field: &str, ms: f64) -> Result<Duration> {
    millis_rule(ms, floor_of(field)).map_err(|reason| Error::invalid(field, reason))
}

/// Characters refused in ids and messages: control characters (Cc), format characters (Cf:
/// bidirectional overrides, zero-width characters, the BOM…) and the line and paragraph
/// separators (Zl, Zp). The Cf list is Unicode 16's.
pub(crate) fn forbidden(c: char) -> bool {
    if c.is_control() {
        return true;
    }
    matches!(
        c as u32,
        0x00AD
            | 0x0600..=0x0605
            | 0x061C
            | 0x06DD
            | 0x070F
            | 0x0890..=0x0891
            | 0x08E2
            | 0x180E
            | 0x200B..=0x200F
            | 0x2028..=0x202E
            | 0x2060..=0x2064
            | 0x2066..=0x206F
            | 0xFEFF
            | 0xFFF9..=0xFFFB
            | 0x110BD
            | 0x110CD
            | 0x13430..=0x1343F
            | 0x1BCA0..=0x1BCA3
            | 0x1D173..=0x1D17A
            | 0xE0001
            | 0xE0020..=0xE007F
    )
}

/// A fresh nonce: 144 bits straight from the OS CSPRNG (no user-space generator, which a
/// `fork()` would duplicate), base64url without padding (24 characters).
pub fn generate_nonce() -> Result<String> {
    use base64::Engine;
    let mut bytes = [0u8; 18];
    rand::rngs::OsRng
        .try_fill_bytes(&mut bytes)
        .map_err(|e| Error::Config(format!("the OS random generator failed: {e}")))?;
    Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes))
}

/// Fills `{userId}` / `{deviceId}` in a path template with percent-encoded single segments.
pub(crate) fn fill(template: &str, pairs: &[(&str, &str)]) -> String {
    let mut out = template.to_string();
    for (placeholder, value) in pairs {
        let encoded = utf8_percent_encode(value, SEGMENT).to_string();
        out = out.replace(placeholder, &encoded);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids() {
        assert!(id("user_id", "user-1").is_ok());
        assert!(id("user_id", "").is_err());
        assert!(id("user_id", &"x".repeat(257)).is_err());
        assert!(id("user_id", &"é".repeat(256)).is_ok());
        assert!(id("user_id", "a\nb").is_err());
        assert!(id("user_id", "..").is_err());
        assert!(id("user_id", "a/../b").is_ok());
        for c in ['\u{202E}', '\u{200B}', '\u{FEFF}', '\u{2028}', '\u{2029}', '\u{E0041}', '\u{AD}'] {
            assert!(id("user_id", &format!("ab{c}cd")).is_err(), "{:X}", c as u32);
            assert!(message(&format!("Confirm{c}"), 100).is_err(), "{:X}", c as u32);
        }
        assert!(id("user_id", "ünïcödé-用户").is_ok());
    }

    #[test]
    fn segments_stay_single() {
        let p = fill("/omi/users/{userId}/devices", &[("{userId}", "a/../b?c#d%e f")]);
        assert_eq!(p, "/omi/users/a%2F..%2Fb%3Fc%23d%25e%20f/devices");
    }

    #[test]
    fn nonces() {
        let n = generate_nonce().expect("nonce");
        assert_eq!(n.len(), 24);
        assert!(nonce(&n).is_ok());
        assert_ne!(generate_nonce().expect("nonce"), n);
        assert!(nonce("short").is_err());
        assert!(nonce("has space in it 1234").is_err());
        assert!(nonce("0123456789abcdef/x").is_err());
    }

    #[test]
    fn millis_values() {
        assert_eq!(millis("timeout", 1500.0).expect("ok"), Duration::from_millis(1500));
        for bad in [0.0, -1.0, f64::NAN, f64::INFINITY, 86_400_001.0] {
            assert_eq!(millis("timeout", bad).expect_err("bad").field(), Some("timeout"));
        }
        assert!(millis("poll_interval", 49.0).is_err());
        assert!(millis("poll_interval", 50.0).is_ok());
        assert!(timeout("timeout", Some(Duration::MAX)).is_err());
        assert!(timeout("poll_interval", Some(Duration::from_nanos(1))).is_err());
    }

    #[test]
    fn messages() {
        assert!(message("Confirm", 10).is_ok());
        assert!(message("  ", 10).is_err());
        assert!(message("12345678901", 10).is_err());
        assert!(message("line\nbreak", 20).is_ok());
        assert!(message("bell\u{7}", 20).is_err());
    }
}
