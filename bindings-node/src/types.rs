//! Plain objects that cross the boundary. Their doc comments become the generated `.d.ts`.

use napi_derive::napi;
use serde_json::{Map, Value};

/// Endpoint path templates; every field defaults to the OMI wire profile v1.
#[napi(object)]
#[derive(Default)]
pub struct PathOptions {
    /// `GET`, list devices. Default `/omi/users/{userId}/devices`.
    pub devices: Option<String>,
    /// `POST`, push to one device. Default `/omi/push/user/{userId}/device/{deviceId}`.
    pub push_device: Option<String>,
    /// `POST`, push to all of a user's devices. Default `/omi/push/user/{userId}`.
    pub push_all: Option<String>,
    /// `GET`, read a confirmation. Default `/omi/push/confirmation`.
    pub confirmation: Option<String>,
    /// Query parameter that carries the nonce. Default `nonce`.
    pub confirmation_query: Option<String>,
}

/// Options of a client. Give `clientId` and `clientSecret`, or `accessToken`.
#[napi(object)]
#[derive(Default)]
pub struct ClientOptions {
    /// The tenant's base URL, e.g. `https://tenant.example`. `http://` only for loopback
    /// unless `allowInsecureHttp` is set.
    pub base_url: String,
    /// OAuth2 client id (client-credentials grant).
    pub client_id: Option<String>,
    /// OAuth2 client secret. Never shown by `inspect`, `JSON.stringify`, errors or logs.
    pub client_secret: Option<String>,
    /// A token obtained elsewhere, used as is and never refreshed (instead of client credentials).
    pub access_token: Option<String>,
    /// `basic` (HTTP Basic, the default) or `post` (credentials in the form body).
    pub client_auth: Option<String>,
    /// Token endpoint. Default `{baseUrl}/auth/oauth2.0/v1/token`.
    pub token_url: Option<String>,
    /// Scopes to request. Default: the four push scopes.
    pub scopes: Option<Vec<String>>,
    /// Timeout of one HTTP request, in milliseconds. Default 10 000.
    pub request_timeout_ms: Option<f64>,
    /// Default time between two polls of a wait, in milliseconds. Default 1 000.
    pub poll_interval_ms: Option<f64>,
    /// Default timeout of a wait, in milliseconds. Default 120 000.
    pub wait_timeout_ms: Option<f64>,
    /// Retries of an idempotent call (GET, token) after a transient failure. Default 2.
    pub max_retries: Option<u32>,
    /// Endpoint path overrides.
    pub paths: Option<PathOptions>,
    /// Longest accepted push message, in characters. Default 1 024.
    pub max_message_chars: Option<u32>,
    /// Allows `http://` to a host that is not loopback (test networks only).
    pub allow_insecure_http: Option<bool>,
    /// An extra trusted CA certificate, PEM.
    pub ca_cert_pem: Option<String>,
    /// Appended to the User-Agent (the wrapper sends `node/<version>`).
    pub user_agent_suffix: Option<String>,
}

/// Options of one wait; unset fields take the client's defaults.
#[napi(object)]
#[derive(Default)]
pub struct WaitOptions {
    /// Give up (outcome `timed_out`) after this many milliseconds.
    pub timeout_ms: Option<f64>,
    /// Milliseconds between the starts of two polls.
    pub poll_interval_ms: Option<f64>,
}

/// An enrolled device of a user.
#[napi(object)]
pub struct Device {
    /// Device id.
    pub id: String,
    /// Display name, if the server gives one.
    pub name: Option<String>,
    /// `android`, `ios` or whatever else the server says.
    pub platform: Option<String>,
    /// RFC 3339 enrolment time.
    pub created_at: Option<String>,
    /// RFC 3339 time of last use.
    pub last_used_at: Option<String>,
    /// Every other field the server sent, as it came.
    pub extra: Map<String, Value>,
}

