//! A cancel switch for one wait: the JavaScript wrapper fires it from an `AbortSignal`.

use napi_derive::napi;
use omi_push::CancellationToken;

/// Cancels the wait it is passed to. Cancelling before the wait starts works too.
#[napi]
#[derive(Default)]
pub struct CancelHandle {
    token: CancellationToken,
}

#[napi]
impl CancelHandle {
    #[napi(constructor)]
    pub fn new() -> Self {
        CancelHandle::default()
    }

    #[napi]
    pub fn cancel(&self) {
        self.token.cancel();
    }
}

impl CancelHandle {
    pub fn token(&self) -> CancellationToken {
        self.token.clone()
    }
}
