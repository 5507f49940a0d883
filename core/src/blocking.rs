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

/// Blocking step-up (see [`crate::StepUp`]). Cheap to clone.
#[derive(Debug, Clone)]
pub struct StepUp {
    inner: crate::StepUp,
}

impl StepUp {
    pub fn new(client: &Client, config: crate::StepUpConfig) -> Result<StepUp> {
        Ok(StepUp { inner: crate::StepUp::new(client.inner.clone(), config)? })
    }

    /// The async step-up behind this one.
    pub fn async_step_up(&self) -> &crate::StepUp {
        &self.inner
    }

    pub fn devices(&self, user_id: &str) -> Result<Vec<Device>> {
        runtime::block_on(self.inner.devices(user_id))?
    }

    pub fn begin(
        &self,
        user_id: &str,
        action: &str,
        device_id: Option<&str>,
        message: &str,
    ) -> Result<crate::Challenge> {
        runtime::block_on(self.inner.begin(user_id, action, device_id, message))?
    }

    pub fn check(&self, challenge: &str, user_id: &str, action: &str) -> Result<crate::Verdict> {
        runtime::block_on(self.inner.check(challenge, user_id, action))?
    }

    pub fn wait(&self, challenge: &str, user_id: &str, action: &str, options: WaitOptions) -> Result<crate::Verdict> {
        runtime::block_on(self.inner.wait(challenge, user_id, action, options))?
    }
}
