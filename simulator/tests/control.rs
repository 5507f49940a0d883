#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Request log, modes, auto-respond, the virtual phone and the handle itself.

mod common;

use std::time::Duration;

use common::*;
use omi_push_sim::{Action, AutoRespond, Mode, SeedDevice, SimConfig, SimError, Simulator};
use reqwest::StatusCode;
use serde_json::{Value, json};

const TO_DEV_1: &str = "/omi/push/user/user-1/device/dev-1";

#[tokio::test(flavor = "multi_thread")]
async fn the_request_log_records_omi_requests_only() {
    let (sim, http) = testing().await;
    let token = token(&http, &sim).await;
    push(&http, &sim, &token, TO_DEV_1, "hi", "n-1").await;
    status_of(&http, &sim, &token, "n-1").await;
    http.get(format!("{}/_sim/health", sim.base_url())).send().await.unwrap();
    http.get(format!("{}/_sim/pushes", sim.base_url())).send().await.unwrap();
    http.get(format!("{}/_sim/phone/dev-1", sim.base_url())).send().await.unwrap();

    let log = sim.request_log();
    let summary: Vec<(u64, &str, &str, u16)> =
        log.iter().map(|e| (e.seq, e.route.as_str(), e.method.as_str(), e.status)).collect();
    assert_eq!(summary, [(1, "token", "POST", 200), (2, "push_device", "POST", 201), (3, "confirmation", "GET", 200)]);
    assert_eq!(log[1].path, TO_DEV_1);
    assert_eq!(log[1].query, None);
    assert_eq!(log[2].path, "/omi/push/confirmation");
    assert_eq!(log[2].query.as_deref(), Some("nonce=n-1"));
    assert!(log[0].t_ms >= 0.0 && log[0].t_ms <= log[1].t_ms && log[1].t_ms <= log[2].t_ms);
    assert_eq!(sim.count("confirmation", "GET"), 1);
    assert_eq!(sim.count("confirmation", "get"), 1);
    assert_eq!(sim.count("*", "POST"), 2);

    let body: Value = http.get(format!("{}/_sim/log", sim.base_url())).send().await.unwrap().json().await.unwrap();
    assert_eq!(body.as_array().unwrap().len(), 3);
    assert_eq!(body[2]["route"], "confirmation");
    assert_eq!(body[2]["query"], "nonce=n-1");
    assert!(body[2]["t_ms"].is_f64());
    let entry = body[2].as_object().unwrap();
    let mut keys: Vec<&str> = entry.keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(keys, ["method", "path", "query", "route", "seq", "status", "t_ms"]);

    let response = http.delete(format!("{}/_sim/log", sim.base_url())).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(sim.request_log().is_empty());
    status_of(&http, &sim, &token, "n-1").await;
    assert_eq!(sim.request_log()[0].seq, 4, "seq keeps counting after a clear");
    sim.clear_log();
    assert_eq!(sim.count("confirmation", "GET"), 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn mode_api_hides_the_control_routes() {
    let (sim, http) = start(SimConfig::default()).await;
    assert_eq!(sim.mode(), Mode::Api);
    for path in ["/_sim/health", "/_sim/pushes", "/_sim/phone", "/_sim/phone/dev-1"] {
        let response = http.get(format!("{}{path}", sim.base_url())).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path}");
    }
    let response = http.post(format!("{}/_sim/pushes/x/approve", sim.base_url())).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    // The OMI routes are there, and the handle still works.
    let token = token(&http, &sim).await;
    push(&http, &sim, &token, TO_DEV_1, "hi", "n-1").await;
    sim.approve("n-1").unwrap();
    assert_eq!(status_of(&http, &sim, &token, "n-1").await, "CONFIRMED");
}

#[tokio::test(flavor = "multi_thread")]
async fn health_and_request_ids_in_test_and_demo_modes() {
    let (sim, http) = start(SimConfig { mode: Mode::Demo, ..SimConfig::default() }).await;
    let response = http.get(format!("{}/_sim/health", sim.base_url())).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let first = response.headers()["x-request-id"].to_str().unwrap().to_owned();
    let body: Value = response.json().await.unwrap();
    assert_eq!(body, json!({"ok": true}));
    let response = http.get(format!("{}/nowhere", sim.base_url())).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let second = response.headers()["x-request-id"].to_str().unwrap().to_owned();
    assert!(first.starts_with("sim-") && second.starts_with("sim-") && first != second);
}

#[tokio::test(flavor = "multi_thread")]
async fn auto_respond_answers_after_the_delay() {
    let config = SimConfig {
        auto_respond: Some(AutoRespond { action: Action::Approve, delay_ms: 150 }),
        ..SimConfig::testing()
    };
    let (sim, http) = start(config).await;
    let token = token(&http, &sim).await;
    push(&http, &sim, &token, TO_DEV_1, "hi", "n-1").await;
    assert_eq!(status_of(&http, &sim, &token, "n-1").await, "PENDING");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(status_of(&http, &sim, &token, "n-1").await, "CONFIRMED");

    // Through the control route: reject, and an answered push is left alone.
    let response = http
        .post(format!("{}/_sim/auto-respond", sim.base_url()))
        .json(&json!({"action": "reject", "delay_ms": 100}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    push(&http, &sim, &token, TO_DEV_1, "hi", "n-2").await;
    push(&http, &sim, &token, TO_DEV_1, "hi", "n-3").await;
    sim.approve("n-3").unwrap();
    tokio::time::sleep(Duration::from_millis(250)).await;
    assert_eq!(status_of(&http, &sim, &token, "n-2").await, "REJECTED");
    assert_eq!(status_of(&http, &sim, &token, "n-3").await, "CONFIRMED");

    let response = http.post(format!("{}/_sim/auto-respond", sim.base_url())).json(&Value::Null).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    push(&http, &sim, &token, TO_DEV_1, "hi", "n-4").await;
    tokio::time::sleep(Duration::from_millis(150)).await;
    assert_eq!(status_of(&http, &sim, &token, "n-4").await, "PENDING");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_phone_shows_pending_pushes() {
    let (sim, http) = testing().await;
    sim.add_device("user-1", SeedDevice::new("dev/2").with_name("Old <phone>")).unwrap();
    let token = token(&http, &sim).await;
    push(&http, &sim, &token, TO_DEV_1, "Approve the <new> payee?", "n-1").await;
    push(&http, &sim, &token, TO_DEV_1, "Already answered", "n-2").await;
    sim.reject("n-2").unwrap();

    assert_eq!(sim.phone_url("dev-1"), format!("{}/_sim/phone/dev-1", sim.base_url()));
    let response = http.get(sim.phone_url("dev-1")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
    let html = response.text().await.unwrap();
    assert!(html.contains("Approve the &lt;new&gt; payee?"), "message shown, escaped");
    assert!(html.contains("data-action=\"approve\""));
    assert!(html.contains("data-action=\"reject\""));
    assert!(html.contains("Pixel 9"));
    assert!(html.contains("setInterval(refresh, 1000)"));

    let index = http.get(format!("{}/_sim/phone", sim.base_url())).send().await.unwrap();
    let index = index.text().await.unwrap();
    assert!(index.contains("/_sim/phone/dev-1"));
    assert!(index.contains("/_sim/phone/dev%2F2"));
    assert!(index.contains("Old &lt;phone&gt;"));

    let other = http.get(sim.phone_url("dev/2")).send().await.unwrap();
    assert_eq!(other.status(), StatusCode::OK);
    assert!(other.text().await.unwrap().contains("No pending requests"));
    let missing = http.get(sim.phone_url("ghost")).send().await.unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
}

#[tokio::test(flavor = "multi_thread")]
async fn stop_is_idempotent_and_dropping_the_handle_stops() {
    let (sim, http) = testing().await;
    let url = format!("{}/_sim/health", sim.base_url());
    assert_eq!(http.get(&url).send().await.unwrap().status(), StatusCode::OK);
    sim.stop();
    sim.stop();
    let fresh = client();
    assert!(fresh.get(&url).send().await.is_err(), "the listener is closed");

    let dropped = Simulator::start(SimConfig::testing()).await.unwrap();
    let url = format!("{}/_sim/health", dropped.base_url());
    drop(dropped);
    assert!(fresh.get(&url).send().await.is_err(), "dropping the handle stops it");
}

#[tokio::test(flavor = "multi_thread")]
async fn config_json_debug_and_addresses() {
    let config = SimConfig::from_json(
        r#"{"mode": "test", "client_secret": "s3cr3t-value", "push_ttl_ms": 500,
            "users": [{"id": "u", "devices": [{"id": "d"}]}],
            "faults": [{"route": "omi", "status": 503}],
            "auto_respond": {"action": "reject"}}"#,
    )
    .unwrap();
    assert_eq!(config.mode, Mode::Test);
    assert_eq!(config.client_id, "sim-client");
    assert_eq!(config.auto_respond, Some(AutoRespond { action: Action::Reject, delay_ms: 2000 }));
    assert!(!format!("{config:?}").contains("s3cr3t-value"));
    assert!(matches!(SimConfig::from_json(r#"{"modes": "test"}"#), Err(SimError::Invalid(_))));
    assert!(matches!(SimConfig::from_json(r#"{"faults": [{"route": "x"}]}"#), Err(SimError::Invalid(_))));
    assert_eq!(SimConfig::from_json("{}").unwrap(), SimConfig::default());

    let sim = Simulator::start(config).await.unwrap();
    assert_eq!(sim.client_secret(), "s3cr3t-value");
    assert!(!format!("{sim:?}").contains("s3cr3t-value"));
    let port = sim.local_addr().port();
    assert_eq!(sim.base_url(), format!("http://127.0.0.1:{port}"));
    assert_eq!(sim.token_url(), format!("http://127.0.0.1:{port}/auth/oauth2.0/v1/token"));

    // A random secret per start.
    let a = Simulator::start(SimConfig::default()).await.unwrap();
    let b = Simulator::start(SimConfig::default()).await.unwrap();
    assert_ne!(a.client_secret(), b.client_secret());
    assert!(a.client_secret().len() >= 32);

    let taken = SimConfig { port, ..SimConfig::default() };
    assert!(matches!(Simulator::start(taken).await, Err(SimError::Bind(_))));
}

#[test]
fn the_handle_works_without_a_runtime_context() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let sim = runtime.block_on(Simulator::start(SimConfig::testing())).unwrap();
    // Outside the runtime: synchronous methods only.
    sim.add_device("user-1", SeedDevice::new("dev-9")).unwrap();
    assert!(sim.pushes().is_empty());
    assert!(sim.request_log().is_empty());
    sim.set_auto_respond(Some(AutoRespond::default()));
    sim.stop();
}
