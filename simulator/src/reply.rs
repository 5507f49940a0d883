//! A JSON reply built under the state lock and turned into a response after it.

use axum::Json;
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::config::AutoRespond;
use crate::error::SimError;

pub(crate) struct Reply {
    pub status: StatusCode,
    pub body: Value,
    pub headers: Vec<(HeaderName, HeaderValue)>,
    /// A new push to answer automatically: its nonce and the auto-respond setting.
    pub auto: Option<(String, AutoRespond)>,
}

impl Reply {
    pub(crate) fn json(status: StatusCode, body: Value) -> Self {
        Self { status, body, headers: Vec::new(), auto: None }
    }

    /// The OMI error envelope `{"error_code","error_message"}`.
    pub(crate) fn error(status: StatusCode, code: &str, message: impl Into<String>) -> Self {
        Self::json(status, json!({"error_code": code, "error_message": message.into()}))
    }

    /// The OAuth error envelope `{"error","error_description"}`.
    pub(crate) fn oauth_error(status: StatusCode, error: &str, description: &str) -> Self {
        Self::json(status, json!({"error": error, "error_description": description}))
    }

    pub(crate) fn header(mut self, name: HeaderName, value: HeaderValue) -> Self {
        self.headers.push((name, value));
        self
    }

    /// The reply for a handle/control error (404, 409, 400).
    pub(crate) fn from_error(error: &SimError) -> Self {
        match error {
            SimError::NotFound(missing) => Self::error(StatusCode::NOT_FOUND, missing.error_code(), error.to_string()),
            SimError::Conflict(_) => Self::error(StatusCode::CONFLICT, "CONFLICT", error.to_string()),
            SimError::Invalid(_) => Self::error(StatusCode::BAD_REQUEST, "INVALID_REQUEST", error.to_string()),
            SimError::Bind(_) => Self::error(StatusCode::INTERNAL_SERVER_ERROR, "INTERNAL", error.to_string()),
        }
    }
}

impl IntoResponse for Reply {
    fn into_response(self) -> Response {
        let mut response = (self.status, Json(self.body)).into_response();
        for (name, value) in self.headers {
            response.headers_mut().append(name, value);
        }
        response
    }
}
