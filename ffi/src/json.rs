//! What crosses a boundary as JSON text, read and written once: the core's [`ClientOptions`]
//! (with the secret and the token, which travel as separate arguments, never in the text), the
//! [`StepUpOptions`], a web flow's [`FlowRequest`], and any record going out.
//!
//! A field a record does not know (`paths` keys included) is refused, so a typo never passes
//! silently: a `config` error for options, `invalid_argument` (field `request`) for a request.

use omi_push::stepup::flow::FlowRequest;
use omi_push::{ClientOptions, Config, Error, Result, Secret};
use serde::Serialize;

use crate::StepUpOptions;

/// The client configuration of `options` (the record's snake_case fields, milliseconds) and
/// the secrets given apart.
pub fn client_config(options: &str, client_secret: Option<String>, access_token: Option<String>) -> Result<Config> {
    let mut options: ClientOptions = serde_json::from_str(options).map_err(|e| config_error("client", e))?;
    options.client_secret = client_secret.map(Secret::new);
    options.access_token = access_token.map(Secret::new);
    Config::from_options(options)
}

/// The step-up options of `text` (without the keys, which come as bytes).
pub fn step_up_options(text: &str) -> Result<StepUpOptions> {
    serde_json::from_str(text).map_err(|e| config_error("step-up", e))
}

/// The web flow request of `text`.
pub fn flow_request(text: &str) -> Result<FlowRequest> {
    serde_json::from_str(text)
        .map_err(|e| Error::InvalidArgument { field: "request".into(), reason: format!("not a flow request: {e}") })
}

/// A record as JSON text (an `internal` error if it cannot be one).
pub fn to_text<T: Serialize>(value: T) -> Result<String> {
    serde_json::to_string(&value).map_err(|e| Error::Internal(format!("record as JSON: {e}")))
}

fn config_error(what: &str, e: serde_json::Error) -> Error {
    Error::Config(format!("invalid {what} options: {e}"))
}

#[cfg(test)]
mod tests {
    use omi_push::ErrorKind;

    use super::*;

    #[test]
    fn unknown_fields_and_path_keys_are_config_errors() {
        let options = r#"{"base_url":"https://t","max_retries":3,"paths":{"devices":"/d/{userId}"}}"#;
        let ok = client_config(options, None, Some("token".into()));
        assert_eq!(ok.expect("valid").base_url().as_str(), "https://t/");
        for bad in [r#"{"base_url":"https://t","nope":1}"#, r#"{"paths":{"nope":"/x"}}"#, "[", r#"{"max_retries":-1}"#]
        {
            let err = client_config(bad, None, None).expect_err(bad);
            assert_eq!(err.kind(), ErrorKind::Config, "{bad}");
        }
        let message = client_config(r#"{"paths":{"nope":"/x"}}"#, None, None).expect_err("unknown").to_string();
        assert!(
            message.contains("invalid client options: unknown field `nope`, expected one of `devices`"),
            "{message}"
        );
        assert_eq!(step_up_options(r#"{"nope":1}"#).expect_err("unknown").kind(), ErrorKind::Config);
        let request = flow_request(r#"{"method":"GET","nope":1}"#).expect_err("not a request");
        assert_eq!(request.kind(), ErrorKind::InvalidArgument);
    }

    #[test]
    fn the_secrets_come_apart_from_the_text() {
        let options = r#"{"base_url":"https://t","client_id":"c"}"#;
        assert!(client_config(options, Some("s".into()), None).is_ok());
        let missing = client_config(options, None, None).expect_err("no secret");
        assert!(missing.to_string().contains("client_secret is missing"), "{missing}");
    }
}
