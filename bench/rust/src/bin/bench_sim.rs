//! The benchmark's simulator process: `omi_push_sim::Simulator` plus the "phone" that decides
//! each push at a random moment after it was sent.
//!
//! `bench-sim CONFIG.json` where the config is
//! `{"sim": <SimConfig JSON>, "expect": N, "decide_min_ms": 1000, "decide_max_ms": 5000,
//!   "reject_fraction": 0.1, "seed": 1}`.
//! `"sim": {"tls": true, ...}` serves HTTPS (HTTP/2 and HTTP/1.1 by ALPN) with a certificate
//! generated at start. Prints one JSON line `{"base_url", "client_id", "client_secret",
//! "ca_cert_pem"}` (`ca_cert_pem` null without TLS), then serves. Each line `report` on stdin
//! prints one JSON line with every decision (nonce, action, wall-clock unix ms when the push
//! changed state), the request counts of the simulator's log, the connections it accepted
//! (and how many spoke HTTP/2) and the request rate: requests in each whole second since the
//! first request, and the most requests in any one-second window (sliding). EOF on stdin
//! stops it.
//!
//! Decisions are made in this process, through the simulator's handle (no HTTP), so the
//! harness and the measured client pay nothing for them, and the decision time is exact.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap, HashSet};
use std::io::{BufRead, Write};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use omi_push_sim::{SimConfig, Simulator};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::Deserialize;
use serde_json::json;

#[derive(Deserialize)]
struct BenchSimConfig {
    sim: serde_json::Value,
    #[serde(default)]
    expect: usize,
    #[serde(default = "d_min")]
    decide_min_ms: u64,
    #[serde(default = "d_max")]
    decide_max_ms: u64,
    #[serde(default)]
    reject_fraction: f64,
    #[serde(default)]
    seed: u64,
}
fn d_min() -> u64 {
    1000
}
fn d_max() -> u64 {
    5000
}

#[derive(Default)]
struct Decisions {
    done: Vec<(String, &'static str, f64)>,
    failed: usize,
}

fn unix_ms() -> f64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs_f64() * 1000.0).unwrap_or(0.0)
}

fn main() {
    if let Err(e) = real_main() {
        eprintln!("bench-sim: {e}");
        std::process::exit(2);
    }
}

fn real_main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args().nth(1).ok_or("usage: bench-sim CONFIG.json")?;
    let cfg: BenchSimConfig = serde_json::from_str(&std::fs::read_to_string(path)?)?;
    let sim_config = SimConfig::from_json(&cfg.sim.to_string())?;
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?;
    let started = Instant::now();
    let sim = Arc::new(rt.block_on(Simulator::start(sim_config))?);
    {
        let mut out = std::io::stdout().lock();
        let line = json!({
            "base_url": sim.base_url(),
            "client_id": sim.client_id(),
            "client_secret": sim.client_secret(),
            "ca_cert_pem": sim.ca_cert_pem(),
        });
        writeln!(out, "{line}")?;
        out.flush()?;
    }

    let decisions = Arc::new(Mutex::new(Decisions::default()));
    if cfg.expect > 0 {
        let sim = sim.clone();
        let decisions = decisions.clone();
        std::thread::spawn(move || phone(&sim, &cfg, started, &decisions));
    }

    for line in std::io::stdin().lock().lines() {
        if line?.trim() != "report" {
            continue;
        }
        let mut counts: BTreeMap<String, usize> = BTreeMap::new();
        let mut statuses: BTreeMap<String, usize> = BTreeMap::new();
        let log = sim.request_log();
        for e in &log {
            *counts.entry(e.route.clone()).or_default() += 1;
            *statuses.entry(e.status.to_string()).or_default() += 1;
        }
        let mut arrivals: Vec<f64> = log.iter().map(|e| e.t_ms).collect();
        arrivals.sort_by(f64::total_cmp);
        let (connections, h2_connections) = sim.connections();
        let d = decisions.lock().unwrap_or_else(|p| p.into_inner());
        let report = json!({
            "decisions": d.done.iter().map(|(n, a, t)| json!([n, a, t])).collect::<Vec<_>>(),
            "decide_failures": d.failed,
            "requests": counts,
            "statuses": statuses,
            "pushes": sim.pushes().len(),
            "connections": connections,
            "h2_connections": h2_connections,
            "per_second": per_second(&arrivals),
            "max_in_1s": max_in_window(&arrivals, 1000.0),
        });
        drop(d);
        let mut out = std::io::stdout().lock();
        writeln!(out, "{report}")?;
        out.flush()?;
    }
    sim.stop();
    Ok(())
}

/// Requests in each whole second after the first request (`arrivals` sorted, in ms).
fn per_second(arrivals: &[f64]) -> Vec<usize> {
    let Some(&first) = arrivals.first() else { return Vec::new() };
    let mut counts = Vec::new();
    for t in arrivals {
        let i = ((t - first) / 1000.0) as usize;
        if counts.len() <= i {
            counts.resize(i + 1, 0);
        }
        counts[i] += 1;
    }
    counts
}

/// The most arrivals in any window `[t, t + width)` (`arrivals` sorted, in ms).
fn max_in_window(arrivals: &[f64], width: f64) -> usize {
    let (mut start, mut best) = (0, 0);
    for (end, t) in arrivals.iter().enumerate() {
        while arrivals[start] <= t - width {
            start += 1;
        }
        best = best.max(end + 1 - start);
    }
    best
}

/// Watches for new pushes and approves (or rejects) each at `created + uniform(min..=max)`.
fn phone(sim: &Simulator, cfg: &BenchSimConfig, started: Instant, decisions: &Mutex<Decisions>) {
    let mut rng = StdRng::seed_from_u64(cfg.seed);
    let mut seen: HashSet<String> = HashSet::new();
    let mut due: BinaryHeap<Reverse<(Instant, String, bool)>> = BinaryHeap::new();
    let scan_every = Duration::from_millis(20);
    let mut next_scan = Instant::now();
    loop {
        let now = Instant::now();
        if seen.len() < cfg.expect && now >= next_scan {
            for p in sim.pushes() {
                if seen.insert(p.nonce.clone()) {
                    let created = started + Duration::from_secs_f64(p.created_ms / 1000.0);
                    let delay = rng.random_range(cfg.decide_min_ms..=cfg.decide_max_ms);
                    let reject = rng.random_bool(cfg.reject_fraction.clamp(0.0, 1.0));
                    due.push(Reverse((created + Duration::from_millis(delay), p.nonce, reject)));
                }
            }
            next_scan = now + scan_every;
        }
        while due.peek().is_some_and(|Reverse((t, _, _))| *t <= Instant::now()) {
            let Some(Reverse((_, nonce, reject))) = due.pop() else { break };
            let result = if reject { sim.reject(&nonce) } else { sim.approve(&nonce) };
            let at = unix_ms();
            let mut d = decisions.lock().unwrap_or_else(|p| p.into_inner());
            match result {
                Ok(()) => d.done.push((nonce, if reject { "rejected" } else { "confirmed" }, at)),
                Err(_) => d.failed += 1,
            }
        }
        if seen.len() >= cfg.expect && due.is_empty() {
            return;
        }
        let mut wake = Instant::now() + Duration::from_millis(200);
        if seen.len() < cfg.expect {
            wake = wake.min(next_scan);
        }
        if let Some(Reverse((t, _, _))) = due.peek() {
            wake = wake.min(*t);
        }
        std::thread::sleep(wake.saturating_duration_since(Instant::now()));
    }
}
