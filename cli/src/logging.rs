//! Log output on stderr through tracing-subscriber.

use std::io::IsTerminal;

use tracing_subscriber::EnvFilter;

use crate::exit::Failure;

/// `-v` counts win over `--log`/`OMI_LOG`; the default is `warn`.
pub fn init(verbose: u8, filter: Option<&str>) -> Result<(), Failure> {
    let filter = match (verbose, filter) {
        (0, Some(f)) if !f.trim().is_empty() => f.to_string(),
        (0, _) => "warn".to_string(),
        (1, _) => "info".to_string(),
        (2, _) => "debug".to_string(),
        _ => "trace".to_string(),
    };
    let filter = EnvFilter::try_new(&filter).map_err(|e| Failure::Usage(format!("bad log filter `{filter}`: {e}")))?;
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(true)
        .with_ansi(std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none())
        .try_init()
        .map_err(|e| Failure::Usage(format!("cannot start logging: {e}")))
}
