//! Client configuration, validated once when built.

use std::time::Duration;

use serde::Deserialize;
use url::Url;

use crate::error::{Error, Result};
use crate::events::EventHook;
pub use crate::retry::RetryPolicy;
pub use crate::secret::Secret;
use crate::validate::{self, MIN_POLL_INTERVAL};
use crate::wire::{self, Paths};

/// Default cap of a successful response body (devices, push, confirmation).
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 256 * 1024;
/// Largest accepted `max_response_bytes`.
pub const MAX_RESPONSE_BYTES_LIMIT: usize = 64 * 1024 * 1024;
/// Cap of a token response body and of any error body (only its start is read).
pub const SMALL_BODY_BYTES: usize = 16 * 1024;
/// Default total time budget of one call (list, push, status), retries included.
pub const DEFAULT_CALL_TIMEOUT: Duration = Duration::from_secs(30);

/// Whether the client speaks HTTP/2.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Http2 {
    /// HTTP/2 when the server offers it over TLS (ALPN), else HTTP/1.1.
    #[default]
    Auto,
    /// HTTP/2 only (prior knowledge).
    Always,
    /// HTTP/1.1 only.
    Never,
}

/// How the client authenticates at the token endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ClientAuth {
    /// HTTP Basic (`client_secret_basic`), the vendor's choice.
    #[default]
    Basic,
    /// `client_id` and `client_secret` in the form body (`client_secret_post`).
    Post,
}

/// Where access tokens come from.
#[derive(Debug, Clone)]
pub enum Credentials {
    /// OAuth2 client credentials, cached and refreshed by the client.
    ClientSecret { client_id: String, client_secret: Secret, auth: ClientAuth },
    /// A token the caller obtained elsewhere; used as is, never refreshed.
    StaticToken(Secret),
}

/// A validated configuration. Build it with [`Config::builder`] or [`Config::from_options`].
#[derive(Debug, Clone)]
pub struct Config {
    pub(crate) base_url: Url,
    pub(crate) token_url: Url,
    pub(crate) credentials: Credentials,
    pub(crate) scopes: Vec<String>,
    pub(crate) request_timeout: Duration,
    pub(crate) connect_timeout: Duration,
    pub(crate) poll_interval: Duration,
    pub(crate) wait_timeout: Duration,
    pub(crate) call_timeout: Duration,
    pub(crate) max_response_bytes: usize,
    pub(crate) retry: RetryPolicy,
    pub(crate) on_event: Option<EventHook>,
    pub(crate) request_budget: Option<u32>,
    pub(crate) http2: Http2,
    pub(crate) paths: Paths,
    pub(crate) max_message_chars: usize,
    pub(crate) ca_cert_pem: Option<Vec<u8>>,
    pub(crate) user_agent: String,
}

impl Config {
    pub fn builder(base_url: impl Into<String>) -> ConfigBuilder {
        ConfigBuilder::new(base_url)
    }

