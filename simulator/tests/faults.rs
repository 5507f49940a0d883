#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Fault injection.

mod common;

use std::time::{Duration, Instant};

use common::*;
use omi_push_sim::{Echo, Fault, SimConfig, SimError};
use reqwest::StatusCode;
use serde_json::{Value, json};

const TO_DEV_1: &str = "/omi/push/user/user-1/device/dev-1";

fn confirmation_url(sim: &omi_push_sim::Simulator, nonce: &str) -> String {
    format!("{}/omi/push/confirmation?nonce={nonce}", sim.base_url())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_status_fault_answers_with_retry_after_and_changes_nothing() {
    let (sim, http) = testing().await;
    let token = token(&http, &sim).await;
    sim.add_fault(Fault { status: Some(429), retry_after_s: Some(2), ..Fault::on("omi") }).unwrap();
    let response = push(&http, &sim, &token, TO_DEV_1, "hi", "n-1").await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(response.headers()["retry-after"], "2");
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error_code"], "TOO_MANY_REQUESTS");
    assert!(sim.pushes().is_empty(), "a faulted request is not processed");

    sim.clear_faults();
    sim.add_fault(Fault { status: Some(503), ..Fault::on("confirmation") }).unwrap();
    push(&http, &sim, &token, TO_DEV_1, "hi", "n-1").await;
    let response = get(&http, confirmation_url(&sim, "n-1"), &token).await;
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(response.headers().get("retry-after").is_none());
    let statuses: Vec<u16> = sim.request_log().iter().map(|e| e.status).collect();
    assert_eq!(statuses, [200, 429, 201, 503]);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_status_fault_applies_before_the_token_check() {
    let (sim, http) = testing().await;
    sim.add_fault(Fault { status: Some(503), ..Fault::on("devices") }).unwrap();
    let response = http.get(format!("{}/omi/users/user-1/devices", sim.base_url())).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
}

#[tokio::test(flavor = "multi_thread")]
async fn latency_delays_the_response() {
    let (sim, http) = testing().await;
    let token = token(&http, &sim).await;
    sim.add_fault(Fault { latency_ms: 200, ..Fault::on("devices") }).unwrap();
    let started = Instant::now();
    let response = get(&http, format!("{}/omi/users/user-1/devices", sim.base_url()), &token).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(started.elapsed() >= Duration::from_millis(200));
    // Other routes are not delayed.
    let started = Instant::now();
    push(&http, &sim, &token, TO_DEV_1, "hi", "n-1").await;
    assert!(started.elapsed() < Duration::from_millis(200));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_dropped_connection_is_a_transport_error_logged_as_0() {
    let (sim, http) = testing().await;
    let token = token(&http, &sim).await;
    sim.add_fault(Fault { drop: true, times: Some(1), ..Fault::on("push_device") }).unwrap();
    let result = http
        .post(format!("{}{TO_DEV_1}", sim.base_url()))
        .bearer_auth(&token)
        .json(&json!({"message": "hi", "nonce": "n-1"}))
        .send()
        .await;
    // hyper aborts before the head is written: the request itself fails.
    assert!(result.is_err(), "the client must see a transport error");
    assert!(sim.pushes().is_empty(), "a dropped request is not processed");
    let entry = sim.request_log().pop().unwrap();
    assert_eq!((entry.route.as_str(), entry.status), ("push_device", 0));
    // times = 1: the retry goes through.
    let response = push(&http, &sim, &token, TO_DEV_1, "hi", "n-1").await;
    assert_eq!(response.status(), StatusCode::CREATED);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_malformed_fault_processes_then_garbles_the_body() {
    let (sim, http) = testing().await;
    let token = token(&http, &sim).await;
    sim.add_fault(Fault { malformed: true, times: Some(1), ..Fault::on("push_device") }).unwrap();
    let response = push(&http, &sim, &token, TO_DEV_1, "hi", "n-1").await;
    assert_eq!(response.status(), StatusCode::OK);
    let text = response.text().await.unwrap();
    assert!(serde_json::from_str::<Value>(&text).is_err(), "{text}");
    assert_eq!(sim.pushes().len(), 1, "the request was processed");
    assert_eq!(sim.request_log().pop().unwrap().status, 200);
}

#[tokio::test(flavor = "multi_thread")]
async fn skip_and_times_select_which_requests_fail() {
    let (sim, http) = testing().await;
    let token = token(&http, &sim).await;
    push(&http, &sim, &token, TO_DEV_1, "hi", "n-1").await;
    sim.add_fault(Fault { status: Some(503), skip: 1, times: Some(2), ..Fault::on("confirmation") }).unwrap();
    sim.add_fault(Fault { status: Some(500), times: Some(1), ..Fault::on("*") }).unwrap();
    let mut statuses = Vec::new();
    for _ in 0..5 {
        statuses.push(get(&http, confirmation_url(&sim, "n-1"), &token).await.status().as_u16());
    }
    // The first fault lets one through, fails two, then is used up; the second fails one.
    assert_eq!(statuses, [200, 503, 503, 500, 200]);
}

#[tokio::test(flavor = "multi_thread")]
async fn faults_from_config_and_control_routes() {
    let config = SimConfig {
        faults: vec![Fault { status: Some(502), times: Some(1), ..Fault::on("token") }],
        ..SimConfig::testing()
    };
    let (sim, http) = start(config).await;
    let form =
        format!("grant_type=client_credentials&client_id={}&client_secret={}", sim.client_id(), sim.client_secret());
    assert_eq!(token_request(&http, &sim, &form).await.status(), StatusCode::BAD_GATEWAY);
    let token = token(&http, &sim).await;

    let faults_url = format!("{}/_sim/faults", sim.base_url());
    let response = http
        .post(&faults_url)
        .json(&json!([{"route": "devices", "status": 503, "retry_after_s": 1}]))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let devices_url = format!("{}/omi/users/user-1/devices", sim.base_url());
    let response = get(&http, devices_url.clone(), &token).await;
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(response.headers()["retry-after"], "1");
    assert_eq!(http.delete(&faults_url).send().await.unwrap().status(), StatusCode::OK);
    assert_eq!(get(&http, devices_url, &token).await.status(), StatusCode::OK);

    let response = http.post(&faults_url).json(&json!({"route": "nope"})).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let response = http.post(&faults_url).json(&json!({"rout": "token"})).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(matches!(sim.add_fault(Fault::on("nope")), Err(SimError::Invalid(_))));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_hanging_request_gets_no_answer_until_the_simulator_stops() {
    let (sim, http) = testing().await;
    let token = token(&http, &sim).await;
    sim.add_fault(Fault { hang: true, ..Fault::on("push_device") }).unwrap();
    let held = tokio::spawn({
        let (http, token) = (http.clone(), token.clone());
        let url = format!("{}{TO_DEV_1}", sim.base_url());
        async move { http.post(url).bearer_auth(token).json(&json!({"message": "hi", "nonce": "n-1"})).send().await }
    });
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(!held.is_finished(), "a hanging request is not answered");
    let entry = sim.request_log().pop().unwrap();
    assert_eq!((entry.route.as_str(), entry.status), ("push_device", 0));
    assert!(sim.pushes().is_empty(), "a hanging request is not processed");
    // Other routes still answer.
    assert_eq!(get(&http, confirmation_url(&sim, "n-1"), &token).await.status(), StatusCode::NOT_FOUND);

    sim.stop();
    let result = tokio::time::timeout(Duration::from_secs(5), held).await;
    assert!(result.expect("stop ends the hang").unwrap().is_err());
}

#[tokio::test(flavor = "multi_thread")]
async fn an_echo_fault_leaks_the_credentials_it_received() {
    let (sim, http) = testing().await;
    let token = token(&http, &sim).await;
    sim.add_fault(Fault { echo: Some(Echo::Json), times: Some(1), ..Fault::on("push_device") }).unwrap();
    let sent = r#"{"message":"hi","nonce":"n-1"}"#;
    let response = http
        .post(format!("{}{TO_DEV_1}", sim.base_url()))
        .bearer_auth(&token)
        .header("content-type", "application/json")
        .body(sent)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST, "400 by default");
    let bearer = format!("Bearer {token}");
    assert_eq!(response.headers()["x-request-id"], bearer.as_str());
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"], "echo");
    let text = body["error_description"].as_str().unwrap();
    assert!(text.contains(&bearer) && text.contains(sent), "{text}");
    assert!(sim.pushes().is_empty(), "an echoed request is not processed");
    assert_eq!(sim.request_log().pop().unwrap().status, 400);

    // The token endpoint with client auth in the body: the secret comes back in the body.
    sim.add_fault(Fault { echo: Some(Echo::Text), status: Some(502), times: Some(1), ..Fault::on("token") }).unwrap();
    let form =
        format!("grant_type=client_credentials&client_id={}&client_secret={}", sim.client_id(), sim.client_secret());
    let response = token_request(&http, &sim, &form).await;
    assert_eq!(response.status(), StatusCode::BAD_GATEWAY);
    assert!(response.headers()["content-type"].to_str().unwrap().starts_with("text/plain"));
    // No Authorization header: the usual request id.
    let id = response.headers()["x-request-id"].to_str().unwrap().to_owned();
    assert!(id.starts_with("sim-"), "{id}");
    let text = response.text().await.unwrap();
    assert!(text.contains(&form), "{text}");

    // A value too long for a header is cut in x-request-id, whole in the body.
    sim.add_fault(Fault { echo: Some(Echo::Json), ..Fault::on("devices") }).unwrap();
    let long = format!("Bearer {}", "t".repeat(10_000));
    let response = http
        .get(format!("{}/omi/users/user-1/devices", sim.base_url()))
        .header("authorization", &long)
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["x-request-id"], &long[..4096]);
    let body: Value = response.json().await.unwrap();
    assert!(body["error_description"].as_str().unwrap().contains(&long));
}

async fn body_length(response: reqwest::Response) -> (u64, Vec<u8>) {
    let mut response = response;
    let (mut total, mut head) = (0, Vec::new());
    while let Some(chunk) = response.chunk().await.unwrap() {
        total += chunk.len() as u64;
        if head.len() < 64 {
            head.extend_from_slice(&chunk[..chunk.len().min(64)]);
        }
    }
    (total, head)
}

#[tokio::test(flavor = "multi_thread")]
async fn an_oversized_body_is_streamed_with_or_without_a_length() {
    let (sim, http) = testing().await;
    let token = token(&http, &sim).await;
    let size = 8 * 1024 * 1024 + 3;
    sim.add_fault(Fault { oversized_bytes: Some(size), times: Some(1), ..Fault::on("push_device") }).unwrap();
    let response = push(&http, &sim, &token, TO_DEV_1, "hi", "n-1").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.content_length(), Some(size));
    assert_eq!(response.headers()["content-type"], "application/json");
    let (total, head) = body_length(response).await;
    assert_eq!(total, size);
    assert!(head.starts_with(br#"{"status":"PENDING","pad":"xxx"#));
    assert_eq!(sim.pushes().len(), 1, "the request was processed");

    sim.add_fault(Fault {
        oversized_bytes: Some(size),
        oversized_chunked: true,
        times: Some(1),
        ..Fault::on("confirmation")
    })
    .unwrap();
    let response = get(&http, confirmation_url(&sim, "n-1"), &token).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.content_length(), None);
    assert_eq!(response.headers()["transfer-encoding"], "chunked");
    assert_eq!(body_length(response).await.0, size);

    // 1 GiB: the client reads a little and gives up; the simulator carries on.
    sim.add_fault(Fault {
        oversized_bytes: Some(omi_push_sim::MAX_OVERSIZED_BYTES),
        times: Some(1),
        ..Fault::on("confirmation")
    })
    .unwrap();
    let mut response = get(&http, confirmation_url(&sim, "n-1"), &token).await;
    assert_eq!(response.content_length(), Some(1 << 30));
    let mut read = 0;
    while read < 1024 * 1024 {
        read += response.chunk().await.unwrap().unwrap().len();
    }
    drop(response);
    assert_eq!(status_of(&http, &sim, &token, "n-1").await, "PENDING");
}

#[tokio::test(flavor = "multi_thread")]
async fn new_fault_kinds_come_from_json_and_are_checked() {
    let (sim, http) = testing().await;
    let faults_url = format!("{}/_sim/faults", sim.base_url());
    let accepted = json!([
        {"route": "omi", "hang": true, "times": 1},
        {"route": "token", "echo": "json", "status": 401},
        {"route": "devices", "echo": "text"},
        {"route": "confirmation", "oversized_bytes": 1_048_576, "oversized_chunked": true},
        {"route": "confirmation", "oversized_bytes": 1_073_741_824},
    ]);
    let response = http.post(&faults_url).json(&accepted).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let parsed: Vec<Fault> = serde_json::from_value(accepted).unwrap();
    assert_eq!(parsed[1].echo, Some(Echo::Json));
    assert_eq!(parsed[3].oversized_bytes, Some(1 << 20));
    let config = SimConfig::from_json(r#"{"faults": [{"route": "token", "echo": "text"}]}"#);
    assert_eq!(config.unwrap().faults[0].echo, Some(Echo::Text));

    for refused in [
        json!({"route": "omi", "hang": true, "drop": true}),
        json!({"route": "omi", "echo": "json", "malformed": true}),
        json!({"route": "omi", "oversized_bytes": 10, "hang": true}),
        json!({"route": "omi", "hang": true, "status": 503}),
        json!({"route": "omi", "drop": true, "status": 503}),
        json!({"route": "omi", "oversized_bytes": 10, "status": 500}),
        json!({"route": "omi", "oversized_bytes": 1_073_741_825u64}),
        json!({"route": "omi", "oversized_chunked": true}),
        json!({"route": "omi", "echo": "xml"}),
        json!({"route": "omi", "echo": true}),
        json!({"route": "omi", "hangs": true}),
    ] {
        let response = http.post(&faults_url).json(&refused).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{refused}");
        let as_config = json!({"faults": [refused]}).to_string();
        assert!(matches!(SimConfig::from_json(&as_config), Err(SimError::Invalid(_))), "{refused}");
    }
    assert!(matches!(
        sim.add_fault(Fault { oversized_bytes: Some(omi_push_sim::MAX_OVERSIZED_BYTES + 1), ..Fault::on("omi") }),
        Err(SimError::Invalid(_))
    ));
}
