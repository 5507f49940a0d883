//! `omi-push demo`: an embedded simulator, a seeded user with two devices, one push, and the
//! simulated phone's answer, each step printed with its time.

use std::time::{Duration, Instant};

use omi_push::{Client, ClientOptions, Config, Secret};
use omi_push_sim::{Action, AutoRespond, Mode, SeedDevice, SeedUser, SimConfig, Simulator};
use serde_json::{Value, json};

use crate::args::{DemoArgs, WaitArgs};
use crate::commands::ops::wait_with_progress;
use crate::exit::{self, Failure};
use crate::output::{self, Output};

const USER: &str = "alice";
const MESSAGE: &str = "Confirm the change of your payment method";
const AUTO_APPROVE: Duration = Duration::from_secs(2);

/// Prints each step with the time since the start, and keeps them for the JSON object.
struct Steps {
    out: Output,
    start: Instant,
    list: Vec<Value>,
}

impl Steps {
    fn step(&mut self, text: String) {
        let t = self.start.elapsed();
        self.out.line(format!("[{:>6.2} s] {text}", t.as_secs_f64()));
        self.list.push(json!({ "t_ms": t.as_millis() as u64, "step": text }));
    }
}

pub async fn run(out: Output, args: DemoArgs) -> Result<u8, Failure> {
    let mut steps = Steps { out, start: Instant::now(), list: Vec::new() };
    let sim = Simulator::start(sim_config(&args)).await?;
    steps.step(format!("simulator started at {} (mode demo)", sim.base_url()));

    let options = ClientOptions {
        base_url: sim.base_url(),
        client_id: Some(sim.client_id().to_string()),
        client_secret: Some(Secret::new(sim.client_secret())),
        poll_interval_ms: Some(500.0),
        user_agent_suffix: Some(format!("omi-push-cli/{} demo", env!("CARGO_PKG_VERSION"))),
        ..ClientOptions::default()
    };
    let client = Client::new(Config::from_options(options)?)?;

    let devices = client.list_devices(USER).await?;
    steps.step(format!("user {USER} has {} devices:", devices.len()));
    out.line(output::devices_text(&devices, "             "));
    let device = devices.first().ok_or_else(|| Failure::Config(format!("the demo user {USER} has no device")))?;

    let ticket = client.send_push(USER, Some(&device.id), MESSAGE, None).await?;
    steps.step(format!("push sent to {}: \"{MESSAGE}\" (nonce {})", device.id, ticket.nonce));
    if args.interactive {
        steps.step(format!("open the virtual phone and approve or deny: {}", sim.phone_url(&device.id)));
    } else {
        steps.step(format!("the simulated phone will approve in about {} s", AUTO_APPROVE.as_secs()));
    }

    let timeout =
        args.timeout.unwrap_or(if args.interactive { Duration::from_secs(300) } else { Duration::from_secs(30) });
    let wait = WaitArgs { timeout: Some(timeout), poll_interval: None };
    let outcome = wait_with_progress(out, &client, &ticket.nonce, &wait).await?;
    steps.step(output::outcome_text(&outcome));
    sim.stop();

    let list = std::mem::take(&mut steps.list);
    if !out.json {
        return Ok(exit::for_outcome(outcome.kind));
    }
    out.result(String::new, || {
        let mut value = json!({
            "base_url": sim.base_url(),
            "user_id": USER,
            "devices": devices,
            "steps": list,
        });
        value["push"] = output::ticket_json(&ticket);
        output::outcome_json(&outcome, &mut value);
        value
    });
    Ok(exit::for_outcome(outcome.kind))
}

fn sim_config(args: &DemoArgs) -> SimConfig {
    let devices = vec![
        SeedDevice::new("alice-phone").with_name("Pixel 9").with_platform("android"),
        SeedDevice::new("alice-tablet").with_name("iPad Air").with_platform("ios"),
    ];
    SimConfig {
        port: args.port,
        mode: Mode::Demo,
        users: vec![SeedUser::new(USER, devices)],
        auto_respond: (!args.interactive)
            .then_some(AutoRespond { action: Action::Approve, delay_ms: AUTO_APPROVE.as_millis() as u64 }),
        // An interactive demo may take a while: the push outlives the longest wait.
        push_ttl_ms: 600_000,
        ..SimConfig::default()
    }
}
