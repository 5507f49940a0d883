//! The OMI routes and the token endpoint, all through one request handler:
//! log entry, fault, bearer check, the route's work, final status in the log.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::{Bytes, to_bytes};
use axum::extract::{Path, Request, State as AxumState};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header, request::Parts};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::json;

use crate::config::{Fault, Route};
use crate::error::{Missing, SimError};
use crate::faults;
use crate::form;
use crate::reply::Reply;
use crate::shared::Shared;
use crate::state::{AuthError, State};
use crate::token;

/// Larger bodies are refused; pushes and token requests are tiny.
const MAX_BODY: usize = 64 * 1024;

type App = AxumState<Arc<Shared>>;

/// One OMI or token request with its decoded path parameters.
enum Call {
    Token,
    Devices { user: String },
    PushDevice { user: String, device: String },
    PushAll { user: String },
    Confirmation,
}

impl Call {
    fn route(&self) -> Route {
        match self {
            Call::Token => Route::Token,
            Call::Devices { .. } => Route::Devices,
            Call::PushDevice { .. } => Route::PushDevice,
            Call::PushAll { .. } => Route::PushAll,
            Call::Confirmation => Route::Confirmation,
        }
    }
}

pub(crate) fn routes() -> Router<Arc<Shared>> {
    Router::new()
        .route("/auth/oauth2.0/v1/token", post(token_route))
        .route("/auth/oauth2/v1/token", post(token_route))
        .route("/omi/users/{user_id}/devices", get(devices_route))
        .route("/omi/push/user/{user_id}/device/{device_id}", post(push_device_route))
        .route("/omi/push/user/{user_id}", post(push_all_route))
        .route("/omi/push/confirmation", get(confirmation_route))
}

async fn token_route(AxumState(app): App, req: Request) -> Response {
    handle(app, Call::Token, req).await
}

async fn devices_route(AxumState(app): App, Path(user): Path<String>, req: Request) -> Response {
    handle(app, Call::Devices { user }, req).await
}

async fn push_device_route(
    AxumState(app): App,
    Path((user, device)): Path<(String, String)>,
    req: Request,
) -> Response {
    handle(app, Call::PushDevice { user, device }, req).await
}

async fn push_all_route(AxumState(app): App, Path(user): Path<String>, req: Request) -> Response {
    handle(app, Call::PushAll { user }, req).await
}

async fn confirmation_route(AxumState(app): App, req: Request) -> Response {
    handle(app, Call::Confirmation, req).await
}

/// The one place every OMI and token request goes through.
async fn handle(app: Arc<Shared>, call: Call, req: Request) -> Response {
    let arrived = Instant::now();
    let route = call.route();
    let (parts, body) = req.into_parts();
    let (seq, fault) = {
        let mut state = app.lock();
        let t_ms = state.ms_since_start(arrived);
        let seq = state.log.begin(route.name(), parts.method.as_str(), parts.uri.path(), parts.uri.query(), t_ms);
        (seq, state.faults.take(route))
    };

    // A request held by a fault gives up when the simulator stops (its socket is shut by
    // then, so the response goes nowhere) instead of keeping the server task alive.
    if let Some(fault) = &fault {
        if fault.latency_ms > 0 {
            tokio::select! {
                () = tokio::time::sleep(Duration::from_millis(fault.latency_ms)) => {}
                () = app.sockets.stopped() => return faults::dropped(),
            }
        }
        if fault.drop {
            app.finish(seq, 0);
            return faults::dropped();
        }
        if fault.hang {
            // Reading the request lets hyper notice a client that goes away, and end this.
            let _ = to_bytes(body, MAX_BODY).await;
            app.sockets.stopped().await;
            return faults::dropped();
        }
        if let Some(format) = fault.echo {
            let body = to_bytes(body, MAX_BODY).await.ok();
            let response = faults::echo(fault, format, &parts, body.as_deref());
            app.finish(seq, response.status().as_u16());
            return response;
        }
        if let Some(status) = fault.status {
            app.finish(seq, status);
            return faults::status_response(status, fault.retry_after_s);
        }
    }

    let mut reply = match to_bytes(body, MAX_BODY).await {
        Ok(body) => process(&app, &call, &parts, &body),
        Err(_) => Reply::error(StatusCode::PAYLOAD_TOO_LARGE, "INVALID_REQUEST", "the body is too large"),
    };
    if let Some((nonce, auto)) = reply.auto.take() {
        app.schedule_auto_respond(nonce, auto);
    }
    let response = match fault {
        Some(f) if f.malformed => faults::malformed(),
        Some(Fault { oversized_bytes: Some(bytes), oversized_chunked, .. }) => {
            faults::oversized(bytes, oversized_chunked)
        }
        _ => reply.into_response(),
    };
    app.finish(seq, response.status().as_u16());
    response
}

