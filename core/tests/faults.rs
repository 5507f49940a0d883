//! Probes of a hostile network and a careless operator (issue: deadlines, redaction, bounded
//! bodies, validated configuration, loopback, malformed answers, simulator stop). Real sockets:
//! the simulator with its faults, and a few raw TCP servers that misbehave in ways no HTTP
//! framework would.

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use omi_push::{Client, Config, Error, ErrorKind, OutcomeKind, RetryPolicy, WaitOptions};
use omi_push_sim::{Fault, SimConfig, Simulator};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

#[derive(Clone, Copy)]
enum Misbehave {
    /// Accept, read, never answer.
    Hang,
    /// Answer 401 with everything received echoed in the body and in `x-request-id`.
    Echo,
}

/// A raw HTTP/1.1 server on loopback; returns its base URL and a count of connections.
async fn raw_server(mode: Misbehave) -> (String, Arc<Mutex<usize>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    let connections = Arc::new(Mutex::new(0usize));
    let count = connections.clone();
    tokio::spawn(async move {
        while let Ok((mut sock, _)) = listener.accept().await {
            *count.lock().expect("count") += 1;
            tokio::spawn(async move {
                let mut buf = vec![0u8; 64 * 1024];
                let mut got = Vec::new();
                // Read until the head and a short body are in (requests here are small).
                loop {
                    match tokio::time::timeout(Duration::from_millis(200), sock.read(&mut buf)).await {
                        Ok(Ok(n)) if n > 0 => got.extend_from_slice(&buf[..n]),
                        _ => break,
                    }
                    if got.windows(4).any(|w| w == b"\r\n\r\n") && !got.starts_with(b"POST") {
                        break;
                    }
                }
                match mode {
                    Misbehave::Hang => tokio::time::sleep(Duration::from_secs(3600)).await,
                    Misbehave::Echo => {
                        let text = String::from_utf8_lossy(&got).replace(['\r', '\n', '"', '\\'], " ");
                        let auth = text
                            .split("authorization: ")
                            .nth(1)
                            .map(|s| s.split("  ").next().unwrap_or(""))
                            .unwrap_or("")
                            .to_string();
                        let sent_body = text.split("    ").nth(1).unwrap_or("").to_string();
                        // What a server refuses comes first, the way gateways quote it.
                        let body =
                            format!(r#"{{"error":"echo","error_description":"you sent: {auth} {sent_body} {text}"}}"#);
                        let resp = format!(
                            "HTTP/1.1 401 Unauthorized\r\ncontent-type: application/json\r\nx-request-id: {auth}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                            body.len()
                        );
                        let _ = sock.write_all(resp.as_bytes()).await;
                    }
                }
            });
        }
    });
    (url, connections)
}

fn client_as(
    url: &str,
    id: &str,
    secret: &str,
    f: impl FnOnce(omi_push::ConfigBuilder) -> omi_push::ConfigBuilder,
) -> Client {
    Client::new(f(Config::builder(url).client_credentials(id, secret)).build().expect("config")).expect("client")
}

fn client(url: &str, secret: &str, f: impl FnOnce(omi_push::ConfigBuilder) -> omi_push::ConfigBuilder) -> Client {
    client_as(url, "app id", secret, f)
}

fn sim_client(sim: &Simulator, f: impl FnOnce(omi_push::ConfigBuilder) -> omi_push::ConfigBuilder) -> Client {
    client_as(&sim.base_url(), sim.client_id(), sim.client_secret(), f)
}

const NONCE: &str = "AAAAAAAAAAAAAAAAAAAAAAAA";

/// A log writer that keeps everything written, for asserting on debug logs.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("log").extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

// 1. Secrets echoed by a server appear nowhere: Display, Debug, request id, debug log.
#[tokio::test]
async fn p1_an_echoing_gateway_never_makes_us_echo_the_secret() {
    let log = Captured::default();
    let writer = log.clone();
    let subscriber =
        tracing_subscriber::fmt().with_max_level(tracing::Level::TRACE).with_writer(move || writer.clone()).finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    let (url, _) = raw_server(Misbehave::Echo).await;
    let secret = "s3cr3t value+/=&~é:%";
    for auth in [omi_push::ClientAuth::Basic, omi_push::ClientAuth::Post] {
        let c = client(&url, secret, |b| b.client_auth(auth));
        let err = c.list_devices("user-1").await.expect_err("refused");
        assert_eq!(err.kind(), ErrorKind::Authentication, "{err:?}");
        let text = format!("{err} | {err:?} | {:?} | {:?}", err.request_id(), err.code());
        assert!(text.contains("you sent"), "the echo should be there, redacted: {text}");
        assert!(text.contains("***"), "{text}");
        let encoded: String = url::form_urlencoded::byte_serialize(secret.as_bytes()).collect();
        for leak in [secret, encoded.as_str(), "s3cr3t", "Basic YXBw"] {
            assert!(!text.contains(leak), "{leak:?} leaked ({auth:?}): {text}");
        }
    }
    let logged = String::from_utf8_lossy(&log.0.lock().expect("log")).to_string();
    assert!(!logged.contains("s3cr3t"), "{logged}");
}

// 2. A wait ends by its timeout whatever the server does.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn p2_waits_keep_their_deadline_against_a_server_that_never_answers() {
    let (url, _) = raw_server(Misbehave::Hang).await;
    let c = client(&url, "secret", |b| b);
    let started = Instant::now();
    let r = c.wait_for_confirmation(NONCE, WaitOptions::default().timeout(Duration::from_secs(3))).await;
    let took = started.elapsed();
    assert!(matches!(&r, Err(e) if e.is_timeout()), "{r:?}");
    assert!(took < Duration::from_millis(3000 + 1000), "hanging token endpoint: {took:?}");

    // Token fine, the confirmation route hangs (a poll on the wire at the deadline).
    let sim = Simulator::start(SimConfig::testing()).await.expect("sim");
    let c = sim_client(&sim, |b| b);
    let ticket = c.send_push("user-1", None, "Confirm", None).await.expect("push");
    let mut hang = Fault::on("confirmation");
    hang.latency_ms = 3_600_000;
    sim.add_fault(hang).expect("fault");
    let started = Instant::now();
    let r = c.wait_for_confirmation(&ticket.nonce, WaitOptions::default().timeout(Duration::from_secs(3))).await;
    assert!(matches!(&r, Err(e) if e.is_timeout()), "{r:?}");
    assert!(started.elapsed() < Duration::from_millis(3000 + 1000), "{:?}", started.elapsed());
}

