//! The OMI wire profile, in one place: paths, field names, scopes and state values.
//!
//! The vendor's OpenAPI file is not available, so parts of this profile are assumptions
//! (see the README's "Wire profile"). When the real file arrives, only this module and the
//! simulator should change. Parsing is tolerant: unknown fields are kept or ignored, and an
//! unknown confirmation state is never read as confirmed.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Scope needed to list a user's devices.
pub const SCOPE_DEVICES_GET: &str = "credential:omi:devices:get";
/// Scope needed to push to one device.
pub const SCOPE_PUSH_DEVICE: &str = "credential:omi:push-notification:device:post";
/// Scope needed to push to all of a user's devices.
pub const SCOPE_PUSH_ALL: &str = "credential:omi:push-notification:post";
/// Scope needed to poll for a confirmation.
pub const SCOPE_STATUS_GET: &str = "credential:omi:push-notification:status:get";
/// The four scopes a push integration needs; one token carries them all.
pub const DEFAULT_SCOPES: [&str; 4] = [
    SCOPE_DEVICES_GET,
    SCOPE_PUSH_DEVICE,
    SCOPE_PUSH_ALL,
    SCOPE_STATUS_GET,
];

/// Token path, relative to the base URL.
pub const TOKEN_PATH: &str = "/auth/oauth2.0/v1/token";

/// Placeholders used in the path templates.
pub const USER_ID: &str = "{userId}";
pub const DEVICE_ID: &str = "{deviceId}";

/// Endpoint path templates. Every one can be overridden in the configuration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Paths {
    /// `GET`, list devices. Confirmed.
    pub devices: String,
    /// `POST`, push to one device. Confirmed.
    pub push_device: String,
    /// `POST`, push to all devices. Assumed.
    pub push_all: String,
    /// `GET`, poll confirmation. Path confirmed.
    pub confirmation: String,
    /// Query parameter carrying the nonce on the confirmation path. Assumed.
    pub confirmation_query: String,
}

impl Default for Paths {
    fn default() -> Self {
        Paths {
            devices: "/omi/users/{userId}/devices".into(),
            push_device: "/omi/push/user/{userId}/device/{deviceId}".into(),
            push_all: "/omi/push/user/{userId}".into(),
            confirmation: "/omi/push/confirmation".into(),
            confirmation_query: "nonce".into(),
        }
    }
}

/// Body of a push request.
#[derive(Debug, Serialize)]
pub struct PushRequest<'a> {
    pub message: &'a str,
    pub nonce: &'a str,
}

/// Optional body of a push response.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct PushResponse {
    pub nonce: Option<String>,
    #[serde(rename = "expiresAt", alias = "expires_at")]
    pub expires_at: Option<String>,
}

/// One device as the server describes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Device {
    /// Device id (the only required field).
    pub id: String,
    /// Display name, if the server gives one.
    #[serde(default)]
    pub name: Option<String>,
    /// `android`, `ios` or whatever else the server says.
    #[serde(default)]
    pub platform: Option<String>,
    /// RFC 3339 enrolment time.
    #[serde(default, rename = "createdAt", alias = "created_at")]
    pub created_at: Option<String>,
    /// RFC 3339 time of last use.
    #[serde(default, rename = "lastUsedAt", alias = "last_used_at")]
    pub last_used_at: Option<String>,
    /// Every other field the server sent, kept as it came.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, Value>,
}

/// Parses a devices response: a JSON array of devices, or an object with a `devices` array.
pub fn parse_devices(body: &[u8]) -> Result<Vec<Device>, String> {
    let value: Value = serde_json::from_slice(body).map_err(|e| format!("devices body is not JSON: {e}"))?;
    let list = match value {
        Value::Array(items) => items,
        Value::Object(mut map) => match map.remove("devices") {
            Some(Value::Array(items)) => items,
            _ => return Err("devices body has no `devices` array".into()),
        },
        _ => return Err("devices body is neither an array nor an object".into()),
    };
    list.into_iter()
        .map(|item| serde_json::from_value::<Device>(item).map_err(|e| format!("bad device entry: {e}")))
        .collect()
}

/// Confirmation state of a push.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum State {
    Pending,
    Confirmed,
    Rejected,
    Expired,
    /// A value this profile does not know. Treated as still pending, never as confirmed.
    Unknown(String),
}

impl State {
    /// Reads a state value, case-insensitively.
    pub fn parse(raw: &str) -> State {
        match raw.trim().to_ascii_uppercase().as_str() {
            "PENDING" => State::Pending,
            "CONFIRMED" => State::Confirmed,
            "REJECTED" => State::Rejected,
            "EXPIRED" => State::Expired,
            _ => State::Unknown(raw.to_string()),
        }
    }

