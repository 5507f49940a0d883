//! The `/_sim` control routes (modes `test` and `demo`). Each one calls the same
//! `Shared` operation as the matching `Simulator` method.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State as AxumState};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::json;

use crate::config::{AutoRespond, Fault, SeedDevice, SeedUser};
use crate::error::SimError;
use crate::phone;
use crate::reply::Reply;
use crate::shared::Shared;

type App = AxumState<Arc<Shared>>;

pub(crate) fn routes() -> Router<Arc<Shared>> {
    Router::new()
        .route("/_sim/health", get(health))
        .route("/_sim/log", get(log).delete(clear_log))
        .route("/_sim/users", post(add_user))
        .route("/_sim/users/{user_id}/devices", post(add_device))
        .route("/_sim/pushes", get(pushes))
        .route("/_sim/devices/{device_id}/pushes", get(device_pushes))
        .route("/_sim/pushes/{nonce}/approve", post(approve))
        .route("/_sim/pushes/{nonce}/reject", post(reject))
        .route("/_sim/pushes/{nonce}/expire", post(expire))
        .route("/_sim/pushes/{nonce}/state", post(set_state))
        .route("/_sim/faults", post(add_faults).delete(clear_faults))
        .route("/_sim/tokens/revoke", post(revoke_tokens))
        .route("/_sim/auto-respond", post(set_auto_respond))
        .route("/_sim/phone", get(phone::index))
        .route("/_sim/phone/{device_id}", get(phone::device))
}

fn ok() -> Response {
    Json(json!({"ok": true})).into_response()
}

fn done(result: Result<(), SimError>) -> Response {
    match result {
        Ok(()) => ok(),
        Err(e) => Reply::from_error(&e).into_response(),
    }
}

fn parse<T: DeserializeOwned>(body: &Bytes) -> Result<T, SimError> {
    serde_json::from_slice(body).map_err(|e| SimError::Invalid(format!("bad JSON body: {e}")))
}

async fn health() -> Response {
    ok()
}

async fn log(AxumState(app): App) -> Response {
    Json(app.request_log()).into_response()
}

async fn clear_log(AxumState(app): App) -> Response {
    app.clear_log();
    ok()
}

async fn add_user(AxumState(app): App, body: Bytes) -> Response {
    done(parse::<SeedUser>(&body).and_then(|user| app.add_user(user)))
}

async fn add_device(AxumState(app): App, Path(user_id): Path<String>, body: Bytes) -> Response {
    done(parse::<SeedDevice>(&body).and_then(|device| app.add_device(&user_id, device)))
}

async fn pushes(AxumState(app): App) -> Response {
    Json(app.pushes()).into_response()
}

async fn device_pushes(AxumState(app): App, Path(device_id): Path<String>) -> Response {
    Json(app.device_pushes(&device_id)).into_response()
}

async fn approve(AxumState(app): App, Path(nonce): Path<String>) -> Response {
    done(app.approve(&nonce))
}

async fn reject(AxumState(app): App, Path(nonce): Path<String>) -> Response {
    done(app.reject(&nonce))
}

async fn expire(AxumState(app): App, Path(nonce): Path<String>) -> Response {
    done(app.expire(&nonce))
}

#[derive(Deserialize)]
struct NewState {
    state: String,
}

async fn set_state(AxumState(app): App, Path(nonce): Path<String>, body: Bytes) -> Response {
    done(parse::<NewState>(&body).and_then(|new| app.set_state(&nonce, &new.state)))
}

/// One fault or an array of faults.
async fn add_faults(AxumState(app): App, body: Bytes) -> Response {
    let faults = parse::<serde_json::Value>(&body).and_then(|value| {
        match value {
            array @ serde_json::Value::Array(_) => serde_json::from_value::<Vec<Fault>>(array),
            one => serde_json::from_value::<Fault>(one).map(|fault| vec![fault]),
        }
        .map_err(|e| SimError::Invalid(format!("bad fault: {e}")))
    });
    done(faults.and_then(|faults| app.add_faults(faults)))
}

async fn clear_faults(AxumState(app): App) -> Response {
    app.clear_faults();
    ok()
}

async fn revoke_tokens(AxumState(app): App) -> Response {
    app.revoke_tokens();
    ok()
}

async fn set_auto_respond(AxumState(app): App, body: Bytes) -> Response {
    done(parse::<Option<AutoRespond>>(&body).map(|auto| app.set_auto_respond(auto)))
}
