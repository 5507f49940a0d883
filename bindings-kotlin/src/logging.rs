//! Opt-in log output of the core on stderr: set `OMI_PUSH_LOG` to a tracing filter
//! (`info`, `omi_push=debug`, …) before the first client is made. Off by default, so a JVM
//! service's own logging is not disturbed.

use std::sync::Once;

use tracing_subscriber::EnvFilter;

pub(crate) const ENV: &str = "OMI_PUSH_LOG";

static INIT: Once = Once::new();

pub(crate) fn init_from_env() {
    INIT.call_once(|| {
        let Ok(spec) = std::env::var(ENV) else { return };
        let Ok(filter) = EnvFilter::try_new(spec.trim()) else {
            eprintln!("omi-push: ignoring {ENV}: not a valid log filter");
            return;
        };
        // Another library of the process may have installed a subscriber already; keep it.
        let _ =
            tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).with_ansi(false).try_init();
    });
}
