//! `scripts/bench latency`: the time of one answer on a keep-alive connection, one request at a
//! time as a phone sends them, for `GET /api/v1/catalog/items` compressed (`Accept-Encoding:
//! gzip`) against the same request uncompressed, alternating, five rounds after a warm-up.
//!
//! A compressed answer is written in pieces; without `TCP_NODELAY` on the server's socket the last
//! piece waited for the client's delayed ACK (about 40 ms, one answer in two), so the compressed
//! p50 was 44 ms against 1.5 ms. The goal: compressed p50 at most twice the uncompressed one, and
//! compressed p99 under 20 ms.
//!
//! Settings (environment): BENCH_URL, BENCH_SECONDS per side and round (default 3), BENCH_ROUNDS
//! (default 5).

use std::net::SocketAddr;
use std::time::Duration;

use benches::common::{env, median, number};
use benches::load::{self, LoadReport, Target};

const PATH: &str = "/api/v1/catalog/items";
const GZIP: &str = "Accept-Encoding: gzip\r\n";

/// The p50 and p99 of each round of one side.
#[derive(Default)]
struct Side {
    p50: Vec<f64>,
    p99: Vec<f64>,
}

impl Side {
    fn add(&mut self, report: &LoadReport) {
        self.p50.push(report.p50_ms);
        self.p99.push(report.p99_ms);
    }

    /// Median p50 and median p99 over the rounds, printed with their spread.
    fn summary(&mut self, label: &str) -> (f64, f64) {
        let spread = |v: &[f64]| (v.iter().copied().fold(f64::MAX, f64::min), v.iter().copied().fold(0.0, f64::max));
        let ((p50_min, p50_max), (p99_min, p99_max)) = (spread(&self.p50), spread(&self.p99));
        let (p50, p99) = (median(&mut self.p50), median(&mut self.p99));
        println!(
            "  {label}: p50 {p50:.2} ms (spread {p50_min:.2}-{p50_max:.2}), p99 {p99:.2} ms (spread {p99_min:.2}-{p99_max:.2})"
        );
        (p50, p99)
    }
}

/// Checks that the server really compresses the answer the bench measures.
async fn assert_compressed(url: &str) {
    let response = reqwest::Client::new()
        .get(format!("{url}{PATH}"))
        .header("Accept-Encoding", "gzip")
        .send()
        .await
        .expect("catalog request");
    assert_eq!(response.status(), 200, "the catalog answers");
    let encoding = response.headers().get("content-encoding").and_then(|v| v.to_str().ok()).map(str::to_owned);
    assert_eq!(encoding.as_deref(), Some("gzip"), "the server compresses the catalog");
}

#[tokio::main]
async fn main() {
    let url = env("BENCH_URL", "http://127.0.0.1:8080");
    let addr: SocketAddr = url.trim_start_matches("http://").parse().expect("BENCH_URL is http://host:port");
    api::infra::install_tls_provider();
    assert_compressed(&url).await;
    let seconds = Duration::from_secs(number("BENCH_SECONDS", 3) as u64);
    let rounds = number("BENCH_ROUNDS", 5);
    let target = Target { path: PATH.to_owned(), token: None };
    let (gzip, plain) = (vec![load::request(addr, &target, GZIP)], vec![load::request(addr, &target, "")]);
    load::run_requests(addr, gzip.clone(), 1, Duration::from_secs(1)).await;
    load::run_requests(addr, plain.clone(), 1, Duration::from_secs(1)).await;
    let (mut ours, mut reference) = (Side::default(), Side::default());
    println!("one keep-alive connection, one request at a time, GET {PATH}:");
    for round in 1..=rounds {
        let g = load::run_requests(addr, gzip.clone(), 1, seconds).await;
        let p = load::run_requests(addr, plain.clone(), 1, seconds).await;
        println!(
            "round {round}: gzip {} answers p50 {:.2} ms p99 {:.2} ms; plain {} answers p50 {:.2} ms p99 {:.2} ms",
            g.requests, g.p50_ms, g.p99_ms, p.requests, p.p50_ms, p.p99_ms
        );
        assert_eq!(g.errors + p.errors, 0, "the catalog answered something else than 200");
        ours.add(&g);
        reference.add(&p);
    }
    let (g50, g99) = ours.summary("gzip");
    let (p50, _) = reference.summary("plain");
    let ratio = g50 / p50;
    let met = ratio <= 2.0 && g99 < 20.0;
    println!(
        "RESULT latency ours={g50:.2} ms ref={p50:.2} ms ratio={ratio:.2} goal=<=2.0,p99<20ms {}",
        if met { "met" } else { "not met" }
    );
}
