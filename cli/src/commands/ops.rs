//! `devices`, `push`, `status` and `wait` against any server: each converts its arguments,
//! calls one core function, and prints the result.

use omi_push::{Client, PushTicket, WaitOptions};
use serde_json::json;

use crate::args::{Connection, PushArgs, WaitArgs};
use crate::connect;
use crate::exit::{self, Failure};
use crate::output::{self, Output};

pub async fn devices(out: Output, user: &str, conn: &Connection) -> Result<u8, Failure> {
    let client = connect::client(conn)?;
    let devices = client.list_devices(user).await?;
    out.result(
        || match devices.len() {
            0 => format!("user {user} has no devices"),
            n => format!("{n} device{} of {user}:\n{}", plural(n), output::devices_text(&devices, "  ")),
        },
        || json!({ "user_id": user, "devices": devices }),
    );
    Ok(exit::OK)
}

pub async fn push(out: Output, args: PushArgs) -> Result<u8, Failure> {
    let client = connect::client(&args.conn)?;
    let ticket = client.send_push(&args.user, args.device.as_deref(), &args.message, args.nonce.as_deref()).await?;
    if !args.wait {
        out.result(|| output::ticket_text(&ticket), || output::ticket_json(&ticket));
        return Ok(exit::OK);
    }
    out.line(output::ticket_text(&ticket));
    let outcome = wait_with_progress(out, &client, &ticket.nonce, &args.wait_args.into()).await?;
    let mut value = output::ticket_json(&ticket);
    output::outcome_json(&outcome, &mut value);
    out.result(|| output::outcome_text(&outcome), || value);
    Ok(exit::for_outcome(outcome.kind))
}

pub async fn status(out: Output, nonce_or_ticket: &str, conn: &Connection) -> Result<u8, Failure> {
    let nonce = nonce_of(nonce_or_ticket)?;
    let client = connect::client(conn)?;
    let status = client.confirmation_status(&nonce).await?;
    out.result(
        || match status.state {
            omi_push::State::Unknown(_) => format!("unknown (the server said `{}`)", status.raw),
            ref s => s.as_str().to_string(),
        },
        || json!({ "nonce": nonce, "state": status.state.as_str(), "raw": status.raw, "final": status.state.is_final() }),
    );
    Ok(exit::OK)
}

pub async fn wait(out: Output, nonce_or_ticket: &str, args: &WaitArgs, conn: &Connection) -> Result<u8, Failure> {
    let nonce = nonce_of(nonce_or_ticket)?;
    let client = connect::client(conn)?;
    let outcome = wait_with_progress(out, &client, &nonce, args).await?;
    let mut value = json!({ "nonce": nonce });
    output::outcome_json(&outcome, &mut value);
    out.result(|| output::outcome_text(&outcome), || value);
    Ok(exit::for_outcome(outcome.kind))
}

/// One core wait, with a spinner (or a plain line) on stderr while it runs.
pub async fn wait_with_progress(
    out: Output,
    client: &Client,
    nonce: &str,
    args: &WaitArgs,
) -> Result<omi_push::Outcome, Failure> {
    let timeout = args.timeout.unwrap_or(client.config().wait_timeout());
    let spinner = out.spinner(format!("waiting for the answer (timeout {})", output::secs(timeout)));
    let options = WaitOptions { timeout: args.timeout, poll_interval: args.poll_interval, cancel: None };
    let result = client.wait_for_confirmation(nonce, options).await;
    spinner.finish().await;
    Ok(result?)
}

/// A ticket (`omi1.…`, as `push` prints it) or a bare nonce; the core checks either.
fn nonce_of(s: &str) -> Result<String, Failure> {
    let s = s.trim();
    if s.starts_with("omi1.") { Ok(PushTicket::parse(s)?.nonce) } else { Ok(s.to_string()) }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}
