//! Runs every scenario of tests/conformance/ against the in-process simulator.
#![allow(clippy::unwrap_used)]

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Duration;

use omi_push::{Client, ClientOptions, Config, Error, WaitOptions};
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
    if let Some(field) = expect.get("field").and_then(Value::as_str) {
        if err.field() != Some(field) {
            return Err(format!("expected field {field}, got {:?}", err.field()));
        }
    }
    if let Some(scope) = expect.get("scope").and_then(Value::as_str) {
        if err.missing_scope() != Some(scope) {
            return Err(format!("expected scope {scope}, got {:?}", err.missing_scope()));
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

async fn run(path: &PathBuf) -> Result<(), String> {
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
        match run(path).await {
            Ok(()) => println!("scenario {name}: ok"),
            Err(e) => {
                println!("scenario {name}: FAILED: {e}");
                failures.push(format!("{name}: {e}"));
            }
        }
    }
    assert!(failures.is_empty(), "{} of {} scenarios failed:\n{}", failures.len(), files.len(), failures.join("\n"));
}
