//! End-to-end tests of the `omi-push` binary against a simulator started in the test (real
//! HTTP). Configuration goes to the binary through the environment, as a user would give it.

use std::borrow::BorrowMut;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use omi_push_sim::{Action, AutoRespond, SeedDevice, SeedUser, SimConfig, Simulator};
use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_omi-push");
const SECRET: &str = "cli-test-secret-7Hq2ZpX9";

fn start(config: SimConfig) -> Simulator {
    let rt = omi_push::runtime::shared().expect("runtime");
    rt.block_on(Simulator::start(config)).expect("simulator starts")
}

fn sim() -> Simulator {
    start(SimConfig { client_secret: Some(SECRET.into()), ..SimConfig::testing() })
}

fn auto(sim: &Simulator, action: Action, delay_ms: u64) {
    sim.set_auto_respond(Some(AutoRespond { action, delay_ms }));
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    fn json(&self) -> Value {
        serde_json::from_str(self.stdout.trim())
            .unwrap_or_else(|e| panic!("stdout is not one JSON object ({e}): {}", self.stdout))
    }
    fn assert_code(&self, code: i32) {
        assert_eq!(self.code, code, "exit code; stdout:\n{}\nstderr:\n{}", self.stdout, self.stderr);
    }
}

/// The binary with a clean environment and the simulator's connection settings.
fn cmd(sim: &Simulator) -> Command {
    let mut c = Command::new(BIN);
    c.env_clear()
        .env("OMI_BASE_URL", sim.base_url())
        .env("OMI_CLIENT_ID", sim.client_id())
        .env("OMI_CLIENT_SECRET", sim.client_secret());
    c
}

/// The binary with a clean environment.
fn bare() -> Command {
    let mut c = Command::new(BIN);
    c.env_clear();
    c
}

