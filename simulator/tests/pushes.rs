#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Devices, pushes and the push state machine.

mod common;

use std::time::Duration;

use common::*;
use omi_push_sim::{Missing, SeedDevice, SeedUser, SimConfig, SimError};
use reqwest::StatusCode;
use serde_json::{Value, json};

const TO_DEV_1: &str = "/omi/push/user/user-1/device/dev-1";

#[tokio::test(flavor = "multi_thread")]
async fn lists_devices_and_decodes_ids() {
    let (sim, http) = testing().await;
    let token = token(&http, &sim).await;
    let response = get(&http, format!("{}/omi/users/user-1/devices", sim.base_url()), &token).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.headers()["x-request-id"].to_str().unwrap().starts_with("sim-"));
    let body: Value = response.json().await.unwrap();
    let device = &body["devices"][0];
    assert_eq!(device["id"], "dev-1");
    assert_eq!(device["name"], "Pixel 9");
    assert_eq!(device["platform"], "android");
    assert!(device["createdAt"].as_str().unwrap().ends_with('Z'));
    assert!(device["lastUsedAt"].is_null());

    sim.add_user(SeedUser::new("a/b", vec![SeedDevice::new("x y").with_platform("ios")])).unwrap();
    let response = get(&http, format!("{}/omi/users/a%2Fb/devices", sim.base_url()), &token).await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["devices"][0]["id"], "x y");
    assert!(body["devices"][0]["name"].is_null());
    assert_eq!(sim.request_log().last().unwrap().path, "/omi/users/a%2Fb/devices", "raw path logged");
}

#[tokio::test(flavor = "multi_thread")]
async fn push_then_approve_confirms() {
    let (sim, http) = testing().await;
    let token = token(&http, &sim).await;
    let response = push(&http, &sim, &token, TO_DEV_1, "Confirm the payment change", "n-1").await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["nonce"], "n-1");
    assert!(body["expiresAt"].as_str().unwrap().ends_with('Z'));
    assert_eq!(status_of(&http, &sim, &token, "n-1").await, "PENDING");

    let pushes = sim.pushes();
    assert_eq!(pushes.len(), 1);
    assert_eq!(pushes[0].user_id, "user-1");
    assert_eq!(pushes[0].device_ids, ["dev-1"]);
    assert_eq!(pushes[0].message, "Confirm the payment change");
    assert_eq!(pushes[0].status, "PENDING");
    assert!(pushes[0].created_ms >= 0.0);

    sim.approve("n-1").unwrap();
    assert_eq!(status_of(&http, &sim, &token, "n-1").await, "CONFIRMED");
    assert!(matches!(sim.approve("n-1"), Err(SimError::Conflict(_))));
    assert!(matches!(sim.reject("n-1"), Err(SimError::Conflict(_))));
    let body: Value =
        get(&http, format!("{}/omi/users/user-1/devices", sim.base_url()), &token).await.json().await.unwrap();
    assert!(body["devices"][0]["lastUsedAt"].is_string(), "answering uses the device");
}

#[tokio::test(flavor = "multi_thread")]
async fn reject_through_the_control_route() {
    let (sim, http) = testing().await;
    let token = token(&http, &sim).await;
    push(&http, &sim, &token, TO_DEV_1, "hi", "n-2").await;
    let url = format!("{}/_sim/pushes/n-2/reject", sim.base_url());
    assert_eq!(http.post(&url).send().await.unwrap().status(), StatusCode::OK);
    assert_eq!(status_of(&http, &sim, &token, "n-2").await, "REJECTED");
    let response = http.post(&url).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::CONFLICT);
    let response = http.post(format!("{}/_sim/pushes/nope/approve", sim.base_url())).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error_code"], "NONCE_NOT_FOUND");
}

#[tokio::test(flavor = "multi_thread")]
async fn pending_pushes_expire_after_the_ttl() {
    let config = SimConfig { push_ttl_ms: 150, ..SimConfig::testing() };
    let (sim, http) = start(config).await;
    let token = token(&http, &sim).await;
    push(&http, &sim, &token, TO_DEV_1, "hi", "n-3").await;
    push(&http, &sim, &token, TO_DEV_1, "hi", "n-4").await;
    sim.approve("n-4").unwrap();
    assert_eq!(status_of(&http, &sim, &token, "n-3").await, "PENDING");
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(status_of(&http, &sim, &token, "n-3").await, "EXPIRED");
    assert_eq!(status_of(&http, &sim, &token, "n-4").await, "CONFIRMED", "answered pushes stay");
    assert!(matches!(sim.approve("n-3"), Err(SimError::Conflict(_))));
}

