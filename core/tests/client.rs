//! Integration tests of the core against the in-process simulator (real HTTP, no mocks).
#![allow(clippy::unwrap_used)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use omi_push::{CancellationToken, Client, Config, Error, OutcomeKind, PushTicket, WaitOptions};
use omi_push_sim::{Fault, SeedDevice, SeedUser, SimConfig, Simulator};

async fn sim_with(f: impl FnOnce(&mut SimConfig)) -> Simulator {
    let mut c = SimConfig::testing();
    c.users = vec![SeedUser::new("user-1", vec![SeedDevice::new("dev-1"), SeedDevice::new("dev-2")])];
    f(&mut c);
    Simulator::start(c).await.unwrap()
}

fn client_for(sim: &Simulator, f: impl FnOnce(omi_push::ConfigBuilder) -> omi_push::ConfigBuilder) -> Client {
    let b = Config::builder(sim.base_url())
        .client_credentials(sim.client_id(), sim.client_secret())
        .poll_interval(Duration::from_millis(100))
        .request_timeout(Duration::from_secs(3));
    Client::new(f(b).build().unwrap()).unwrap()
}

async fn push(client: &Client) -> PushTicket {
    client.send_push("user-1", Some("dev-1"), "Confirm", None).await.unwrap()
}

fn confirmation_times(sim: &Simulator) -> Vec<f64> {
    sim.request_log().iter().filter(|e| e.route == "confirmation").map(|e| e.t_ms).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_concurrent_first_calls_make_one_token_request() {
    let sim = sim_with(|_| {}).await;
    let client = client_for(&sim, |b| b);
    let mut tasks = Vec::new();
    for _ in 0..50 {
        let c = client.clone();
        tasks.push(tokio::spawn(async move { c.list_devices("user-1").await }));
    }
    for t in tasks {
        assert_eq!(t.await.unwrap().unwrap().len(), 2);
    }
    assert_eq!(sim.count("token", "POST"), 1);
    assert_eq!(sim.count("devices", "GET"), 50);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn token_is_refreshed_before_it_expires() {
    // Lifetime 2 s: the client refreshes after 80 % of it, before any 401.
    let sim = sim_with(|c| c.token_lifetime_ms = 2000).await;
    let client = client_for(&sim, |b| b);
    client.list_devices("user-1").await.unwrap();
    tokio::time::sleep(Duration::from_millis(1700)).await;
    client.list_devices("user-1").await.unwrap();
    assert_eq!(sim.count("token", "POST"), 2);
    assert!(sim.request_log().iter().all(|e| e.status != 401), "{:?}", sim.request_log());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failed_token_request_is_shared_by_waiting_callers() {
    let sim = sim_with(|_| {}).await;
    let client =
        Client::new(Config::builder(sim.base_url()).client_credentials(sim.client_id(), "wrong").build().unwrap())
            .unwrap();
    let mut tasks = Vec::new();
    for _ in 0..20 {
        let c = client.clone();
        tasks.push(tokio::spawn(async move { c.list_devices("user-1").await }));
    }
    for t in tasks {
        assert!(matches!(t.await.unwrap(), Err(Error::Authentication { .. })));
    }
    assert!(sim.count("token", "POST") < 20, "token requests: {}", sim.count("token", "POST"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retry_after_two_seconds_means_no_poll_for_two_seconds() {
    let sim = sim_with(|_| {}).await;
    let client = client_for(&sim, |b| b);
    let ticket = push(&client).await;
    let mut fault = Fault::on("confirmation");
    fault.status = Some(429);
    fault.retry_after_s = Some(2);
    fault.times = Some(1);
    sim.add_fault(fault).unwrap();
    sim.control(&serde_json::json!({"do": "phone", "nonce": ticket.nonce, "action": "approve", "after_ms": 300}))
        .unwrap();
    let outcome = client
        .wait_for_confirmation(&ticket.nonce, WaitOptions::default().timeout(Duration::from_secs(10)))
        .await
        .unwrap();
    assert_eq!(outcome.kind, OutcomeKind::Confirmed);
    let log = sim.request_log();
    let polls: Vec<_> = log.iter().filter(|e| e.route == "confirmation").collect();
    assert_eq!(polls[0].status, 429);
    assert!(polls[1].t_ms - polls[0].t_ms >= 1990.0, "next poll after {} ms", polls[1].t_ms - polls[0].t_ms);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retry_after_holds_back_every_wait_of_the_client() {
    let sim = sim_with(|_| {}).await;
    let client = client_for(&sim, |b| b);
    let a = push(&client).await;
    let b = push(&client).await;
    let mut fault = Fault::on("confirmation");
    fault.status = Some(429);
    fault.retry_after_s = Some(1);
    fault.times = Some(1);
    sim.add_fault(fault).unwrap();
    let opts = || WaitOptions::default().timeout(Duration::from_millis(1800));
    let (ra, rb) =
        tokio::join!(client.wait_for_confirmation(&a.nonce, opts()), client.wait_for_confirmation(&b.nonce, opts()));
    // One wait saw the 429; neither polled in the following second.
    let _ = (ra, rb);
    let log = sim.request_log();
    let polls: Vec<_> = log.iter().filter(|e| e.route == "confirmation").collect();
    let first_429 = polls.iter().find(|e| e.status == 429).unwrap().t_ms;
    let soon_after = polls.iter().filter(|e| e.t_ms > first_429 + 150.0 && e.t_ms < first_429 + 900.0).count();
    assert_eq!(soon_after, 0, "polls within the Retry-After window: {polls:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn first_poll_after_one_interval_and_interval_from_poll_start() {
    let sim = sim_with(|_| {}).await;
    let client = client_for(&sim, |b| b);
    let ticket = push(&client).await;
    let mut fault = Fault::on("confirmation");
    fault.latency_ms = 150;
    sim.add_fault(fault).unwrap();
    let before = sim.request_log().last().unwrap().t_ms;
    let started = Instant::now();
    let outcome = client
        .wait_for_confirmation(
            &ticket.nonce,
            WaitOptions::default().timeout(Duration::from_millis(2500)).poll_interval(Duration::from_millis(400)),
        )
        .await
        .unwrap();
    assert_eq!(outcome.kind, OutcomeKind::TimedOut);
    assert!(started.elapsed() < Duration::from_millis(2500 + 3000 + 500));
    let times = confirmation_times(&sim);
    assert!(times[0] - before >= 390.0, "first poll {} ms after the push", times[0] - before);
    // Polls start every 400 ms (measured from the previous start), not every 400 + 150 ms.
    let gaps: Vec<f64> = times.windows(2).map(|w| w[1] - w[0]).collect();
    let mean = gaps.iter().sum::<f64>() / gaps.len() as f64;
    assert!(mean < 520.0, "mean gap {mean} ms: {gaps:?}");
    assert!(gaps.iter().all(|g| *g >= 390.0), "{gaps:?}");
    assert_eq!(outcome.polls as usize, times.len());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_waits_on_one_nonce_never_poll_at_once() {
    let sim = sim_with(|_| {}).await;
    let client = client_for(&sim, |b| b);
    let ticket = push(&client).await;
    let mut fault = Fault::on("confirmation");
    fault.latency_ms = 250;
    sim.add_fault(fault).unwrap();
    let opts = || WaitOptions::default().timeout(Duration::from_millis(1500)).poll_interval(Duration::from_millis(100));
    let _ = tokio::join!(
        client.wait_for_confirmation(&ticket.nonce, opts()),
        client.wait_for_confirmation(&ticket.nonce, opts())
    );
    let times = confirmation_times(&sim);
    assert!(times.len() >= 3);
    for w in times.windows(2) {
        assert!(w[1] - w[0] >= 240.0, "overlapping polls: {times:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deadline_returns_timed_out_within_one_request_timeout() {
    let sim = sim_with(|_| {}).await;
    let client = client_for(&sim, |b| {
        b.request_timeout(Duration::from_millis(600))
            .retry_policy(omi_push::RetryPolicy { max_retries: 0, ..Default::default() })
    });
    let ticket = push(&client).await;
    let started = Instant::now();
    let r = client
        .wait_for_confirmation(
            &ticket.nonce,
            WaitOptions::default().timeout(Duration::from_millis(1000)).poll_interval(Duration::from_millis(900)),
        )
        .await;
    let took = started.elapsed();
    assert_eq!(r.unwrap().kind, OutcomeKind::TimedOut);
    // Slow server: each poll hangs until the request timeout.
    let mut fault = Fault::on("confirmation");
    fault.latency_ms = 5000;
    sim.add_fault(fault).unwrap();
    let started = Instant::now();
    let r = client
        .wait_for_confirmation(
            &ticket.nonce,
            WaitOptions::default().timeout(Duration::from_millis(1000)).poll_interval(Duration::from_millis(900)),
        )
        .await;
    let slow = started.elapsed();
    assert!(matches!(r, Err(Error::Transport { timeout: true, .. })), "{r:?}");
    assert!(took < Duration::from_millis(1000 + 600 + 1000), "{took:?}");
    assert!(slow < Duration::from_millis(1000 + 600 + 1000), "{slow:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropping_a_wait_stops_polling() {
    let sim = sim_with(|_| {}).await;
    let client = client_for(&sim, |b| b);
    let ticket = push(&client).await;
    let c = client.clone();
    let nonce = ticket.nonce.clone();
    let task = tokio::spawn(async move {
        c.wait_for_confirmation(&nonce, WaitOptions::default().timeout(Duration::from_secs(30))).await
    });
    tokio::time::sleep(Duration::from_millis(450)).await;
    task.abort();
    let _ = task.await;
    let polls = confirmation_times(&sim).len();
    assert!(polls >= 2, "{polls}");
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert_eq!(confirmation_times(&sim).len(), polls, "polling went on after the wait was dropped");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancel_token_ends_the_wait_with_cancelled() {
    let sim = sim_with(|_| {}).await;
    let client = client_for(&sim, |b| b);
    let ticket = push(&client).await;
    let cancel = CancellationToken::new();
    let c2 = cancel.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(300)).await;
        c2.cancel();
    });
    let r = client
        .wait_for_confirmation(
            &ticket.nonce,
            WaitOptions::default().timeout(Duration::from_secs(30)).cancel_token(cancel),
        )
        .await;
    assert!(matches!(r, Err(Error::Cancelled)), "{r:?}");
    let polls = confirmation_times(&sim).len();
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(confirmation_times(&sim).len(), polls);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn outcome_counts_polls_and_ticket_round_trips() {
    let sim = sim_with(|_| {}).await;
    let client = client_for(&sim, |b| b);
    let ticket = push(&client).await;
    assert!(ticket.expires_at_ms.is_some_and(|e| e > ticket.sent_at_ms));
    let parsed = PushTicket::parse(&ticket.to_string()).unwrap();
    assert_eq!(parsed, ticket);
    sim.control(&serde_json::json!({"do": "phone", "nonce": parsed.nonce, "action": "approve", "after_ms": 250}))
        .unwrap();
    let outcome = client
        .wait_for_confirmation(&parsed.nonce, WaitOptions::default().timeout(Duration::from_secs(5)))
        .await
        .unwrap();
    assert_eq!(outcome.kind, OutcomeKind::Confirmed);
    assert_eq!(outcome.polls as usize, confirmation_times(&sim).len());
    assert_eq!(outcome.last_status.as_deref(), Some("CONFIRMED"));
    assert!(outcome.elapsed >= Duration::from_millis(200));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn static_token_is_used_as_is_and_never_refreshed() {
    let sim = sim_with(|_| {}).await;
    // Obtain a real token from the simulator, then hand it to a static-token client.
    let resp: serde_json::Value = reqwest::Client::new()
        .post(sim.token_url())
        .basic_auth(sim.client_id(), Some(sim.client_secret()))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("grant_type=client_credentials")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = resp["access_token"].as_str().unwrap().to_string();
    let client = Client::new(Config::builder(sim.base_url()).static_token(token.clone()).build().unwrap()).unwrap();
    assert_eq!(client.list_devices("user-1").await.unwrap().len(), 2);
    sim.revoke_tokens();
    let err = client.list_devices("user-1").await.unwrap_err();
    assert!(matches!(err, Error::Authentication { status: Some(401), .. }), "{err:?}");
    assert_eq!(sim.count("token", "POST"), 1, "only the test's own token request");
    assert!(!format!("{err} {err:?} {client:?}").contains(&token));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn secret_never_in_debug_or_error_text() {
    let sim = sim_with(|c| c.client_secret = Some("s3cr3t-value-that-must-not-leak".into())).await;
    let good = client_for(&sim, |b| b);
    let bad = Client::new(
        Config::builder(sim.base_url())
            .client_credentials(sim.client_id(), "wrong-s3cr3t-must-not-leak")
            .build()
            .unwrap(),
    )
    .unwrap();
    let mut texts = vec![format!("{good:?}"), format!("{:?}", good.config()), format!("{bad:?}")];
    let e = bad.list_devices("user-1").await.unwrap_err();
    texts.push(format!("{e} {e:?}"));
    let e = good.list_devices("nobody").await.unwrap_err();
    texts.push(format!("{e} {e:?}"));
    sim.revoke_tokens();
    let mut fault = Fault::on("token");
    fault.status = Some(500);
    sim.add_fault(fault).unwrap();
    let e = good.list_devices("user-1").await.unwrap_err();
    texts.push(format!("{e} {e:?}"));
    for t in &texts {
        assert!(!t.contains("s3cr3t"), "leak: {t}");
        assert!(!t.contains("Bearer "), "leak: {t}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn blocking_facade_refuses_inside_a_runtime() {
    let sim = sim_with(|_| {}).await;
    let config =
        Config::builder(sim.base_url()).client_credentials(sim.client_id(), sim.client_secret()).build().unwrap();
    let client = omi_push::blocking::Client::new(config).unwrap();
    let err = client.list_devices("user-1").unwrap_err();
    assert!(matches!(err, Error::Config(_)), "{err:?}");
    // From a plain thread it works.
    let c = client.clone();
    let devices = std::thread::spawn(move || c.list_devices("user-1")).join().unwrap().unwrap();
    assert_eq!(devices.len(), 2);
    let c = client.clone();
    let outcome = std::thread::spawn(move || {
        let t = c.send_push("user-1", None, "Confirm", None)?;
        c.wait_for_confirmation(
            &t.nonce,
            WaitOptions::default().timeout(Duration::from_millis(300)).poll_interval(Duration::from_millis(100)),
        )
    })
    .join()
    .unwrap()
    .unwrap();
    assert_eq!(outcome.kind, OutcomeKind::TimedOut);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn runtime_task_is_aborted_when_dropped() {
    let sim = Arc::new(sim_with(|_| {}).await);
    let client = client_for(&sim, |b| b);
    let ticket = push(&client).await;
    let c = client.clone();
    let nonce = ticket.nonce.clone();
    let polls = std::thread::spawn(move || {
        let mut task = omi_push::runtime::spawn(async move {
            c.wait_for_confirmation(&nonce, WaitOptions::default().timeout(Duration::from_secs(30))).await
        })
        .unwrap();
        for _ in 0..5 {
            assert!(task.wait_slice(Duration::from_millis(100)).unwrap().is_none());
        }
        drop(task);
    });
    tokio::task::block_in_place(|| polls.join().unwrap());
    // A poll already on the wire when the task was aborted may still reach the simulator.
    tokio::time::sleep(Duration::from_millis(150)).await;
    let n = confirmation_times(&sim).len();
    assert!(n >= 2, "the wait polled while it ran ({n} polls)");
    // With a 100 ms poll interval, a live wait would poll about four more times.
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(confirmation_times(&sim).len(), n);
}

#[test]
fn extra_ca_certificate_must_be_pem() {
    let config = Config::builder("https://tenant.example")
        .client_credentials("id", "secret")
        .ca_cert_pem(b"not a certificate".to_vec())
        .build()
        .unwrap();
    assert!(matches!(Client::new(config), Err(Error::Config(_))));
}