fn run(mut c: impl BorrowMut<Command>, args: &[&str]) -> Run {
    let out = c.borrow_mut().args(args).output().expect("the binary runs");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn temp_file(name: &str, content: &str) -> PathBuf {
    let path = std::env::temp_dir().join(format!("omi-push-cli-test-{}-{name}", std::process::id()));
    std::fs::write(&path, content).expect("write temp file");
    path
}

fn interrupt(child: &Child) {
    let status = Command::new("kill").args(["-INT", &child.id().to_string()]).status().expect("kill runs");
    assert!(status.success());
}

fn wait_exit(child: &mut Child, limit: Duration) -> i32 {
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("try_wait") {
            return status.code().unwrap_or(-1);
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            panic!("the process did not exit within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// A bare HTTP/1.1 POST (the test has no HTTP client): the status line and the body.
fn post(base_url: &str, path: &str, form: &str) -> (String, String) {
    let host = base_url.trim_start_matches("http://");
    let mut stream = TcpStream::connect(host).expect("connect");
    write!(
        stream,
        "POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/x-www-form-urlencoded\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{form}",
        form.len()
    )
    .expect("send");
    let mut reply = String::new();
    stream.read_to_string(&mut reply).expect("read");
    let status = reply.lines().next().unwrap_or_default().to_string();
    let body = reply.split_once("\r\n\r\n").map(|(_, b)| b.to_string()).unwrap_or_default();
    (status, body)
}

#[test]
fn demo_confirms_after_the_phone_approves() {
    let start = Instant::now();
    let r = run(bare(), &["demo"]);
    r.assert_code(0);
    assert!(r.stdout.contains("confirmed"), "{}", r.stdout);
    assert!(r.stdout.contains("alice-phone") && r.stdout.contains("alice-tablet"), "{}", r.stdout);
    // The simulated phone answers after about 2 s.
    assert!(start.elapsed() >= Duration::from_millis(1500), "{:?}", start.elapsed());
}

#[test]
fn demo_json_is_one_object() {
    let r = run(bare(), &["demo", "--json"]);
    r.assert_code(0);
    let v = r.json();
    assert_eq!(v["outcome"], "confirmed");
    assert_eq!(v["devices"].as_array().map(Vec::len), Some(2));
    assert!(v["push"]["ticket"].as_str().is_some_and(|t| t.starts_with("omi1.")));
}

#[test]
fn interactive_demo_waits_for_the_phone() {
    let mut child = Command::new(BIN)
        .args(["demo", "--interactive", "--timeout", "20"])
        .env_clear()
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let mut nonce = None;
    let mut phone = None;
    for line in lines.by_ref() {
        let line = line.expect("line");
        if let Some(rest) = line.split("(nonce ").nth(1) {
            nonce = Some(rest.trim_end_matches(')').to_string());
        }
        if let Some(url) = line.split("approve or deny: ").nth(1) {
            phone = Some(url.to_string());
            break;
        }
    }
    let (nonce, phone) = (nonce.expect("nonce printed"), phone.expect("phone URL printed"));
    assert!(phone.contains("/_sim/phone/alice-phone"), "{phone}");
    // Nobody has clicked yet: the demo is still waiting.
    std::thread::sleep(Duration::from_millis(700));
    assert!(child.try_wait().expect("try_wait").is_none(), "the demo must wait for a person");
    let base = phone.split("/_sim/").next().expect("base");
    let (status, _) = post(base, &format!("/_sim/pushes/{nonce}/approve"), "");
    assert!(status.contains("200") || status.contains("204"), "{status}");
    assert_eq!(wait_exit(&mut child, Duration::from_secs(15)), 0);
    let rest: Vec<String> = lines.map_while(Result::ok).collect();
    assert!(rest.iter().any(|l| l.contains("confirmed")), "{rest:?}");
}

#[test]
fn devices_json_lists_the_seeded_devices() {
    let sim = sim();
    sim.add_device("user-1", SeedDevice::new("dev-2").with_name("iPad").with_platform("ios")).expect("add");
    let r = run(cmd(&sim), &["devices", "user-1", "--json"]);
    r.assert_code(0);
    let v = r.json();
    assert_eq!(v["user_id"], "user-1");
    let ids: Vec<&str> = v["devices"].as_array().expect("array").iter().filter_map(|d| d["id"].as_str()).collect();
    assert_eq!(ids, ["dev-1", "dev-2"]);
    assert_eq!(v["devices"][0]["name"], "Pixel 9");
    assert_eq!(sim.count("devices", "GET"), 1);

    let text = run(cmd(&sim), &["devices", "user-1"]);
    text.assert_code(0);
    assert!(text.stdout.contains("dev-2") && text.stdout.contains("iPad"), "{}", text.stdout);
}

#[test]
fn push_wait_confirmed_exits_0() {
    let sim = sim();
    auto(&sim, Action::Approve, 300);
    let r = run(
        cmd(&sim),
        &[
            "push",
            "user-1",
            "-m",
            "Confirm",
            "--device",
            "dev-1",
            "--wait",
            "--poll-interval",
            "0.2",
            "--timeout",
            "10",
        ],
    );
    r.assert_code(0);
    assert!(r.stdout.contains("ticket: omi1."), "{}", r.stdout);
    assert!(r.stdout.contains("confirmed after"), "{}", r.stdout);
    assert_eq!(sim.count("push_device", "POST"), 1);
}

#[test]
fn push_wait_rejected_exits_2() {
    let sim = sim();
    auto(&sim, Action::Reject, 300);
    let r = run(
        cmd(&sim),
        &["push", "user-1", "-m", "Confirm", "--wait", "--poll-interval", "0.2", "--timeout", "10", "--json"],
    );
    r.assert_code(2);
    let v = r.json();
    assert_eq!(v["outcome"], "rejected");
    assert_eq!(v["last_status"], "REJECTED");
    assert!(v["ticket"].as_str().is_some_and(|t| t.starts_with("omi1.")));
}

#[test]
fn push_wait_expired_exits_3() {
    let sim = start(SimConfig { push_ttl_ms: 400, ..SimConfig::testing() });
    let r = run(cmd(&sim), &["push", "user-1", "-m", "Confirm", "--wait", "--poll-interval", "0.2", "--timeout", "10"]);
    r.assert_code(3);
    assert!(r.stdout.contains("expired after"), "{}", r.stdout);
}

#[test]
fn push_wait_timeout_exits_4() {
    let sim = sim();
    let start = Instant::now();
    let r = run(
        cmd(&sim),
        &["push", "user-1", "-m", "Confirm", "--wait", "--poll-interval", "0.2", "--timeout", "1", "--json"],
    );
    r.assert_code(4);
    assert_eq!(r.json()["outcome"], "timed_out");
    assert!(start.elapsed() >= Duration::from_millis(900));
    assert!(sim.count("confirmation", "GET") >= 2);
}

#[test]
fn unknown_user_is_one_line_error_exit_1() {
    let sim = sim();
    let r = run(cmd(&sim), &["devices", "nobody"]);
    r.assert_code(1);
    assert!(r.stdout.is_empty(), "{}", r.stdout);
    let err = r.stderr.trim_end();
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.starts_with("error: not found"), "{err}");
    assert!(err.contains("kind: not_found"), "{err}");

    let j = run(cmd(&sim), &["devices", "nobody", "--json"]);
    j.assert_code(1);
    assert_eq!(j.json()["error"]["kind"], "not_found");
    assert_eq!(j.json()["error"]["status"], 404);
}

#[test]
fn wrong_secret_is_an_authentication_error() {
    let sim = sim();
    let wrong = "wrong-secret-Mv83LxQa";
    let r = run(cmd(&sim).env("OMI_CLIENT_SECRET", wrong), &["-vv", "devices", "user-1"]);
    r.assert_code(1);
    assert!(r.stderr.contains("kind: authentication"), "{}", r.stderr);
    assert!(!r.stderr.contains(wrong) && !r.stdout.contains(wrong), "{}", r.stderr);
}

#[test]
fn the_secret_never_appears_even_with_trace_logging() {
    let sim = sim();
    auto(&sim, Action::Approve, 200);
    let mut runs = vec![
        run(cmd(&sim), &["-vvv", "devices", "user-1"]),
        run(cmd(&sim), &["-vvv", "push", "user-1", "-m", "hi", "--wait", "--poll-interval", "0.2", "--timeout", "10"]),
        run(cmd(&sim), &["--log", "debug", "devices", "nobody", "--json"]),
        run(cmd(&sim).env("OMI_LOG", "trace"), &["devices", "user-1"]),
    ];
    runs[1].assert_code(0);
    runs[2].assert_code(1);
    // The log level really was raised, so the check below means something.
    assert!(runs[0].stderr.contains("DEBUG") || runs[0].stderr.contains("TRACE"), "{}", runs[0].stderr);
    assert!(runs[3].stderr.contains("TRACE") || runs[3].stderr.contains("DEBUG"), "{}", runs[3].stderr);
    for r in runs.drain(..) {
        for text in [&r.stdout, &r.stderr] {
            assert!(!text.contains(SECRET), "the secret leaked:\n{text}");
            assert!(!text.contains("Bearer "), "a token may have leaked:\n{text}");
            assert!(!text.contains("access_token"), "a token response may have leaked:\n{text}");
        }
    }
}

#[test]
fn an_echoing_gateway_does_not_make_the_cli_print_the_secret() {
    use base64::Engine;
    let sim = sim();
    let basic = base64::engine::general_purpose::STANDARD.encode(format!("{}:{SECRET}", sim.client_id()));
    for (auth, echo, status) in
        [("post", "json", 401), ("basic", "text", 400), ("post", "text", 500), ("basic", "json", 401)]
    {
        sim.clear_faults();
        let fault: omi_push_sim::Fault =
            serde_json::from_value(serde_json::json!({"route": "token", "echo": echo, "status": status}))
                .expect("fault");
        sim.add_fault(fault).expect("fault");
        for args in [&["-vv", "devices", "user-1"][..], &["--log", "trace", "devices", "user-1", "--json"][..]] {
            let r = run(cmd(&sim).env("OMI_CLIENT_AUTH", auth), args);
            assert_ne!(r.code, 0, "{}", r.stdout);
            let all = format!("{}\n{}", r.stdout, r.stderr);
            assert!(all.contains("echo"), "the echoed error should be shown (redacted): {all}");
            assert!(!all.contains(SECRET) && !all.contains(&basic), "{auth}/{echo}: the secret leaked:\n{all}");
            if auth == "basic" {
                // The Basic value comes first in the echo: it was there, and was redacted.
                assert!(all.contains("***"), "{all}");
            }
        }
    }
}

#[test]
fn there_is_no_client_secret_flag() {
    let sim = sim();
    let r = run(cmd(&sim), &["devices", "user-1", "--client-secret", SECRET]);
    r.assert_code(64);
    assert!(r.stderr.contains("--client-secret"), "{}", r.stderr);
    assert!(r.stdout.is_empty());
    // clap's usage errors all map to 64, not its own 2 (which here means "rejected").
    run(cmd(&sim), &["push", "user-1", "-m", "x", "--timeout", "3"]).assert_code(64);
    run(cmd(&sim), &["frobnicate"]).assert_code(64);
    run(cmd(&sim), &["--help"]).assert_code(0);
}

#[test]
fn wait_and_status_accept_the_ticket_from_push_json() {
    let sim = sim();
    let pushed = run(cmd(&sim), &["push", "user-1", "-m", "Confirm", "--device", "dev-1", "--json"]);
    pushed.assert_code(0);
    let v = pushed.json();
    let ticket = v["ticket"].as_str().expect("ticket").to_string();
    let nonce = v["nonce"].as_str().expect("nonce").to_string();
    assert_eq!(v["device_id"], "dev-1");

    let status = run(cmd(&sim), &["status", &ticket, "--json"]);
    status.assert_code(0);
    assert_eq!(status.json()["state"], "pending");

    sim.approve(&nonce).expect("approve");
    let waited = run(cmd(&sim), &["wait", &ticket, "--timeout", "10", "--poll-interval", "0.2", "--json"]);
    waited.assert_code(0);
    assert_eq!(waited.json()["outcome"], "confirmed");
    assert_eq!(waited.json()["nonce"], nonce.as_str());

    let by_nonce = run(cmd(&sim), &["status", &nonce]);
    by_nonce.assert_code(0);
    assert_eq!(by_nonce.stdout.trim(), "confirmed");

    let bad = run(cmd(&sim), &["wait", "omi1.garbage!"]);
    bad.assert_code(1);
    assert!(bad.stderr.contains("kind: invalid_argument"), "{}", bad.stderr);
}

#[test]
fn secret_and_token_files() {
    let sim = sim();
    let secret_file = temp_file("secret", &format!("{SECRET}\n"));
    let mut c = cmd(&sim);
    c.env_remove("OMI_CLIENT_SECRET");
    let r = run(c, &["devices", "user-1", "--client-secret-file", secret_file.to_str().expect("utf-8 path")]);
    r.assert_code(0);

    let mut c = cmd(&sim);
    c.env_remove("OMI_CLIENT_SECRET");
    let missing = run(c, &["devices", "user-1"]);
    missing.assert_code(1);
    assert!(missing.stderr.contains("kind: config") && missing.stderr.contains("client_secret"), "{}", missing.stderr);

    let unreadable = run(cmd(&sim), &["devices", "user-1", "--client-secret-file", "/nonexistent/omi-secret"]);
    unreadable.assert_code(1);
    assert!(unreadable.stderr.contains("/nonexistent/omi-secret"), "{}", unreadable.stderr);
    let _ = std::fs::remove_file(secret_file);
}

#[test]
fn static_access_token_from_a_file_or_the_environment() {
    let sim = sim();
    let form = format!("grant_type=client_credentials&client_id={}&client_secret={SECRET}", sim.client_id());
    let (status, body) = post(&sim.base_url(), "/auth/oauth2.0/v1/token", &form);
    assert!(status.contains("200"), "{status} {body}");
    let token: Value = serde_json::from_str(&body).expect("token JSON");
    let token = token["access_token"].as_str().expect("access_token").to_string();
    let token_file = temp_file("token", &token);

    let mut c = bare();
    c.env("OMI_BASE_URL", sim.base_url());
    let r = run(c, &["-vv", "devices", "user-1", "--access-token-file", token_file.to_str().expect("path")]);
    r.assert_code(0);
    assert!(!r.stderr.contains(&token) && !r.stdout.contains(&token));
    assert_eq!(sim.count("token", "POST"), 1, "a static token is used as is");

    let mut c = bare();
    c.env("OMI_BASE_URL", sim.base_url()).env("OMI_ACCESS_TOKEN", &token);
    run(c, &["devices", "user-1"]).assert_code(0);

    sim.revoke_tokens();
    let mut c = bare();
    c.env("OMI_BASE_URL", sim.base_url()).env("OMI_ACCESS_TOKEN", &token);
    let refused = run(c, &["devices", "user-1"]);
    refused.assert_code(1);
    assert!(refused.stderr.contains("kind: authentication"), "{}", refused.stderr);
    assert!(!refused.stderr.contains(&token));

    // Both kinds of credentials at once: the core refuses the configuration.
    let both = run(cmd(&sim).env("OMI_ACCESS_TOKEN", &token), &["devices", "user-1"]);
    both.assert_code(1);
    assert!(both.stderr.contains("kind: config"), "{}", both.stderr);
    let _ = std::fs::remove_file(token_file);
}

#[test]
fn transport_security_flags() {
    let sim = sim();
    let remote = run(cmd(&sim).env("OMI_BASE_URL", "http://192.0.2.1:9"), &["devices", "user-1"]);
    remote.assert_code(1);
    assert!(remote.stderr.contains("kind: config") && remote.stderr.contains("http://"), "{}", remote.stderr);
    // The environment form takes the usual boolean spellings.
    run(cmd(&sim).env("OMI_ALLOW_INSECURE_HTTP", "1"), &["devices", "user-1"]).assert_code(0);
    run(cmd(&sim), &["devices", "user-1", "--allow-insecure-http", "--client-auth", "post"]).assert_code(0);
    let ca = run(cmd(&sim), &["devices", "user-1", "--ca-cert", "/nonexistent/ca.pem"]);
    ca.assert_code(1);
    assert!(ca.stderr.contains("/nonexistent/ca.pem"), "{}", ca.stderr);
    run(cmd(&sim), &["devices", "user-1", "--client-auth", "digest"]).assert_code(64);
}

#[test]
fn ctrl_c_ends_a_wait_with_130() {
    let sim = sim();
    let pushed = run(cmd(&sim), &["push", "user-1", "-m", "Confirm", "--json"]);
    pushed.assert_code(0);
    let nonce = pushed.json()["nonce"].as_str().expect("nonce").to_string();
    let mut child = cmd(&sim)
        .args(["wait", &nonce, "--timeout", "60"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    std::thread::sleep(Duration::from_millis(800));
    interrupt(&child);
    assert_eq!(wait_exit(&mut child, Duration::from_secs(10)), 130);
    let mut err = String::new();
    child.stderr.take().expect("stderr").read_to_string(&mut err).expect("read");
    assert!(err.contains("interrupted"), "{err}");
}

/// `omi-push sim` in the foreground: the first stdout line (with --json) tells where it is.
fn spawn_sim(args: &[&str]) -> (Child, Value, std::thread::JoinHandle<String>) {
    let mut child = Command::new(BIN)
        .args(["sim", "--port", "0", "--json"])
        .args(args)
        .env_clear()
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    // Drained all along, so trace logging cannot fill the pipe and stall the server.
    let mut stderr = child.stderr.take().expect("stderr");
    let log = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text);
        text
    });
    let mut line = String::new();
    BufReader::new(child.stdout.as_mut().expect("stdout")).read_line(&mut line).expect("read");
    let info: Value = serde_json::from_str(&line).unwrap_or_else(|e| panic!("{e}: {line}"));
    (child, info, log)
}

fn client_for(info: &Value, secret: &str) -> Command {
    let mut c = Command::new(BIN);
    c.env_clear()
        .env("OMI_BASE_URL", info["base_url"].as_str().expect("base_url"))
        .env("OMI_CLIENT_ID", info["client_id"].as_str().expect("client_id"))
        .env("OMI_CLIENT_SECRET", secret);
    c
}

#[test]
fn sim_serves_until_ctrl_c_with_a_secret_from_a_file() {
    let secret_file = temp_file("sim-secret", "file-secret-4Kd9\n");
    let seed = temp_file(
        "seed.json",
        &serde_json::json!({ "users": [SeedUser::new("bob", vec![SeedDevice::new("bob-phone")])] }).to_string(),
    );
    let (mut child, info, log) = spawn_sim(&[
        "-vvv",
        "--client-secret-file",
        secret_file.to_str().expect("path"),
        "--seed",
        seed.to_str().expect("path"),
        "--auto-reject-ms",
        "100",
        "--fault",
        r#"{"route": "devices", "status": 503, "times": 1}"#,
    ]);
    assert_eq!(info["client_secret"], Value::Null, "a known secret is never printed");
    assert_eq!(info["mode"], "demo");
    assert!(info["phone_url"].as_str().is_some_and(|u| u.ends_with("/_sim/phone")));

    // The fault's one 503 is retried by the core; the seeded user is there.
    let devices = run(client_for(&info, "file-secret-4Kd9"), &["devices", "bob", "--json"]);
    devices.assert_code(0);
    assert_eq!(devices.json()["devices"][0]["id"], "bob-phone");
    let pushed =
        run(client_for(&info, "file-secret-4Kd9"), &["push", "bob", "-m", "x", "--wait", "--poll-interval", "0.2"]);
    pushed.assert_code(2);

    interrupt(&child);
    assert_eq!(wait_exit(&mut child, Duration::from_secs(10)), 0);
    let mut rest = String::new();
    child.stdout.take().expect("stdout").read_to_string(&mut rest).expect("read");
    assert!(!rest.contains("file-secret-4Kd9"));
    let log = log.join().expect("stderr reader");
    assert!(log.contains("DEBUG") && log.contains("push created"), "{log}");
    assert!(!log.contains("file-secret-4Kd9"), "the simulator logged its secret");
    let _ = std::fs::remove_file(secret_file);
    let _ = std::fs::remove_file(seed);
}

#[test]
fn sim_prints_a_random_secret_once() {
    let (mut child, info, _log) = spawn_sim(&["--mode", "api"]);
    let secret = info["client_secret"].as_str().expect("random secret printed").to_string();
    assert_eq!(info["phone_url"], Value::Null);
    run(client_for(&info, &secret), &["devices", "user-1"]).assert_code(0);
    let bad = run(client_for(&info, "not-it"), &["devices", "user-1"]);
    bad.assert_code(1);
    interrupt(&child);
    assert_eq!(wait_exit(&mut child, Duration::from_secs(10)), 0);
}

#[test]
fn bad_sim_configuration_is_reported() {
    let r = run(bare(), &["sim", "--port", "0", "--fault", r#"{"route": "nowhere"}"#]);
    r.assert_code(1);
    assert!(r.stderr.contains("kind: simulator") && r.stderr.contains("nowhere"), "{}", r.stderr);
    let r = run(bare(), &["sim", "--port", "0", "--fault", "not json"]);
    r.assert_code(1);
    assert!(r.stderr.contains("--fault number 1"), "{}", r.stderr);
}
