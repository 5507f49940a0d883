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
pub const DEFAULT_SCOPES: [&str; 4] = [SCOPE_DEVICES_GET, SCOPE_PUSH_DEVICE, SCOPE_PUSH_ALL, SCOPE_STATUS_GET];

/// Token path, relative to the base URL.
pub const TOKEN_PATH: &str = "/auth/oauth2.0/v1/token";

/// Placeholders used in the path templates.
pub const USER_ID: &str = "{userId}";
pub const DEVICE_ID: &str = "{deviceId}";

/// Endpoint path templates. Every one can be overridden in the configuration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
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

/// The confirmation state of a push, as last read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    pub state: State,
    /// The state string as the server sent it (secrets redacted, length capped).
    pub raw: String,
}

/// Parses a confirmation response body and returns the raw state string.
pub fn parse_confirmation(body: &[u8]) -> Result<String, String> {
    let value: Value = serde_json::from_slice(body).map_err(|e| format!("confirmation body is not JSON: {e}"))?;
    match value.get("status").or_else(|| value.get("state")) {
        Some(Value::String(s)) => Ok(s.clone()),
        Some(_) => Err("confirmation `status` is not a string".into()),
        None => Err("confirmation body has no `status`".into()),
    }
}

/// Form fields of the client-credentials grant (RFC 6749 §4.4).
pub const GRANT_TYPE: &str = "grant_type";
pub const GRANT_CLIENT_CREDENTIALS: &str = "client_credentials";
pub const FORM_SCOPE: &str = "scope";
pub const FORM_CLIENT_ID: &str = "client_id";
pub const FORM_CLIENT_SECRET: &str = "client_secret";
/// The token endpoint's error code for a scope it will not grant (RFC 6749 §5.2).
pub const TOKEN_ERROR_INVALID_SCOPE: &str = "invalid_scope";

/// The body of a token request; `client` is `Some((id, secret))` for `client_secret_post`.
pub fn token_form(scopes: &str, client: Option<(&str, &str)>) -> String {
    let mut form = url::form_urlencoded::Serializer::new(String::new());
    form.append_pair(GRANT_TYPE, GRANT_CLIENT_CREDENTIALS);
    form.append_pair(FORM_SCOPE, scopes);
    if let Some((id, secret)) = client {
        form.append_pair(FORM_CLIENT_ID, id);
        form.append_pair(FORM_CLIENT_SECRET, secret);
    }
    form.finish()
}

/// Token endpoint success body, read tolerantly: `expires_in` as a number or a numeric
/// string, `scope` as a space-separated string or a JSON array (or absent).
#[derive(Debug)]
pub struct TokenResponse {
    pub access_token: String,
    pub token_type: Option<String>,
    pub expires_in: Option<f64>,
    /// The scopes granted, when the server says.
    pub scope: Option<Vec<String>>,
}

/// Parses a token response. The error text never quotes the body (it holds the token).
pub fn parse_token_response(body: &[u8]) -> Result<TokenResponse, String> {
    let value: Value = serde_json::from_slice(body)
        .map_err(|e| format!("token response is not JSON ({:?} error at column {})", e.classify(), e.column()))?;
    let Value::Object(map) = value else {
        return Err("token response is not a JSON object".into());
    };
    let access_token = match map.get("access_token") {
        Some(Value::String(t)) => t.clone(),
        _ => return Err("token response has no `access_token` string".into()),
    };
    let token_type = map.get("token_type").and_then(Value::as_str).map(str::to_string);
    let expires_in = match map.get("expires_in") {
        Some(Value::Number(n)) => n.as_f64(),
        Some(Value::String(s)) => s.trim().parse::<f64>().ok(),
        _ => None,
    };
    let scope = match map.get("scope") {
        Some(Value::String(s)) => Some(s.split_whitespace().map(str::to_string).collect()),
        Some(Value::Array(items)) => Some(items.iter().filter_map(Value::as_str).map(str::to_string).collect()),
        _ => None,
    };
    Ok(TokenResponse { access_token, token_type, expires_in, scope })
}

/// An OMI operation: its method, the scope it needs and what a 404 means for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    ListDevices,
    PushDevice,
    PushAll,
    Status,
}

