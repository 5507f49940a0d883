//! The floor: the benchmark's polls on bare reqwest, with no library around them. One token
//! fetched before the burst, then each confirmation: one push, then a status poll every
//! interval (the first one interval after the wait starts, each next an interval after the
//! previous poll started) until the push is decided. No retries, no events, no deadline
//! bookkeeping beyond the timeout: the least work a poll can cost on this stack (tokio,
//! hyper, rustls, serde_json), to measure the clients against.
//!
//! `bench-floor SCENARIO.json` (the scenario `wait` or `status`; `http2` and `ca_file` as for
//! bench-rust) prints one JSON result line.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use base64::Engine;
use rand::RngCore;
use serde::Deserialize;
use serde_json::{Value, json};

type BoxError = Box<dyn std::error::Error + Send + Sync>;

const SCOPES: &str = "credential%3Aomi%3Adevices%3Aget+credential%3Aomi%3Apush-notification%3Adevice%3Apost+\
                      credential%3Aomi%3Apush-notification%3Apost+credential%3Aomi%3Apush-notification%3Astatus%3Aget";

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
    http2: Option<String>,
    #[serde(default)]
    ca_file: Option<String>,
}

#[derive(Deserialize)]
struct Token<'a> {
    access_token: &'a str,
}

#[derive(Deserialize)]
struct Status<'a> {
    status: &'a str,
}

fn unix_ms() -> f64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs_f64() * 1000.0).unwrap_or(0.0)
}

#[derive(Clone)]
struct Floor {
    http: reqwest::Client,
    base: String,
    bearer: String,
}

impl Floor {
    async fn new(s: &Scenario) -> Result<Floor, BoxError> {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let mut b = reqwest::Client::builder().timeout(Duration::from_secs(10));
        b = match s.http2.as_deref() {
            None | Some("auto") => b,
            Some("always") => b.http2_prior_knowledge(),
            Some("never") => b.http1_only(),
            Some(other) => return Err(format!("http2 must be auto, always or never, not {other}").into()),
        };
        if let Some(path) = &s.ca_file {
            b = b.tls_certs_merge(reqwest::Certificate::from_pem_bundle(&std::fs::read(path)?)?);
        }
        let http = b.build()?;
        let body = http
            .post(format!("{}/auth/oauth2.0/v1/token", s.base_url))
            .basic_auth(&s.client_id, Some(&s.client_secret))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(format!("grant_type=client_credentials&scope={SCOPES}"))
            .send()
            .await?
            .error_for_status()?
            .bytes()
            .await?;
        let token: Token = serde_json::from_slice(&body)?;
        Ok(Floor { bearer: format!("Bearer {}", token.access_token), http, base: s.base_url.clone() })
    }

    async fn push(&self, s: &Scenario) -> Result<String, BoxError> {
        let mut raw = [0u8; 18];
        rand::rng().fill_bytes(&mut raw);
        let nonce = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(raw);
        let body = serde_json::to_vec(&json!({"message": s.message, "nonce": nonce}))?;
        self.http
            .post(format!("{}/omi/push/user/{}/device/{}", self.base, s.user_id, s.device_id))
            .header("authorization", &self.bearer)
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await?
            .error_for_status()?;
        Ok(nonce)
    }

    /// The upper-case status of a push.
    async fn status(&self, nonce: &str) -> Result<String, BoxError> {
        let body = self
            .http
            .get(format!("{}/omi/push/confirmation?nonce={nonce}", self.base))
            .header("authorization", &self.bearer)
            .send()
            .await?
            .error_for_status()?
            .bytes()
            .await?;
        Ok(serde_json::from_slice::<Status>(&body)?.status.to_ascii_uppercase())
    }

    async fn wait(&self, nonce: &str, timeout: Duration, interval: Duration) -> &'static str {
        let deadline = tokio::time::Instant::now() + timeout;
        let mut next = tokio::time::Instant::now() + interval;
        while next < deadline {
            tokio::time::sleep_until(next).await;
            let started = tokio::time::Instant::now();
            match self.status(nonce).await.as_deref() {
                Ok("CONFIRMED") => return "confirmed",
                Ok("REJECTED") => return "rejected",
                Ok("EXPIRED") => return "expired",
                _ => {} // pending, or a failed poll: the next interval
            }
            next = started + interval;
        }
        "timed_out"
    }
}

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    let path = std::env::args().nth(1).ok_or("usage: bench-floor SCENARIO.json")?;
    let s: Scenario = serde_json::from_str(&std::fs::read_to_string(path)?)?;
    let floor = Floor::new(&s).await?;
    let result = match s.scenario.as_str() {
        "wait" => wait(floor, s).await,
        "status" => status(floor, s).await?,
        other => return Err(format!("scenario {other} is not measured on the floor").into()),
    };
    println!("{result}");
    Ok(())
}

async fn wait(floor: Floor, s: Scenario) -> Value {
    let t0 = tokio::time::Instant::now();
    let mut tasks = Vec::with_capacity(s.n);
    for i in 0..s.n {
        let (floor, s) = (floor.clone(), s.clone());
        let start = t0 + Duration::from_millis(s.ramp_ms * i as u64 / s.n as u64);
        tasks.push(tokio::spawn(async move {
            tokio::time::sleep_until(start).await;
            let nonce = match floor.push(&s).await {
                Ok(n) => n,
                Err(_) => return json!([null, "error:push", unix_ms()]),
            };
            let timeout = Duration::from_millis(s.timeout_ms);
            let outcome = floor.wait(&nonce, timeout, Duration::from_millis(s.poll_interval_ms)).await;
            json!([nonce, outcome, unix_ms()])
        }));
    }
    let mut results = Vec::with_capacity(s.n);
    for t in tasks {
        results.push(t.await.unwrap_or_else(|_| json!([null, "error:panic", unix_ms()])));
    }
    json!({"results": results})
}

async fn status(floor: Floor, s: Scenario) -> Result<Value, BoxError> {
    let nonce = floor.push(&s).await?;
    let mut lat_us = Vec::with_capacity(s.calls);
    let mut errors = 0;
    for _ in 0..s.calls {
        let t = Instant::now();
        let r = floor.status(&nonce).await;
        lat_us.push(t.elapsed().as_secs_f64() * 1e6);
        if r.map(|st| st != "PENDING").unwrap_or(true) {
            errors += 1;
        }
    }
    Ok(json!({"lat_us": lat_us, "errors": errors}))
}
