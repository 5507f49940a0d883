#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The token endpoint and bearer checks.

mod common;

use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use common::*;
use omi_push_sim::{SCOPE_DEVICES, SCOPE_STATUS, SCOPES, SimConfig};
use reqwest::StatusCode;
use serde_json::Value;

#[tokio::test(flavor = "multi_thread")]
async fn basic_auth_issues_a_token_with_all_scopes() {
    let (sim, http) = testing().await;
    let response = http
        .post(sim.token_url())
        .basic_auth(sim.client_id(), Some(sim.client_secret()))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("grant_type=client_credentials")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["cache-control"], "no-store");
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 3600);
    assert_eq!(body["scope"], SCOPES.join(" "));
    let token = body["access_token"].as_str().unwrap();
    assert!(token.len() >= 43, "32 random bytes, base64url");
}

#[tokio::test(flavor = "multi_thread")]
async fn post_auth_and_the_alias_path_work() {
    let (sim, http) = testing().await;
    let form = format!(
        "grant_type=client_credentials&client_id={}&client_secret={}&scope={SCOPE_DEVICES}",
        sim.client_id(),
        sim.client_secret()
    );
    let response = http
        .post(format!("{}/auth/oauth2/v1/token", sim.base_url()))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["scope"], SCOPE_DEVICES);
    assert_eq!(sim.count("token", "POST"), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn basic_credentials_are_form_urlencoded() {
    let config =
        SimConfig { client_id: "my client".into(), client_secret: Some("s:e/c+t".into()), ..SimConfig::testing() };
    let (sim, http) = start(config).await;
    let credentials = STANDARD.encode("my+client:s%3Ae%2Fc%2Bt");
    let response = http
        .post(sim.token_url())
        .header("authorization", format!("Basic {credentials}"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("grant_type=client_credentials")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_wrong_secret_is_invalid_client() {
    let (sim, http) = testing().await;
    let response = http
        .post(sim.token_url())
        .basic_auth(sim.client_id(), Some("wrong"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("grant_type=client_credentials")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"], "invalid_client");
    let form = format!("grant_type=client_credentials&client_id={}", sim.client_id());
    let response = token_request(&http, &sim, &form).await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    // The refused requests are logged like any other.
    let statuses: Vec<u16> = sim.request_log().iter().map(|e| e.status).collect();
    assert_eq!(statuses, [401, 401]);
}

#[tokio::test(flavor = "multi_thread")]
async fn other_grants_and_unknown_scopes_are_refused() {
    let (sim, http) = testing().await;
    let auth = format!("client_id={}&client_secret={}", sim.client_id(), sim.client_secret());
    let response = token_request(&http, &sim, &format!("grant_type=password&{auth}")).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"], "unsupported_grant_type");
    let form = format!("grant_type=client_credentials&scope=admin+root&{auth}");
    let response = token_request(&http, &sim, &form).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"], "invalid_scope");
}

#[tokio::test(flavor = "multi_thread")]
async fn tokens_carry_requested_scopes_that_are_allowed() {
    let config =
        SimConfig { allowed_scopes: Some(vec![SCOPE_DEVICES.into(), SCOPE_STATUS.into()]), ..SimConfig::testing() };
    let (sim, http) = start(config).await;
    let form = format!(
        "grant_type=client_credentials&client_id={}&client_secret={}&scope={}",
        sim.client_id(),
        sim.client_secret(),
        SCOPES.join("%20")
    );
    let body: Value = token_request(&http, &sim, &form).await.json().await.unwrap();
    assert_eq!(body["scope"], format!("{SCOPE_DEVICES} {SCOPE_STATUS}"));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_token_without_the_route_scope_is_forbidden() {
    let (sim, http) = testing().await;
    let token = token_with(&http, &sim, Some(SCOPE_STATUS)).await;
    let response = push(&http, &sim, &token, "/omi/push/user/user-1/device/dev-1", "hi", "n-1").await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let challenge = response.headers()["www-authenticate"].to_str().unwrap().to_owned();
    assert!(challenge.contains("insufficient_scope"), "{challenge}");
    assert!(challenge.contains("credential:omi:push-notification:device:post"), "{challenge}");
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error_code"], "INSUFFICIENT_SCOPE");
    assert!(body["error_message"].as_str().unwrap().contains("credential:omi:push-notification:device:post"));
    assert!(sim.pushes().is_empty(), "a refused request changes no state");
}

#[tokio::test(flavor = "multi_thread")]
async fn missing_unknown_and_revoked_tokens_are_unauthorized() {
    let (sim, http) = testing().await;
    let url = format!("{}/omi/users/user-1/devices", sim.base_url());
    let response = http.get(&url).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert!(response.headers()["www-authenticate"].to_str().unwrap().starts_with("Bearer"));
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"], "invalid_token");

    assert_eq!(get(&http, url.clone(), "not-a-token").await.status(), StatusCode::UNAUTHORIZED);

    let token = token(&http, &sim).await;
    assert_eq!(get(&http, url.clone(), &token).await.status(), StatusCode::OK);
    sim.revoke_tokens();
    let response = get(&http, url.clone(), &token).await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    // A new token works again.
    let fresh = common::token(&http, &sim).await;
    assert_eq!(get(&http, url, &fresh).await.status(), StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread")]
async fn revoking_through_the_control_route() {
    let (sim, http) = testing().await;
    let token = token(&http, &sim).await;
    let response = http.post(format!("{}/_sim/tokens/revoke", sim.base_url())).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let url = format!("{}/omi/users/user-1/devices", sim.base_url());
    assert_eq!(get(&http, url, &token).await.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test(flavor = "multi_thread")]
async fn tokens_expire_after_their_lifetime() {
    let config = SimConfig { token_lifetime_ms: 150, ..SimConfig::testing() };
    let (sim, http) = start(config).await;
    let form =
        format!("grant_type=client_credentials&client_id={}&client_secret={}", sim.client_id(), sim.client_secret());
    let body: Value = token_request(&http, &sim, &form).await.json().await.unwrap();
    assert_eq!(body["expires_in"], 1, "rounded up to at least one second");
    let token = body["access_token"].as_str().unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    let url = format!("{}/omi/users/user-1/devices", sim.base_url());
    assert_eq!(get(&http, url, token).await.status(), StatusCode::UNAUTHORIZED);
}
