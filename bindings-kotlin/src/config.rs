//! Client options as the Kotlin façade fills them in, converted to the core's `ClientOptions`.

use omi_push::{ClientOptions, Paths, Secret};

/// Endpoint path overrides; `None` keeps the core's default.
#[derive(Debug, Clone, Default, uniffi::Record)]
pub struct NativePaths {
    pub devices: Option<String>,
    pub push_device: Option<String>,
    pub push_all: Option<String>,
    pub confirmation: Option<String>,
    pub confirmation_query: Option<String>,
}

/// The core's flat option set without the secret and the token (which travel as separate
/// arguments, so that no generated record's `toString()` can show them). Durations in
/// milliseconds.
#[derive(Clone, uniffi::Record)]
pub struct NativeOptions {
    pub base_url: String,
    pub client_id: Option<String>,
    pub client_auth: Option<String>,
    pub token_url: Option<String>,
    pub scopes: Option<Vec<String>>,
    pub request_timeout_ms: Option<f64>,
    pub connect_timeout_ms: Option<f64>,
    pub poll_interval_ms: Option<f64>,
    pub wait_timeout_ms: Option<f64>,
    pub call_timeout_ms: Option<f64>,
    pub max_retries: Option<i32>,
    pub max_response_bytes: Option<i64>,
    pub request_budget: Option<u32>,
    pub http2: Option<String>,
    pub paths: Option<NativePaths>,
    pub max_message_chars: Option<i32>,
    pub allow_insecure_http: Option<bool>,
    pub ca_cert_pem: Option<String>,
    pub user_agent_suffix: Option<String>,
}

impl NativeOptions {
    pub(crate) fn into_core(
        self,
        client_secret: Option<String>,
        access_token: Option<String>,
    ) -> omi_push::Result<ClientOptions> {
        let config_err = |m: &str| omi_push::Error::Config(m.to_string());
        let max_retries = match self.max_retries {
            None => None,
            Some(n) => Some(u32::try_from(n).map_err(|_| config_err("max_retries must not be negative"))?),
        };
        let max_response_bytes = match self.max_response_bytes {
            None => None,
            Some(n) => Some(usize::try_from(n).map_err(|_| config_err("max_response_bytes must not be negative"))?),
        };
        let max_message_chars = match self.max_message_chars {
            None => None,
            Some(n) => Some(usize::try_from(n).map_err(|_| config_err("max_message_chars must not be negative"))?),
        };
        Ok(ClientOptions {
            base_url: self.base_url,
            client_id: self.client_id,
            client_secret: client_secret.map(Secret::new),
            access_token: access_token.map(Secret::new),
            client_auth: self.client_auth,
            token_url: self.token_url,
            scopes: self.scopes,
            request_timeout_ms: self.request_timeout_ms,
            connect_timeout_ms: self.connect_timeout_ms,
            poll_interval_ms: self.poll_interval_ms,
            wait_timeout_ms: self.wait_timeout_ms,
            call_timeout_ms: self.call_timeout_ms,
            max_retries,
            max_response_bytes,
            paths: self.paths.map(NativePaths::into_core),
            max_message_chars,
            allow_insecure_http: self.allow_insecure_http,
            ca_cert_pem: self.ca_cert_pem,
            user_agent_suffix: self.user_agent_suffix,
            request_budget: self.request_budget,
            http2: self.http2,
        })
    }
}

impl NativePaths {
    fn into_core(self) -> Paths {
        let d = Paths::default();
        Paths {
            devices: self.devices.unwrap_or(d.devices),
            push_device: self.push_device.unwrap_or(d.push_device),
            push_all: self.push_all.unwrap_or(d.push_all),
            confirmation: self.confirmation.unwrap_or(d.confirmation),
            confirmation_query: self.confirmation_query.unwrap_or(d.confirmation_query),
        }
    }
}
