//! Step-up against the simulator, with the memory store and a real Redis server: approve
//! once, reject, expire, time out, forged and mismatched challenges, too old, throttle, replay,
//! 200 concurrent checks across two instances, and a Redis that goes away (fails closed).
//!
//! Redis: `OMI_PUSH_REDIS_URL` (set by `make test`), or a `redis-server` on PATH that these
//! tests start themselves. Without either they fail, saying so: they are never skipped.

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine;
use omi_push::{Client, Config, Error, ErrorKind, StepUp, StepUpConfig, StoreConfig, Throttle, Verdict, WaitOptions};
use omi_push_sim::{SimConfig, Simulator};

const KEY: &[u8] = b"0123456789abcdef0123456789abcdef-step-up-key";
const ACTION: &str = "change-payment-method";

struct RedisServer {
    child: Child,
    url: String,
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A redis-server of this test's own, on a free loopback port.
fn own_redis() -> RedisServer {
    let port = TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("free port");
    let child = Command::new("redis-server")
        .args(["--port", &port.to_string(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
        .stdout(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| {
            panic!(
                "redis-server is needed for these tests (apt-get install redis-server, or set OMI_PUSH_REDIS_URL): {e}"
            )
        });
    let started = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(started.elapsed() < Duration::from_secs(10), "redis-server did not start");
        std::thread::sleep(Duration::from_millis(20));
    }
    RedisServer { child, url: format!("redis://127.0.0.1:{port}/0") }
}

/// The shared Redis of the test run, or one of our own.
fn redis_url() -> (String, Option<RedisServer>) {
    match std::env::var("OMI_PUSH_REDIS_URL") {
        Ok(url) if !url.is_empty() => (url, None),
        _ => {
            let own = own_redis();
            (own.url.clone(), Some(own))
        }
    }
}

async fn sim() -> Simulator {
    Simulator::start(SimConfig::testing()).await.expect("sim")
}

fn client(sim: &Simulator) -> Client {
    let config = Config::builder(sim.base_url())
        .client_credentials(sim.client_id(), sim.client_secret())
        .poll_interval(Duration::from_millis(100))
        .build()
        .expect("config");
    Client::new(config).expect("client")
}

fn step_up(sim: &Simulator, store: StoreConfig, f: impl FnOnce(&mut StepUpConfig)) -> StepUp {
    let mut config = StepUpConfig::new(KEY);
    config.store = store;
    config.throttle = Throttle { max_unresolved: 3, min_gap: Duration::ZERO };
    // Each step-up has keys of its own in a shared Redis: runs never see each other's state.
    config.store_prefix = format!("test:{}:", omi_push::generate_nonce().expect("nonce"));
    f(&mut config);
    StepUp::new(client(sim), config).expect("step-up")
}

fn stores() -> Vec<(StoreConfig, Option<RedisServer>)> {
    let (url, own) = redis_url();
    vec![(StoreConfig::Memory, None), (StoreConfig::Redis(url), own)]
}

fn kind(r: Result<Verdict, Error>) -> Result<Verdict, ErrorKind> {
    r.map_err(|e| e.kind())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn approve_is_given_once_then_already_used() {
    for (store, _redis) in stores() {
        let sim = sim().await;
        let s = step_up(&sim, store.clone(), |_| {});
        let c = s.begin("user-1", ACTION, Some("dev-1"), "Confirm the new payment method").await.expect("begin");
        assert_eq!(kind(s.check(&c.text, "user-1", ACTION).await), Ok(Verdict::Pending), "{store:?}");
        sim.approve(&c.claims.nonce).expect("approve");
        assert_eq!(kind(s.check(&c.text, "user-1", ACTION).await), Ok(Verdict::Approved), "{store:?}");
        let polls = sim.count("confirmation", "GET");
        assert_eq!(kind(s.check(&c.text, "user-1", ACTION).await), Err(ErrorKind::AlreadyUsed));
        let w = s.wait(&c.text, "user-1", ACTION, WaitOptions::default().timeout(Duration::from_secs(5))).await;
        assert_eq!(kind(w), Err(ErrorKind::AlreadyUsed));
        assert_eq!(sim.count("confirmation", "GET"), polls, "a replay makes no request");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_approval_is_redeemed_once_for_its_user_and_action() {
    for (store, _redis) in stores() {
        let sim = sim().await;
        let s = step_up(&sim, store.clone(), |_| {});
        let c = s.begin("user-1", ACTION, None, "Confirm").await.expect("begin");
        assert_eq!(s.redeem(&c.text, "user-1", ACTION).await.map_err(|e| e.kind()), Ok(false), "not approved yet");
        sim.approve(&c.claims.nonce).expect("approve");
        assert_eq!(kind(s.check(&c.text, "user-1", ACTION).await), Ok(Verdict::Approved));
        let e = s.redeem(&c.text, "user-1", "view-card-number").await.expect_err("other action");
        assert_eq!(e.kind(), ErrorKind::ChallengeMismatch);
        assert_eq!(s.redeem(&c.text, "user-2", ACTION).await.map_err(|e| e.kind()), Err(ErrorKind::ChallengeMismatch));
        assert_eq!(s.redeem(&c.text, "user-1", ACTION).await.map_err(|e| e.kind()), Ok(true), "{store:?}");
        assert_eq!(s.redeem(&c.text, "user-1", ACTION).await.map_err(|e| e.kind()), Err(ErrorKind::AlreadyUsed));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wait_gives_approved_rejected_expired_or_pending() {
    for (store, _redis) in stores() {
        let sim = sim().await;
        let s = step_up(&sim, store.clone(), |_| {});
        let opts = || WaitOptions::default().timeout(Duration::from_secs(10));
        for (act, want) in [("approve", Verdict::Approved), ("reject", Verdict::Rejected), ("expire", Verdict::Expired)]
        {
            let c = s.begin("user-1", ACTION, None, "Confirm").await.expect("begin");
            let step = serde_json::json!({"do": "phone", "nonce": c.claims.nonce, "action": act, "after_ms": 300});
            sim.control(&step).expect("phone");
            assert_eq!(kind(s.wait(&c.text, "user-1", ACTION, opts()).await), Ok(want), "{store:?} {act}");
        }
        let c = s.begin("user-1", ACTION, None, "Confirm").await.expect("begin");
        let started = Instant::now();
        let w = s.wait(&c.text, "user-1", ACTION, WaitOptions::default().timeout(Duration::from_millis(700))).await;
        assert_eq!(kind(w), Ok(Verdict::Pending));
        assert!(started.elapsed() < Duration::from_millis(700 + 1000));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forged_mismatched_garbled_and_old_challenges_are_refused_before_any_request() {
    let sim = sim().await;
    for user in ["alice", "mallory"] {
        sim.add_user(omi_push_sim::SeedUser::new(user, vec![omi_push_sim::SeedDevice::new("phone")])).expect("user");
    }
    let s = step_up(&sim, StoreConfig::Memory, |c| c.max_age = Duration::from_secs(1));
    let mallory = s.begin("mallory", ACTION, None, "Confirm").await.expect("begin");
    sim.approve(&mallory.claims.nonce).expect("approve");
    sim.clear_log();
    // Mallory's genuine, approved challenge presented for alice, or for another action.
    let e = s.check(&mallory.text, "alice", ACTION).await.expect_err("other user");
    assert_eq!((e.kind(), e.field()), (ErrorKind::ChallengeMismatch, Some("user")));
    let e = s.check(&mallory.text, "mallory", "view-card-number").await.expect_err("other action");
    assert_eq!((e.kind(), e.field()), (ErrorKind::ChallengeMismatch, Some("action")));
    // The payload edited to say alice: the signature no longer matches.
    let parts: Vec<&str> = mallory.text.split('.').collect();
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let payload =
        String::from_utf8(b64.decode(parts[1]).expect("b64")).expect("utf8").replace("\"mallory\"", "\"alice\"");
    let forged = format!("{}.{}.{}", parts[0], b64.encode(payload), parts[2]);
    assert_eq!(kind(s.check(&forged, "alice", ACTION).await), Err(ErrorKind::InvalidChallenge));
    // Another app's key, garbage, truncation, a megabyte.
    let other = StepUp::new(client(&sim), StepUpConfig::new(vec![9u8; 32])).expect("other");
    for bad in [
        other.begin("alice", ACTION, None, "Confirm").await.expect("other begin").text,
        mallory.text[..mallory.text.len() - 5].to_string(),
        "su1.!!!.???".to_string(),
        "x".repeat(1 << 20),
        String::new(),
    ] {
        assert_eq!(kind(s.check(&bad, "alice", ACTION).await), Err(ErrorKind::InvalidChallenge), "{bad:.30}");
    }
    assert_eq!(sim.count("confirmation", "GET"), 0, "nothing was polled");
    // Too old: expired, with no request.
    let alice = s.begin("alice", ACTION, None, "Confirm").await.expect("begin");
    tokio::time::sleep(Duration::from_millis(1100)).await;
    sim.clear_log();
    assert_eq!(kind(s.check(&alice.text, "alice", ACTION).await), Ok(Verdict::Expired));
    assert_eq!(kind(s.wait(&alice.text, "alice", ACTION, WaitOptions::default()).await), Ok(Verdict::Expired));
    assert_eq!(sim.request_log().len(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_throttle_refuses_with_no_push_and_bad_input_sends_nothing() {
    for (store, _redis) in stores() {
        let sim = sim().await;
        let s = step_up(&sim, store.clone(), |c| c.throttle = Throttle { max_unresolved: 2, min_gap: Duration::ZERO });
        let user = format!("user-throttle-{}", omi_push::generate_nonce().expect("nonce"));
        sim.add_user(omi_push_sim::SeedUser::new(&user, vec![omi_push_sim::SeedDevice::new("d1")])).expect("user");
        let first = s.begin(&user, ACTION, None, "Confirm").await.expect("1");
        s.begin(&user, ACTION, None, "Confirm").await.expect("2");
        let pushes = sim.pushes().len();
        let e = s.begin(&user, ACTION, None, "Confirm").await.expect_err("3 is over the throttle");
        assert_eq!(e.kind(), ErrorKind::Throttled, "{store:?}");
        assert!(e.retry_after().is_some());
        assert_eq!(sim.pushes().len(), pushes, "nothing was sent");
        // A resolved challenge frees its slot.
        sim.reject(&first.claims.nonce).expect("reject");
        assert_eq!(kind(s.check(&first.text, &user, ACTION).await), Ok(Verdict::Rejected));
        s.begin(&user, ACTION, None, "Confirm").await.expect("a slot was freed");

        let gap = step_up(&sim, store.clone(), |c| {
            c.throttle = Throttle { max_unresolved: 10, min_gap: Duration::from_secs(30) }
        });
        let other = format!("user-gap-{}", omi_push::generate_nonce().expect("nonce"));
        sim.add_user(omi_push_sim::SeedUser::new(&other, vec![omi_push_sim::SeedDevice::new("d1")])).expect("user");
        gap.begin(&other, ACTION, None, "Confirm").await.expect("first");
        assert_eq!(
            gap.begin(&other, ACTION, None, "Confirm").await.expect_err("too soon").kind(),
            ErrorKind::Throttled
        );

        sim.clear_log();
        for bad_action in ["", "has space", &"a".repeat(65), "ctl\u{7}"] {
            let e = s.begin("user-1", bad_action, None, "Confirm").await.expect_err("bad action");
            assert_eq!((e.kind(), e.field()), (ErrorKind::InvalidArgument, Some("action")));
        }
        assert_eq!(
            s.begin("user\u{202E}1", ACTION, None, "Confirm").await.expect_err("bad user").field(),
            Some("user_id")
        );
        assert_eq!(
            s.begin("user-1", ACTION, None, "Confirm\u{0}").await.expect_err("bad message").field(),
            Some("message")
        );
        assert_eq!(sim.request_log().len(), 0);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_on_one_redis_approve_exactly_once_under_200_concurrent_checks() {
    let (url, _redis) = redis_url();
    let sim = sim().await;
    let prefix = format!("test:{}:", omi_push::generate_nonce().expect("nonce"));
    let a = step_up(&sim, StoreConfig::Redis(url.clone()), |c| c.store_prefix = prefix.clone());
    let b = step_up(&sim, StoreConfig::Redis(url), |c| c.store_prefix = prefix.clone());
    let c = a.begin("user-1", ACTION, None, "Confirm").await.expect("begin");
    sim.approve(&c.claims.nonce).expect("approve");
    let checks = (0..200).map(|i| {
        let s = if i % 2 == 0 { a.clone() } else { b.clone() };
        let text = c.text.clone();
        tokio::spawn(async move { s.check(&text, "user-1", ACTION).await })
    });
    let mut approved = 0;
    let mut used = 0;
    for r in futures_util::future::join_all(checks).await {
        match r.expect("joined") {
            Ok(Verdict::Approved) => approved += 1,
            Err(e) if e.kind() == ErrorKind::AlreadyUsed => used += 1,
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!((approved, used), (1, 199));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_redis_that_goes_away_fails_closed() {
    let redis = own_redis();
    let sim = sim().await;
    let s = step_up(&sim, StoreConfig::Redis(redis.url.clone()), |_| {});
    let c = s.begin("user-1", ACTION, None, "Confirm").await.expect("begin");
    sim.approve(&c.claims.nonce).expect("approve");
    drop(redis);
    let started = Instant::now();
    let e = s.check(&c.text, "user-1", ACTION).await.expect_err("store down");
    assert_eq!(e.kind(), ErrorKind::StoreUnavailable, "{e:?}");
    let w = s.wait(&c.text, "user-1", ACTION, WaitOptions::default().timeout(Duration::from_secs(3))).await;
    assert_eq!(w.map_err(|e| e.kind()), Err(ErrorKind::StoreUnavailable));
    let e = s.begin("user-1", ACTION, None, "Confirm").await.expect_err("no throttle, no push");
    assert_eq!(e.kind(), ErrorKind::StoreUnavailable);
    assert!(started.elapsed() < Duration::from_secs(10));
    let bad = StepUp::new(client(&sim), {
        let mut c = StepUpConfig::new(KEY);
        c.store = StoreConfig::Redis("redis://127.0.0.1:1/0".into());
        c
    })
    .expect("lazy");
    assert_eq!(
        bad.begin("user-1", ACTION, None, "Confirm").await.expect_err("refused").kind(),
        ErrorKind::StoreUnavailable
    );
    assert!(matches!(StepUp::new(client(&sim), StepUpConfig::new(vec![1u8; 31])), Err(Error::Config(_))));
}
