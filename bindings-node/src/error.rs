//! The one place where core errors become JavaScript errors.
//!
//! A core error crosses the boundary as a structured value: a JavaScript `Error` whose `code`
//! is the record's stable code and whose `record` property is the core's error record
//! ([`ErrorRecord`], as a plain object). `lib/errors.js` turns it into the class of its kind.
//! The record never holds the client secret or a token (the core's errors never carry them).

use napi::bindgen_prelude::JsObjectValue;
use napi::{Env, JsError, JsValue, Result};
use omi_push_ffi::ErrorRecord;

/// The JavaScript error of `record`, to throw or to reject a promise with.
pub fn to_js(env: &Env, record: &ErrorRecord) -> napi::Error {
    let build = || -> Result<napi::Error> {
        let error = JsError::from(napi::Error::new(record.code.clone(), record.message.clone())).into_unknown(*env);
        let mut object = error.coerce_to_object()?;
        object.set_named_property("record", env.to_js_value(record)?)?;
        Ok(napi::Error::from(error))
    };
    // Building the object fails only while the environment shuts down; the plain error then
    // reads as `internal` on the JavaScript side.
    build().unwrap_or_else(|e| e)
}

/// `?`-friendly conversion of core results on the JavaScript thread.
pub trait IntoJs<T> {
    fn js(self, env: &Env) -> Result<T>;
}

impl<T> IntoJs<T> for omi_push::Result<T> {
    fn js(self, env: &Env) -> Result<T> {
        self.map_err(|e| to_js(env, &ErrorRecord::from(&e)))
    }
}
