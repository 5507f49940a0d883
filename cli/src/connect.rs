//! Builds the core client from the connection flags and the environment. Validation is the
//! core's (`Config::from_options`); this file only gathers values and reads files.

use std::path::Path;

use omi_push::{Client, ClientOptions, Config, Secret};

use crate::args::Connection;
use crate::exit::Failure;

/// Environment variable holding the client secret (never a flag: flags show in `ps`).
pub const ENV_CLIENT_SECRET: &str = "OMI_CLIENT_SECRET";
/// Environment variable holding a static access token.
pub const ENV_ACCESS_TOKEN: &str = "OMI_ACCESS_TOKEN";

pub fn client(conn: &Connection) -> Result<Client, Failure> {
    Ok(Client::new(config(conn)?)?)
}

pub fn config(conn: &Connection) -> Result<Config, Failure> {
    let base_url = conn
        .base_url
        .clone()
        .ok_or_else(|| Failure::Config("no server: give --base-url or set OMI_BASE_URL".into()))?;
    let client_secret = match &conn.client_secret_file {
        Some(path) => Some(read_secret(path, "client secret")?),
        None => env_secret(ENV_CLIENT_SECRET)?,
    };
    let access_token = match &conn.access_token_file {
        Some(path) => Some(read_secret(path, "access token")?),
        None => env_secret(ENV_ACCESS_TOKEN)?,
    };
    let ca_cert_pem = match &conn.ca_cert {
        Some(path) => Some(
            std::fs::read_to_string(path)
                .map_err(|e| Failure::Config(format!("cannot read the CA certificate {}: {e}", path.display())))?,
        ),
        None => None,
    };
    let options = ClientOptions {
        base_url,
        client_id: conn.client_id.clone(),
        client_secret,
        access_token,
        client_auth: conn.client_auth.clone(),
        token_url: conn.token_url.clone(),
        allow_insecure_http: conn.allow_insecure_http.then_some(true),
        ca_cert_pem,
        user_agent_suffix: Some(format!("omi-push-cli/{}", env!("CARGO_PKG_VERSION"))),
        ..ClientOptions::default()
    };
    Ok(Config::from_options(options)?)
}

/// An unset or empty variable is "not given"; a value that is not UTF-8 is an error whose text
/// does not repeat the value.
fn env_secret(name: &str) -> Result<Option<Secret>, Failure> {
    match std::env::var(name) {
        Ok(v) if v.is_empty() => Ok(None),
        Ok(v) => Ok(Some(Secret::new(v))),
        Err(std::env::VarError::NotPresent) => Ok(None),
        Err(std::env::VarError::NotUnicode(_)) => Err(Failure::Config(format!("{name} is not valid UTF-8"))),
    }
}

/// The file's content without the trailing newline an editor or `echo` adds.
fn read_secret(path: &Path, what: &str) -> Result<Secret, Failure> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Failure::Config(format!("cannot read the {what} file {}: {e}", path.display())))?;
    let value = text.trim_end_matches(['\n', '\r']);
    if value.is_empty() {
        return Err(Failure::Config(format!("the {what} file {} is empty", path.display())));
    }
    Ok(Secret::new(value))
}
