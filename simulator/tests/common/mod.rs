//! Helpers shared by the simulator's integration tests.
#![allow(dead_code, clippy::unwrap_used)]

use omi_push_sim::{SCOPES, SimConfig, Simulator};
use reqwest::{Client, Response, StatusCode};
use serde_json::{Value, json};

pub fn client() -> Client {
    // reqwest is built without a bundled TLS provider; plain http needs none, but the
    // builder still wants one installed.
    let _ = rustls::crypto::ring::default_provider().install_default();
    Client::builder().build().unwrap()
}

pub async fn start(config: SimConfig) -> (Simulator, Client) {
    let sim = Simulator::start(config).await.unwrap();
    (sim, client())
}

pub async fn testing() -> (Simulator, Client) {
    start(SimConfig::testing()).await
}

/// A token endpoint request with a hand-written form body.
pub async fn token_request(http: &Client, sim: &Simulator, form: &str) -> Response {
    http.post(sim.token_url())
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form.to_owned())
        .send()
        .await
        .unwrap()
}

/// A token with the given scopes (all four when `None`), client auth in the body.
pub async fn token_with(http: &Client, sim: &Simulator, scope: Option<&str>) -> String {
    let mut form =
        format!("grant_type=client_credentials&client_id={}&client_secret={}", sim.client_id(), sim.client_secret());
    if let Some(scope) = scope {
        form.push_str("&scope=");
        form.push_str(&scope.replace(' ', "+"));
    }
    let response = token_request(http, sim, &form).await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    body["access_token"].as_str().unwrap().to_owned()
}

pub async fn token(http: &Client, sim: &Simulator) -> String {
    token_with(http, sim, Some(&SCOPES.join(" "))).await
}

pub async fn get(http: &Client, url: String, token: &str) -> Response {
    http.get(url).bearer_auth(token).send().await.unwrap()
}

pub async fn push(http: &Client, sim: &Simulator, token: &str, path: &str, message: &str, nonce: &str) -> Response {
    http.post(format!("{}{path}", sim.base_url()))
        .bearer_auth(token)
        .json(&json!({"message": message, "nonce": nonce}))
        .send()
        .await
        .unwrap()
}

pub async fn status_of(http: &Client, sim: &Simulator, token: &str, nonce: &str) -> String {
    let url = format!("{}/omi/push/confirmation?nonce={nonce}", sim.base_url());
    let response = get(http, url, token).await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["nonce"], nonce);
    body["status"].as_str().unwrap().to_owned()
}
