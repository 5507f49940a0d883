#![allow(clippy::unwrap_used, clippy::expect_used)]
//! `Simulator::stop`: once it returns, no request gets an answer any more.

mod common;

use std::io::ErrorKind;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use common::*;
use omi_push_sim::{Fault, SimConfig, Simulator};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::timeout;

const HEALTH: &[u8] = b"GET /_sim/health HTTP/1.1\r\nhost: sim\r\n\r\n";
const HEALTH_BODY: &[u8] = b"{\"ok\":true}";

/// A raw keep-alive connection that has had one answer, so the server holds it open and idle.
async fn idle_connection(addr: SocketAddr) -> TcpStream {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream.write_all(HEALTH).await.unwrap();
    let mut got = Vec::new();
    let mut buf = [0; 1024];
    while !got.ends_with(HEALTH_BODY) {
        let n = stream.read(&mut buf).await.unwrap();
        assert_ne!(n, 0, "closed before the answer: {:?}", String::from_utf8_lossy(&got));
        got.extend_from_slice(&buf[..n]);
    }
    stream
}

/// A request on a connection the server had open: end-of-file or a reset, never an answer.
async fn assert_cut(mut stream: TcpStream) {
    // The write may already fail (reset); the read tells what the client sees.
    let _ = stream.write_all(HEALTH).await;
    let mut buf = [0; 1024];
    match timeout(Duration::from_secs(5), stream.read(&mut buf)).await {
        Err(_) => panic!("no end-of-file or reset within 5 s"),
        Ok(Ok(0)) | Ok(Err(_)) => {}
        Ok(Ok(n)) => panic!("answered after stop: {:?}", String::from_utf8_lossy(&buf[..n])),
    }
}

/// On Linux a listener that is shut down refuses connections; elsewhere one may still be
/// accepted by the kernel, but it must not be answered.
async fn assert_refused(addr: SocketAddr) {
    match timeout(Duration::from_secs(5), TcpStream::connect(addr)).await {
        Err(_) => panic!("connect neither refused nor accepted within 5 s"),
        Ok(Ok(_)) if cfg!(target_os = "linux") => panic!("connected after stop"),
        Ok(Ok(stream)) => assert_cut(stream).await,
        Ok(Err(e)) => assert_eq!(e.kind(), ErrorKind::ConnectionRefused, "{e}"),
    }
}

/// Waits until the request log shows a request in flight (status 0).
async fn in_flight(sim: &Simulator) {
    let deadline = Instant::now() + Duration::from_secs(5);
    while !sim.request_log().iter().any(|e| e.status == 0) {
        assert!(Instant::now() < deadline, "the request never arrived");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn after_stop_keep_alive_and_new_connections_fail_every_time() {
    for i in 0..200 {
        let (sim, http) = testing().await;
        let addr = sim.local_addr();
        let url = format!("{}/_sim/health", sim.base_url());
        let raw = idle_connection(addr).await;
        // The client's pool now holds an idle keep-alive connection too.
        assert!(http.get(&url).send().await.unwrap().status().is_success());
        sim.stop();
        assert_cut(raw).await;
        let pooled = timeout(Duration::from_secs(5), http.get(&url).send()).await;
        assert!(
            pooled.expect("no answer within 5 s").is_err(),
            "iteration {i}: the pooled connection was answered after stop"
        );
        assert!(client().get(&url).send().await.is_err(), "iteration {i}");
        assert_refused(addr).await;
    }
}

#[tokio::test]
async fn stop_on_a_current_thread_runtime_returns_at_once_and_cuts_everything() {
    for _ in 0..50 {
        let (sim, http) = testing().await;
        let addr = sim.local_addr();
        let token = token(&http, &sim).await;
        sim.add_fault(Fault { latency_ms: 60_000, ..Fault::on("devices") }).unwrap();
        let held = tokio::spawn({
            let http = http.clone();
            let url = format!("{}/omi/users/user-1/devices", sim.base_url());
            async move { http.get(url).bearer_auth(token).send().await }
        });
        in_flight(&sim).await;
        let raw = idle_connection(addr).await;

        // The server task shares this thread: stop must not need it to run.
        let started = Instant::now();
        sim.stop();
        sim.stop();
        assert!(started.elapsed() < Duration::from_millis(500));

        let held = timeout(Duration::from_secs(5), held).await;
        assert!(held.expect("still held after stop").unwrap().is_err());
        assert_cut(raw).await;
        assert_refused(addr).await;
        let url = format!("{}/_sim/health", sim.base_url());
        assert!(http.get(&url).send().await.is_err());
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_request_held_by_latency_is_cut_by_stop() {
    let (sim, http) = testing().await;
    let token = token(&http, &sim).await;
    sim.add_fault(Fault { latency_ms: 60_000, ..Fault::on("push_device") }).unwrap();
    let held = tokio::spawn({
        let url = format!("{}/omi/push/user/user-1/device/dev-1", sim.base_url());
        async move {
            http.post(url).bearer_auth(token).json(&serde_json::json!({"message": "hi", "nonce": "n-1"})).send().await
        }
    });
    in_flight(&sim).await;
    let started = Instant::now();
    sim.stop();
    let result = timeout(Duration::from_secs(5), held).await.unwrap().unwrap();
    assert!(result.is_err(), "the held request must fail, not be answered");
    assert!(started.elapsed() < Duration::from_secs(5));
    assert!(sim.pushes().is_empty(), "the held request was not processed");
}

#[test]
fn stop_from_a_plain_thread_and_drop_without_a_runtime_context() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let sim = runtime.block_on(Simulator::start(SimConfig::testing())).unwrap();
    let addr = sim.local_addr();
    let raw = runtime.block_on(idle_connection(addr));
    std::thread::spawn(move || sim.stop()).join().unwrap();
    runtime.block_on(async {
        assert_cut(raw).await;
        assert_refused(addr).await;
    });

    let dropped = runtime.block_on(Simulator::start(SimConfig::testing())).unwrap();
    let addr = dropped.local_addr();
    let raw = runtime.block_on(idle_connection(addr));
    drop(dropped);
    runtime.block_on(async {
        assert_cut(raw).await;
        assert_refused(addr).await;
    });
}