// 3. Token retries are not nested inside call retries; a single call has a total budget.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn p3_a_hanging_token_endpoint_costs_one_request_per_attempt_and_the_call_keeps_its_budget() {
    let sim = Simulator::start(SimConfig::testing()).await.expect("sim");
    let mut hang = Fault::on("token");
    hang.latency_ms = 3_600_000;
    sim.add_fault(hang).expect("fault");
    let c = sim_client(&sim, |b| b.request_timeout(Duration::from_millis(1500)).call_timeout(Duration::from_secs(4)));
    let started = Instant::now();
    let err = c.list_devices("user-1").await.expect_err("hangs");
    let took = started.elapsed();
    assert!(err.is_timeout(), "{err:?}");
    assert!(took < Duration::from_millis(4000 + 1000), "{took:?}");
    let tokens = sim.count("token", "POST");
    assert!((2..=3).contains(&tokens), "{tokens} token requests");

    sim.clear_log();
    let started = Instant::now();
    let r = c.wait_for_confirmation(NONCE, WaitOptions::default().timeout(Duration::from_secs(6))).await;
    assert!(r.is_err(), "{r:?}");
    assert!(started.elapsed() < Duration::from_millis(6000 + 1000), "{:?}", started.elapsed());
    let tokens = sim.count("token", "POST");
    assert!(tokens <= 4, "{tokens} token requests in a 6 s wait");
}

// 5. No value a builder accepts can panic later; bad values are refused when built.
#[test]
fn p5_configuration_values_that_would_panic_or_never_end_are_refused() {
    let b = || Config::builder("https://t.example").client_credentials("id", "secret");
    for d in [Duration::MAX, Duration::ZERO, Duration::from_secs(86_401)] {
        assert!(matches!(b().wait_timeout(d).build(), Err(Error::Config(_))), "{d:?}");
        assert!(matches!(b().poll_interval(d).build(), Err(Error::Config(_))), "{d:?}");
        assert!(matches!(b().request_timeout(d).build(), Err(Error::Config(_))), "{d:?}");
    }
    assert!(matches!(b().poll_interval(Duration::from_nanos(1)).build(), Err(Error::Config(_))));
    let forever =
        RetryPolicy { max_retries: 2, initial_backoff: Duration::from_secs(3600), max_backoff: Duration::MAX };
    assert!(matches!(b().retry_policy(forever).build(), Err(Error::Config(_))));
    assert!(matches!(
        b().retry_policy(RetryPolicy { max_retries: 1000, ..Default::default() }).build(),
        Err(Error::Config(_))
    ));
}

