//! The command line, as clap parses it. No behaviour here beyond parsing values.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Ask a user to confirm an action on their phone (OMI push), or try it against a simulator.
///
/// Exit codes: 0 confirmed (or success), 2 rejected, 3 expired, 4 timed out, 1 error,
/// 64 usage error, 130 interrupted.
#[derive(Debug, Parser)]
#[command(name = "omi-push", version, max_term_width = 100)]
pub struct Cli {
    /// Print one JSON object on stdout instead of text.
    #[arg(long, global = true)]
    pub json: bool,

    /// More log output on stderr: -v info, -vv debug, -vvv trace (overrides --log).
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    pub verbose: u8,

    /// Log filter in RUST_LOG syntax, e.g. `omi_push=debug` (default: warn).
    #[arg(long, env = "OMI_LOG", value_name = "FILTER", global = true)]
    pub log: Option<String>,

    #[command(subcommand)]
    pub command: Command,
}

/// Shown under the help of the commands that talk to a server.
const SECRET_HELP: &str = "\
Secrets are never flag values (flags show in `ps` and shell history):
  OMI_CLIENT_SECRET   the client secret (or --client-secret-file / OMI_CLIENT_SECRET_FILE)
  OMI_ACCESS_TOKEN    a static access token (or --access-token-file / OMI_ACCESS_TOKEN_FILE)";

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Start an embedded simulator and walk through one push, start to finish.
    Demo(DemoArgs),
    /// Serve the simulator in the foreground until Ctrl-C.
    Sim(SimArgs),
    /// List a user's enrolled devices.
    #[command(after_help = SECRET_HELP)]
    Devices {
        /// The user id.
        user: String,
        #[command(flatten)]
        conn: Connection,
    },
    /// Send a push; print its nonce and ticket (and wait for the answer with --wait).
    #[command(after_help = SECRET_HELP)]
    Push(PushArgs),
    /// Read the confirmation state of a push once.
    #[command(after_help = SECRET_HELP)]
    Status {
        /// A nonce, or a ticket (`omi1.…`) printed by `push`.
        nonce_or_ticket: String,
        #[command(flatten)]
        conn: Connection,
    },
    /// Wait until a push is confirmed, rejected or expired, or the timeout passes.
    #[command(after_help = SECRET_HELP)]
    Wait {
        /// A nonce, or a ticket (`omi1.…`) printed by `push`.
        nonce_or_ticket: String,
        #[command(flatten)]
        wait: WaitArgs,
        #[command(flatten)]
        conn: Connection,
    },
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Print the virtual phone's URL and wait for a person to approve or deny there.
    #[arg(long)]
    pub interactive: bool,
    /// How long to wait for the answer [default: 30s, or 300s with --interactive].
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub timeout: Option<Duration>,
    /// Port of the embedded simulator (0 = any free port).
    #[arg(long, default_value_t = 0)]
    pub port: u16,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SimMode {
    /// OMI routes and the token endpoint only.
    Api,
    /// Also the /_sim control routes and the virtual phone.
    Test,
    /// Like test.
    Demo,
}

impl SimMode {
    pub fn as_str(self) -> &'static str {
        match self {
            SimMode::Api => "api",
            SimMode::Test => "test",
            SimMode::Demo => "demo",
        }
    }
}

#[derive(Debug, Args)]
pub struct SimArgs {
    /// Bind address. Anything but loopback exposes a plain-HTTP test server to the network.
    #[arg(long)]
    pub host: Option<String>,
    /// Port (0 = any free port) [default: 8787].
    #[arg(long)]
    pub port: Option<u16>,
    /// Simulator configuration (SimConfig JSON: users, devices, client, faults, ...).
    #[arg(long, value_name = "FILE")]
    pub seed: Option<PathBuf>,
    /// Which routes to serve [default: demo].
    #[arg(long, value_enum)]
    pub mode: Option<SimMode>,
    /// The OAuth client id the token endpoint accepts [default: sim-client].
    #[arg(long)]
    pub client_id: Option<String>,
    /// Read the client secret from FILE instead of generating a random one (which is then
    /// printed once on stdout at start).
    #[arg(long, value_name = "FILE")]
    pub client_secret_file: Option<PathBuf>,
    /// Lifetime of issued access tokens.
    #[arg(long, value_name = "MS")]
    pub token_lifetime_ms: Option<u64>,
    /// A pending push expires after this.
    #[arg(long, value_name = "MS")]
    pub push_ttl_ms: Option<u64>,
    /// Approve every new push by itself after MS milliseconds.
    #[arg(long, value_name = "MS", conflicts_with = "auto_reject_ms")]
    pub auto_approve_ms: Option<u64>,
    /// Reject every new push by itself after MS milliseconds.
    #[arg(long, value_name = "MS")]
    pub auto_reject_ms: Option<u64>,
    /// Inject a fault (JSON object, see the simulator's README); repeatable.
    #[arg(long, value_name = "JSON")]
    pub fault: Vec<String>,
}

