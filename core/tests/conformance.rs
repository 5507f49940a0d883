//! Runs every scenario of tests/conformance/ against the in-process simulator.
#![allow(clippy::unwrap_used)]

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Duration;

use omi_push::{
    Client, ClientOptions, Config, Error, StepUp, StepUpConfig, StoreConfig, Throttle, Verdict, WaitOptions,
};
use omi_push_sim::{Mode, SimConfig, Simulator};
use serde_json::{Value, json};

fn scenario_files() -> Vec<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/conformance");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    files
}

/// `{"repeat": "x", "times": n}` builds a long string.
fn string_arg(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Object(o) => Some(o.get("repeat")?.as_str()?.repeat(o.get("times")?.as_u64()? as usize)),
        _ => None,
    }
}

/// Secrets a `"redacted": true` error must not show: the client secret and the Basic value.
static SECRETS: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());

fn check_error(err: &Error, expect: &Value) -> Result<(), String> {
    let kind = expect["error"].as_str().ok_or("expect has no error")?;
    if err.kind().as_str() != kind {
        return Err(format!("expected error {kind}, got {} ({err})", err.kind().as_str()));
    }
    if expect.get("redacted").and_then(Value::as_bool) == Some(true) {
        let text = format!("{err} {err:?}");
        for secret in SECRETS.lock().unwrap().iter() {
            if text.contains(secret.as_str()) {
                return Err(format!("the error text shows a secret: {text}"));
            }
        }
        if !text.contains("***") {
            return Err(format!("expected a redacted echo in the error text: {text}"));
        }
    }
    check_error_fields(err, expect)?;
    if let Some(scope) = expect.get("scope").and_then(Value::as_str) {
        if err.missing_scope() != Some(scope) {
            return Err(format!("expected scope {scope}, got {:?}", err.missing_scope()));
        }
    }
    Ok(())
}

/// Every field the expectation names has the expected value (README: Error fields); `"*"` is any
/// value, `null` none.
fn check_error_fields(err: &Error, expect: &Value) -> Result<(), String> {
    let shown = [
        ("code", Some(Value::from(format!("OMI_{}", err.kind().as_str().to_uppercase())))),
        ("retryable", Some(Value::from(err.is_retryable()))),
        ("status", err.status().map(Value::from)),
        ("server_code", err.code().map(Value::from)),
        ("request_id", err.request_id().map(Value::from)),
        ("retry_after_ms", err.retry_after().map(|d| Value::from(d.as_millis() as u64))),
        ("missing_scope", err.missing_scope().map(Value::from)),
        ("field", err.field().map(Value::from)),
        ("reason", err.reason().map(Value::from)),
    ];
    for (key, got) in shown {
        let Some(want) = expect.get(key) else { continue };
        let got = got.unwrap_or(Value::Null);
        let same = match (want, &got) {
            (Value::String(w), g) if w == "*" => !g.is_null(),
            (Value::Number(w), Value::Number(g)) => w.as_f64() == g.as_f64(),
            (w, g) => w == g,
        };
        if !same {
            return Err(format!("{key} is {got}, expected {want} ({err})"));
        }
    }
    Ok(())
}

fn unexpected_ok(expect: &Value, got: impl std::fmt::Debug) -> Result<(), String> {
    match expect.get("error") {
        Some(e) => Err(format!("expected error {e}, got {got:?}")),
        None => Ok(()),
    }
}

const STEP_UP_KEY: &str = "conformance-step-up-key-0123456789abcdef";
const OTHER_KEY: &str = "another-step-up-key-0123456789abcdef0123";

/// The step-up of a scenario's `stepup` object (see tests/conformance/README.md).
fn step_up(client: &Client, spec: &Value, store: &str, key: &str) -> Result<StepUp, String> {
    let mut config = StepUpConfig::new(key.as_bytes().to_vec());
    if let Some(ms) = spec.get("max_age_ms").and_then(Value::as_f64) {
        config.max_age = Duration::from_secs_f64(ms / 1000.0);
    }
    config.throttle = Throttle {
        max_unresolved: spec.get("max_unresolved").and_then(Value::as_u64).map_or(3, |n| n as u32),
        min_gap: Duration::from_millis(spec.get("min_gap_ms").and_then(Value::as_u64).unwrap_or(0)),
    };
    config.store = match store {
        "memory" => StoreConfig::Memory,
        "down" => StoreConfig::Redis("redis://127.0.0.1:1/0".into()),
        _ => StoreConfig::Redis(
            std::env::var("OMI_PUSH_REDIS_URL").map_err(|_| "OMI_PUSH_REDIS_URL is not set (make test sets it)")?,
        ),
    };
    config.store_prefix = format!("conformance:{}:", omi_push::generate_nonce().map_err(|e| e.to_string())?);
    StepUp::new(client.clone(), config).map_err(|e| e.to_string())
}

