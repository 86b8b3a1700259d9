//! `scripts/bench checkins`: complete remote check-ins per second through the HTTP API (challenge,
//! then the selfie with the nonce: pipeline, face, replay check, local verifier, the transaction)
//! against the bare image pipeline on the same selfies in this process, two threads (a 2-core
//! node's worth), alternating, five rounds after a warm-up. Also the server's CPU seconds per
//! check-in (from /proc).
//!
//! Setup (not timed): BENCH_RECIPIENTS residents apply for 低保 through the API and a township
//! reviewer approves them; the server's schedule opens every period at once, so each recipient
//! can check in several times in a row (each time with another picture: a repeat is a replay).
//!
//! Settings (environment): BENCH_URL, BENCH_PASSWORD (the demo staff's), BENCH_SERVER_PID,
//! BENCH_RECIPIENTS (default 240), BENCH_CONNECTIONS (default 8), BENCH_SECONDS per side and
//! round (default 4), BENCH_ROUNDS (default 5).

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use api::documents::photos::{min_short, wants_face};
use api::vocab::DocumentType;
use benches::common::{Drafter, cpu_seconds, env, median, number, staff_token};
use futures_util::StreamExt;
use imaging::decode::Format;
use imaging::pipeline::{self, Options};
use serde_json::{Value, json};
use tests::checkins::real_photo;
use tests::{encode_jpeg, multipart};

/// Places in the group photograph whose 480×640 crops hold faces and differ from each other.
const PLACES: [(u32, u32); 6] = [(0, 60), (250, 0), (560, 40), (820, 0), (1100, 60), (1186, 0)];

/// A phone selfie: a 480×640 crop with faces, scaled to 720×960 (a front camera's picture after
/// WeChat's compression), JPEG quality 90.
fn selfie(place: (u32, u32)) -> Vec<u8> {
    let crop = image::RgbImage::from_raw(480, 640, real_photo(place.0, place.1, 480, 640)).expect("crop");
    let phone = image::imageops::resize(&crop, 720, 960, image::imageops::FilterType::CatmullRom);
    encode_jpeg(phone.as_raw(), 720, 960, 90)
}

/// What is left to check in: (resident index, next picture) per resident.
struct Pool {
    next: Vec<AtomicUsize>,
    cursor: AtomicUsize,
}

impl Pool {
    /// The next (resident, picture) pair, going round the residents; `None` when all are used up.
    fn take(&self) -> Option<(usize, usize)> {
        let residents = self.next.len();
        for _ in 0..residents {
            let r = self.cursor.fetch_add(1, Ordering::Relaxed) % residents;
            let k = self.next[r].fetch_add(1, Ordering::Relaxed);
            if k < PLACES.len() {
                return Some((r, k));
            }
        }
        None
    }
}

/// Check-ins through the API for `seconds` at `connections`: (count, elapsed seconds).
async fn api_round(
    drafter: &Drafter,
    pool: &Pool,
    selfies: &[Vec<u8>],
    connections: usize,
    seconds: Duration,
) -> (usize, f64) {
    let started = Instant::now();
    let done = AtomicUsize::new(0);
    futures_util::stream::iter(0..connections)
        .for_each_concurrent(connections, |_| async {
            while started.elapsed() < seconds {
                let Some((r, k)) = pool.take() else { break };
                let token = &drafter.tokens[r];
                let challenge = drafter.post(token, "/api/v1/checkins/challenge", &json!({}), 200).await;
                let nonce = challenge["nonce"].as_str().expect("nonce");
                let (content_type, body) = multipart(&[("nonce", nonce), ("device", "bench")], &selfies[k]);
                let request = drafter
                    .client
                    .post(format!("{}/api/v1/checkins", drafter.url))
                    .bearer_auth(token)
                    .header("Content-Type", content_type)
                    .body(body);
                let out = drafter.send(request, 201).await;
                assert_eq!(out["outcome"], "passed");
                done.fetch_add(1, Ordering::Relaxed);
            }
        })
        .await;
    (done.load(Ordering::Relaxed), started.elapsed().as_secs_f64())
}

/// The bare pipeline (selfie policy: face detection on) on the same selfies, two threads.
fn pipeline_round(selfies: &Arc<Vec<Vec<u8>>>, seconds: Duration) -> (usize, f64) {
    let started = Instant::now();
    let options = Options {
        min_short: min_short(DocumentType::Selfie),
        detect_face: wants_face(DocumentType::Selfie),
        ..Options::default()
    };
    let workers: Vec<_> = (0..2)
        .map(|t| {
            let selfies = Arc::clone(selfies);
            std::thread::spawn(move || {
                let mut n = 0usize;
                while started.elapsed() < seconds {
                    let photo = &selfies[(n + t) % selfies.len()];
                    let out = pipeline::process(photo, Format::Jpeg, &options).expect("pipeline");
                    assert!(out.measures.faces.unwrap_or(0) >= 1, "a selfie without a face");
                    n += 1;
                }
                n
            })
        })
        .collect();
    let count = workers.into_iter().map(|w| w.join().expect("worker")).sum();
    (count, started.elapsed().as_secs_f64())
}

