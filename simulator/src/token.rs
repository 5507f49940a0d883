//! The OAuth2 token endpoint: client credentials, client auth by HTTP Basic or form body.

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD};
use serde_json::json;

use crate::form;
use crate::reply::Reply;
use crate::state::State;

/// Client id and secret from `Authorization: Basic`, each form-urlencoded (RFC 6749 §2.3.1).
/// `None` without a Basic header; `Some(None)` for one that cannot be decoded.
fn basic_credentials(headers: &HeaderMap) -> Option<Option<(String, String)>> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, encoded) = value.trim().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let encoded = encoded.trim();
    let decoded = STANDARD.decode(encoded).or_else(|_| STANDARD_NO_PAD.decode(encoded)).ok();
    let credentials = decoded
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .and_then(|text| text.split_once(':').map(|(id, secret)| (form::decode(id), form::decode(secret))));
    Some(credentials)
}

/// Handles `POST /auth/oauth2.0/v1/token`.
pub(crate) fn issue(state: &mut State, headers: &HeaderMap, body: &[u8]) -> Reply {
    let params = form::pairs(&String::from_utf8_lossy(body));
    let basic = basic_credentials(headers);
    let used_basic = basic.is_some();
    let client = match basic {
        Some(credentials) => credentials,
        None => match (form::get(&params, "client_id"), form::get(&params, "client_secret")) {
            (Some(id), Some(secret)) => Some((id.to_owned(), secret.to_owned())),
            _ => None,
        },
    };
    if !client.is_some_and(|(id, secret)| state.client_matches(&id, &secret)) {
        let reply = Reply::oauth_error(StatusCode::UNAUTHORIZED, "invalid_client", "client authentication failed");
        return if used_basic {
            reply.header(header::WWW_AUTHENTICATE, HeaderValue::from_static("Basic realm=\"omi-push-sim\""))
        } else {
            reply
        };
    }
    match form::get(&params, "grant_type") {
        Some("client_credentials") => {}
        Some(_) => {
            return Reply::oauth_error(
                StatusCode::BAD_REQUEST,
                "unsupported_grant_type",
                "only client_credentials is supported",
            );
        }
        None => {
            return Reply::oauth_error(StatusCode::BAD_REQUEST, "invalid_request", "grant_type is required");
        }
    }
    let requested = form::get(&params, "scope").filter(|s| !s.trim().is_empty());
    let scopes = state.grant(requested);
    if scopes.is_empty() {
        return Reply::oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_scope",
            "none of the requested scopes is allowed for this client",
        );
    }
    let scope = scopes.join(" ");
    let (token, expires_in) = state.issue_token(scopes);
    Reply::json(
        StatusCode::OK,
        json!({
            "access_token": token,
            "token_type": "Bearer",
            "expires_in": expires_in,
            "scope": scope,
        }),
    )
    .header(header::CACHE_CONTROL, HeaderValue::from_static("no-store"))
    .header(header::PRAGMA, HeaderValue::from_static("no-cache"))
}