    /// Builds from the flat option set the language bindings fill in.
    pub fn from_options(o: ClientOptions) -> Result<Config> {
        let mut b = ConfigBuilder::new(o.base_url);
        match (o.client_id, o.client_secret, o.access_token) {
            (Some(id), Some(secret), None) => b = b.client_credentials(id, secret),
            (None, None, Some(token)) => b = b.static_token(token),
            (_, _, Some(_)) => {
                return Err(Error::Config("give either client_id and client_secret, or access_token, not both".into()));
            }
            (Some(_), None, None) => return Err(Error::Config("client_secret is missing".into())),
            (None, Some(_), None) => return Err(Error::Config("client_id is missing".into())),
            (None, None, None) => {
                return Err(Error::Config("no credentials: give client_id and client_secret, or access_token".into()));
            }
        }
        if let Some(a) = o.client_auth {
            b = b.client_auth(match a.to_ascii_lowercase().as_str() {
                "basic" => ClientAuth::Basic,
                "post" => ClientAuth::Post,
                other => return Err(Error::Config(format!("client_auth must be `basic` or `post`, not `{other}`"))),
            });
        }
        if let Some(u) = o.token_url {
            b = b.token_url(u);
        }
        if let Some(s) = o.scopes {
            b = b.scopes(s);
        }
        let ms = |field: &str, v: Option<f64>| v.map(|v| validate::option_millis(field, v)).transpose();
        if let Some(d) = ms("request_timeout", o.request_timeout_ms)? {
            b = b.request_timeout(d);
        }
        if let Some(d) = ms("connect_timeout", o.connect_timeout_ms)? {
            b = b.connect_timeout(d);
        }
        if let Some(d) = ms("poll_interval", o.poll_interval_ms)? {
            b = b.poll_interval(d);
        }
        if let Some(d) = ms("wait_timeout", o.wait_timeout_ms)? {
            b = b.wait_timeout(d);
        }
        if let Some(d) = ms("call_timeout", o.call_timeout_ms)? {
            b = b.call_timeout(d);
        }
        if let Some(n) = o.max_response_bytes {
            b = b.max_response_bytes(n);
        }
        if let Some(n) = o.request_budget {
            b = b.request_budget(n);
        }
        if let Some(h) = o.http2 {
            b = b.http2(match h.to_ascii_lowercase().as_str() {
                "auto" => Http2::Auto,
                "always" => Http2::Always,
                "never" => Http2::Never,
                other => {
                    return Err(Error::Config(format!("http2 must be `auto`, `always` or `never`, not `{other}`")));
                }
            });
        }
        if let Some(n) = o.max_retries {
            b.retry.max_retries = n;
        }
        if let Some(p) = o.paths {
            b = b.paths(p);
        }
        if let Some(n) = o.max_message_chars {
            b = b.max_message_chars(n);
        }
        if let Some(v) = o.allow_insecure_http {
            b = b.allow_insecure_http(v);
        }
        if let Some(pem) = o.ca_cert_pem {
            b = b.ca_cert_pem(pem.into_bytes());
        }
        if let Some(ua) = o.user_agent_suffix {
            b = b.user_agent_suffix(ua);
        }
        b.build()
    }

    pub fn base_url(&self) -> &Url {
        &self.base_url
    }
    pub fn token_url(&self) -> &Url {
        &self.token_url
    }
    pub fn poll_interval(&self) -> Duration {
        self.poll_interval
    }
    pub fn wait_timeout(&self) -> Duration {
        self.wait_timeout
    }
    pub fn request_timeout(&self) -> Duration {
        self.request_timeout
    }
    pub fn call_timeout(&self) -> Duration {
        self.call_timeout
    }
    pub fn max_response_bytes(&self) -> usize {
        self.max_response_bytes
    }
    pub fn retry_policy(&self) -> RetryPolicy {
        self.retry
    }
    /// The same configuration with `hook` receiving every event (see [`crate::Event`]); for
    /// bindings, which build from [`ClientOptions`].
    pub fn with_event_hook(mut self, hook: EventHook) -> Config {
        self.on_event = Some(hook);
        self
    }
    pub fn user_agent(&self) -> &str {
        &self.user_agent
    }
    /// The client id, if client credentials are used.
    pub fn client_id(&self) -> Option<&str> {
        match &self.credentials {
            Credentials::ClientSecret { client_id, .. } => Some(client_id),
            Credentials::StaticToken(_) => None,
        }
    }
}

/// The flat option set that the bindings fill in from their language's arguments.
/// Durations are in milliseconds. Unknown JSON fields are an error, so a typo is not silently
/// ignored.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ClientOptions {
    pub base_url: String,
    pub client_id: Option<String>,
    pub client_secret: Option<Secret>,
    pub access_token: Option<Secret>,
    pub client_auth: Option<String>,
    pub token_url: Option<String>,
    pub scopes: Option<Vec<String>>,
    pub request_timeout_ms: Option<f64>,
    pub connect_timeout_ms: Option<f64>,
    pub poll_interval_ms: Option<f64>,
    pub wait_timeout_ms: Option<f64>,
    /// Total budget of one list, push or status call, retries included.
    pub call_timeout_ms: Option<f64>,
    pub max_retries: Option<u32>,
    /// Cap of a successful response body, in bytes.
    pub max_response_bytes: Option<usize>,
    /// Requests a second for the whole client (off when unset).
    pub request_budget: Option<u32>,
    /// `auto` (default), `always` or `never`.
    pub http2: Option<String>,
    pub paths: Option<Paths>,
    pub max_message_chars: Option<usize>,
    pub allow_insecure_http: Option<bool>,
    pub ca_cert_pem: Option<String>,
    /// Appended to the User-Agent, e.g. `python/3.11`.
    pub user_agent_suffix: Option<String>,
}

