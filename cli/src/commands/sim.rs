//! `omi-push sim`: the simulator in the foreground until Ctrl-C or SIGTERM.
//!
//! The client secret: with `--client-secret-file` (or `client_secret` in the seed) it is known
//! to the caller and never printed. Without one, the simulator makes a random secret per start;
//! it is printed once, on stdout only, because nobody could use the server otherwise. It is a
//! local test server, and the secret lives only as long as the process.

use std::net::IpAddr;

use omi_push::CancellationToken;
use omi_push_sim::{SimConfig, Simulator};
use serde_json::{Map, Value, json};

use crate::args::SimArgs;
use crate::exit::{self, Failure};
use crate::output::Output;

pub async fn run(out: Output, args: SimArgs, interrupt: CancellationToken) -> Result<u8, Failure> {
    let (config, secret_source) = config(&args)?;
    let host = config.host.clone();
    let sim = Simulator::start(config).await?;
    let control = sim.mode().control_enabled();
    let phone = control.then(|| format!("{}/_sim/phone", sim.base_url()));
    let printed_secret = secret_source.is_none().then(|| sim.client_secret().to_string());
    out.result(
        || {
            let mut s = format!(
                "OMI push simulator (mode {}) listening on {}\n  token URL:     {}\n  client id:     {}\n",
                mode_name(&sim),
                sim.base_url(),
                sim.token_url(),
                sim.client_id()
            );
            match &secret_source {
                Some(source) => s.push_str(&format!("  client secret: from {source} (not shown)\n")),
                None => s.push_str("  client secret: random for this run, shown once below\n"),
            }
            if let Some(p) = &phone {
                s.push_str(&format!("  phone:         {p}\n"));
            }
            s.push_str(&format!(
                "\nIn another shell:\n  export OMI_BASE_URL={}\n  export OMI_CLIENT_ID={}\n",
                sim.base_url(),
                sim.client_id()
            ));
            if let Some(secret) = &printed_secret {
                s.push_str(&format!("  export OMI_CLIENT_SECRET={secret}\n"));
            }
            s.push_str("\nPress Ctrl-C to stop.");
            s
        },
        || {
            json!({
                "base_url": sim.base_url(),
                "token_url": sim.token_url(),
                "mode": mode_name(&sim),
                "client_id": sim.client_id(),
                "client_secret": printed_secret,
                "client_secret_source": secret_source.as_deref().unwrap_or("random"),
                "phone_url": phone,
            })
        },
    );
    if !is_loopback(&host) {
        out.note(format!(
            "warning: {host} is not a loopback address: this plain-HTTP test server is reachable from the network"
        ));
    }
    interrupt.cancelled().await;
    sim.stop();
    out.note("simulator stopped");
    Ok(exit::OK)
}

fn mode_name(sim: &Simulator) -> &'static str {
    match sim.mode() {
        omi_push_sim::Mode::Api => "api",
        omi_push_sim::Mode::Test => "test",
        omi_push_sim::Mode::Demo => "demo",
    }
}

/// Flags over the seed file over the CLI's defaults (port 8787, mode demo) over the
/// simulator's. Returns where the secret came from, if not random.
fn config(args: &SimArgs) -> Result<(SimConfig, Option<String>), Failure> {
    let mut merged = Map::new();
    merged.insert("port".into(), json!(8787));
    merged.insert("mode".into(), json!("demo"));
    let mut secret_source = None;
    if let Some(path) = &args.seed {
        let text = std::fs::read_to_string(path)
            .map_err(|e| Failure::Config(format!("cannot read the seed file {}: {e}", path.display())))?;
        match serde_json::from_str::<Value>(&text) {
            Ok(Value::Object(seed)) => {
                if seed.get("client_secret").is_some_and(|v| !v.is_null()) {
                    secret_source = Some(format!("the seed file {}", path.display()));
                }
                merged.extend(seed);
            }
            // serde_json's message gives line and column, never the text itself.
            Ok(_) => return Err(Failure::Config(format!("the seed file {} is not a JSON object", path.display()))),
            Err(e) => return Err(Failure::Config(format!("the seed file {} is not JSON: {e}", path.display()))),
        }
    }
    let mut set = |key: &str, value: Value| {
        merged.insert(key.to_string(), value);
    };
    if let Some(h) = &args.host {
        set("host", json!(h));
    }
    if let Some(p) = args.port {
        set("port", json!(p));
    }
    if let Some(m) = args.mode {
        set("mode", json!(m.as_str()));
    }
    if let Some(id) = &args.client_id {
        set("client_id", json!(id));
    }
    if let Some(ms) = args.token_lifetime_ms {
        set("token_lifetime_ms", json!(ms));
    }
    if let Some(ms) = args.push_ttl_ms {
        set("push_ttl_ms", json!(ms));
    }
    if let Some(ms) = args.auto_approve_ms {
        set("auto_respond", json!({ "action": "approve", "delay_ms": ms }));
    }
    if let Some(ms) = args.auto_reject_ms {
        set("auto_respond", json!({ "action": "reject", "delay_ms": ms }));
    }
    if let Some(path) = &args.client_secret_file {
        let text = std::fs::read_to_string(path)
            .map_err(|e| Failure::Config(format!("cannot read the client secret file {}: {e}", path.display())))?;
        let secret = text.trim_end_matches(['\n', '\r']);
        if secret.is_empty() {
            return Err(Failure::Config(format!("the client secret file {} is empty", path.display())));
        }
        set("client_secret", json!(secret));
        secret_source = Some(format!("the file {}", path.display()));
    }
    let mut config = SimConfig::from_json(&Value::Object(merged).to_string())?;
    for (i, fault) in args.fault.iter().enumerate() {
        let fault = serde_json::from_str(fault)
            .map_err(|e| Failure::Config(format!("--fault number {} is not a fault: {e}", i + 1)))?;
        config.faults.push(fault);
    }
    config.validate()?;
    Ok((config, secret_source))
}

fn is_loopback(host: &str) -> bool {
    host == "localhost" || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}
