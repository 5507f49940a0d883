//! The Rust core under the benchmark scenarios (see bench/README.md).
//! `bench-rust SCENARIO.json` prints one JSON result line.
//!
//! Scenario options besides the scenario itself: `http2` (`auto`, `always`, `never`), `ca_file`
//! (the simulator's certificate, PEM, trusted through the core's `ca_cert_pem` option),
//! `request_budget` (requests a second for the whole client) and `linger` (print `{"idle":
//! true}` once the client is made and has made one call, wait `idle_ms`, run the burst, print
//! the result, then keep the client until standard input closes, so that the harness can
//! sample the memory after the burst).

use std::io::{Read, Write};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use omi_push::{Client, Config, Http2, WaitOptions};
use serde::Deserialize;
use serde_json::{Value, json};

#[derive(Deserialize, Clone)]
struct Scenario {
    scenario: String,
    base_url: String,
    client_id: String,
    client_secret: String,
    user_id: String,
    device_id: String,
    message: String,
    #[serde(default)]
    n: usize,
    #[serde(default)]
    poll_interval_ms: u64,
    #[serde(default)]
    ramp_ms: u64,
    #[serde(default)]
    timeout_ms: u64,
    #[serde(default)]
    calls: usize,
    #[serde(default)]
    concurrency: usize,
    #[serde(default)]
    http2: Option<String>,
    #[serde(default)]
    ca_file: Option<String>,
    #[serde(default)]
    request_budget: Option<u32>,
    #[serde(default)]
    linger: bool,
    #[serde(default)]
    idle_ms: u64,
}

fn unix_ms() -> f64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs_f64() * 1000.0).unwrap_or(0.0)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args().nth(1).ok_or("usage: bench-rust SCENARIO.json")?;
    let s: Scenario = serde_json::from_str(&std::fs::read_to_string(path)?)?;
    let mut config = Config::builder(&s.base_url).client_credentials(s.client_id.as_str(), s.client_secret.as_str());
    config = config.http2(match s.http2.as_deref() {
        None | Some("auto") => Http2::Auto,
        Some("always") => Http2::Always,
        Some("never") => Http2::Never,
        Some(other) => return Err(format!("http2 must be auto, always or never, not {other}").into()),
    });
    if let Some(path) = &s.ca_file {
        config = config.ca_cert_pem(std::fs::read(path)?);
    }
    if let Some(n) = s.request_budget {
        config = config.request_budget(n);
    }
    let client = Client::new(config.build()?)?;
    if s.linger {
        client.list_devices(&s.user_id).await?;
        println!("{}", json!({"idle": true}));
        std::io::stdout().flush()?;
        tokio::time::sleep(Duration::from_millis(s.idle_ms)).await;
    }
    let linger = s.linger;
    let result = match s.scenario.as_str() {
        "wait" => wait(client.clone(), s).await,
        "status" => status(client.clone(), s).await?,
        "token" => token(client.clone(), s).await,
        other => return Err(format!("unknown scenario {other}").into()),
    };
    println!("{result}");
    std::io::stdout().flush()?;
    // The harness samples the memory after the burst: this program's own copy of the results
    // is not the client's.
    drop(result);
    if linger {
        // Keep the client (its pooled connections) until the harness has sampled the memory.
        tokio::task::spawn_blocking(|| std::io::stdin().read_to_end(&mut Vec::new())).await??;
        drop(client);
    }
    Ok(())
}

/// N confirmations, started evenly over `ramp_ms`: each sends its push, then waits for it.
async fn wait(client: Client, s: Scenario) -> Value {
    let t0 = tokio::time::Instant::now();
    let mut tasks = Vec::with_capacity(s.n);
    for i in 0..s.n {
        let (client, s) = (client.clone(), s.clone());
        let start = t0 + Duration::from_millis(s.ramp_ms * i as u64 / s.n as u64);
        tasks.push(tokio::spawn(async move {
            tokio::time::sleep_until(start).await;
            let ticket = match client.send_push(&s.user_id, Some(&s.device_id), &s.message, None).await {
                Ok(t) => t,
                Err(e) => return json!([null, format!("error:{}", e.kind().as_str()), unix_ms()]),
            };
            let options = WaitOptions::default()
                .timeout(Duration::from_millis(s.timeout_ms))
                .poll_interval(Duration::from_millis(s.poll_interval_ms));
            match client.wait_for_confirmation(&ticket.nonce, options).await {
                Ok(o) => json!([ticket.nonce, o.kind.as_str(), unix_ms()]),
                Err(e) => json!([ticket.nonce, format!("error:{}", e.kind().as_str()), unix_ms()]),
            }
        }));
    }
    let mut results = Vec::with_capacity(s.n);
    for t in tasks {
        results.push(t.await.unwrap_or_else(|_| json!([null, "error:panic", unix_ms()])));
    }
    json!({"results": results})
}

/// One push, then `calls` sequential status reads, each timed.
async fn status(client: Client, s: Scenario) -> Result<Value, Box<dyn std::error::Error>> {
    let ticket = client.send_push(&s.user_id, Some(&s.device_id), &s.message, None).await?;
    let mut lat_us = Vec::with_capacity(s.calls);
    let mut errors = 0;
    for _ in 0..s.calls {
        let t = Instant::now();
        let r = client.confirmation_status(&ticket.nonce).await;
        lat_us.push(t.elapsed().as_secs_f64() * 1e6);
        if r.map(|st| st.raw != "PENDING").unwrap_or(true) {
            errors += 1;
        }
    }
    Ok(json!({"lat_us": lat_us, "errors": errors}))
}

/// `concurrency` first calls at once on a fresh client.
async fn token(client: Client, s: Scenario) -> Value {
    let t = Instant::now();
    let mut tasks = Vec::with_capacity(s.concurrency);
    for _ in 0..s.concurrency {
        let (client, user) = (client.clone(), s.user_id.clone());
        tasks.push(tokio::spawn(async move { client.list_devices(&user).await.is_ok() }));
    }
    let mut ok = 0;
    for t in tasks {
        if t.await.unwrap_or(false) {
            ok += 1;
        }
    }
    json!({"ok": ok, "wall_ms": t.elapsed().as_secs_f64() * 1000.0})
}