/// Bearer check, then the route's work, under one lock so a refused request changes nothing.
fn process(app: &Shared, call: &Call, parts: &Parts, body: &Bytes) -> Reply {
    let mut state = app.lock();
    if let Some(scope) = call.route().scope() {
        if let Err(refused) = state.authorize(bearer(&parts.headers), scope) {
            return auth_error(refused);
        }
    }
    match call {
        Call::Token => token::issue(&mut state, &parts.headers, body),
        Call::Devices { user } => devices(&state, user),
        Call::PushDevice { user, device } => push(&mut state, user, Some(device), body),
        Call::PushAll { user } => push(&mut state, user, None, body),
        Call::Confirmation => confirmation(&state, parts.uri.query()),
    }
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

fn auth_error(refused: AuthError) -> Reply {
    match refused {
        AuthError::Invalid(description) => {
            let challenge = if description.starts_with("missing") {
                HeaderValue::from_static("Bearer")
            } else {
                HeaderValue::from_static("Bearer error=\"invalid_token\"")
            };
            Reply::oauth_error(StatusCode::UNAUTHORIZED, "invalid_token", description)
                .header(header::WWW_AUTHENTICATE, challenge)
        }
        AuthError::Scope(scope) => {
            let challenge = format!("Bearer error=\"insufficient_scope\", scope=\"{scope}\"");
            let reply = Reply::error(
                StatusCode::FORBIDDEN,
                "INSUFFICIENT_SCOPE",
                format!("the access token lacks the scope {scope}"),
            );
            match HeaderValue::from_str(&challenge) {
                Ok(value) => reply.header(header::WWW_AUTHENTICATE, value),
                Err(_) => reply,
            }
        }
    }
}

fn not_found(missing: Missing, message: String) -> Reply {
    Reply::error(StatusCode::NOT_FOUND, missing.error_code(), message)
}

fn devices(state: &State, user: &str) -> Reply {
    match state.devices(user) {
        Ok(devices) => Reply::json(StatusCode::OK, json!({ "devices": devices })),
        Err(_) => not_found(Missing::User, format!("user '{user}' not found")),
    }
}

#[derive(Deserialize)]
struct PushBody {
    message: Option<String>,
    nonce: Option<String>,
}

fn push(state: &mut State, user: &str, device: Option<&str>, body: &[u8]) -> Reply {
    let parsed: Option<PushBody> = serde_json::from_slice(body).ok();
    let (message, nonce) = match parsed {
        Some(PushBody { message: Some(m), nonce: Some(n) }) if !m.is_empty() && !n.is_empty() => (m, n),
        _ => {
            return Reply::error(
                StatusCode::BAD_REQUEST,
                "INVALID_REQUEST",
                "the body must be JSON with a non-empty \"message\" and \"nonce\"",
            );
        }
    };
    match state.push(user, device, &message, &nonce) {
        Ok(created) => {
            if created.fresh {
                tracing::debug!(nonce = %created.nonce, user, "push created");
            }
            let mut reply =
                Reply::json(StatusCode::CREATED, json!({"nonce": created.nonce, "expiresAt": created.expires_at}));
            if created.fresh {
                reply.auto = state.auto_respond.map(|auto| (created.nonce, auto));
            }
            reply
        }
        Err(SimError::NotFound(Missing::User)) => not_found(Missing::User, format!("user '{user}' not found")),
        Err(SimError::NotFound(_)) => match device {
            Some(device) => not_found(Missing::Device, format!("device '{device}' not found for user '{user}'")),
            None => not_found(Missing::Device, format!("user '{user}' has no devices")),
        },
        Err(SimError::Conflict(message)) => Reply::error(StatusCode::CONFLICT, "NONCE_CONFLICT", message),
        Err(e) => Reply::from_error(&e),
    }
}

fn confirmation(state: &State, query: Option<&str>) -> Reply {
    let params = form::pairs(query.unwrap_or_default());
    let Some(nonce) = form::get(&params, "nonce").filter(|n| !n.is_empty()) else {
        return Reply::error(StatusCode::BAD_REQUEST, "INVALID_REQUEST", "the nonce query parameter is required");
    };
    match state.status(nonce) {
        Ok(status) => Reply::json(StatusCode::OK, json!({"nonce": nonce, "status": status})),
        Err(_) => not_found(Missing::Nonce, "no push with this nonce".to_owned()),
    }
}

/// Used by the server for unknown paths, so every 404 has a JSON body.
pub(crate) async fn fallback() -> Response {
    Reply::error(StatusCode::NOT_FOUND, "NOT_FOUND", "no such route").into_response()
}