#[tokio::test]
async fn p5_per_call_values_are_refused_with_no_request() {
    let sim = Simulator::start(SimConfig::testing()).await.expect("sim");
    let c = sim_client(&sim, |b| b);
    for (t, i) in [
        (Duration::MAX, Duration::from_secs(1)),
        (Duration::from_secs(5), Duration::MAX),
        (Duration::from_secs(5), Duration::from_nanos(1)),
    ] {
        let err = c
            .wait_for_confirmation(NONCE, WaitOptions::default().timeout(t).poll_interval(i))
            .await
            .expect_err("refused");
        assert_eq!(err.kind(), ErrorKind::InvalidArgument, "{err:?}");
    }
    assert_eq!(sim.request_log().len(), 0);
}

// 6. One malformed 200 does not end a wait.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn p6_a_malformed_answer_is_retried_inside_the_wait() {
    let sim = Simulator::start(SimConfig::testing()).await.expect("sim");
    let c = sim_client(&sim, |b| b.poll_interval(Duration::from_millis(100)));
    let ticket = c.send_push("user-1", None, "Confirm", None).await.expect("push");
    let mut bad = Fault::on("confirmation");
    bad.malformed = true;
    bad.times = Some(2);
    sim.add_fault(bad).expect("fault");
    sim.approve(&ticket.nonce).expect("approve");
    let outcome = c
        .wait_for_confirmation(&ticket.nonce, WaitOptions::default().timeout(Duration::from_secs(10)))
        .await
        .expect("outcome");
    assert_eq!(outcome.kind, OutcomeKind::Confirmed);
    assert_eq!(outcome.polls, 3);
}

// 7. Loopback by literal only; format and separator characters refused before any request.
#[tokio::test]
async fn p7_only_literal_loopback_and_no_invisible_characters() {
    for url in ["http://evil.localhost:8080", "http://localhost.example.com", "http://127.0.0.1.example.com"] {
        let r = Config::builder(url).client_credentials("id", "secret").build();
        assert!(matches!(r, Err(Error::Config(_))), "{url}: {r:?}");
    }
    let sim = Simulator::start(SimConfig::testing()).await.expect("sim");
    let c = sim_client(&sim, |b| b);
    for bad in ["user\u{202E}1", "user\u{200B}1", "\u{FEFF}user-1", "user\u{2028}1", "user\u{2029}1"] {
        assert_eq!(c.list_devices(bad).await.expect_err("refused").field(), Some("user_id"));
        let err = c.send_push("user-1", None, &format!("Confirm {bad}"), None).await.expect_err("refused");
        assert_eq!(err.field(), Some("message"));
    }
    assert_eq!(sim.request_log().len(), 0);
}

// 8. After stop(), every call fails (keep-alive connections included).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn p8_after_stop_every_call_fails() {
    for _ in 0..20 {
        let sim = Simulator::start(SimConfig::testing()).await.expect("sim");
        let c = sim_client(&sim, |b| b.retry_policy(RetryPolicy { max_retries: 0, ..Default::default() }));
        c.list_devices("user-1").await.expect("served");
        sim.stop();
        let err = c.list_devices("user-1").await.expect_err("stopped");
        assert_eq!(err.kind(), ErrorKind::Transport, "{err:?}");
    }
}

// Token exchange: ids and secrets with `: % + / = & ~ é` and a space work with both client
// authentication methods (the Basic value is percent-encoded with a space as %20, so form and
// plain percent decoders agree).
#[tokio::test]
async fn special_characters_in_client_id_and_secret_work_with_basic_and_post() {
    let mut config = SimConfig::testing();
    config.client_id = "app id:%+/=&~é".into();
    config.client_secret = Some("s3cret with space:%+/=&~é".into());
    let sim = Simulator::start(config).await.expect("sim");
    for auth in [omi_push::ClientAuth::Basic, omi_push::ClientAuth::Post] {
        let c = sim_client(&sim, |b| b.client_auth(auth));
        let devices = c.list_devices("user-1").await.unwrap_or_else(|e| panic!("{auth:?}: {e}"));
        assert!(!devices.is_empty());
    }
}
