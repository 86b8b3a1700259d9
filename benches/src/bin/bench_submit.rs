//! `scripts/bench submit`: submissions per second through the real API (release server, PostgreSQL,
//! Redis) against a reference writing the same rows by plain SQL, one transaction per application,
//! through a pool of the same size at the same concurrency. Alternates ours and the reference,
//! five rounds after a warm-up, and prints the median, the spread and one RESULT line.
//!
//! A submission is `POST /api/v1/applications/{id}/submit` of a complete draft with two items and
//! two members (metadata only: the photos and signatures were attached while drafting, untimed).
//!
//! Settings (environment): BENCH_URL, BENCH_DATABASE_URL, BENCH_COUNT (per round, default 1000),
//! BENCH_CONCURRENCY (default 32), BENCH_ROUNDS (default 5), BENCH_POOL (default 32, the server's
//! default pool size), BENCH_SERVER_PID (the server's process, for its CPU per submit).

use std::time::{Duration, Instant};

use benches::common::{CpuUsed, Drafter, account_id, cpu_around, cpu_line, env, median, number};
use futures_util::StreamExt;
use sea_orm::{ConnectionTrait, Database, DatabaseConnection, DbBackend, Statement, TransactionTrait};
use serde_json::json;
use uuid::Uuid;

/// Submits every draft; the rate and each latency.
async fn submit_all(bench: &Drafter, drafts: &[(usize, String)], concurrency: usize) -> (f64, Vec<Duration>) {
    let started = Instant::now();
    let latencies: Vec<Duration> = futures_util::stream::iter(drafts)
        .map(|(i, id)| async move {
            let token = &bench.tokens[i % bench.tokens.len()];
            let at = Instant::now();
            let url = format!("{}/api/v1/applications/{id}/submit", bench.url);
            let response = bench.client.post(url).bearer_auth(token).json(&json!({})).send().await.expect("submit");
            let status = response.status().as_u16();
            // The body is read whole but not parsed: the reference parses nothing either.
            let body = response.bytes().await.expect("body");
            assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
            at.elapsed()
        })
        .buffer_unordered(concurrency)
        .collect()
        .await;
    (drafts.len() as f64 / started.elapsed().as_secs_f64(), latencies)
}

/// Draft rows for the reference, written directly: (application id, applicant blind index).
async fn reference_drafts(db: &DatabaseConnection, actor: Uuid, count: usize) -> Vec<(Uuid, String)> {
    let mut out = Vec::with_capacity(count);
    for _ in 0..count {
        let id = Uuid::now_v7();
        let index = format!("{:064x}", u128::from_be_bytes(*Uuid::new_v4().as_bytes()));
        let txn = db.begin().await.expect("begin");
        let statements = [
            Statement::from_sql_and_values(
                DbBackend::Postgres,
                "INSERT INTO applications (id, status, community_code, township_code, district_code, actor_account_id, actor_role, \
                 household, content_hash, version, created_at, updated_at, subject_account_id) \
                 VALUES ($1, 'draft', '500199001001', '500199001', '500199', $2, 'resident', '{}', 'x', 1, now(), now(), $2)",
                [id.into(), actor.into()],
            ),
            Statement::from_sql_and_values(
                DbBackend::Postgres,
                "INSERT INTO application_items (application_id, item_code, status, department, time_limit_working_days) \
                 VALUES ($1, 'temporary', 'draft', '民政局', 10), ($1, 'price_subsidy', 'draft', '发展和改革委员会', 10)",
                [id.into()],
            ),
            Statement::from_sql_and_values(
                DbBackend::Postgres,
                "INSERT INTO household_members (id, application_id, name, relation, id_number_cipher, id_number_key_id, \
                 id_number_index, id_number_masked, birth_date, facts, created_at, updated_at) \
                 VALUES ($1, $2, '测试甲', 'self', '\\x00', 'test', $3, '500199********0000', '1950-01-01', '{}', now(), now())",
                [Uuid::now_v7().into(), id.into(), index.clone().into()],
            ),
        ];
        for statement in statements {
            txn.execute_raw(statement).await.expect("reference draft");
        }
        txn.commit().await.expect("commit");
        out.push((id, index));
    }
    out
}

