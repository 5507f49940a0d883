#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Fault injection.

mod common;

use std::time::{Duration, Instant};

use common::*;
use omi_push_sim::{Fault, SimConfig, SimError};
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
    sim.add_fault(Fault {
        status: Some(429),
        retry_after_s: Some(2),
        ..Fault::on("omi")
    })
    .unwrap();
    let response = push(&http, &sim, &token, TO_DEV_1, "hi", "n-1").await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(response.headers()["retry-after"], "2");
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error_code"], "TOO_MANY_REQUESTS");
    assert!(
        sim.pushes().is_empty(),
        "a faulted request is not processed"
    );

    sim.clear_faults();
    sim.add_fault(Fault {
        status: Some(503),
        ..Fault::on("confirmation")
    })
    .unwrap();
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
    sim.add_fault(Fault {
        status: Some(503),
        ..Fault::on("devices")
    })
    .unwrap();
    let response = http
        .get(format!("{}/omi/users/user-1/devices", sim.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
}

#[tokio::test(flavor = "multi_thread")]
async fn latency_delays_the_response() {
    let (sim, http) = testing().await;
    let token = token(&http, &sim).await;
    sim.add_fault(Fault {
        latency_ms: 200,
        ..Fault::on("devices")
    })
    .unwrap();
    let started = Instant::now();
    let response = get(
        &http,
        format!("{}/omi/users/user-1/devices", sim.base_url()),
        &token,
    )
    .await;
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
    sim.add_fault(Fault {
        drop: true,
        times: Some(1),
        ..Fault::on("push_device")
    })
    .unwrap();
    let result = http
        .post(format!("{}{TO_DEV_1}", sim.base_url()))
        .bearer_auth(&token)
        .json(&json!({"message": "hi", "nonce": "n-1"}))
        .send()
        .await;
    // hyper aborts before the head is written: the request itself fails.
    assert!(result.is_err(), "the client must see a transport error");
    assert!(
        sim.pushes().is_empty(),
        "a dropped request is not processed"
    );
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
    sim.add_fault(Fault {
        malformed: true,
        times: Some(1),
        ..Fault::on("push_device")
    })
    .unwrap();
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
    sim.add_fault(Fault {
        status: Some(503),
        skip: 1,
        times: Some(2),
        ..Fault::on("confirmation")
    })
    .unwrap();
    sim.add_fault(Fault {
        status: Some(500),
        times: Some(1),
        ..Fault::on("*")
    })
    .unwrap();
    let mut statuses = Vec::new();
    for _ in 0..5 {
        statuses.push(
            get(&http, confirmation_url(&sim, "n-1"), &token)
                .await
                .status()
                .as_u16(),
        );
    }
    // The first fault lets one through, fails two, then is used up; the second fails one.
    assert_eq!(statuses, [200, 503, 503, 500, 200]);
}

#[tokio::test(flavor = "multi_thread")]
async fn faults_from_config_and_control_routes() {
    let config = SimConfig {
        faults: vec![Fault {
            status: Some(502),
            times: Some(1),
            ..Fault::on("token")
        }],
        ..SimConfig::testing()
    };
    let (sim, http) = start(config).await;
    let form = format!(
        "grant_type=client_credentials&client_id={}&client_secret={}",
        sim.client_id(),
        sim.client_secret()
    );
    assert_eq!(
        token_request(&http, &sim, &form).await.status(),
        StatusCode::BAD_GATEWAY
    );
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
    assert_eq!(
        http.delete(&faults_url).send().await.unwrap().status(),
        StatusCode::OK
    );
    assert_eq!(
        get(&http, devices_url, &token).await.status(),
        StatusCode::OK
    );

    let response = http
        .post(&faults_url)
        .json(&json!({"route": "nope"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let response = http
        .post(&faults_url)
        .json(&json!({"rout": "token"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(matches!(
        sim.add_fault(Fault::on("nope")),
        Err(SimError::Invalid(_))
    ));
}
