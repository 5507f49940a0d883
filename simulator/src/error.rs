//! The simulator's error type.

use std::fmt;

/// What a `SimError::NotFound` did not find.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Missing {
    User,
    Device,
    Nonce,
}

impl Missing {
    /// The OMI `error_code` of the 404.
    pub fn error_code(self) -> &'static str {
        match self {
            Missing::User => "USER_NOT_FOUND",
            Missing::Device => "DEVICE_NOT_FOUND",
            Missing::Nonce => "NONCE_NOT_FOUND",
        }
    }
}

impl fmt::Display for Missing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Missing::User => "user",
            Missing::Device => "device",
            Missing::Nonce => "push (nonce)",
        })
    }
}

/// Errors of the simulator's handle and control routes. Messages never contain a nonce or
/// a token.
#[derive(Debug, thiserror::Error)]
pub enum SimError {
    /// An unknown user, device or nonce.
    #[error("{0} not found")]
    NotFound(Missing),
    /// The push is not pending, or its nonce is taken by another user or device.
    #[error("conflict: {0}")]
    Conflict(String),
    /// The server could not bind its address.
    #[error("cannot bind the simulator's address: {0}")]
    Bind(#[from] std::io::Error),
    /// A bad configuration or argument.
    #[error("invalid: {0}")]
    Invalid(String),
}