#[tokio::test(flavor = "multi_thread")]
async fn expire_and_custom_states() {
    let (sim, http) = testing().await;
    let token = token(&http, &sim).await;
    push(&http, &sim, &token, TO_DEV_1, "hi", "n-5").await;
    sim.expire("n-5").unwrap();
    assert_eq!(status_of(&http, &sim, &token, "n-5").await, "EXPIRED");
    sim.set_state("n-5", "WAITING_FOR_BIOMETRICS").unwrap();
    assert_eq!(status_of(&http, &sim, &token, "n-5").await, "WAITING_FOR_BIOMETRICS");
    let response = http
        .post(format!("{}/_sim/pushes/n-5/state", sim.base_url()))
        .json(&json!({"state": "PENDING"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(status_of(&http, &sim, &token, "n-5").await, "PENDING");
    assert!(matches!(sim.set_state("nope", "X"), Err(SimError::NotFound(Missing::Nonce))));
}

#[tokio::test(flavor = "multi_thread")]
async fn unknown_users_devices_and_nonces_are_404() {
    let (sim, http) = testing().await;
    let token = token(&http, &sim).await;
    let cases = [
        (get(&http, format!("{}/omi/users/ghost/devices", sim.base_url()), &token).await, "USER_NOT_FOUND"),
        (push(&http, &sim, &token, "/omi/push/user/ghost/device/dev-1", "hi", "n").await, "USER_NOT_FOUND"),
        (push(&http, &sim, &token, "/omi/push/user/user-1/device/ghost", "hi", "n").await, "DEVICE_NOT_FOUND"),
        (push(&http, &sim, &token, "/omi/push/user/ghost", "hi", "n").await, "USER_NOT_FOUND"),
        (get(&http, format!("{}/omi/push/confirmation?nonce=ghost", sim.base_url()), &token).await, "NONCE_NOT_FOUND"),
    ];
    for (response, code) in cases {
        assert_eq!(response.status(), StatusCode::NOT_FOUND);
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["error_code"], code);
        assert!(body["error_message"].is_string());
    }
    assert!(sim.pushes().is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_push_bodies_are_400() {
    let (sim, http) = testing().await;
    let token = token(&http, &sim).await;
    for body in [json!({"message": "hi"}), json!({"nonce": "n"}), json!({"message": "", "nonce": "n"})] {
        let response =
            http.post(format!("{}{TO_DEV_1}", sim.base_url())).bearer_auth(&token).json(&body).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["error_code"], "INVALID_REQUEST");
    }
    let response = get(&http, format!("{}/omi/push/confirmation", sim.base_url()), &token).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_same_nonce_is_deduplicated_and_another_target_conflicts() {
    let (sim, http) = testing().await;
    sim.add_device("user-1", SeedDevice::new("dev-2").with_name("iPhone")).unwrap();
    let token = token(&http, &sim).await;
    let first: Value = push(&http, &sim, &token, TO_DEV_1, "hi", "n-6").await.json().await.unwrap();
    let again = push(&http, &sim, &token, TO_DEV_1, "hi", "n-6").await;
    assert_eq!(again.status(), StatusCode::CREATED);
    let again: Value = again.json().await.unwrap();
    assert_eq!(first, again);
    assert_eq!(sim.pushes().len(), 1, "no second notification");

    let other = push(&http, &sim, &token, "/omi/push/user/user-1/device/dev-2", "hi", "n-6").await;
    assert_eq!(other.status(), StatusCode::CONFLICT);
    assert_eq!(sim.count("push_device", "POST"), 3);
}

#[tokio::test(flavor = "multi_thread")]
async fn push_to_all_devices() {
    let (sim, http) = testing().await;
    sim.add_device("user-1", SeedDevice::new("dev-2")).unwrap();
    sim.add_user(SeedUser::new("lonely", vec![])).unwrap();
    let token = token(&http, &sim).await;
    let response = push(&http, &sim, &token, "/omi/push/user/user-1", "hi all", "n-7").await;
    assert_eq!(response.status(), StatusCode::CREATED);
    assert_eq!(sim.pushes()[0].device_ids, ["dev-1", "dev-2"]);
    assert_eq!(sim.device_pushes("dev-2")[0].message, "hi all");
    let response = push(&http, &sim, &token, "/omi/push/user/lonely", "hi", "n-8").await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert!(matches!(sim.add_device("ghost", SeedDevice::new("d")), Err(SimError::NotFound(Missing::User))));
}

#[tokio::test(flavor = "multi_thread")]
async fn device_pushes_list_pending_first() {
    let (sim, http) = testing().await;
    let token = token(&http, &sim).await;
    for nonce in ["a", "b", "c"] {
        push(&http, &sim, &token, TO_DEV_1, &format!("message {nonce}"), nonce).await;
    }
    sim.approve("a").unwrap();
    let body: Value =
        http.get(format!("{}/_sim/devices/dev-1/pushes", sim.base_url())).send().await.unwrap().json().await.unwrap();
    let nonces: Vec<&str> = body.as_array().unwrap().iter().map(|p| p["nonce"].as_str().unwrap()).collect();
    assert_eq!(nonces, ["b", "c", "a"]);
    let all: Value = http.get(format!("{}/_sim/pushes", sim.base_url())).send().await.unwrap().json().await.unwrap();
    assert_eq!(all.as_array().unwrap().len(), 3);
    assert_eq!(all[0]["status"], "CONFIRMED");
    assert_eq!(all[0]["user_id"], "user-1");
}

#[tokio::test(flavor = "multi_thread")]
async fn users_and_devices_through_control_routes() {
    let (sim, http) = testing().await;
    let response = http
        .post(format!("{}/_sim/users", sim.base_url()))
        .json(&json!({"id": "user-2", "devices": [{"id": "d-1", "name": "Galaxy"}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let response = http
        .post(format!("{}/_sim/users/user-2/devices", sim.base_url()))
        .json(&json!({"id": "d-2", "platform": "ios"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let response = http
        .post(format!("{}/_sim/users/ghost/devices", sim.base_url()))
        .json(&json!({"id": "d-3"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let token = token(&http, &sim).await;
    let body: Value =
        get(&http, format!("{}/omi/users/user-2/devices", sim.base_url()), &token).await.json().await.unwrap();
    assert_eq!(body["devices"].as_array().unwrap().len(), 2);
}
