//! `scripts/bench progress`: requests per second and p50/p99 of the progress endpoint (as many
//! residents as connections, each with a valid token polling their own submitted application)
//! against `/healthz` of the same server at the same concurrency, alternating, five rounds after a
//! warm-up; then again with the server's Redis stopped, so progress comes from PostgreSQL.
//!
//! Settings (environment): BENCH_URL, BENCH_CONNECTIONS (default 64), BENCH_SECONDS per side and
//! round (default 4), BENCH_ROUNDS (default 5), BENCH_REDIS_PID (the server's own Redis, stopped
//! for the second half; without it the database path is skipped).

use std::net::SocketAddr;
use std::time::Duration;

use benches::common::{Drafter, env, median, number};
use benches::load::{self, LoadReport, Target};
use serde_json::json;

struct Side {
    label: &'static str,
    rates: Vec<f64>,
    reports: Vec<LoadReport>,
}

impl Side {
    fn new(label: &'static str) -> Self {
        Self { label, rates: Vec::new(), reports: Vec::new() }
    }

    fn add(&mut self, report: LoadReport) {
        self.rates.push(report.per_second);
        self.reports.push(report);
    }

    /// Median rate, and the p50/p99 of the median round.
    fn summary(&self) -> (f64, f64, f64, f64, f64) {
        let mut rates = self.rates.clone();
        let rate = median(&mut rates);
        let round =
            self.reports.iter().min_by(|a, b| (a.per_second - rate).abs().total_cmp(&(b.per_second - rate).abs()));
        let (p50, p99) = round.map_or((0.0, 0.0), |r| (r.p50_ms, r.p99_ms));
        let min = self.rates.iter().copied().fold(f64::MAX, f64::min);
        let max = self.rates.iter().copied().fold(0.0, f64::max);
        println!("  {}: {rate:.0} req/s (spread {min:.0}-{max:.0}), p50 {p50:.2} ms, p99 {p99:.2} ms", self.label);
        (rate, p50, p99, min, max)
    }
}

async fn rounds(addr: SocketAddr, progress: &[Target], phase: &str) -> (Side, Side) {
    let connections = number("BENCH_CONNECTIONS", 64);
    let seconds = Duration::from_secs(number("BENCH_SECONDS", 4) as u64);
    let rounds = number("BENCH_ROUNDS", 5);
    let warm = Duration::from_secs(1);
    let health = [Target { path: "/healthz".to_owned(), token: None }];
    load::run(addr, &health, connections, warm).await;
    load::run(addr, progress, connections, warm).await;
    let (mut healthz, mut ours) = (Side::new("/healthz"), Side::new("progress"));
    for round in 1..=rounds {
        let h = load::run(addr, &health, connections, seconds).await;
        let p = load::run(addr, progress, connections, seconds).await;
        println!(
            "{phase} round {round}: healthz {:.0} req/s (p99 {:.2} ms, {} errors), progress {:.0} req/s (p99 {:.2} ms, {} errors)",
            h.per_second, h.p99_ms, h.errors, p.per_second, p.p99_ms, p.errors
        );
        assert_eq!(p.errors, 0, "progress answered something else than 200");
        healthz.add(h);
        ours.add(p);
    }
    (healthz, ours)
}

#[tokio::main]
async fn main() {
    let url = env("BENCH_URL", "http://127.0.0.1:8080");
    let addr: SocketAddr = url.trim_start_matches("http://").parse().expect("BENCH_URL is http://host:port");
    api::infra::install_tls_provider();
    let connections = number("BENCH_CONNECTIONS", 64);
    // One resident per connection, each with their own submitted application.
    let drafter = Drafter::connect(url.clone(), reqwest::Client::new(), "progress", connections).await;
    let mut progress = Vec::new();
    for (i, id) in drafter.drafts(connections, 8).await {
        let token = drafter.tokens[i % drafter.tokens.len()].clone();
        drafter.post(&token, &format!("/api/v1/applications/{id}/submit"), &json!({}), 200).await;
        progress.push(Target { path: format!("/api/v1/applications/{id}/progress"), token: Some(token) });
    }

    println!("Redis path ({connections} connections, {} applications):", progress.len());
    let (health, ours) = rounds(addr, &progress, "redis").await;
    let (h_rate, ..) = health.summary();
    let (p_rate, _, p99, ..) = ours.summary();
    let ratio = p_rate / h_rate;

    let db_line = match std::env::var("BENCH_REDIS_PID") {
        Ok(pid) => {
            let stopped = std::process::Command::new("kill").arg(&pid).status().expect("kill");
            assert!(stopped.success(), "could not stop the server's Redis ({pid})");
            tokio::time::sleep(Duration::from_millis(500)).await;
            println!("database path, Redis stopped ({connections} connections):");
            let (health, ours) = rounds(addr, &progress, "database").await;
            let (h, ..) = health.summary();
            let (p, _, db_p99, ..) = ours.summary();
            let db_ratio = p / h;
            println!(
                "database path: progress {p:.0} req/s = {db_ratio:.2} x /healthz (goal >= 0.25), p99 {db_p99:.2} ms"
            );
            Some(db_ratio)
        }
        Err(_) => {
            println!("database path skipped: BENCH_REDIS_PID not set");
            None
        }
    };
    let met = ratio >= 0.5 && p99 < 10.0 && db_line.is_none_or(|r| r >= 0.25);
    println!(
        "RESULT progress ours={p_rate:.0} req/s ref={h_rate:.0} req/s ratio={ratio:.2} goal=>=0.50,p99<10ms,db>=0.25 {}",
        if met { "met" } else { "not met" }
    );
}