/// `count` recipients of 低保: drafts submitted by the residents, approved by the township.
async fn recipients(drafter: &Drafter, reviewer: &str, count: usize) {
    futures_util::stream::iter(0..count)
        .for_each_concurrent(8, |i| async move {
            let id = drafter.draft_for(i, &["dibao"]).await;
            let token = &drafter.tokens[i];
            drafter.post(token, &format!("/api/v1/applications/{id}/submit"), &json!({}), 200).await;
            let read = |id: String| async move {
                let url = format!("{}/api/v1/applications/{id}", drafter.url);
                drafter.send(drafter.client.get(url).bearer_auth(reviewer), 200).await
            };
            let mut version = read(id.clone()).await["version"].as_i64().expect("version");
            for step in ["accept", "investigation"] {
                let out = drafter
                    .post(reviewer, &format!("/api/v1/applications/{id}/{step}"), &json!({"version": version}), 200)
                    .await;
                version = out["version"].as_i64().expect("version");
            }
            let app: Value = drafter
                .send(
                    drafter.client.get(format!("{}/api/v1/applications/{id}", drafter.url)).bearer_auth(reviewer),
                    200,
                )
                .await;
            let item = app["items"][0]["version"].as_i64().expect("item version");
            let decision =
                json!({"items": [{"code": "dibao", "version": item, "outcome": "approved", "amount_fen": 68000}]});
            drafter.post(reviewer, &format!("/api/v1/applications/{id}/decision"), &decision, 200).await;
        })
        .await;
}

#[tokio::main]
async fn main() {
    let url = env("BENCH_URL", "http://127.0.0.1:8080");
    let server_pid = env("BENCH_SERVER_PID", "");
    api::infra::install_tls_provider();
    let residents = number("BENCH_RECIPIENTS", 240);
    let connections = number("BENCH_CONNECTIONS", 8);
    let seconds = Duration::from_secs(number("BENCH_SECONDS", 4) as u64);
    let rounds = number("BENCH_ROUNDS", 5);

    let client = reqwest::Client::new();
    let reviewer = staff_token(&client, &url, "demo-reviewer").await;
    let drafter = Drafter::connect(url.clone(), client, "checkins", residents).await;
    let setup = Instant::now();
    recipients(&drafter, &reviewer, residents).await;
    println!("setup: {residents} recipients approved through the API in {:.1} s", setup.elapsed().as_secs_f64());

    let selfies: Vec<Vec<u8>> = PLACES.iter().map(|&p| selfie(p)).collect();
    let sizes: Vec<usize> = selfies.iter().map(|s| s.len() / 1024).collect();
    println!("selfies: {} pictures, 720x960 JPEG, {sizes:?} KiB", selfies.len());
    let shared = Arc::new(selfies.clone());
    let pool = Pool { next: (0..residents).map(|_| AtomicUsize::new(0)).collect(), cursor: AtomicUsize::new(0) };

    // Warm-up: both sides once, briefly.
    api_round(&drafter, &pool, &selfies, connections, Duration::from_secs(1)).await;
    pipeline_round(&shared, Duration::from_secs(1));
    let (mut ours, mut reference, mut cpu) = (Vec::new(), Vec::new(), Vec::new());
    for round in 1..=rounds {
        let before = cpu_seconds(&server_pid);
        let (n, secs) = api_round(&drafter, &pool, &selfies, connections, seconds).await;
        let used = cpu_seconds(&server_pid) - before;
        let shared = Arc::clone(&shared);
        let (m, ref_secs) =
            tokio::task::spawn_blocking(move || pipeline_round(&shared, seconds)).await.expect("pipeline");
        let (a, b) = (n as f64 / secs, m as f64 / ref_secs);
        let per = if n > 0 { used / n as f64 } else { 0.0 };
        println!(
            "round {round}: api {a:.1} check-ins/s ({n} in {secs:.1} s, server {per:.3} cpu_s/check-in) | pipeline {b:.1} selfies/s"
        );
        assert!(n > 0, "the pool of recipients ran out: raise BENCH_RECIPIENTS");
        ours.push(a);
        reference.push(b);
        cpu.push(per);
    }
    let spread = |v: &[f64]| {
        let min = v.iter().copied().fold(f64::MAX, f64::min);
        let max = v.iter().copied().fold(0.0, f64::max);
        format!("{min:.1}-{max:.1}")
    };
    let (o, r, c) = (median(&mut ours.clone()), median(&mut reference.clone()), median(&mut cpu.clone()));
    println!("ours: {o:.1} check-ins/s (spread {}), server {c:.3} cpu_s/check-in", spread(&ours));
    println!("bare pipeline, 2 threads: {r:.1} selfies/s (spread {})", spread(&reference));
    let peak = 450_000.0 * 4.0 / (10.0 * 3600.0);
    println!(
        "capacity: 450,000 check-ins/day over 10 busy hours is {:.1}/s; a 4x end-of-quarter peak {peak:.1}/s needs {} nodes like this one",
        450_000.0 / 36_000.0,
        (peak / o).ceil()
    );
    let verdict = if o >= 20.0 { "met" } else { "not met" };
    println!("RESULT checkins ours={o:.1} checkins/s ref={r:.1} checkins/s ratio={:.2} goal=>=20 {verdict}", o / r);
}
