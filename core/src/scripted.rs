//! A scripted [`Transport`] and the deterministic tests of the retry, deadline, token and
//! redaction logic that run on it under tokio's paused clock: no sockets, no sleeping, no
//! simulator (that stays for the end-to-end and conformance suites).

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use tokio::time::Instant;

use crate::error::{Error, Result};
use crate::transport::{HttpRequest, HttpResponse, SendFuture, Transport};

/// What the scripted server does with one request.
#[derive(Clone, Debug)]
pub(crate) enum Step {
    /// Answer with a status, headers and a body after `delay`.
    Answer { status: u16, headers: Vec<(&'static str, String)>, body: String, delay: Duration },
    /// Never answer (until the request's own timeout, like a real client would).
    Hang,
    /// The connection could not be made.
    Refuse,
}

pub(crate) fn ok(body: &str) -> Step {
    Step::Answer { status: 200, headers: vec![], body: body.into(), delay: Duration::ZERO }
}

pub(crate) fn status(status: u16, body: &str) -> Step {
    Step::Answer { status, headers: vec![], body: body.into(), delay: Duration::ZERO }
}

pub(crate) fn token(value: &str) -> Step {
    ok(&format!(r#"{{"access_token":"{value}","token_type":"Bearer","expires_in":3600}}"#))
}

/// One request as the scripted server saw it.
#[derive(Clone, Debug)]
pub(crate) struct Seen {
    pub(crate) path: String,
    pub(crate) query: String,
    pub(crate) at: Instant,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Option<Vec<u8>>,
}

impl Seen {
    /// Whether the query string holds `value` (e.g. a nonce).
    pub(crate) fn query_has(&self, value: &str) -> bool {
        self.query.split('&').any(|kv| kv.split_once('=').is_some_and(|(_, v)| v == value))
    }
}

/// Each route (`token` or any other path suffix) has a queue of steps; the last step of a
/// queue repeats for ever.
#[derive(Default)]
pub(crate) struct Scripted {
    routes: Mutex<Vec<(String, VecDeque<Step>)>>,
    seen: Mutex<Vec<Seen>>,
}

impl Scripted {
    pub(crate) fn new() -> Arc<Scripted> {
        Arc::new(Scripted::default())
    }

    /// Steps for requests whose path contains `route`.
    pub(crate) fn on(self: &Arc<Self>, route: &str, steps: Vec<Step>) -> Arc<Self> {
        self.routes.lock().unwrap_or_else(|p| p.into_inner()).push((route.to_string(), steps.into()));
        self.clone()
    }

    pub(crate) fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    pub(crate) fn count(&self, route: &str) -> usize {
        self.seen().iter().filter(|s| s.path.contains(route)).count()
    }

    fn next_step(&self, path: &str) -> Step {
        let mut routes = self.routes.lock().unwrap_or_else(|p| p.into_inner());
        for (route, steps) in routes.iter_mut() {
            if path.contains(route.as_str()) {
                return if steps.len() > 1 { steps.pop_front() } else { steps.front().cloned() }
                    .unwrap_or(Step::Refuse);
            }
        }
        Step::Answer { status: 404, headers: vec![], body: String::new(), delay: Duration::ZERO }
    }
}

struct Handle(Arc<Scripted>);

impl Transport for Handle {
    fn send(&self, request: HttpRequest) -> SendFuture<'_> {
        Box::pin(async move {
            let path = request.url.path().to_string();
            self.0.seen.lock().unwrap_or_else(|p| p.into_inner()).push(Seen {
                query: request.url.query().unwrap_or("").to_string(),
                path: path.clone(),
                at: Instant::now(),
                headers: request.headers.clone(),
                body: request.body.clone(),
            });
            let timed_out =
                || Error::Transport { message: "operation timed out".into(), connect: false, timeout: true };
            match self.0.next_step(&path) {
                Step::Refuse => {
                    Err(Error::Transport { message: "connection refused".into(), connect: true, timeout: false })
                }
                Step::Hang => {
                    tokio::time::sleep(request.timeout).await;
                    Err(timed_out())
                }
                Step::Answer { status, headers, body, delay } => {
                    if delay >= request.timeout {
                        tokio::time::sleep(request.timeout).await;
                        return Err(timed_out());
                    }
                    tokio::time::sleep(delay).await;
                    if (200..300).contains(&status) && body.len() > request.body_limit {
                        return Err(crate::transport::too_large(request.body_limit));
                    }
                    let mut map = HeaderMap::new();
                    for (k, v) in headers {
                        if let Ok(v) = HeaderValue::from_str(&v) {
                            map.insert(HeaderName::from_static(k), v);
                        }
                    }
                    Ok(HttpResponse { status, headers: map, body: body.into_bytes() })
                }
            }
        })
    }
}

/// A client on `script`, with the given builder changes.
pub(crate) fn client(
    script: &Arc<Scripted>,
    f: impl FnOnce(crate::ConfigBuilder) -> crate::ConfigBuilder,
) -> Result<crate::Client> {
    let config =
        f(crate::Config::builder("https://tenant.example").client_credentials("app-id", "top secret+/=")).build()?;
    Ok(crate::Client::with_transport(config, Box::new(Handle(script.clone()))))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{OutcomeKind, WaitOptions};

    const NONCE: &str = "AAAAAAAAAAAAAAAAAAAAAAAA";
    const PENDING: &str = r#"{"status":"PENDING"}"#;
    const CONFIRMED: &str = r#"{"status":"CONFIRMED"}"#;

    fn wait(t: u64, i: u64) -> WaitOptions {
        WaitOptions::default().timeout(Duration::from_millis(t)).poll_interval(Duration::from_millis(i))
    }

    #[tokio::test(start_paused = true)]
    async fn hanging_token_endpoint_bounds_a_call_by_its_budget_and_sends_one_token_request_per_attempt() {
        let s = Scripted::new().on("token", vec![Step::Hang]);
        let c = client(&s, |b| b).expect("client");
        let started = Instant::now();
        let err = c.list_devices("user-1").await.expect_err("hangs");
        let took = started.elapsed();
        assert!(err.is_timeout(), "{err:?}");
        // Default: 10 s request timeout, 2 retries, 30 s budget: at most 3 token requests.
        assert!(took <= Duration::from_secs(30), "{took:?}");
        assert_eq!(s.count("token"), 3);
        assert_eq!(s.count("devices"), 0);
    }

    #[tokio::test(start_paused = true)]
    async fn hanging_token_endpoint_cannot_stretch_a_wait() {
        let s = Scripted::new().on("token", vec![Step::Hang]);
        let c = client(&s, |b| b).expect("client");
        let started = Instant::now();
        let r = c.wait_for_confirmation(NONCE, wait(3000, 1000)).await;
        let took = started.elapsed();
        assert!(matches!(&r, Err(e) if e.is_timeout()), "{r:?}");
        assert!(took >= Duration::from_secs(3) && took <= Duration::from_millis(3050), "{took:?}");
        assert_eq!(s.count("token"), 1);
    }

    #[tokio::test(start_paused = true)]
    async fn a_poll_on_the_wire_is_cut_at_the_deadline() {
        let s = Scripted::new().on("token", vec![token("t1")]).on("confirmation", vec![ok(PENDING), Step::Hang]);
        let c = client(&s, |b| b).expect("client");
        let started = Instant::now();
        let outcome = c.wait_for_confirmation(NONCE, wait(3000, 1000)).await.expect("outcome");
        assert_eq!(outcome.kind, OutcomeKind::TimedOut);
        let took = started.elapsed();
        assert!(took >= Duration::from_secs(3) && took <= Duration::from_millis(3050), "{took:?}");
        assert_eq!(s.count("confirmation"), 2);
    }

    #[tokio::test(start_paused = true)]
    async fn a_server_that_never_answers_ends_the_wait_on_time_with_a_timeout_error() {
        let s = Scripted::new().on("token", vec![token("t1")]).on("confirmation", vec![Step::Hang]);
        let c = client(&s, |b| b.request_timeout(Duration::from_secs(60))).expect("client");
        let started = Instant::now();
        let r = c.wait_for_confirmation(NONCE, wait(3000, 1000)).await;
        assert!(matches!(&r, Err(e) if e.is_timeout()), "{r:?}");
        assert!(started.elapsed() <= Duration::from_millis(3050), "{:?}", started.elapsed());
    }

    #[tokio::test(start_paused = true)]
    async fn malformed_answer_in_a_wait_is_retried() {
        let s =
            Scripted::new().on("token", vec![token("t1")]).on("confirmation", vec![ok("{\"status\":"), ok(CONFIRMED)]);
        let c = client(&s, |b| b).expect("client");
        let outcome = c.wait_for_confirmation(NONCE, wait(10_000, 100)).await.expect("outcome");
        assert_eq!((outcome.kind, outcome.polls), (OutcomeKind::Confirmed, 2));
    }

    #[tokio::test(start_paused = true)]
    async fn malformed_answers_until_the_deadline_give_the_protocol_error() {
        let s = Scripted::new().on("token", vec![token("t1")]).on("confirmation", vec![ok("nope")]);
        let c = client(&s, |b| b).expect("client");
        let r = c.wait_for_confirmation(NONCE, wait(2000, 100)).await;
        assert!(matches!(r, Err(Error::Protocol { .. })), "{r:?}");
        assert!(s.count("confirmation") >= 3);
    }

    #[tokio::test(start_paused = true)]
    async fn polls_start_one_interval_apart_and_the_first_is_jittered_after_one_interval() {
        let delayed =
            Step::Answer { status: 200, headers: vec![], body: PENDING.into(), delay: Duration::from_millis(150) };
        let s = Scripted::new().on("token", vec![token("t1")]).on("confirmation", vec![delayed]);
        let c = client(&s, |b| b).expect("client");
        let started = Instant::now();
        let outcome = c.wait_for_confirmation(NONCE, wait(4000, 1000)).await.expect("outcome");
        assert_eq!(outcome.kind, OutcomeKind::TimedOut);
        let polls: Vec<Duration> =
            s.seen().iter().filter(|r| r.path.contains("confirmation")).map(|r| r.at - started).collect();
        assert!(polls[0] >= Duration::from_millis(1000) && polls[0] <= Duration::from_millis(1100), "{polls:?}");
        for w in polls.windows(2) {
            assert_eq!(w[1] - w[0], Duration::from_millis(1000), "{polls:?}");
        }
        assert_eq!(outcome.polls as usize, polls.len());
    }

    #[tokio::test(start_paused = true)]
    async fn first_polls_of_waits_started_together_are_spread() {
        let s = Scripted::new().on("token", vec![token("t1")]).on("confirmation", vec![ok(CONFIRMED)]);
        let c = client(&s, |b| b).expect("client");
        let started = Instant::now();
        let nonces: Vec<String> = (0..50).map(|i| format!("{NONCE}{i:02}")).collect();
        let waits = nonces.iter().map(|n| c.wait_for_confirmation(n, wait(5000, 1000)));
        for r in futures_util::future::join_all(waits).await {
            assert_eq!(r.expect("outcome").kind, OutcomeKind::Confirmed);
        }
        let mut at: Vec<Duration> =
            s.seen().iter().filter(|r| r.path.contains("confirmation")).map(|r| r.at - started).collect();
        at.sort();
        at.dedup();
        assert!(at.len() >= 25, "{} distinct first-poll times of 50", at.len());
    }

    #[tokio::test(start_paused = true)]
    async fn retry_after_holds_back_the_next_poll() {
        let limited = Step::Answer {
            status: 429,
            headers: vec![("retry-after", "3".into())],
            body: String::new(),
            delay: Duration::ZERO,
        };
        let s = Scripted::new().on("token", vec![token("t1")]).on("confirmation", vec![limited, ok(CONFIRMED)]);
        let c = client(&s, |b| b).expect("client");
        let outcome = c.wait_for_confirmation(NONCE, wait(10_000, 500)).await.expect("outcome");
        assert_eq!(outcome.kind, OutcomeKind::Confirmed);
        let at: Vec<Instant> = s.seen().iter().filter(|r| r.path.contains("confirmation")).map(|r| r.at).collect();
        assert!(at[1] - at[0] >= Duration::from_secs(3), "{:?}", at[1] - at[0]);
    }

    #[tokio::test(start_paused = true)]
    async fn one_refresh_on_401_then_the_error() {
        let s = Scripted::new()
            .on("token", vec![token("t1"), token("t2"), token("t3")])
            .on("devices", vec![status(401, ""), ok("[]"), status(401, "")]);
        let c = client(&s, |b| b).expect("client");
        assert!(c.list_devices("u").await.expect("devices").is_empty());
        assert_eq!(s.count("token"), 2);
        let err = c.list_devices("u").await.expect_err("401 twice");
        assert!(matches!(err, Error::Authentication { status: Some(401), .. }), "{err:?}");
        assert_eq!(s.count("token"), 3);
        assert_eq!(s.count("devices"), 4);
    }

    #[tokio::test(start_paused = true)]
    async fn a_push_is_not_resent_after_a_5xx_but_is_after_a_token_failure_or_refused_connection() {
        let s = Scripted::new().on("token", vec![token("t1")]).on("push", vec![status(503, "")]);
        let c = client(&s, |b| b).expect("client");
        let err = c.send_push("u", Some("d"), "Confirm", None).await.expect_err("503");
        assert_eq!(err.status(), Some(503));
        assert_eq!(s.count("push"), 1);

        let s = Scripted::new().on("token", vec![status(503, ""), token("t1")]).on("push", vec![Step::Refuse, ok("")]);
        let c = client(&s, |b| b).expect("client");
        c.send_push("u", Some("d"), "Confirm", None).await.expect("sent after a token retry and a reconnect");
        assert_eq!((s.count("token"), s.count("push")), (2, 2));
    }

    #[tokio::test(start_paused = true)]
    async fn echoed_secrets_never_reach_errors() {
        let secret = "top secret+/=";
        let basic = crate::secret::basic_value("app-id", secret);
        let encoded = url::form_urlencoded::byte_serialize(secret.as_bytes()).collect::<String>();
        let echo = format!(
            r#"{{"error":"invalid_client {secret}","error_description":"got {basic} and client_secret={encoded} and {}"}}"#,
            crate::secret::credential_encode(secret)
        );
        let answer = Step::Answer {
            status: 401,
            headers: vec![("x-request-id", basic.clone())],
            body: echo,
            delay: Duration::ZERO,
        };
        let s = Scripted::new().on("token", vec![answer]);
        let c = client(&s, |b| b).expect("client");
        let err = c.list_devices("u").await.expect_err("refused");
        let text = format!("{err} {err:?} {:?} {:?}", err.request_id(), err.code());
        for leak in [secret, basic.as_str(), basic.trim_start_matches("Basic "), encoded.as_str()] {
            assert!(!text.contains(leak), "{leak} in {text}");
        }
        assert!(text.contains("***"), "{text}");

        // A token echoed back by the API (in a 500 body, a header and a confirmation state).
        let body = r#"{"error_code":"E","error_message":"bearer tok-abcdef123456 was fine"}"#;
        let answer = Step::Answer {
            status: 500,
            headers: vec![("x-request-id", "Bearer tok-abcdef123456".into())],
            body: body.into(),
            delay: Duration::ZERO,
        };
        let s = Scripted::new()
            .on("token", vec![token("tok-abcdef123456")])
            .on("devices", vec![answer])
            .on("confirmation", vec![ok(r#"{"status":"tok-abcdef123456"}"#)]);
        let c = client(&s, |b| b).expect("client");
        let err = c.list_devices("u").await.expect_err("500");
        let text = format!("{err} {err:?}");
        assert!(!text.contains("tok-abcdef123456"), "{text}");
        let st = c.confirmation_status(NONCE).await.expect("status");
        assert!(!st.raw.contains("tok-abcdef123456"), "{st:?}");
    }

    #[tokio::test(start_paused = true)]
    async fn basic_credentials_encode_a_space_as_percent_20() {
        use base64::Engine;
        let s = Scripted::new().on("token", vec![token("t1")]).on("devices", vec![ok("[]")]);
        let c = client(&s, |b| b).expect("client");
        c.list_devices("u").await.expect("devices");
        let req = s.seen().into_iter().find(|r| r.path.contains("token")).expect("token request");
        let value = req.headers.get("authorization").and_then(|v| v.to_str().ok()).expect("basic").to_string();
        let decoded =
            base64::engine::general_purpose::STANDARD.decode(value.trim_start_matches("Basic ")).expect("b64");
        assert_eq!(String::from_utf8_lossy(&decoded), "app-id:top%20secret%2B%2F%3D");
        assert!(req.body.is_some_and(|b| !String::from_utf8_lossy(&b).contains("secret")));
    }

    #[tokio::test(start_paused = true)]
    async fn scopes_not_granted_are_refused_before_sending() {
        let granted = ok(r#"{"access_token":"t1","expires_in":"3600","scope":["credential:omi:devices:get"]}"#);
        let s = Scripted::new().on("token", vec![granted]).on("devices", vec![ok("[]")]);
        let c = client(&s, |b| b).expect("client");
        c.list_devices("u").await.expect("devices is granted");
        let err = c.send_push("u", None, "Confirm", None).await.expect_err("push is not");
        assert_eq!(err.missing_scope(), Some(crate::wire::SCOPE_PUSH_ALL));
        assert_eq!(s.count("push"), 0);
        let err = c.wait_for_confirmation(NONCE, wait(5000, 100)).await.expect_err("status is not");
        assert_eq!(err.missing_scope(), Some(crate::wire::SCOPE_STATUS_GET));
        assert_eq!(s.count("confirmation"), 0);
    }

    #[tokio::test(start_paused = true)]
    async fn invalid_scope_is_permission_denied_naming_the_scopes() {
        let s = Scripted::new().on("token", vec![status(400, r#"{"error":"invalid_scope"}"#)]);
        let c = client(&s, |b| b.scopes(["credential:omi:devices:get"])).expect("client");
        let err = c.list_devices("u").await.expect_err("refused");
        assert_eq!(err.kind(), crate::ErrorKind::PermissionDenied);
        assert_eq!(err.missing_scope(), Some("credential:omi:devices:get"));
        assert_eq!(s.count("token"), 1);
    }

    #[tokio::test(start_paused = true)]
    async fn bodies_over_the_cap_are_a_protocol_error() {
        let big = format!("[{}]", vec![r#"{"id":"d"}"#; 40_000].join(","));
        let s = Scripted::new().on("token", vec![token("t1")]).on("devices", vec![ok(&big)]);
        let c = client(&s, |b| b).expect("client");
        let err = c.list_devices("u").await.expect_err("too big");
        assert!(matches!(&err, Error::Protocol { message, .. } if message.contains("262144")), "{err:?}");
        let c = client(&s, |b| b.max_response_bytes(1 << 20)).expect("client");
        assert_eq!(c.list_devices("u").await.expect("fits").len(), 40_000);
    }

    #[tokio::test(start_paused = true)]
    async fn events_count_requests_retries_rate_limits_pushes_and_waits() {
        let seen: Arc<Mutex<Vec<crate::Event>>> = Arc::default();
        let sink = seen.clone();
        let limited = Step::Answer {
            status: 429,
            headers: vec![("retry-after", "1".into())],
            body: String::new(),
            delay: Duration::ZERO,
        };
        let s = Scripted::new()
            .on("token", vec![token("tok-events-1")])
            .on("devices", vec![status(503, ""), ok("[]")])
            .on("push/user", vec![ok("")])
            .on("confirmation", vec![limited, ok(PENDING), ok(CONFIRMED)]);
        let c = client(&s, |b| b.on_event(move |e| sink.lock().unwrap_or_else(|p| p.into_inner()).push(e.clone())))
            .expect("client");
        c.list_devices("u").await.expect("devices after a retry");
        let ticket = c.send_push("u", None, "Confirm", None).await.expect("push");
        let outcome = c.wait_for_confirmation(&ticket.nonce, wait(20_000, 500)).await.expect("outcome");
        assert_eq!(outcome.kind, OutcomeKind::Confirmed);
        let events = seen.lock().unwrap_or_else(|p| p.into_inner()).clone();
        let names: Vec<&str> = events.iter().map(|e| e.name()).collect();
        let count = |n: &str| names.iter().filter(|x| **x == n).count();
        assert_eq!(
            (count("token"), count("retry"), count("rate_limited"), count("push"), count("wait")),
            (1, 1, 1, 1, 1),
            "{names:?}"
        );
        assert_eq!(count("request"), 2 + 1 + 3, "{names:?}");
        let last = events.last().map(crate::Event::to_json).unwrap_or_default();
        assert_eq!(
            (last["event"].as_str(), last["outcome"].as_str(), last["polls"].as_u64()),
            (Some("wait"), Some("confirmed"), Some(3))
        );
        let all =
            serde_json::to_string(&events.iter().map(crate::Event::to_json).collect::<Vec<_>>()).unwrap_or_default();
        assert!(!all.contains("tok-events-1") && !all.contains(&ticket.nonce) && !all.contains("secret"), "{all}");
    }

    #[tokio::test(start_paused = true)]
    async fn a_request_budget_spreads_the_polls_of_many_waits_and_every_wait_still_ends_right() {
        let s = Scripted::new().on("token", vec![token("t1")]).on("confirmation", vec![ok(PENDING)]);
        let c = client(&s, |b| b.request_budget(50)).expect("client");
        let started = Instant::now();
        let nonces: Vec<String> = (0..40).map(|i| format!("{NONCE}{i:02}")).collect();
        // 40 waits polling every 100 ms would send 400 requests a second; the budget is 50.
        let waits = nonces.iter().map(|n| c.wait_for_confirmation(n, wait(5000, 100)));
        for r in futures_util::future::join_all(waits).await {
            assert_eq!(r.expect("outcome").kind, OutcomeKind::TimedOut);
        }
        assert!(started.elapsed() <= Duration::from_millis(5050));
        let at: Vec<Duration> = s.seen().iter().map(|r| r.at - started).collect();
        for (i, t) in at.iter().enumerate() {
            let in_window = at[i..].iter().take_while(|u| **u < *t + Duration::from_secs(1)).count();
            assert!(in_window <= 50, "{in_window} requests in the second from {t:?}");
        }
        assert!(at.len() >= 200, "the budget is used, not wasted: {} requests in 5 s", at.len());
        // Fair: every wait got polled a similar number of times.
        let per_wait: Vec<usize> = nonces
            .iter()
            .map(|n| s.seen().iter().filter(|r| r.path.contains("confirmation") && r.query_has(n)).count())
            .collect();
        let (min, max) = (per_wait.iter().min().copied().unwrap_or(0), per_wait.iter().max().copied().unwrap_or(0));
        assert!(max - min <= 2, "{per_wait:?}");
        assert!(client(&s, |b| b.request_budget(0)).is_err());
    }

    #[tokio::test(start_paused = true)]
    async fn close_cancels_a_wait_in_flight() {
        let s = Scripted::new().on("token", vec![token("t1")]).on("confirmation", vec![ok(PENDING)]);
        let c = client(&s, |b| b).expect("client");
        let other = c.clone();
        let wait = tokio::spawn(async move { other.wait_for_confirmation(NONCE, wait(60_000, 1000)).await });
        tokio::time::sleep(Duration::from_millis(2500)).await;
        c.close();
        let r = wait.await.expect("joined");
        assert!(matches!(r, Err(Error::Cancelled)), "{r:?}");
        assert!(matches!(c.list_devices("u").await, Err(Error::Config(_))));
    }
}