impl Op {
    /// The scope a token needs for this operation.
    pub fn scope(self) -> &'static str {
        match self {
            Op::ListDevices => SCOPE_DEVICES_GET,
            Op::PushDevice => SCOPE_PUSH_DEVICE,
            Op::PushAll => SCOPE_PUSH_ALL,
            Op::Status => SCOPE_STATUS_GET,
        }
    }
    /// `true` for GET (safe to repeat), `false` for the POST of a push.
    pub fn is_get(self) -> bool {
        matches!(self, Op::ListDevices | Op::Status)
    }
    /// The message of a 404 that came without one.
    pub fn not_found_text(self) -> &'static str {
        match self {
            Op::ListDevices | Op::PushAll => "unknown user",
            Op::PushDevice => "unknown user or device",
            Op::Status => "unknown nonce",
        }
    }
    /// Name for logs and errors.
    pub fn as_str(self) -> &'static str {
        match self {
            Op::ListDevices => "list_devices",
            Op::PushDevice => "push_device",
            Op::PushAll => "push_all",
            Op::Status => "confirmation_status",
        }
    }
}

/// Reads a push response: empty, not JSON or not an object means "nothing echoed".
pub fn parse_push_response(body: &[u8]) -> PushResponse {
    if body.iter().all(u8::is_ascii_whitespace) {
        return PushResponse::default();
    }
    serde_json::from_slice(body).unwrap_or_default()
}

/// What an error body told us, whichever envelope it used.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ErrorBody {
    pub code: Option<String>,
    pub message: Option<String>,
}

/// Reads `{error, error_description}`, `{error_code, error_message}`,
/// `{error_code, description}` or plain text. The text is raw: the caller redacts secrets
/// from it and caps its length before keeping it.
pub fn parse_error_body(body: &[u8]) -> ErrorBody {
    let text_of = |v: Option<&Value>| v.and_then(Value::as_str).map(str::to_string);
    if let Ok(Value::Object(map)) = serde_json::from_slice::<Value>(body) {
        let code = text_of(map.get("error_code")).or_else(|| text_of(map.get("error")));
        let message = text_of(map.get("error_message"))
            .or_else(|| text_of(map.get("error_description")))
            .or_else(|| text_of(map.get("description")))
            .or_else(|| text_of(map.get("message")));
        return ErrorBody { code, message };
    }
    let text = String::from_utf8_lossy(body);
    let text = text.trim();
    ErrorBody { code: None, message: (!text.is_empty()).then(|| text.to_string()) }
}

/// Longest server-supplied message kept in an error, in characters.
pub const MAX_SERVER_TEXT: usize = 300;
/// Longest server-supplied code or request id kept, in characters.
pub const MAX_SERVER_CODE: usize = 128;

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

    #[test]
    fn token_responses_are_read_tolerantly() {
        let t = parse_token_response(br#"{"access_token":"a","expires_in":"3600","scope":["x","y"]}"#).expect("ok");
        assert_eq!(t.expires_in, Some(3600.0));
        assert_eq!(t.scope, Some(vec!["x".to_string(), "y".to_string()]));
        let t = parse_token_response(br#"{"access_token":"a","expires_in":60,"scope":"x y"}"#).expect("ok");
        assert_eq!((t.expires_in, t.scope.map(|s| s.len())), (Some(60.0), Some(2)));
        let t = parse_token_response(br#"{"access_token":"a"}"#).expect("ok");
        assert!(t.scope.is_none() && t.expires_in.is_none());
        let err = parse_token_response(br#"{"access_token":"tok-secret","#).expect_err("truncated");
        assert!(!err.contains("tok-secret"), "{err}");
        assert!(parse_token_response(br#"{"token":"a"}"#).is_err());
    }

    #[test]
    fn token_form_fields() {
        assert_eq!(token_form("a b", None), "grant_type=client_credentials&scope=a+b");
        assert_eq!(
            token_form("a", Some(("i d", "s&t"))),
            "grant_type=client_credentials&scope=a&client_id=i+d&client_secret=s%26t"
        );
    }
}
