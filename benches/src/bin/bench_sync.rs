//! `scripts/bench sync`: offline-sync operations per second through `POST /api/v1/sync/push`
//! against a plain multi-row INSERT of the same rows through a pool of the same size, at the same
//! concurrency. Alternates ours and the reference, five rounds after a warm-up, and prints the
//! median, the spread and one RESULT line; before it, the time of a full pull of a community with
//! 5,000 applications.
//!
//! A round is BENCH_OPS operations (default 10,000) in batches of 500, from BENCH_DEVICES phones
//! at once (default 4), each phone's batches in order. Per application four operations: create
//! the draft, add two household members, update the draft. The reference inserts the rows those
//! operations leave (the application, its item, its two members) with multi-row INSERTs of 500
//! rows, one transaction per batch.
//!
//! Settings (environment): BENCH_URL, BENCH_DATABASE_URL, BENCH_PASSWORD (the demo staff's),
//! BENCH_OPS, BENCH_DEVICES, BENCH_ROUNDS (default 5), BENCH_PULL_APPS (default 5000).

use std::time::Instant;

use benches::common::{CpuUsed, account_id, cpu_around, cpu_line, env, median, number, staff_token};
use futures_util::StreamExt;
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend, Statement, TransactionTrait};
use serde_json::{Value, json};
use tests::id_number;
use uuid::Uuid;

const BATCH: usize = 500;
const OPS_PER_APP: usize = 4;

struct Bench {
    url: String,
    client: reqwest::Client,
}

impl Bench {
    async fn token(&self, username: &str) -> String {
        staff_token(&self.client, &self.url, username).await
    }

    /// Pushes a phone's batches in order; every op must be applied.
    async fn push_device(&self, token: &str, device: Uuid, batches: &[Vec<Value>]) {
        for ops in batches {
            let response = self
                .client
                .post(format!("{}/api/v1/sync/push", self.url))
                .bearer_auth(token)
                .json(&json!({"device_id": device, "ops": ops}))
                .send()
                .await
                .expect("push");
            let status = response.status().as_u16();
            let body: Value = response.json().await.expect("answer");
            assert_eq!(status, 200, "{body}");
            let applied = body["results"].as_array().expect("results").iter().all(|r| r["outcome"] == "applied");
            assert!(applied, "{}", &body.to_string()[..2000.min(body.to_string().len())]);
        }
    }
}

/// A phone's work: `apps` applications, four ops each, in batches of 500.
fn device_ops(community: &str, apps: usize, person: &mut u32) -> Vec<Vec<Value>> {
    let now = chrono::Utc::now();
    let mut ops = Vec::with_capacity(apps * OPS_PER_APP);
    let mut seq = 0_i64;
    let mut op = |name: &str, id: Uuid, base: Option<i32>, data: Value| {
        seq += 1;
        json!({"op_id": Uuid::now_v7(), "seq": seq, "op": name, "entity_id": id,
               "base_version": base, "client_time": now, "data": data})
    };
    for _ in 0..apps {
        let app = Uuid::now_v7();
        ops.push(op(
            "application.create",
            app,
            None,
            json!({"community_code": community, "items": ["temporary"], "contact_phone": "13800138000",
                   "household": {"sudden_hardship": true}}),
        ));
        for (version, relation) in [(1, "self"), (2, "spouse")] {
            *person += 1;
            let birth =
                chrono::NaiveDate::from_ymd_opt(1940, 1, 1).unwrap() + chrono::Days::new(u64::from(*person / 900));
            let number = id_number(&birth.format("%Y%m%d").to_string(), 100 + *person % 900);
            ops.push(op(
                "member.update",
                Uuid::now_v7(),
                Some(version),
                json!({"application_id": app, "name": "王桂兰", "relation": relation, "id_number": number}),
            ));
        }
        ops.push(op(
            "application.update",
            app,
            Some(3),
            json!({"items": ["temporary"], "contact_phone": "13800138000",
                   "household": {"sudden_hardship": true}, "note": "入户走访时代为填写"}),
        ));
    }
    ops.chunks(BATCH).map(<[Value]>::to_vec).collect()
}

