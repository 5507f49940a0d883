//! `omi-push`: the command line of omi-push. See `omi-push --help`.

mod args;
mod commands;
mod connect;
mod exit;
mod logging;
mod output;

use std::process::ExitCode;

use clap::Parser;
use omi_push::CancellationToken;

use args::{Cli, Command};
use exit::Failure;
use output::Output;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // clap prints help and version on stdout, mistakes on stderr.
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { exit::USAGE } else { exit::OK });
        }
    };
    let out = Output::new(cli.json);
    if let Err(f) = logging::init(cli.verbose, cli.log.as_deref()) {
        out.failure(&f);
        return ExitCode::from(f.code());
    }
    let code = match omi_push::runtime::block_on(run(out, cli.command)) {
        Ok(Ok(code)) => code,
        Ok(Err(Failure::Interrupted)) | Ok(Err(Failure::Core(omi_push::Error::Cancelled))) => {
            if out.json {
                out.failure(&Failure::Interrupted);
            } else {
                out.note("interrupted");
            }
            exit::INTERRUPTED
        }
        Ok(Err(f)) => {
            out.failure(&f);
            f.code()
        }
        Err(e) => {
            let f = Failure::Core(e);
            out.failure(&f);
            f.code()
        }
    };
    ExitCode::from(code)
}

/// Runs the command. Ctrl-C or SIGTERM drops it (the core's futures are cancel-safe), except
/// for `sim`, for which they are the normal end.
async fn run(out: Output, command: Command) -> Result<u8, Failure> {
    let interrupt = CancellationToken::new();
    tokio::spawn(watch_signals(interrupt.clone()));
    if matches!(command, Command::Sim(_)) {
        return dispatch(out, command, interrupt).await;
    }
    tokio::select! {
        result = dispatch(out, command, interrupt.clone()) => result,
        _ = interrupt.cancelled() => Err(Failure::Interrupted),
    }
}

async fn dispatch(out: Output, command: Command, interrupt: CancellationToken) -> Result<u8, Failure> {
    match command {
        Command::Demo(args) => commands::demo::run(out, args).await,
        Command::Sim(args) => commands::sim::run(out, args, interrupt).await,
        Command::Devices { user, conn } => commands::ops::devices(out, &user, &conn).await,
        Command::Push(args) => commands::ops::push(out, args).await,
        Command::Status { nonce_or_ticket, conn } => commands::ops::status(out, &nonce_or_ticket, &conn).await,
        Command::Wait { nonce_or_ticket, wait, conn } => commands::ops::wait(out, &nonce_or_ticket, &wait, &conn).await,
    }
}

async fn watch_signals(interrupt: CancellationToken) {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let (Ok(mut int), Ok(mut term)) = (signal(SignalKind::interrupt()), signal(SignalKind::terminate())) else {
            return;
        };
        tokio::select! {
            _ = int.recv() => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    if tokio::signal::ctrl_c().await.is_err() {
        return;
    }
    interrupt.cancel();
}