/// What a submit writes (and the reads it needs), by plain SQL in one transaction.
async fn reference_submit(db: &DatabaseConnection, id: Uuid, index: &str) {
    let txn = db.begin().await.expect("begin");
    let q = |sql: &str, values: Vec<sea_orm::Value>| Statement::from_sql_and_values(DbBackend::Postgres, sql, values);
    for read in [
        "SELECT * FROM applications WHERE id = $1",
        "SELECT * FROM application_items WHERE application_id = $1",
        "SELECT * FROM household_members WHERE application_id = $1",
        "SELECT * FROM application_documents WHERE application_id = $1",
        "SELECT * FROM authorizations WHERE application_id = $1 AND revoked_at IS NULL",
    ] {
        txn.query_all_raw(q(read, vec![id.into()])).await.expect("read");
    }
    txn.query_all_raw(q("SELECT * FROM aid_items WHERE code IN ('temporary', 'price_subsidy')", vec![]))
        .await
        .expect("read");
    txn.query_all_raw(q(
        "SELECT * FROM application_items WHERE open_subject_index = $1 AND item_code IN ('temporary', 'price_subsidy') AND application_id <> $2 LIMIT 1",
        vec![index.into(), id.into()],
    ))
    .await
    .expect("duplicates");
    txn.execute_raw(q(
        "INSERT INTO application_number_counters (district_code, year, last) VALUES ('999999', 2026, 0) ON CONFLICT DO NOTHING",
        vec![],
    ))
    .await
    .expect("counter");
    let row = txn
        .query_one_raw(q(
            "UPDATE application_number_counters SET last = last + 1 WHERE district_code = '999999' AND year = 2026 RETURNING last",
            vec![],
        ))
        .await
        .expect("bump")
        .expect("counter row");
    let last: i64 = row.try_get("", "last").expect("last");
    let number = format!("JZ-2026-999999-{last:06}");
    txn.execute_raw(q(
        "UPDATE applications SET status = 'submitted', number = $2, submitted_at = now(), updated_at = now(), version = version + 1 \
         WHERE id = $1 AND status = 'draft'",
        vec![id.into(), number.clone().into()],
    ))
    .await
    .expect("application");
    for item in ["temporary", "price_subsidy"] {
        txn.execute_raw(q(
            "UPDATE application_items SET status = 'submitted', due_date = current_date + 14, open_subject_index = $2 \
             WHERE application_id = $1 AND item_code = $3",
            vec![id.into(), index.into(), item.into()],
        ))
        .await
        .expect("item");
    }
    txn.execute_raw(q(
        "INSERT INTO application_events (id, application_id, kind, from_status, to_status, actor_role, occurred_at, details) \
         VALUES ($1, $2, 'submitted', 'draft', 'submitted', 'resident', now(), $3)",
        vec![Uuid::now_v7().into(), id.into(), json!({"number": number}).into()],
    ))
    .await
    .expect("event");
    txn.commit().await.expect("commit");
}

async fn reference_round(db: &DatabaseConnection, drafts: &[(Uuid, String)], concurrency: usize) -> f64 {
    let started = Instant::now();
    futures_util::stream::iter(drafts)
        .map(|(id, index)| reference_submit(db, *id, index))
        .buffer_unordered(concurrency)
        .collect::<Vec<()>>()
        .await;
    drafts.len() as f64 / started.elapsed().as_secs_f64()
}

#[tokio::main]
async fn main() {
    let url = env("BENCH_URL", "http://127.0.0.1:8080");
    let server_pid = env("BENCH_SERVER_PID", "0");
    let own_pid = std::process::id().to_string();
    let count = number("BENCH_COUNT", 1000);
    let concurrency = number("BENCH_CONCURRENCY", 32);
    let rounds = number("BENCH_ROUNDS", 5);
    let mut options =
        sea_orm::ConnectOptions::new(env("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres"));
    options.max_connections(number("BENCH_POOL", 32) as u32).sqlx_logging(false);
    let db = Database::connect(options).await.expect("database");
    api::infra::install_tls_provider();
    let client = reqwest::Client::builder().pool_max_idle_per_host(concurrency).build().expect("client");

    let bench = Drafter::connect(url, client, "bench", concurrency).await;
    let actor = account_id(&bench.client, &bench.url, &bench.tokens[0]).await;

    // Warm-up: both sides once, not counted.
    let warm = bench.drafts(count / 5, concurrency).await;
    submit_all(&bench, &warm, concurrency).await;
    let warm = reference_drafts(&db, actor, count / 5).await;
    reference_round(&db, &warm, concurrency).await;

    let (mut ours, mut reference, mut latencies, mut drafting) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let (mut our_cpu, mut reference_cpu) = (CpuUsed::default(), CpuUsed::default());
    for round in 1..=rounds {
        let started = Instant::now();
        let drafts = bench.drafts(count, concurrency).await;
        drafting.push(count as f64 / started.elapsed().as_secs_f64());
        let ((rate, mut lat), cpu) = cpu_around(&server_pid, &db, submit_all(&bench, &drafts, concurrency)).await;
        our_cpu += cpu;
        latencies.append(&mut lat);
        let ref_drafts = reference_drafts(&db, actor, count).await;
        let (ref_rate, cpu) = cpu_around(&own_pid, &db, reference_round(&db, &ref_drafts, concurrency)).await;
        reference_cpu += cpu;
        println!("round {round}: ours {rate:.0} submits/s, reference {ref_rate:.0} submits/s");
        ours.push(rate);
        reference.push(ref_rate);
    }
    latencies.sort();
    let pct = |p: f64| latencies[((latencies.len() as f64 - 1.0) * p) as usize].as_secs_f64() * 1000.0;
    let (min, max) = (ours.iter().copied().fold(f64::MAX, f64::min), ours.iter().copied().fold(0.0, f64::max));
    let (ref_min, ref_max) =
        (reference.iter().copied().fold(f64::MAX, f64::min), reference.iter().copied().fold(0.0, f64::max));
    let (ours, reference, drafting) = (median(&mut ours), median(&mut reference), median(&mut drafting));
    println!("submit latency p50 {:.1} ms, p99 {:.1} ms at concurrency {concurrency}", pct(0.5), pct(0.99));
    println!(
        "spread: ours {min:.0}-{max:.0}, reference {ref_min:.0}-{ref_max:.0} submits/s; {count} per round, {rounds} rounds"
    );
    println!(
        "drafting (create, 2 members, 3 photos, signature upload, authorization: 8 requests) {drafting:.0} drafts/s"
    );
    println!("{}", cpu_line("submit", our_cpu, count * rounds, reference_cpu, count * rounds));
    let met = if ours >= 500.0 { "met" } else { "not met" };
    println!(
        "RESULT submit ours={ours:.0} ops/s ref={reference:.0} ops/s ratio={:.2} goal=ours>=500ops/s {met}",
        ours / reference
    );
}