/// One round of ours: `ops` operations from `devices` phones at once; ops per second.
async fn ours(bench: &Bench, token: &str, community: &str, ops: usize, devices: usize, person: &mut u32) -> f64 {
    let apps = ops / OPS_PER_APP / devices;
    let work: Vec<(Uuid, Vec<Vec<Value>>)> =
        (0..devices).map(|_| (Uuid::now_v7(), device_ops(community, apps, person))).collect();
    let total: usize = work.iter().map(|(_, b)| b.iter().map(Vec::len).sum::<usize>()).sum();
    let started = Instant::now();
    futures_util::stream::iter(&work)
        .map(|(device, batches)| bench.push_device(token, *device, batches))
        .buffer_unordered(devices)
        .collect::<Vec<()>>()
        .await;
    total as f64 / started.elapsed().as_secs_f64()
}

/// One batch of the reference: the rows of `apps` applications by multi-row INSERTs.
async fn reference_batch(db: &DatabaseConnection, actor: Uuid, apps: usize) {
    let ids: Vec<Uuid> = (0..apps).map(|_| Uuid::now_v7()).collect();
    let list = |f: &dyn Fn(usize, &Uuid) -> String| {
        ids.iter().enumerate().map(|(i, id)| f(i, id)).collect::<Vec<_>>().join(",")
    };
    let applications = format!(
        "INSERT INTO applications (id, status, community_code, township_code, district_code, actor_account_id, actor_role, \
         contact_phone, household, note, content_hash, version, created_at, updated_at) VALUES {}",
        list(&|_, id| format!(
            "('{id}', 'draft', '500199002001', '500199002', '500199', '{actor}', 'helper', '13800138000', \
             '{{\"sudden_hardship\": true}}', '入户走访时代为填写', 'x', 4, now(), now())"
        ))
    );
    let items = format!(
        "INSERT INTO application_items (application_id, item_code, status, department, time_limit_working_days) VALUES {}",
        list(&|_, id| format!("('{id}', 'temporary', 'draft', '民政局', 10)"))
    );
    let members = format!(
        "INSERT INTO household_members (id, application_id, name, relation, id_number_cipher, id_number_key_id, \
         id_number_index, id_number_masked, birth_date, facts, created_at, updated_at) VALUES {}",
        ids.iter()
            .flat_map(|id| {
                ["self", "spouse"].map(|relation| {
                    let index = format!("{:064x}", u128::from_be_bytes(*Uuid::new_v4().as_bytes()));
                    format!(
                        "('{}', '{id}', '王桂兰', '{relation}', '\\x00112233445566778899aabbccddeeff', 'test', '{index}', \
                         '500199********0000', '1950-01-01', '{{}}', now(), now())",
                        Uuid::now_v7()
                    )
                })
            })
            .collect::<Vec<_>>()
            .join(",")
    );
    let txn = db.begin().await.expect("begin");
    for sql in [applications, items, members] {
        txn.execute_raw(Statement::from_string(DbBackend::Postgres, sql)).await.expect("reference insert");
    }
    txn.commit().await.expect("commit");
}

/// One round of the reference: the same number of operations' rows; "ops" per second.
async fn reference(db: &DatabaseConnection, actor: Uuid, ops: usize, devices: usize) -> f64 {
    let batches_per_device = ops / devices / BATCH;
    let started = Instant::now();
    futures_util::stream::iter(0..devices)
        .map(|_| async move {
            for _ in 0..batches_per_device {
                reference_batch(db, actor, BATCH / OPS_PER_APP).await;
            }
        })
        .buffer_unordered(devices)
        .collect::<Vec<()>>()
        .await;
    (batches_per_device * devices * BATCH) as f64 / started.elapsed().as_secs_f64()
}

/// A full pull, page after page: seconds and the number of applications.
async fn full_pull(bench: &Bench, token: &str) -> (f64, usize) {
    let started = Instant::now();
    let (mut cursor, mut apps) = (String::new(), 0);
    loop {
        let url = format!("{}/api/v1/sync/pull?limit=1000&cursor={cursor}", bench.url);
        let page: Value =
            bench.client.get(url).bearer_auth(token).send().await.expect("pull").json().await.expect("page");
        let changes = page["changes"].as_array().expect("changes");
        apps += changes.iter().filter(|c| c["entity"] == "application").count();
        cursor = page["cursor"].as_str().expect("cursor").to_owned();
        if page["more"] != true {
            return (started.elapsed().as_secs_f64(), apps);
        }
    }
}