    /// Lower-case name: `pending`, `confirmed`, `rejected`, `expired` or `unknown`.
    pub fn as_str(&self) -> &'static str {
        match self {
            State::Pending => "pending",
            State::Confirmed => "confirmed",
            State::Rejected => "rejected",
            State::Expired => "expired",
            State::Unknown(_) => "unknown",
        }
    }

    /// True when no further change is expected.
    pub fn is_final(&self) -> bool {
        matches!(self, State::Confirmed | State::Rejected | State::Expired)
    }
}

/// Parses a confirmation response body and returns the raw state string.
pub fn parse_confirmation(body: &[u8]) -> Result<String, String> {
    let value: Value =
        serde_json::from_slice(body).map_err(|e| format!("confirmation body is not JSON: {e}"))?;
    match value.get("status").or_else(|| value.get("state")) {
        Some(Value::String(s)) => Ok(s.clone()),
        Some(_) => Err("confirmation `status` is not a string".into()),
        None => Err("confirmation body has no `status`".into()),
    }
}

/// Token endpoint success body.
#[derive(Debug, Deserialize)]
pub struct TokenResponse {
    pub access_token: String,
    #[serde(default)]
    pub token_type: Option<String>,
    #[serde(default)]
    pub expires_in: Option<f64>,
    #[serde(default)]
    pub scope: Option<String>,
}

/// What an error body told us, whichever envelope it used.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ErrorBody {
    pub code: Option<String>,
    pub message: Option<String>,
}

/// Reads `{error, error_description}`, `{error_code, error_message}`,
/// `{error_code, description}` or plain text.
pub fn parse_error_body(body: &[u8]) -> ErrorBody {
    const MAX: usize = 300;
    let text_of = |v: Option<&Value>| v.and_then(Value::as_str).map(str::to_string);
    if let Ok(Value::Object(map)) = serde_json::from_slice::<Value>(body) {
        let code = text_of(map.get("error_code")).or_else(|| text_of(map.get("error")));
        let message = text_of(map.get("error_message"))
            .or_else(|| text_of(map.get("error_description")))
            .or_else(|| text_of(map.get("description")))
            .or_else(|| text_of(map.get("message")));
        return ErrorBody { code, message: message.map(|m| truncate(&m, MAX)) };
    }
    let text = String::from_utf8_lossy(body);
    let text = text.trim();
    ErrorBody {
        code: None,
        message: (!text.is_empty()).then(|| truncate(text, MAX)),
    }
}

fn truncate(s: &str, max: usize) -> String {
    let clean: String = s.chars().filter(|c| !c.is_control()).take(max).collect();
    if s.chars().count() > max { format!("{clean}…") } else { clean }
}

/// Header names the server may use for a request id.
pub const REQUEST_ID_HEADERS: [&str; 3] = ["x-request-id", "x-correlation-id", "request-id"];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn devices_accept_array_and_object() {
        let a = parse_devices(br#"[{"id":"d1","name":"P","color":"red"}]"#).expect("array");
        assert_eq!(a[0].id, "d1");
        assert_eq!(a[0].extra.get("color"), Some(&Value::String("red".into())));
        let b = parse_devices(br#"{"devices":[{"id":"d2","platform":"ios"}]}"#).expect("object");
        assert_eq!(b[0].platform.as_deref(), Some("ios"));
        assert!(parse_devices(br#"{"items":[]}"#).is_err());
        assert!(parse_devices(br#"[{"name":"no id"}]"#).is_err());
    }

    #[test]
    fn states_are_case_insensitive_and_unknown_is_not_confirmed() {
        assert_eq!(State::parse("confirmed"), State::Confirmed);
        assert_eq!(State::parse("Rejected"), State::Rejected);
        assert_eq!(State::parse("CONFIRMED_MAYBE"), State::Unknown("CONFIRMED_MAYBE".into()));
        assert!(!State::parse("APPROVING").is_final());
    }

    #[test]
    fn error_envelopes() {
        let e = parse_error_body(br#"{"error":"invalid_client","error_description":"bad"}"#);
        assert_eq!((e.code.as_deref(), e.message.as_deref()), (Some("invalid_client"), Some("bad")));
        let e = parse_error_body(br#"{"error_code":"X","description":"d"}"#);
        assert_eq!((e.code.as_deref(), e.message.as_deref()), (Some("X"), Some("d")));
        let e = parse_error_body(b"gateway exploded\n");
        assert_eq!(e.message.as_deref(), Some("gateway exploded"));
    }
}