/// Builder of [`Config`].
#[derive(Debug, Clone)]
pub struct ConfigBuilder {
    base_url: String,
    token_url: Option<String>,
    credentials: Option<Credentials>,
    auth: ClientAuth,
    scopes: Vec<String>,
    request_timeout: Duration,
    connect_timeout: Duration,
    poll_interval: Duration,
    wait_timeout: Duration,
    call_timeout: Duration,
    max_response_bytes: usize,
    retry: RetryPolicy,
    on_event: Option<EventHook>,
    request_budget: Option<u32>,
    http2: Http2,
    paths: Paths,
    max_message_chars: usize,
    allow_insecure_http: bool,
    ca_cert_pem: Option<Vec<u8>>,
    user_agent_suffix: Option<String>,
}

impl ConfigBuilder {
    pub fn new(base_url: impl Into<String>) -> ConfigBuilder {
        ConfigBuilder {
            base_url: base_url.into(),
            token_url: None,
            credentials: None,
            auth: ClientAuth::Basic,
            scopes: wire::DEFAULT_SCOPES.iter().map(|s| s.to_string()).collect(),
            request_timeout: Duration::from_secs(10),
            connect_timeout: Duration::from_secs(5),
            poll_interval: Duration::from_secs(1),
            wait_timeout: Duration::from_secs(120),
            call_timeout: DEFAULT_CALL_TIMEOUT,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            retry: RetryPolicy::default(),
            on_event: None,
            request_budget: None,
            http2: Http2::Auto,
            paths: Paths::default(),
            max_message_chars: 1024,
            allow_insecure_http: false,
            ca_cert_pem: None,
            user_agent_suffix: None,
        }
    }

