//! The Rust core under the benchmark scenarios (see bench/README.md).
//! `bench-rust SCENARIO.json` prints one JSON result line.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use omi_push::{Client, Config, WaitOptions};
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
}

fn unix_ms() -> f64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs_f64() * 1000.0).unwrap_or(0.0)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args().nth(1).ok_or("usage: bench-rust SCENARIO.json")?;
    let s: Scenario = serde_json::from_str(&std::fs::read_to_string(path)?)?;
    let client = Client::new(Config::builder(&s.base_url).client_credentials(s.client_id.as_str(), s.client_secret.as_str()).build()?)?;
    let result = match s.scenario.as_str() {
        "wait" => wait(client, s).await,
        "status" => status(client, s).await?,
        "token" => token(client, s).await,
        other => return Err(format!("unknown scenario {other}").into()),
    };
    println!("{result}");
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
