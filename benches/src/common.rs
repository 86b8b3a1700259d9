//! What the API benchmarks share: settings from the environment, resident sign-in through the
//! `dev` provider, and complete drafts made through the API (the same requests a phone sends).

use std::sync::atomic::{AtomicU32, Ordering};

use futures_util::StreamExt;
use serde_json::{Value, json};
use uuid::Uuid;

use tests::{id_number, jpeg_bytes, multipart, png_bytes, signature_png};

static NEXT_PERSON: AtomicU32 = AtomicU32::new(0);

pub fn env(name: &str, default: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| default.to_owned())
}

pub fn number(name: &str, default: usize) -> usize {
    env(name, &default.to_string()).parse().expect("a number")
}

pub fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

/// A new adult applicant's and a child's ID numbers, unique in this run.
fn people() -> (String, String) {
    let n = NEXT_PERSON.fetch_add(1, Ordering::Relaxed);
    let birth = chrono::NaiveDate::from_ymd_opt(1940, 1, 1).unwrap() + chrono::Days::new(u64::from(n / 400));
    let child = chrono::NaiveDate::from_ymd_opt(2015, 1, 1).unwrap() + chrono::Days::new(u64::from(n % 3000));
    (
        id_number(&birth.format("%Y%m%d").to_string(), 100 + n % 400),
        id_number(&child.format("%Y%m%d").to_string(), n % 1000),
    )
}

/// Residents signed in to a running server, making drafts through its API.
pub struct Drafter {
    pub url: String,
    pub client: reqwest::Client,
    pub tokens: Vec<String>,
    version: String,
    sha: String,
    signature: Vec<u8>,
}

impl Drafter {
    /// Signs in `residents` residents (`dev:<prefix>-<i>`) on the server at `url`.
    pub async fn connect(url: String, client: reqwest::Client, prefix: &str, residents: usize) -> Self {
        let mut tokens = Vec::new();
        for i in 0..residents {
            let response = client
                .post(format!("{url}/api/v1/auth/wechat"))
                .json(&json!({"code": format!("dev:{prefix}-{i}")}))
                .send()
                .await
                .expect("sign-in");
            let body: Value = response.json().await.expect("token");
            tokens.push(body["access_token"].as_str().expect("access_token").to_owned());
        }
        let text: Value = client
            .get(format!("{url}/api/v1/authorization-text"))
            .send()
            .await
            .expect("text")
            .json()
            .await
            .expect("text");
        Self {
            url,
            client,
            tokens,
            version: text["version"].as_str().expect("version").to_owned(),
            sha: text["sha256"].as_str().expect("sha").to_owned(),
            signature: png_bytes(&signature_png()),
        }
    }

    pub async fn send(&self, request: reqwest::RequestBuilder, expect: u16) -> Value {
        let response = request.send().await.expect("request");
        let status = response.status().as_u16();
        let body: Value = response.json().await.unwrap_or(Value::Null);
        assert_eq!(status, expect, "{body}");
        body
    }

    pub async fn post(&self, token: &str, path: &str, body: &Value, expect: u16) -> Value {
        self.send(self.client.post(format!("{}{path}", self.url)).bearer_auth(token).json(body), expect).await
    }

    /// A complete draft (create, two members, three photos, a signature and its authorization): its id.
    pub async fn draft(&self, i: usize) -> String {
        self.draft_for(i, &["temporary", "price_subsidy"]).await
    }

    /// A complete draft for `items` (`temporary` and `dibao` bring the documents they need).
    pub async fn draft_for(&self, i: usize, items: &[&str]) -> String {
        let token = &self.tokens[i % self.tokens.len()];
        let id = Uuid::now_v7().to_string();
        let (adult, child) = people();
        let body = json!({"id": id, "community_code": "500199001001", "items": items,
                          "household": {"sudden_hardship": true}, "note": "bench"});
        self.post(token, "/api/v1/applications", &body, 201).await;
        let applicant = Uuid::now_v7().to_string();
        let me = json!({"name": "测试甲", "relation": "self", "id_number": adult, "monthly_income_fen": 50000});
        let kid = json!({"name": "测试乙", "relation": "child", "id_number": child, "student": true});
        for (member, body) in [(applicant.clone(), me), (Uuid::now_v7().to_string(), kid)] {
            let url = format!("{}/api/v1/applications/{id}/members/{member}", self.url);
            self.send(self.client.put(url).bearer_auth(token).json(&body), 201).await;
        }
        let mut documents = vec![("id_card_front", Some(&applicant)), ("id_card_back", Some(&applicant))];
        if items.contains(&"temporary") {
            documents.push(("hardship_proof", None));
        }
        if items.contains(&"dibao") {
            documents.extend([("household_register", None), ("income_proof", None), ("property_statement", None)]);
        }
        for (kind, member) in documents {
            let mut fields = vec![("type", kind)];
            if let Some(member) = member {
                fields.push(("member_id", member.as_str()));
            }
            let (content_type, bytes) = multipart(&fields, &jpeg_bytes(i as u8));
            let url = format!("{}/api/v1/applications/{id}/documents", self.url);
            self.send(self.client.post(url).bearer_auth(token).header("Content-Type", content_type).body(bytes), 201)
                .await;
        }
        let (content_type, bytes) = multipart(&[("type", "signature")], &self.signature);
        let url = format!("{}/api/v1/applications/{id}/documents", self.url);
        let drawn = self
            .send(self.client.post(url).bearer_auth(token).header("Content-Type", content_type).body(bytes), 201)
            .await;
        let signature = json!({"id": Uuid::now_v7(), "text_version": self.version, "text_sha256": self.sha,
            "scope": ["bank_deposits", "real_estate"], "signer_member_id": applicant, "capacity": "self",
            "covers": [applicant], "signature_document_id": drawn["document_id"]});
        self.post(token, &format!("/api/v1/applications/{id}/authorizations"), &signature, 201).await;
        id
    }