fn spread(values: &[f64]) -> String {
    let min = values.iter().copied().fold(f64::INFINITY, f64::min);
    let max = values.iter().copied().fold(0.0, f64::max);
    format!("{min:.0}-{max:.0}")
}

#[tokio::main]
async fn main() {
    api::infra::install_tls_provider();
    let bench = Bench { url: env("BENCH_URL", "http://127.0.0.1:8080"), client: reqwest::Client::new() };
    let ops = number("BENCH_OPS", 10_000);
    let devices = number("BENCH_DEVICES", 4);
    let rounds = number("BENCH_ROUNDS", 5);
    let pull_apps = number("BENCH_PULL_APPS", 5000);
    let mut options = ConnectOptions::new(env("BENCH_DATABASE_URL", ""));
    options.max_connections(32).sqlx_logging(false);
    let db = Database::connect(options).await.expect("database");
    let helper = bench.token("demo-social-worker").await;
    let other = bench.token("demo-helper-b").await;
    let actor = account_id(&bench.client, &bench.url, &helper).await;
    let mut person = 0_u32;

    // The pull: a community of BENCH_PULL_APPS applications (made by pushes: the warm-up).
    let setup = Instant::now();
    let warm = ours(&bench, &other, "500199002001", pull_apps * OPS_PER_APP, devices, &mut person).await;
    println!(
        "setup and warm-up: {} applications pushed to 石岭村 in {:.1} s ({warm:.0} ops/s)",
        pull_apps,
        setup.elapsed().as_secs_f64()
    );
    let mut pulls = Vec::new();
    let mut pulled = 0;
    for _ in 0..5 {
        let (secs, apps) = full_pull(&bench, &other).await;
        pulls.push(secs);
        pulled = apps;
    }
    println!(
        "full pull of a community with {pulled} applications (pages of 1,000 changes): median {:.2} s, spread {:.2}-{:.2} s",
        median(&mut pulls.clone()),
        pulls.iter().copied().fold(f64::INFINITY, f64::min),
        pulls.iter().copied().fold(0.0, f64::max)
    );
    reference(&db, actor, BATCH * devices, devices).await;

    let server_pid = env("BENCH_SERVER_PID", "");
    let own_pid = std::process::id().to_string();
    let (mut our_rates, mut ref_rates) = (Vec::new(), Vec::new());
    let (mut our_cpu, mut reference_cpu) = (CpuUsed::default(), CpuUsed::default());
    for round in 1..=rounds {
        let (a, cpu) =
            cpu_around(&server_pid, &db, ours(&bench, &helper, "500199001001", ops, devices, &mut person)).await;
        our_cpu += cpu;
        let (b, cpu) = cpu_around(&own_pid, &db, reference(&db, actor, ops, devices)).await;
        reference_cpu += cpu;
        println!("round {round}: ours {a:.0} ops/s, plain INSERT {b:.0} ops/s");
        our_rates.push(a);
        ref_rates.push(b);
    }
    let (o, r) = (median(&mut our_rates.clone()), median(&mut ref_rates.clone()));
    println!(
        "{ops} ops per round in batches of {BATCH} from {devices} phones: ours median {o:.0} ops/s (spread {}), \
         plain INSERT median {r:.0} ops/s (spread {})",
        spread(&our_rates),
        spread(&ref_rates)
    );
    println!("{}", cpu_line("op", our_cpu, ops * rounds, reference_cpu, ops * rounds));
    let ratio = o / r;
    let met = o >= 5000.0 && ratio >= 0.35;
    println!(
        "RESULT sync ours={o:.0} ops/s ref={r:.0} ops/s ratio={ratio:.2} goal=>=5000ops/s,>=0.35 {}",
        if met { "met" } else { "not met" }
    );
}