/// A saved challenge, changed as a step's `edit` says.
fn edited(text: &str, edit: Option<&str>) -> String {
    match edit {
        Some("flip") => {
            let mid = text.len() / 2;
            let c = if &text[mid..mid + 1] == "A" { "B" } else { "A" };
            format!("{}{c}{}", &text[..mid], &text[mid + 1..])
        }
        Some("truncate") => text[..text.len().saturating_sub(5)].to_string(),
        Some("huge") => "x".repeat(1 << 20),
        _ => text.to_string(),
    }
}

fn verdict_check(r: Result<Verdict, Error>, expect: &Value) -> Result<(), String> {
    match r {
        Ok(v) => unexpected_ok(expect, v).and_then(|_| match expect.get("verdict").and_then(Value::as_str) {
            Some(want) if want != v.as_str() => Err(format!("verdict {}, expected {want}", v.as_str())),
            _ => Ok(()),
        }),
        Err(e) => check_error(&e, expect),
    }
}

async fn run(path: &PathBuf, store: &str) -> Result<(), String> {
    let scenario: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let mut sim_config: SimConfig = serde_json::from_value(scenario["sim"].clone()).map_err(|e| e.to_string())?;
    sim_config.mode = Mode::Test;
    let sim = Simulator::start(sim_config).await.map_err(|e| e.to_string())?;

    let mut options = scenario["client"].as_object().cloned().unwrap_or_default();
    let wrong_secret = options.remove("wrong_secret").and_then(|v| v.as_bool()).unwrap_or(false);
    options.insert("base_url".into(), json!(sim.base_url()));
    if !options.contains_key("access_token") {
        options.insert("client_id".into(), json!(sim.client_id()));
        let secret = if wrong_secret { "wrong-secret".to_string() } else { sim.client_secret().to_string() };
        options.insert("client_secret".into(), json!(secret));
    }
    {
        use base64::Engine;
        let pair = format!("{}:{}", sim.client_id(), sim.client_secret());
        *SECRETS.lock().unwrap() =
            vec![sim.client_secret().to_string(), base64::engine::general_purpose::STANDARD.encode(pair)];
    }
    let options: ClientOptions = serde_json::from_value(Value::Object(options)).map_err(|e| e.to_string())?;
    let client = Client::new(Config::from_options(options).map_err(|e| e.to_string())?).map_err(|e| e.to_string())?;

    let spec = scenario.get("stepup").cloned().unwrap_or(Value::Null);
    let step_ups = if spec.is_null() {
        None
    } else {
        Some((step_up(&client, &spec, store, STEP_UP_KEY)?, step_up(&client, &spec, store, OTHER_KEY)?))
    };
    let mut challenges: HashMap<String, String> = HashMap::new();
    let mut tickets: HashMap<String, String> = HashMap::new();
    for (i, step) in scenario["steps"].as_array().unwrap().iter().enumerate() {
        let mut step = step.clone();
        if let Some(name) = step.get("ticket").and_then(Value::as_str) {
            let nonce = tickets.get(name).ok_or(format!("no ticket {name}"))?.clone();
            step["nonce"] = json!(nonce);
        }
        let expect = step.get("expect").cloned().unwrap_or(Value::Null);
        let s = |k: &str| step.get(k).and_then(string_arg);
        let started = std::time::Instant::now();
        let result: Result<(), String> = match step["do"].as_str().unwrap() {
            "list_devices" => match client.list_devices(&s("user_id").unwrap()).await {
                Ok(devices) => unexpected_ok(&expect, &devices).and_then(|_| {
                    let ids: Vec<Value> = devices.iter().map(|d| json!(d.id)).collect();
                    match expect.get("device_ids") {
                        Some(want) if want != &Value::Array(ids.clone()) => {
                            Err(format!("devices {ids:?}, expected {want}"))
                        }
                        _ => Ok(()),
                    }
                }),
                Err(e) => check_error(&e, &expect),
            },
            "send_push" => {
                let r = client
                    .send_push(
                        &s("user_id").unwrap(),
                        s("device_id").as_deref(),
                        &s("message").unwrap(),
                        s("nonce").as_deref(),
                    )
                    .await;
                match r {
                    Ok(ticket) => unexpected_ok(&expect, &ticket).map(|_| {
                        if let Some(name) = step.get("save").and_then(Value::as_str) {
                            tickets.insert(name.to_string(), ticket.nonce.clone());
                        }
                    }),
                    Err(e) => check_error(&e, &expect),
                }
            }
            "status" => match client.confirmation_status(&s("nonce").unwrap()).await {
                Ok(status) => {
                    unexpected_ok(&expect, &status).and_then(|_| match expect.get("state").and_then(Value::as_str) {
                        Some(want) if want != status.state.as_str() => {
                            Err(format!("state {}, expected {want}", status.state.as_str()))
                        }
                        _ => Ok(()),
                    })
                }
                Err(e) => check_error(&e, &expect),
            },
            "wait" => {
                let mut options =
                    WaitOptions::default().timeout(Duration::from_millis(step["timeout_ms"].as_u64().unwrap()));
                if let Some(ms) = step.get("poll_interval_ms").and_then(Value::as_u64) {
                    options = options.poll_interval(Duration::from_millis(ms));
                }
                match client.wait_for_confirmation(&s("nonce").unwrap(), options).await {
                    Ok(outcome) => unexpected_ok(&expect, &outcome).and_then(|_| {
                        match expect.get("outcome").and_then(Value::as_str) {
                            Some(want) if want != outcome.kind.as_str() => {
                                Err(format!("outcome {}, expected {want}", outcome.kind.as_str()))
                            }
                            _ => Ok(()),
                        }
                    }),
                    Err(e) => check_error(&e, &expect),
                }
            }
            "stepup_begin" | "stepup_check" | "stepup_wait" => {
                let (main, other) = step_ups.as_ref().ok_or("a step-up step needs a `stepup` object")?;
                let (user, action) = (s("user_id").unwrap_or_default(), s("action").unwrap_or_default());
                if step["do"] == "stepup_begin" {
                    let su = if step.get("other_key").and_then(Value::as_bool) == Some(true) { other } else { main };
                    match su.begin(&user, &action, s("device_id").as_deref(), &s("message").unwrap_or_default()).await {
                        Ok(c) => unexpected_ok(&expect, &c).map(|_| {
                            let name = s("save").unwrap_or_default();
                            tickets.insert(name.clone(), c.claims.nonce.clone());
                            challenges.insert(name, c.text);
                        }),
                        Err(e) => check_error(&e, &expect),
                    }
                } else {
                    let name = s("challenge").unwrap_or_default();
                    let text = challenges.get(&name).ok_or(format!("no challenge {name}"))?;
                    let text = edited(text, step.get("edit").and_then(Value::as_str));
                    let r = if step["do"] == "stepup_check" {
                        main.check(&text, &user, &action).await
                    } else {
                        let t = Duration::from_millis(step["timeout_ms"].as_u64().unwrap_or(5000));
                        main.wait(&text, &user, &action, WaitOptions::default().timeout(t)).await
                    };
                    verdict_check(r, &expect)
                }
            }
            // The probe of a binding's error conversion: the core's errors are what it probes.
            "error_probe" => Ok(()),
            _ => {
                let step = step.clone();
                let sim = &sim;
                tokio::task::block_in_place(|| sim.control(&step))
            }
        };
        let result = result.and_then(|()| match step.get("max_ms").and_then(Value::as_u64) {
            Some(max) if started.elapsed() > Duration::from_millis(max) => {
                Err(format!("took {:?}, more than max_ms {max}", started.elapsed()))
            }
            _ => Ok(()),
        });
        result.map_err(|e| format!("step {i} ({}): {e}", step["do"]))?;
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_conformance_scenario() {
    let files = scenario_files();
    assert!(files.len() >= 15, "expected at least 15 scenarios, found {}", files.len());
    let mut failures = Vec::new();
    for path in &files {
        let name = path.file_stem().unwrap().to_string_lossy().to_string();
        let text = std::fs::read_to_string(path).unwrap();
        let scenario: Value = serde_json::from_str(&text).unwrap();
        let stores: Vec<String> = match scenario.get("stepup") {
            None => vec!["memory".into()],
            Some(spec) => match spec.get("store").and_then(Value::as_str) {
                Some(store) => vec![store.to_string()],
                None => vec!["memory".into(), "redis".into()],
            },
        };
        for store in stores {
            match run(path, &store).await {
                Ok(()) => println!("scenario {name} [{store}]: ok"),
                Err(e) => {
                    println!("scenario {name} [{store}]: FAILED: {e}");
                    failures.push(format!("{name} [{store}]: {e}"));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{} of {} scenarios failed:\n{}", failures.len(), files.len(), failures.join("\n"));
}