impl From<omi_push::Device> for Device {
    fn from(d: omi_push::Device) -> Self {
        Device {
            id: d.id,
            name: d.name,
            platform: d.platform,
            created_at: d.created_at,
            last_used_at: d.last_used_at,
            extra: d.extra,
        }
    }
}

/// A sent push, with its compact string form.
#[napi(object)]
pub struct TicketData {
    /// The nonce to wait on.
    pub nonce: String,
    pub user_id: String,
    /// The device pushed to; absent when the push went to all of the user's devices.
    pub device_id: Option<String>,
    /// Unix time in milliseconds when the push was accepted.
    pub sent_at_ms: f64,
    /// Unix time in milliseconds when the server said the push expires.
    pub expires_at_ms: Option<f64>,
    /// The compact, URL-safe string form (`omi1.…`); holds no secret.
    pub encoded: String,
}

impl From<omi_push::PushTicket> for TicketData {
    fn from(t: omi_push::PushTicket) -> Self {
        let encoded = t.to_string();
        TicketData {
            nonce: t.nonce,
            user_id: t.user_id,
            device_id: t.device_id,
            sent_at_ms: t.sent_at_ms as f64,
            expires_at_ms: t.expires_at_ms.map(|ms| ms as f64),
            encoded,
        }
    }
}

/// A confirmation state.
#[napi(string_enum)]
pub enum ConfirmationState {
    #[napi(value = "pending")]
    Pending,
    #[napi(value = "confirmed")]
    Confirmed,
    #[napi(value = "rejected")]
    Rejected,
    #[napi(value = "expired")]
    Expired,
    /// A value the wire profile does not know; treated as still pending, never as confirmed.
    #[napi(value = "unknown")]
    Unknown,
}

/// The confirmation state of a push, as last read.
#[napi(object)]
pub struct Status {
    pub state: ConfirmationState,
    /// The state string as the server sent it.
    pub raw: String,
}

impl From<omi_push::Status> for Status {
    fn from(s: omi_push::Status) -> Self {
        let state = match s.state {
            omi_push::State::Pending => ConfirmationState::Pending,
            omi_push::State::Confirmed => ConfirmationState::Confirmed,
            omi_push::State::Rejected => ConfirmationState::Rejected,
            omi_push::State::Expired => ConfirmationState::Expired,
            _ => ConfirmationState::Unknown,
        };
        Status { state, raw: s.raw }
    }
}

/// How a wait ended.
#[napi(string_enum)]
pub enum OutcomeKind {
    #[napi(value = "confirmed")]
    Confirmed,
    #[napi(value = "rejected")]
    Rejected,
    #[napi(value = "expired")]
    Expired,
    #[napi(value = "timed_out")]
    TimedOut,
}

/// The result of a wait: data, not an error.
#[napi(object)]
pub struct Outcome {
    pub kind: OutcomeKind,
    /// `kind === 'confirmed'`.
    pub confirmed: bool,
    /// Milliseconds from the start of the wait to its end.
    pub elapsed_ms: f64,
    /// Confirmation requests sent (including failed ones).
    pub polls: u32,
    /// The last state string the server sent, as it came.
    pub last_status: Option<String>,
}

impl From<omi_push::Outcome> for Outcome {
    fn from(o: omi_push::Outcome) -> Self {
        let kind = match o.kind {
            omi_push::OutcomeKind::Confirmed => OutcomeKind::Confirmed,
            omi_push::OutcomeKind::Rejected => OutcomeKind::Rejected,
            omi_push::OutcomeKind::Expired => OutcomeKind::Expired,
            omi_push::OutcomeKind::TimedOut => OutcomeKind::TimedOut,
        };
        Outcome {
            confirmed: o.is_confirmed(),
            kind,
            elapsed_ms: o.elapsed.as_secs_f64() * 1000.0,
            polls: o.polls,
            last_status: o.last_status,
        }
    }
}
