//! Exit codes and the one failure type of the command line.

use omi_push::OutcomeKind;

/// Confirmed, or any other command that succeeded.
pub const OK: u8 = 0;
/// Any failure: configuration, authentication, network, server, simulator.
pub const ERROR: u8 = 1;
/// The user rejected the push.
pub const REJECTED: u8 = 2;
/// The push expired before the user answered.
pub const EXPIRED: u8 = 3;
/// The wait timed out.
pub const TIMED_OUT: u8 = 4;
/// The command line itself was wrong (sysexits `EX_USAGE`; clap's own 2 means "rejected" here).
pub const USAGE: u8 = 64;
/// Ctrl-C (128 + SIGINT).
pub const INTERRUPTED: u8 = 130;

pub fn for_outcome(kind: OutcomeKind) -> u8 {
    match kind {
        OutcomeKind::Confirmed => OK,
        OutcomeKind::Rejected => REJECTED,
        OutcomeKind::Expired => EXPIRED,
        OutcomeKind::TimedOut => TIMED_OUT,
    }
}

/// Why a command failed. Holds no secret: core errors never do, and the CLI's own messages
/// name files, never their contents.
#[derive(Debug)]
pub enum Failure {
    /// From the omi-push core.
    Core(omi_push::Error),
    /// From the embedded simulator.
    Sim(omi_push_sim::SimError),
    /// The CLI's own configuration problems (unreadable file, bad seed, bad fault JSON).
    Config(String),
    /// A bad log filter or similar, found after clap parsed the line.
    Usage(String),
    /// Ctrl-C or SIGTERM.
    Interrupted,
}

impl Failure {
    pub fn code(&self) -> u8 {
        match self {
            Failure::Usage(_) => USAGE,
            Failure::Interrupted => INTERRUPTED,
            Failure::Core(omi_push::Error::Cancelled) => INTERRUPTED,
            _ => ERROR,
        }
    }

    /// The stable kind name: the core's, or `simulator`, `config`, `usage`, `interrupted`.
    pub fn kind(&self) -> &'static str {
        match self {
            Failure::Core(e) => e.kind().as_str(),
            Failure::Sim(_) => "simulator",
            Failure::Config(_) => "config",
            Failure::Usage(_) => "usage",
            Failure::Interrupted => "interrupted",
        }
    }

    pub fn message(&self) -> String {
        match self {
            Failure::Core(e) => e.to_string(),
            Failure::Sim(e) => format!("simulator: {e}"),
            Failure::Config(m) => format!("configuration error: {m}"),
            Failure::Usage(m) => m.clone(),
            Failure::Interrupted => "interrupted".to_string(),
        }
    }
}

impl From<omi_push::Error> for Failure {
    fn from(e: omi_push::Error) -> Self {
        Failure::Core(e)
    }
}

impl From<omi_push_sim::SimError> for Failure {
    fn from(e: omi_push_sim::SimError) -> Self {
        Failure::Sim(e)
    }
}
