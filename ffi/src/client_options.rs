//! The core's [`ClientOptions`] record read from JSON text, as a binding receives it from its
//! language: a field the record does not know, and a key of `paths` that [`Paths`] does not
//! know, are `config` errors (a typo must not pass silently; `Paths` itself ignores unknown
//! keys). The secret and the token travel as separate arguments, never in the text.

use omi_push::{ClientOptions, Error, Paths, Result};

/// The options in `text` (a JSON object of the record's snake_case fields, milliseconds).
pub fn from_json(text: &str) -> Result<ClientOptions> {
    let value: serde_json::Value = serde_json::from_str(text).map_err(|e| Error::Config(e.to_string()))?;
    if let Some(given) = value.get("paths").and_then(serde_json::Value::as_object) {
        let known = serde_json::to_value(Paths::default()).unwrap_or_default();
        let known: Vec<&String> = known.as_object().map(|m| m.keys().collect()).unwrap_or_default();
        if let Some(key) = given.keys().find(|k| !known.contains(k)) {
            let known = known.iter().map(|k| k.as_str()).collect::<Vec<_>>().join(", ");
            return Err(Error::Config(format!("unknown key `{key}` in paths (known: {known})")));
        }
    }
    serde_json::from_value(value).map_err(|e| Error::Config(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_fields_and_path_keys_are_config_errors() {
        let ok = from_json(r#"{"base_url":"https://t","max_retries":3,"paths":{"devices":"/d"}}"#).expect("valid");
        assert_eq!((ok.max_retries, ok.paths.map(|p| p.devices)), (Some(3), Some("/d".to_string())));
        for bad in [r#"{"base_url":"https://t","nope":1}"#, r#"{"paths":{"nope":"/x"}}"#, "[", r#"{"max_retries":-1}"#]
        {
            assert_eq!(from_json(bad).expect_err(bad).kind(), omi_push::ErrorKind::Config, "{bad}");
        }
        let message = from_json(r#"{"paths":{"nope":"/x"}}"#).expect_err("unknown").to_string();
        assert!(message.contains("unknown key `nope` in paths (known: confirmation, "), "{message}");
    }
}