    pub fn client_credentials(mut self, client_id: impl Into<String>, client_secret: impl Into<Secret>) -> Self {
        self.credentials = Some(Credentials::ClientSecret {
            client_id: client_id.into(),
            client_secret: client_secret.into(),
            auth: self.auth,
        });
        self
    }
    pub fn static_token(mut self, token: impl Into<Secret>) -> Self {
        self.credentials = Some(Credentials::StaticToken(token.into()));
        self
    }
    pub fn client_auth(mut self, auth: ClientAuth) -> Self {
        self.auth = auth;
        self
    }
    pub fn token_url(mut self, url: impl Into<String>) -> Self {
        self.token_url = Some(url.into());
        self
    }
    pub fn scopes<I: IntoIterator<Item = S>, S: Into<String>>(mut self, scopes: I) -> Self {
        self.scopes = scopes.into_iter().map(Into::into).collect();
        self
    }
    pub fn request_timeout(mut self, d: Duration) -> Self {
        self.request_timeout = d;
        self
    }
    pub fn connect_timeout(mut self, d: Duration) -> Self {
        self.connect_timeout = d;
        self
    }
    pub fn poll_interval(mut self, d: Duration) -> Self {
        self.poll_interval = d;
        self
    }
    pub fn wait_timeout(mut self, d: Duration) -> Self {
        self.wait_timeout = d;
        self
    }
    /// Total time budget of one list, push or status call, token and retries included
    /// (default 30 s). Waits have their own timeout.
    pub fn call_timeout(mut self, d: Duration) -> Self {
        self.call_timeout = d;
        self
    }
    /// Cap of a successful response body in bytes (default 256 KiB, at most 64 MiB). Token
    /// responses and error bodies are capped at 16 KiB.
    pub fn max_response_bytes(mut self, n: usize) -> Self {
        self.max_response_bytes = n;
        self
    }
    /// At most `per_second` requests a second for the whole client (every clone), spread
    /// evenly; off by default. When the waits of one client would exceed it, every wait's
    /// interval stretches by the same share.
    pub fn request_budget(mut self, per_second: u32) -> Self {
        self.request_budget = Some(per_second);
        self
    }
    /// HTTP/2: `Auto` (default) negotiates it over TLS (ALPN) when the server offers it,
    /// `Always` speaks it from the start (prior knowledge, also over plain HTTP), `Never`
    /// keeps to HTTP/1.1.
    pub fn http2(mut self, mode: Http2) -> Self {
        self.http2 = mode;
        self
    }
    /// Calls `hook` with every event of the client (requests, token requests, retries, rate
    /// limits, pushes, waits): a place to count and time them. It runs on runtime threads.
    pub fn on_event(mut self, hook: impl Fn(&crate::Event) + Send + Sync + 'static) -> Self {
        self.on_event = Some(EventHook::new(hook));
        self
    }
    pub fn retry_policy(mut self, p: RetryPolicy) -> Self {
        self.retry = p;
        self
    }
    pub fn paths(mut self, p: Paths) -> Self {
        self.paths = p;
        self
    }
    pub fn max_message_chars(mut self, n: usize) -> Self {
        self.max_message_chars = n;
        self
    }
    /// Allows `http://` to a host that is not loopback. Only for test networks.
    pub fn allow_insecure_http(mut self, allow: bool) -> Self {
        self.allow_insecure_http = allow;
        self
    }
    /// An extra trusted CA certificate (PEM), e.g. a corporate proxy's.
    pub fn ca_cert_pem(mut self, pem: Vec<u8>) -> Self {
        self.ca_cert_pem = Some(pem);
        self
    }
    /// Names the binding in the User-Agent, e.g. `python/3.11`.
    pub fn user_agent_suffix(mut self, s: impl Into<String>) -> Self {
        self.user_agent_suffix = Some(s.into());
        self
    }

    pub fn build(self) -> Result<Config> {
        let base_url = self.parse_url("base_url", &self.base_url)?;
        let token_url = match &self.token_url {
            Some(u) => self.parse_url("token_url", u)?,
            None => {
                let joined = format!("{}{}", base_url.as_str().trim_end_matches('/'), wire::TOKEN_PATH);
                self.parse_url("token_url", &joined)?
            }
        };
        let credentials = match self.credentials {
            Some(Credentials::ClientSecret { client_id, client_secret, .. }) => {
                if client_id.trim().is_empty() {
                    return Err(Error::Config("client_id is empty".into()));
                }
                if client_secret.expose().is_empty() {
                    return Err(Error::Config("client_secret is empty".into()));
                }
                Credentials::ClientSecret { client_id, client_secret, auth: self.auth }
            }
            Some(Credentials::StaticToken(t)) => {
                if t.expose().trim().is_empty() || t.expose().chars().any(|c| c.is_control() || c == ' ') {
                    return Err(Error::Config("access_token is empty or has spaces or control characters".into()));
                }
                Credentials::StaticToken(t)
            }
            None => return Err(Error::Config("no credentials: give client credentials or a static token".into())),
        };
        if self.scopes.is_empty() || self.scopes.iter().any(|s| s.is_empty() || s.contains(char::is_whitespace)) {
            return Err(Error::Config("scopes must be non-empty strings without spaces".into()));
        }
        for (name, d, floor) in [
            ("request_timeout", self.request_timeout, Duration::ZERO),
            ("connect_timeout", self.connect_timeout, Duration::ZERO),
            ("poll_interval", self.poll_interval, MIN_POLL_INTERVAL),
            ("wait_timeout", self.wait_timeout, Duration::ZERO),
            ("call_timeout", self.call_timeout, Duration::ZERO),
        ] {
            validate::duration_rule(d, floor).map_err(|r| Error::Config(format!("{name} {r}")))?;
        }
        self.retry.check().map_err(Error::Config)?;
        if self.max_message_chars == 0 || self.max_message_chars > 100_000 {
            return Err(Error::Config("max_message_chars must be between 1 and 100000".into()));
        }
        if let Some(n) = self.request_budget {
            if n == 0 || n > crate::budget::MAX_BUDGET {
                return Err(Error::Config(format!(
                    "request_budget must be 1 to {} requests a second",
                    crate::budget::MAX_BUDGET
                )));
            }
        }
        if !(1024..=MAX_RESPONSE_BYTES_LIMIT).contains(&self.max_response_bytes) {
            return Err(Error::Config(format!(
                "max_response_bytes must be between 1024 and {MAX_RESPONSE_BYTES_LIMIT}"
            )));
        }
        check_paths(&self.paths)?;
        let mut user_agent = format!("omi-push/{} (rust)", env!("CARGO_PKG_VERSION"));
        if let Some(s) = &self.user_agent_suffix {
            let s: String = s.chars().filter(|c| !c.is_control()).collect();
            user_agent = format!("omi-push/{} ({s})", env!("CARGO_PKG_VERSION"));
        }
        Ok(Config {
            base_url,
            token_url,
            credentials,
            scopes: self.scopes,
            request_timeout: self.request_timeout,
            connect_timeout: self.connect_timeout,
            poll_interval: self.poll_interval,
            wait_timeout: self.wait_timeout,
            call_timeout: self.call_timeout,
            max_response_bytes: self.max_response_bytes,
            retry: self.retry,
            on_event: self.on_event,
            request_budget: self.request_budget,
            http2: self.http2,
            paths: self.paths,
            max_message_chars: self.max_message_chars,
            ca_cert_pem: self.ca_cert_pem,
            user_agent,
        })
    }

