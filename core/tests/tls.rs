//! HTTPS and HTTP/2 against the simulator's TLS profile: the core negotiates HTTP/2 by ALPN
//! (one connection for many concurrent calls), can be told to refuse it, and trusts only the
//! certificate it was given.

use omi_push::{Client, Config, ErrorKind, Http2, WaitOptions};
use omi_push_sim::{SimConfig, Simulator};

async fn tls_sim() -> Simulator {
    Simulator::start(SimConfig { tls: true, ..SimConfig::testing() }).await.expect("sim")
}

fn client(sim: &Simulator, http2: Http2, trust: bool) -> Client {
    let mut b = Config::builder(sim.base_url()).client_credentials(sim.client_id(), sim.client_secret()).http2(http2);
    if trust {
        b = b.ca_cert_pem(sim.ca_cert_pem().expect("pem").as_bytes().to_vec());
    }
    Client::new(b.build().expect("config")).expect("client")
}

async fn fifty_calls(c: &Client) {
    let calls = (0..50).map(|_| c.list_devices("user-1"));
    for r in futures_util::future::join_all(calls).await {
        assert_eq!(r.expect("devices").len(), 1);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http2_is_negotiated_over_tls_and_many_calls_share_one_connection() {
    let sim = tls_sim().await;
    assert!(sim.base_url().starts_with("https://127.0.0.1:"));
    let c = client(&sim, Http2::Auto, true);
    fifty_calls(&c).await;
    let ticket = c.send_push("user-1", None, "Confirm", None).await.expect("push");
    sim.approve(&ticket.nonce).expect("approve");
    assert!(c.wait_for_confirmation(&ticket.nonce, WaitOptions::default()).await.expect("outcome").is_confirmed());
    let (total, h2) = sim.connections();
    assert!(total <= 2 && h2 == total, "{total} connections, {h2} on HTTP/2");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http2_can_be_refused_and_the_certificate_must_be_trusted() {
    let sim = tls_sim().await;
    let c = client(&sim, Http2::Never, true);
    fifty_calls(&c).await;
    let (total, h2) = sim.connections();
    assert!(total > 1 && h2 == 0, "{total} connections, {h2} on HTTP/2");

    let untrusted = client(&sim, Http2::Auto, false);
    let err = untrusted.list_devices("user-1").await.expect_err("unknown certificate");
    assert_eq!(err.kind(), ErrorKind::Transport, "{err:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http2_prior_knowledge_works_over_plain_http_too() {
    let sim = Simulator::start(SimConfig::testing()).await.expect("sim");
    let c = Client::new(
        Config::builder(sim.base_url())
            .client_credentials(sim.client_id(), sim.client_secret())
            .http2(Http2::Always)
            .build()
            .expect("config"),
    )
    .expect("client");
    fifty_calls(&c).await;
    let (total, _) = sim.connections();
    assert_eq!(total, 1, "one HTTP/2 connection carries every call");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stop_cuts_tls_connections_too() {
    let sim = tls_sim().await;
    let c = client(&sim, Http2::Auto, true);
    c.list_devices("user-1").await.expect("served");
    sim.stop();
    assert_eq!(c.list_devices("user-1").await.expect_err("stopped").kind(), ErrorKind::Transport);
}
