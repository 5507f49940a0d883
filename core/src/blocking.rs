//! A blocking façade over [`crate::Client`], on the shared runtime (like `reqwest::blocking`).
//! Calling it from inside an async runtime returns [`Error::Config`] instead of panicking.

use crate::config::Config;
use crate::error::Result;
use crate::runtime;
use crate::ticket::PushTicket;
use crate::wait::{Outcome, WaitOptions};
use crate::wire::Device;
use crate::wire::Status;

/// Blocking client. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Client {
    inner: crate::Client,
}

impl Client {
    pub fn new(config: Config) -> Result<Client> {
        Ok(Client { inner: crate::Client::new(config)? })
    }

    /// The async client behind this one.
    pub fn async_client(&self) -> &crate::Client {
        &self.inner
    }

    /// See [`crate::Client::close`].
    pub fn close(&self) {
        self.inner.close();
    }

    pub fn list_devices(&self, user_id: &str) -> Result<Vec<Device>> {
        runtime::block_on(self.inner.list_devices(user_id))?
    }

    pub fn send_push(
        &self,
        user_id: &str,
        device_id: Option<&str>,
        message: &str,
        nonce: Option<&str>,
    ) -> Result<PushTicket> {
        runtime::block_on(self.inner.send_push(user_id, device_id, message, nonce))?
    }

    pub fn confirmation_status(&self, nonce: &str) -> Result<Status> {
        runtime::block_on(self.inner.confirmation_status(nonce))?
    }

    pub fn wait_for_confirmation(&self, nonce: &str, options: WaitOptions) -> Result<Outcome> {
        runtime::block_on(self.inner.wait_for_confirmation(nonce, options))?
    }
}