#[derive(Debug, Args)]
pub struct PushArgs {
    /// The user id.
    pub user: String,
    /// The text shown on the phone.
    #[arg(long, short)]
    pub message: String,
    /// Push to this device only (default: all of the user's devices).
    #[arg(long, short)]
    pub device: Option<String>,
    /// Use this nonce (16-128 of A-Z a-z 0-9 - _) instead of a fresh random one.
    #[arg(long)]
    pub nonce: Option<String>,
    /// Then wait for the answer; the exit code tells it.
    #[arg(long)]
    pub wait: bool,
    #[command(flatten)]
    pub wait_args: PushWaitArgs,
    #[command(flatten)]
    pub conn: Connection,
}

/// `--timeout` and `--poll-interval` of `push`, which only make sense with `--wait`.
#[derive(Debug, Args)]
pub struct PushWaitArgs {
    /// Give up after this long (e.g. `30`, `1.5`, `2m`) [default: the client's, 120 s].
    #[arg(long, value_name = "DURATION", value_parser = parse_duration, requires = "wait")]
    pub timeout: Option<Duration>,
    /// Time between two polls [default: 1 s].
    #[arg(long, value_name = "DURATION", value_parser = parse_duration, requires = "wait")]
    pub poll_interval: Option<Duration>,
}

#[derive(Debug, Args)]
pub struct WaitArgs {
    /// Give up after this long (e.g. `30`, `1.5`, `2m`) [default: the client's, 120 s].
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub timeout: Option<Duration>,
    /// Time between two polls [default: 1 s].
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub poll_interval: Option<Duration>,
}

impl From<PushWaitArgs> for WaitArgs {
    fn from(a: PushWaitArgs) -> Self {
        WaitArgs { timeout: a.timeout, poll_interval: a.poll_interval }
    }
}

/// How to reach and authenticate to the server. The client secret and an access token are
/// never flag values (they would show in `ps` and shell history): use the environment or a file.
#[derive(Debug, Args)]
#[command(next_help_heading = "Connection (flags or environment)")]
pub struct Connection {
    /// Base URL of the OMI API.
    #[arg(long, env = "OMI_BASE_URL", value_name = "URL")]
    pub base_url: Option<String>,
    /// OAuth client id (its secret comes from OMI_CLIENT_SECRET or --client-secret-file).
    #[arg(long, env = "OMI_CLIENT_ID", value_name = "ID")]
    pub client_id: Option<String>,
    /// Read the client secret from FILE (wins over OMI_CLIENT_SECRET).
    #[arg(long, env = "OMI_CLIENT_SECRET_FILE", value_name = "FILE")]
    pub client_secret_file: Option<PathBuf>,
    /// Use the access token in FILE as is, instead of client credentials (wins over
    /// OMI_ACCESS_TOKEN).
    #[arg(long, env = "OMI_ACCESS_TOKEN_FILE", value_name = "FILE")]
    pub access_token_file: Option<PathBuf>,
    /// How the client authenticates at the token endpoint [default: basic].
    #[arg(long, env = "OMI_CLIENT_AUTH", value_parser = ["basic", "post"])]
    pub client_auth: Option<String>,
    /// Token endpoint [default: BASE_URL/auth/oauth2.0/v1/token].
    #[arg(long, env = "OMI_TOKEN_URL", value_name = "URL")]
    pub token_url: Option<String>,
    /// Allow http:// to a host that is not loopback (test networks only).
    #[arg(long, env = "OMI_ALLOW_INSECURE_HTTP", value_parser = clap::builder::BoolishValueParser::new())]
    pub allow_insecure_http: bool,
    /// Also trust this CA certificate (PEM).
    #[arg(long, env = "OMI_CA_CERT", value_name = "FILE")]
    pub ca_cert: Option<PathBuf>,
}

/// Seconds as a number (`30`, `0.5`) or a humantime duration (`2m`, `1m 30s`, `500ms`).
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    if let Ok(secs) = s.parse::<f64>() {
        return Duration::try_from_secs_f64(secs).map_err(|_| format!("`{s}` is not a valid number of seconds"));
    }
    humantime::parse_duration(s).map_err(|e| format!("`{s}` is not a duration ({e}); try `30`, `1.5` or `2m`"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("30"), Ok(Duration::from_secs(30)));
        assert_eq!(parse_duration("0.5"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_duration("2m"), Ok(Duration::from_secs(120)));
        assert!(parse_duration("-1").is_err());
        assert!(parse_duration("soon").is_err());
    }
}
