//! Secrets and their redaction.
//!
//! [`Secret`] hides a value from `Debug` and `Display`. [`Redactor`] knows every secret value a
//! client holds or has held (the client secret in each encoding it is sent in, every access
//! token) and replaces them by `***` in any text that came from a server before that text is
//! stored in an error or logged: gateways that echo what they received must not make us echo
//! it further.

use std::fmt;
use std::sync::{Arc, RwLock};

use crate::process::{PerProcess, inherit_rw};

use base64::Engine;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// A secret string (client secret or access token). Its `Debug` and `Display` never show it.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(value.into())
    }
    /// The secret itself. Call only where it goes on the wire.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl From<String> for Secret {
    fn from(s: String) -> Secret {
        Secret(s)
    }
}

impl From<&str> for Secret {
    fn from(s: &str) -> Secret {
        Secret(s.to_string())
    }
}

impl<'de> serde::Deserialize<'de> for Secret {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        String::deserialize(d).map(Secret)
    }
}

/// What replaces a secret in redacted text.
pub const REDACTED: &str = "***";

/// Access tokens remembered for redaction; older ones are forgotten (a token refreshed every
/// few minutes for months must not grow this list without end: 1024 tokens of a 5-minute
/// lifetime cover three and a half days, long after the oldest expired).
const MAX_TOKENS: usize = 1024;

/// Everything but RFC 3986 unreserved characters is percent-encoded (a space as `%20`).
pub(crate) const UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'~');

/// Percent-encoding of a client id or secret that form decoders and plain percent decoders
/// read back the same way (RFC 6749 §2.3.1; a space is `%20`, never `+`).
pub(crate) fn credential_encode(s: &str) -> String {
    utf8_percent_encode(s, UNRESERVED).to_string()
}

/// The known secret values of one client, shared by its token source and its error mapping.
pub(crate) struct Redactor {
    /// Written only while the client is built, before any other thread can see it: no thread
    /// holds it for writing at a fork, so a forked child reads it as is.
    fixed: RwLock<Vec<String>>,
    /// Per process, as the token cache ([`crate::auth`]): a child sends only tokens it fetched,
    /// and keeps the parent's list for redaction when no thread was writing it at the fork.
    tokens: PerProcess<RwLock<Vec<String>>>,
}

impl Default for Redactor {
    fn default() -> Self {
        Redactor { fixed: RwLock::default(), tokens: PerProcess::new(RwLock::default(), inherit_rw) }
    }
}

impl Redactor {
    pub(crate) fn new() -> Arc<Redactor> {
        Arc::new(Redactor::default())
    }

    /// Registers the client secret in every form it goes on the wire: as is, form-encoded,
    /// percent-encoded, and inside the Basic value for `client_id`.
    pub(crate) fn add_client_secret(&self, client_id: &str, secret: &str) {
        let mut forms = vec![
            secret.to_string(),
            url::form_urlencoded::byte_serialize(secret.as_bytes()).collect::<String>(),
            credential_encode(secret),
        ];
        forms.push(basic_value(client_id, secret));
        let mut fixed = self.fixed.write().unwrap_or_else(|p| p.into_inner());
        for f in forms {
            if !f.is_empty() && !fixed.contains(&f) {
                fixed.push(f);
            }
        }
        // Longest first, so a value that contains another is replaced whole.
        fixed.sort_by_key(|s| std::cmp::Reverse(s.len()));
    }

    /// Registers a static token (never forgotten).
    pub(crate) fn add_fixed(&self, value: &str) {
        if value.is_empty() {
            return;
        }
        let mut fixed = self.fixed.write().unwrap_or_else(|p| p.into_inner());
        if !fixed.iter().any(|f| f == value) {
            fixed.push(value.to_string());
            fixed.sort_by_key(|s| std::cmp::Reverse(s.len()));
        }
    }

    /// Registers an access token the client received.
    pub(crate) fn add_token(&self, value: &str) {
        if value.is_empty() {
            return;
        }
        let mut tokens = self.tokens.get().write().unwrap_or_else(|p| p.into_inner());
        if tokens.iter().any(|t| t == value) {
            return;
        }
        if tokens.len() >= MAX_TOKENS {
            tokens.remove(0);
        }
        tokens.push(value.to_string());
    }

    /// `text` with every known secret replaced by `***`, control characters removed, and at
    /// most `max_chars` characters kept (redaction first, so a secret cut at the end cannot
    /// leak its prefix).
    pub(crate) fn scrub(&self, text: &str, max_chars: usize) -> String {
        let mut out = text.to_string();
        {
            let fixed = self.fixed.read().unwrap_or_else(|p| p.into_inner());
            let tokens = self.tokens.get().read().unwrap_or_else(|p| p.into_inner());
            for secret in fixed.iter().chain(tokens.iter()) {
                if out.contains(secret.as_str()) {
                    out = out.replace(secret.as_str(), REDACTED);
                }
            }
        }
        let clean: String = out.chars().filter(|c| !c.is_control()).take(max_chars).collect();
        if out.chars().filter(|c| !c.is_control()).count() > max_chars { format!("{clean}…") } else { clean }
    }

    /// [`Redactor::scrub`] for optional text.
    pub(crate) fn scrub_opt(&self, text: Option<String>, max_chars: usize) -> Option<String> {
        text.map(|t| self.scrub(&t, max_chars))
    }
}

/// The `Authorization` value of `client_secret_basic`.
pub(crate) fn basic_value(client_id: &str, secret: &str) -> String {
    let pair = format!("{}:{}", credential_encode(client_id), credential_encode(secret));
    format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(pair))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_form_of_the_secret_is_redacted() {
        let r = Redactor::new();
        let secret = "s3cr et+/=&~é:%";
        r.add_client_secret("my id", secret);
        r.add_token("tok-abc.def");
        let basic = basic_value("my id", secret);
        let form = url::form_urlencoded::byte_serialize(secret.as_bytes()).collect::<String>();
        let text = format!("got {secret} and {form} and {} and {basic} with tok-abc.def", credential_encode(secret));
        let out = r.scrub(&text, 10_000);
        assert!(!out.contains(secret) && !out.contains(&form) && !out.contains("tok-abc.def"), "{out}");
        assert!(!out.contains(basic.trim_start_matches("Basic ")), "{out}");
        assert!(out.contains("***"));
    }

    #[test]
    fn redaction_comes_before_truncation() {
        let r = Redactor::new();
        r.add_token("abcdefghijklmnop");
        let out = r.scrub("xxxxabcdefghijklmnop", 10);
        assert!(!out.contains("abcdef"), "{out}");
    }

    #[test]
    fn old_tokens_are_forgotten_after_a_bound() {
        let r = Redactor::new();
        for i in 0..(MAX_TOKENS + 5) {
            r.add_token(&format!("token-{i:04}"));
        }
        assert_eq!(r.tokens.get().read().map(|t| t.len()).unwrap_or(0), MAX_TOKENS);
        assert_eq!(r.scrub(&format!("token-{:04}", MAX_TOKENS + 4), 100), "***");
        assert_eq!(r.scrub("token-0000", 100), "token-0000");
    }

    #[test]
    fn credentials_encode_space_as_percent_20() {
        assert_eq!(credential_encode("a b+c:%/é"), "a%20b%2Bc%3A%25%2F%C3%A9");
    }
}