    pub async fn drafts(&self, count: usize, concurrency: usize) -> Vec<(usize, String)> {
        futures_util::stream::iter(0..count)
            .map(|i| async move { (i, self.draft(i).await) })
            .buffer_unordered(concurrency)
            .collect()
            .await
    }
}

/// An access token for the demo staff member `username` (password BENCH_PASSWORD).
pub async fn staff_token(client: &reqwest::Client, url: &str, username: &str) -> String {
    let body: Value = client
        .post(format!("{url}/api/v1/auth/password"))
        .json(&json!({"username": username, "password": env("BENCH_PASSWORD", "")}))
        .send()
        .await
        .expect("sign-in")
        .json()
        .await
        .expect("token");
    body["access_token"].as_str().expect("a staff token").to_owned()
}

/// The account id behind an access token (`GET /api/v1/me`).
pub async fn account_id(client: &reqwest::Client, url: &str, token: &str) -> Uuid {
    let me: Value =
        client.get(format!("{url}/api/v1/me")).bearer_auth(token).send().await.expect("me").json().await.expect("me");
    me["id"].as_str().and_then(|s| s.parse().ok()).expect("an account id")
}

/// CPU seconds (user + system) used so far by the process `pid`.
pub fn cpu_seconds(pid: &str) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let fields: Vec<&str> = stat.rsplit(") ").next().unwrap_or_default().split(' ').collect();
    let ticks: f64 = [11, 12].iter().filter_map(|&i| fields.get(i)?.parse::<f64>().ok()).sum();
    ticks / 100.0
}

/// CPU seconds used so far by each PostgreSQL backend serving `db`'s database (this machine's
/// /proc), by backend pid: a bench's own database, so no other client's work is counted.
pub async fn database_cpu(db: &sea_orm::DatabaseConnection) -> std::collections::HashMap<i32, f64> {
    use sea_orm::{ConnectionTrait, DbBackend, Statement};
    let sql = "SELECT pid FROM pg_stat_activity WHERE datname = current_database()";
    let rows = db.query_all_raw(Statement::from_string(DbBackend::Postgres, sql)).await.unwrap_or_default();
    rows.iter()
        .filter_map(|row| row.try_get::<i32>("", "pid").ok())
        .map(|pid| (pid, cpu_seconds(&pid.to_string())))
        .collect()
}

/// The CPU one side of a bench used for its work: the process doing the work on our side of
/// PostgreSQL (the server, or for a reference this bench itself) and the database's backends.
#[derive(Debug, Default, Clone, Copy)]
pub struct CpuUsed {
    pub app: f64,
    pub database: f64,
}

impl std::ops::AddAssign for CpuUsed {
    fn add_assign(&mut self, other: Self) {
        self.app += other.app;
        self.database += other.database;
    }
}

/// Measures the CPU of `app_pid` and of `db`'s backends around `work`. A backend that appears
/// meanwhile counts whole; one that ends meanwhile is lost (pools keep theirs open).
pub async fn cpu_around<T>(
    app_pid: &str,
    db: &sea_orm::DatabaseConnection,
    work: impl Future<Output = T>,
) -> (T, CpuUsed) {
    let (app_before, database_before) = (cpu_seconds(app_pid), database_cpu(db).await);
    let out = work.await;
    let database_after = database_cpu(db).await;
    let database = database_after
        .iter()
        .map(|(pid, after)| after - database_before.get(pid).copied().unwrap_or(0.0))
        .filter(|used| *used > 0.0)
        .sum();
    (out, CpuUsed { app: cpu_seconds(app_pid) - app_before, database })
}

/// One line: the CPU milliseconds per unit of work on each side, e.g.
/// `cpu per submit: ours 1.20 ms server + 0.80 ms PostgreSQL; reference 0.30 ms bench + 0.70 ms PostgreSQL`.
pub fn cpu_line(unit: &str, ours: CpuUsed, our_units: usize, reference: CpuUsed, reference_units: usize) -> String {
    let per = |seconds: f64, units: usize| seconds * 1000.0 / units.max(1) as f64;
    format!(
        "cpu per {unit}: ours {:.2} ms server + {:.2} ms PostgreSQL; reference {:.2} ms bench + {:.2} ms PostgreSQL",
        per(ours.app, our_units),
        per(ours.database, our_units),
        per(reference.app, reference_units),
        per(reference.database, reference_units),
    )
}
