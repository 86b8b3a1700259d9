//! `scripts/bench import`: a month of department data (BENCH_RECORDS medical-expense records,
//! default 200,000, the Tongliang figure) imported through `POST /api/v1/imports` as a district
//! supervisor, against `COPY` of the same file into a plain (logged, unindexed) table by psql in the
//! same run.
//! Alternates the two, BENCH_ROUNDS times (default 3; each round a new file, since the same file
//! again is answered from the first import), and prints records/s, the server's peak memory and
//! one RESULT line. Before the rounds (untimed), every 20th person of the month is put in the
//! monitoring pool (10,000 of 200,000) and a district rule "out-of-pocket medical costs above 5,000
//! yuan in a month" is set, so each import also evaluates the rule: the month's totals of the
//! file's people grouped in the database, leads raised for the known ones (the first round; later
//! rounds bring the same people and month, so the same leads, none new).
//!
//! Settings (environment): BENCH_URL, BENCH_DATABASE_URL, BENCH_PASSWORD, BENCH_SERVER_PID,
//! BENCH_RECORDS, BENCH_ROUNDS.

use std::io::Write;
use std::time::Instant;

use benches::common::{env, median, number, staff_token};
use serde_json::Value;
use tests::id_number;

/// The `i`th person of the month.
fn person(i: usize) -> String {
    let birth = chrono::NaiveDate::from_ymd_opt(1940, 1, 1).unwrap() + chrono::Days::new((i / 900) as u64 % 25_000);
    id_number(&birth.format("%Y%m%d").to_string(), 100 + (i % 900) as u32)
}

/// Every 20th person of the month in the pool (a `monitoring_subject` file).
fn pool_file(records: usize) -> Vec<u8> {
    let mut out = String::from("ref,id_number,name,date,group,community,reason,consent_basis\n");
    for i in (0..records).step_by(20) {
        out.push_str(&format!("MZ-{i},{},张秀英,2026-10-01,dibao_edge,500199001001,低保边缘,认定授权书\n", person(i)));
    }
    out.into_bytes()
}

/// One month's file: `records` rows, refs unique to `round`.
fn month_file(round: usize, records: usize) -> std::path::PathBuf {
    let path = std::env::temp_dir().join(format!("jiuzhu-bench-import-{}-{round}.csv", std::process::id()));
    let mut out = std::io::BufWriter::new(std::fs::File::create(&path).expect("bench file"));
    writeln!(out, "ref,id_number,name,date,amount_yuan").expect("write");
    for i in 0..records {
        let id = person(i);
        let amount = (i * 7919) % 3_000_000;
        writeln!(out, "YB-{round}-{i},{id},张秀英,2026-11-{:02},{}.{:02}", i % 28 + 1, amount / 100, amount % 100)
            .expect("write");
    }
    out.flush().expect("flush");
    path
}

/// Peak resident memory of process `pid` so far (VmHWM), in MiB.
fn peak_mib(pid: &str) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

async fn ours(client: &reqwest::Client, url: &str, token: &str, path: &std::path::Path) -> (f64, Value) {
    let bytes = std::fs::read(path).expect("bench file");
    post_import(client, url, token, "medical_expense", bytes).await
}

async fn post_import(client: &reqwest::Client, url: &str, token: &str, kind: &str, bytes: Vec<u8>) -> (f64, Value) {
    let started = Instant::now();
    let response = client
        .post(format!("{url}/api/v1/imports?kind={kind}&format=csv"))
        .bearer_auth(token)
        .header("content-type", "application/octet-stream")
        .body(bytes)
        .send()
        .await
        .expect("import");
    let status = response.status().as_u16();
    let report: Value = response.json().await.expect("report");
    assert_eq!(status, 200, "{report}");
    (started.elapsed().as_secs_f64(), report)
}

fn reference(database_url: &str, path: &std::path::Path) -> f64 {
    let started = Instant::now();
    let output = std::process::Command::new("psql")
        .args([database_url, "-v", "ON_ERROR_STOP=1", "-q"])
        .arg("-c")
        .arg("CREATE TABLE IF NOT EXISTS bench_copy_ref (ref text, id_number text, name text, date text, amount_yuan text)")
        .arg("-c")
        .arg(format!("\\copy bench_copy_ref FROM '{}' WITH (FORMAT csv, HEADER)", path.display()))
        .output()
        .expect("psql");
    assert!(output.status.success(), "psql \\copy: {}", String::from_utf8_lossy(&output.stderr));
    started.elapsed().as_secs_f64()
}

#[tokio::main]
async fn main() {
    api::infra::install_tls_provider();
    let url = env("BENCH_URL", "http://127.0.0.1:8080");
    let database_url = env("BENCH_DATABASE_URL", "");
    let server_pid = env("BENCH_SERVER_PID", "");
    let records = number("BENCH_RECORDS", 200_000);
    let rounds = number("BENCH_ROUNDS", 3);
    let client = reqwest::Client::new();
    let token = staff_token(&client, &url, "demo-supervisor").await;
    let (secs, report) = post_import(&client, &url, &token, "monitoring_subject", pool_file(records)).await;
    println!("pool: {} people imported in {secs:.1} s (untimed)", report["rows_imported"]);
    let rule = serde_json::json!({"name": "大额自付医疗费用", "kind": "medical_expense_month",
                                  "params": {"threshold_yuan": 5000}, "level": "red", "deadline_days": 7});
    let response = client
        .put(format!("{url}/api/v1/monitoring/rules/bench_big_medical"))
        .bearer_auth(&token)
        .json(&rule)
        .send()
        .await
        .expect("rule");
    assert_eq!(response.status().as_u16(), 200, "rule");
    let (mut our_rates, mut ref_rates, mut our_secs) = (Vec::new(), Vec::new(), Vec::new());
    for round in 1..=rounds {
        let path = month_file(round, records);
        let (secs, report) = ours(&client, &url, &token, &path).await;
        assert_eq!(report["rows_imported"].as_u64(), Some(records as u64), "{report}");
        let copy = reference(&database_url, &path);
        let _ = std::fs::remove_file(&path);
        println!(
            "round {round}: import and rules {secs:.1} s ({:.0} records/s, {} leads raised, {} about people not known), COPY {copy:.2} s ({:.0} records/s), server peak {:.0} MiB",
            records as f64 / secs,
            report["leads_raised"],
            report["rows_unmatched"],
            records as f64 / copy,
            peak_mib(&server_pid)
        );
        our_secs.push(secs);
        our_rates.push(records as f64 / secs);
        ref_rates.push(records as f64 / copy);
    }
    let (o, r) = (median(&mut our_rates.clone()), median(&mut ref_rates.clone()));
    let secs = median(&mut our_secs);
    let peak = peak_mib(&server_pid);
    let ratio = o / r;
    let met = secs < 60.0 && peak < 256.0 && ratio >= 0.25;
    println!(
        "{records} records a round: import with rule evaluation median {secs:.1} s, server peak memory {peak:.0} MiB"
    );
    println!(
        "RESULT import ours={o:.0} records/s ref={r:.0} records/s ratio={ratio:.2} goal=<60s,<256MiB,>=0.25 {}",
        if met { "met" } else { "not met" }
    );
}