    fn parse_url(&self, field: &str, raw: &str) -> Result<Url> {
        let url = Url::parse(raw.trim()).map_err(|e| Error::Config(format!("{field} is not a valid URL: {e}")))?;
        if !url.username().is_empty() || url.password().is_some() {
            return Err(Error::Config(format!("{field} must not carry credentials")));
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(Error::Config(format!("{field} must not have a query or fragment")));
        }
        match url.scheme() {
            "https" => {}
            "http" if self.allow_insecure_http || is_loopback(&url) => {}
            "http" => {
                return Err(Error::Config(format!(
                    "{field} uses http:// to a host that is not loopback; use https:// (or allow insecure http for test networks)"
                )));
            }
            other => return Err(Error::Config(format!("{field} has unsupported scheme `{other}`"))),
        }
        Ok(url)
    }
}

/// Only the literal name `localhost`, `127.0.0.0/8` and `[::1]` count as loopback: any other
/// name (`*.localhost` included) is resolved through DNS and may reach another host.
fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

fn check_paths(p: &Paths) -> Result<()> {
    let need = [
        ("paths.devices", &p.devices, &[wire::USER_ID][..]),
        ("paths.push_device", &p.push_device, &[wire::USER_ID, wire::DEVICE_ID][..]),
        ("paths.push_all", &p.push_all, &[wire::USER_ID][..]),
        ("paths.confirmation", &p.confirmation, &[][..]),
    ];
    for (name, path, placeholders) in need {
        if !path.starts_with('/') || path.contains(['?', '#']) {
            return Err(Error::Config(format!("{name} must start with `/` and have no query or fragment")));
        }
        for ph in placeholders {
            if !path.contains(ph) {
                return Err(Error::Config(format!("{name} must contain `{ph}`")));
            }
        }
    }
    if p.confirmation_query.is_empty()
        || !p.confirmation_query.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        return Err(Error::Config("paths.confirmation_query must be a plain parameter name".into()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn creds(b: ConfigBuilder) -> ConfigBuilder {
        b.client_credentials("id", "very-secret")
    }

    #[test]
    fn https_required_except_loopback() {
        assert!(creds(Config::builder("http://127.0.0.1:8080")).build().is_ok());
        assert!(creds(Config::builder("http://localhost:1")).build().is_ok());
        assert!(creds(Config::builder("http://[::1]:1")).build().is_ok());
        let err = creds(Config::builder("http://example.com")).build().expect_err("plain http");
        assert!(matches!(err, Error::Config(_)));
        assert!(creds(Config::builder("http://example.com")).allow_insecure_http(true).build().is_ok());
        assert!(creds(Config::builder("ftp://example.com")).build().is_err());
        for remote in ["http://evil.localhost:1", "http://localhost.evil.example", "http://127.0.0.1.nip.io"] {
            assert!(creds(Config::builder(remote)).build().is_err(), "{remote}");
        }
        assert!(creds(Config::builder("http://127.8.9.10:1")).build().is_ok());
    }

    #[test]
    fn a_mistyped_path_key_is_refused() {
        let ok: std::result::Result<ClientOptions, _> =
            serde_json::from_str(r#"{"base_url":"https://t","paths":{"devices":"/d/{userId}"}}"#);
        assert_eq!(ok.expect("known key").paths.expect("paths").devices, "/d/{userId}");
        let typo = serde_json::from_str::<ClientOptions>(r#"{"base_url":"https://t","paths":{"device":"/d"}}"#);
        assert!(typo.expect_err("typo").to_string().contains("unknown field `device`"));
    }

    #[test]
    fn durations_follow_one_rule() {
        for bad in [Duration::ZERO, Duration::MAX, Duration::from_secs(86_401)] {
            assert!(creds(Config::builder("https://t")).wait_timeout(bad).build().is_err(), "{bad:?}");
            assert!(creds(Config::builder("https://t")).request_timeout(bad).build().is_err(), "{bad:?}");
            assert!(creds(Config::builder("https://t")).call_timeout(bad).build().is_err(), "{bad:?}");
        }
        assert!(creds(Config::builder("https://t")).poll_interval(Duration::from_nanos(1)).build().is_err());
        assert!(creds(Config::builder("https://t")).poll_interval(Duration::MAX).build().is_err());
        let huge = RetryPolicy { max_retries: 2, initial_backoff: Duration::MAX, max_backoff: Duration::MAX };
        assert!(creds(Config::builder("https://t")).retry_policy(huge).build().is_err());
        let many = RetryPolicy { max_retries: u32::MAX, ..Default::default() };
        assert!(matches!(creds(Config::builder("https://t")).retry_policy(many).build(), Err(Error::Config(_))));
        let o = ClientOptions {
            base_url: "https://t".into(),
            client_id: Some("a".into()),
            client_secret: Some(Secret::new("s")),
            poll_interval_ms: Some(1e-6),
            ..Default::default()
        };
        assert!(matches!(Config::from_options(o), Err(Error::Config(_))));
        assert!(creds(Config::builder("https://t")).max_response_bytes(10).build().is_err());
    }

    #[test]
    fn token_url_defaults_under_base() {
        let c = creds(Config::builder("https://tenant.example/api/")).build().expect("config");
        assert_eq!(c.token_url.as_str(), "https://tenant.example/api/auth/oauth2.0/v1/token");
    }

    #[test]
    fn debug_hides_secret() {
        let c = creds(Config::builder("https://t.example")).build().expect("config");
        let text = format!("{c:?}");
        assert!(!text.contains("very-secret"), "{text}");
        let t = Config::builder("https://t.example").static_token("tok-123456").build().expect("config");
        assert!(!format!("{t:?}").contains("tok-123456"));
    }

    #[test]
    fn rejects_bad_values() {
        assert!(creds(Config::builder("https://t")).poll_interval(Duration::ZERO).build().is_err());
        let p = Paths { push_device: "/omi/push/{userId}".into(), ..Default::default() };
        assert!(creds(Config::builder("https://t")).paths(p).build().is_err());
        assert!(Config::builder("https://t").build().is_err());
    }

    #[test]
    fn options_need_exactly_one_credential_kind() {
        let o = ClientOptions { base_url: "https://t".into(), client_id: Some("a".into()), ..Default::default() };
        assert!(Config::from_options(o).is_err());
        let o = ClientOptions {
            base_url: "https://t".into(),
            access_token: Some(Secret::new("x")),
            client_id: Some("a".into()),
            client_secret: Some(Secret::new("s")),
            ..Default::default()
        };
        assert!(Config::from_options(o).is_err());
    }
}
