//! A day of an offline helper: three applications with ID photos and the applicant's signed
//! authorization, and one assisted check-in, made
//! in a village without signal, synced over a connection that drops at random points (before the
//! server has the request, or after it has answered), with the phone doing what a real one does:
//! retry, ask where it stands, resume. At the end the server holds exactly what was made, once,
//! and a colleague's phone pulls the same.

use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use tests::checkins::{open_now, selfie_at};
use tests::{FlakyProxy, TestApp, id_number, jpeg_bytes, png_bytes, signature_png};
use uuid::Uuid;

const COMMUNITY: &str = "500199001001";
/// Ops per push, small so that a day's work takes many round trips over the bad connection.
const BATCH: usize = 4;
const CHUNK: usize = 8 * 1024;

/// A phone that talks through `base` (the flaky proxy) and never gives up before `TRIES`.
struct Phone {
    base: String,
    client: reqwest::Client,
    token: String,
    device: Uuid,
}

const TRIES: usize = 400;

/// What came back whole: status, `Upload-Offset`, body.
type Answer = (u16, Option<String>, Vec<u8>);

impl Phone {
    fn new(base: String, token: String) -> Self {
        // A new connection per request: each one may be cut on its own.
        let client = reqwest::Client::builder()
            .pool_max_idle_per_host(0)
            .timeout(Duration::from_secs(20))
            .build()
            .expect("client");
        Self { base, client, token, device: Uuid::now_v7() }
    }

    /// Sends until an answer arrives whole.
    async fn send(&self, build: impl Fn(&reqwest::Client, &str) -> reqwest::RequestBuilder) -> Answer {
        for _ in 0..TRIES {
            let Ok(response) = build(&self.client, &self.base).bearer_auth(&self.token).send().await else {
                continue;
            };
            let status = response.status().as_u16();
            let offset = response.headers().get("upload-offset").map(|v| v.to_str().unwrap().to_owned());
            if let Ok(body) = response.bytes().await {
                return (status, offset, body.to_vec());
            }
        }
        panic!("no answer after {TRIES} tries");
    }

    /// Creates the upload of a photo (again after a lost answer: the same one), before any op
    /// names it; the bytes may follow later.
    async fn create_upload(&self, id: Uuid, bytes: &[u8]) {
        let checksum = format!("sha256 {}", STANDARD.encode(Sha256::digest(bytes)));
        let (status, _, body) = self
            .send(|c, base| {
                c.post(format!("{base}/api/v1/uploads"))
                    .header("Upload-Length", bytes.len().to_string())
                    .header("Upload-Checksum", &checksum)
                    .header("Upload-Metadata", format!("id {}", STANDARD.encode(id.to_string())))
            })
            .await;
        assert!(status == 201 || status == 200, "{status} {}", String::from_utf8_lossy(&body));
    }

    /// Uploads a photo: creates the upload, then appends chunks from wherever the server says it
    /// stands.
    async fn upload(&self, id: Uuid, bytes: &[u8]) {
        self.create_upload(id, bytes).await;
        let url = format!("/api/v1/uploads/{id}");
        loop {
            let (status, offset, _) = self.send(|c, base| c.head(format!("{base}{url}"))).await;
            assert_eq!(status, 200);
            let offset: usize = offset.expect("Upload-Offset").parse().unwrap();
            if offset == bytes.len() {
                return;
            }
            let chunk = bytes[offset..].iter().take(CHUNK).copied().collect::<Vec<u8>>();
            // One try: whatever happens, ask again where the upload stands.
            let _ = self
                .client
                .patch(format!("{}{url}", self.base))
                .bearer_auth(&self.token)
                .header("Content-Type", "application/offset+octet-stream")
                .header("Upload-Offset", offset.to_string())
                .body(chunk)
                .send()
                .await;
        }
    }

    /// Pushes every op not answered for good, a few at a time in sequence order, each batch
    /// again until its answer is heard (an answer lost in a cut: the answered ops come back
    /// `duplicate`, with the first answer). Ops that wait (`retry_later`) stay in the queue.
    async fn push(&self, ops: &[Value], answers: &mut [Option<Value>]) {
        let queue: Vec<usize> = (0..ops.len()).filter(|i| answers[*i].is_none()).collect();
        for chunk in queue.chunks(BATCH) {
            let batch: Vec<Value> = chunk.iter().map(|i| ops[*i].clone()).collect();
            let request = json!({"device_id": self.device, "ops": batch});
            let body = loop {
                let sent =
                    self.client.post(format!("{}/api/v1/sync/push", self.base)).bearer_auth(&self.token).json(&request);
                let Ok(response) = sent.send().await else { continue };
                let Ok(body) = response.json::<Value>().await else { continue };
                break body;
            };
            for result in body["results"].as_array().unwrap() {
                let seq = result["seq"].as_u64().unwrap() as usize;
                if result["outcome"] != "retry_later" {
                    answers[seq - 1].get_or_insert_with(|| result.clone());
                }
            }
        }
    }

    /// Every page of a full pull.
    async fn pull(&self) -> Vec<Value> {
        let mut changes = Vec::new();
        let mut cursor = String::new();
        loop {
            let (status, _, body) =
                self.send(|c, base| c.get(format!("{base}/api/v1/sync/pull?limit=7&cursor={cursor}"))).await;
            assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
            let page: Value = serde_json::from_slice(&body).unwrap();
            changes.extend(page["changes"].as_array().unwrap().iter().cloned());
            cursor = page["cursor"].as_str().unwrap().to_owned();
            if page["more"] == false {
                return changes;
            }
        }
    }
}

/// One application made offline: its ops from `seq`, its ID photo and the applicant's signature.
struct Draft {
    id: Uuid,
    upload: Uuid,
    photo: Vec<u8>,
    signature_upload: Uuid,
}

/// The authorization text the phone downloaded before going out: version and SHA-256.
type Text = (String, String);

fn draft_ops(draft: &Draft, n: u32, text: &Text, seq: &mut i64) -> Vec<Value> {
    let now = chrono::Utc::now();
    let (me, spouse, document, signature) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
    let mut op = |name: &str, id: Uuid, base: Option<i32>, data: Value| {
        *seq += 1;
        json!({"op_id": Uuid::now_v7(), "seq": *seq, "op": name, "entity_id": id,
               "base_version": base, "client_time": now, "data": data})
    };
    vec![
        op(
            "application.create",
            draft.id,
            None,
            json!({"community_code": COMMUNITY, "items": ["dibao", "medical"], "contact_phone": "13800138000",
                   "household": {"assets_fen": 100_000}}),
        ),
        op(
            "member.update",
            me,
            Some(1),
            json!({"application_id": draft.id, "name": "张秀英", "relation": "self",
                   "id_number": id_number("19500317", 60 + n * 2), "monthly_income_fen": 30_000}),
        ),
        op(
            "member.update",
            spouse,
            Some(2),
            json!({"application_id": draft.id, "name": "李建国", "relation": "spouse",
                   "id_number": id_number("19480101", 61 + n * 2), "disabled": true}),
        ),
        op(
            "document.create",
            document,
            None,
            json!({"application_id": draft.id, "upload_id": draft.upload, "type": "id_card_front", "member_id": me}),
        ),
        op(
            "document.create",
            signature,
            None,
            json!({"application_id": draft.id, "upload_id": draft.signature_upload, "type": "signature"}),
        ),
        op(
            "authorization.create",
            Uuid::now_v7(),
            None,
            json!({"application_id": draft.id, "text_version": text.0, "text_sha256": text.1,
                   "scope": ["bank_deposits", "real_estate", "vehicles", "social_insurance"],
                   "signer_member_id": me, "capacity": "self", "covers": [me],
                   "signature_document_id": signature, "device": "华为畅享 / HarmonyOS 4"}),
        ),
        op(
            "application.update",
            draft.id,
            Some(5),
            json!({"items": ["dibao", "medical"], "contact_phone": "13800138000",
                   "household": {"assets_fen": 100_000}, "note": format!("入户走访第{n}户,老人行动不便")}),
        ),
    ]
}

#[tokio::test]
async fn a_day_of_an_offline_helper_syncs_exactly_once_over_a_connection_that_keeps_dropping() {
    let app = TestApp::spawn_demo_with(open_now).await;
    let (recipient, _) = app.recipient("day-recipient", 41, "dibao").await;
    let helper = app.token("demo-social-worker").await;
    let upstream: std::net::SocketAddr = app.address.trim_start_matches("http://").parse().unwrap();
    // Another seed replays another day: SYNC_DAY_SEED=7 cargo test sync_day
    let seed = std::env::var("SYNC_DAY_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(20_261_202);
    let proxy = FlakyProxy::start(upstream, seed, 35).await;
    let phone = Phone::new(format!("http://{}", proxy.addr), helper.clone());

    // The day's work, made offline.
    let drafts: Vec<Draft> = [11_u8, 22, 33]
        .into_iter()
        .map(|seed| Draft {
            id: Uuid::now_v7(),
            upload: Uuid::now_v7(),
            photo: jpeg_bytes(seed),
            signature_upload: Uuid::now_v7(),
        })
        .collect();
    let text = app.authorization_text().await;
    let signature = png_bytes(&signature_png());
    let mut seq = 0;
    let mut ops: Vec<Value> = drafts.iter().zip(1..).flat_map(|(d, n)| draft_ops(d, n, &text, &mut seq)).collect();
    let (checkin, selfie_upload, selfie) = (Uuid::now_v7(), Uuid::now_v7(), selfie_at(653, 60));
    ops.push(json!({"op_id": Uuid::now_v7(), "seq": seq + 1, "op": "checkin.create", "entity_id": checkin,
        "client_time": chrono::Utc::now(),
        "data": {"recipient_id": recipient, "performed_at": chrono::Utc::now() - chrono::Duration::hours(2),
                 "location_note": "入户核验,本人在家", "upload_id": selfie_upload}}));

    // Back in signal: the photos' uploads are created, the queue is pushed before their bytes are
    // through (the photo ops and the ops on the same applications wait; the drafts and their
    // members go in), then the photos, then the rest of the queue.
    for draft in &drafts {
        phone.create_upload(draft.upload, &draft.photo).await;
        phone.create_upload(draft.signature_upload, &signature).await;
    }
    phone.create_upload(selfie_upload, &selfie).await;
    let mut answers: Vec<Option<Value>> = vec![None; ops.len()];
    phone.push(&ops, &mut answers).await;
    let kinds: Vec<&str> =
        (0..ops.len()).filter(|i| answers[*i].is_some()).map(|i| ops[i]["op"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["application.create", "member.update", "member.update"].repeat(3), "only what needs no photo");
    for draft in &drafts {
        phone.upload(draft.upload, &draft.photo).await;
        phone.upload(draft.signature_upload, &signature).await;
    }
    phone.upload(selfie_upload, &selfie).await;
    phone.push(&ops, &mut answers).await;
    assert!(proxy.cuts.load(std::sync::atomic::Ordering::Relaxed) >= 5, "the connection was cut along the way");

    // Every op answered for good: applied the first time it arrived whole (or a duplicate, when
    // the phone heard of it only on a resend).
    for (i, answer) in answers.iter().enumerate() {
        let answer = answer.as_ref().unwrap_or_else(|| panic!("op {} unanswered", i + 1));
        let outcome = answer["outcome"].as_str().unwrap();
        assert!(
            outcome == "applied" || (outcome == "duplicate" && answer["original"] == "applied"),
            "op {}: {answer}",
            i + 1
        );
    }

    // On the server: exactly the three applications, each whole, once.
    let db = &app.state.db;
    let me: Value = app.get_as("/api/v1/me", Some(&helper)).await.json().await.unwrap();
    let helper_id: Uuid = me["id"].as_str().unwrap().parse().unwrap();
    let filed = entity::application::Entity::find()
        .filter(entity::application::Column::ActorAccountId.eq(helper_id))
        .count(db)
        .await
        .unwrap();
    assert_eq!(filed, 3);
    for (draft, n) in drafts.iter().zip(1..) {
        let server = app.application(&helper, &draft.id.to_string()).await;
        assert_eq!(server["members"].as_array().unwrap().len(), 2, "{server}");
        assert_eq!(server["documents"].as_array().unwrap().len(), 2, "the ID photo and the signature: {server}");
        assert_eq!(server["authorizations"].as_array().unwrap().len(), 1, "{server}");
        assert_eq!(server["note"], format!("入户走访第{n}户,老人行动不便"));
    }
    let ops_kept = entity::sync_op::Entity::find().count(db).await.unwrap();
    assert_eq!(ops_kept, ops.len() as u64, "one answer kept per op");
    assert_eq!(entity::sync_waiting::Entity::find().count(db).await.unwrap(), 0, "nothing waits any more");
    let checkins = entity::checkin::Entity::find()
        .filter(entity::checkin::Column::RecipientId.eq(recipient.parse::<Uuid>().unwrap()))
        .all(db)
        .await
        .unwrap();
    assert_eq!(checkins.len(), 1, "one assisted check-in, however often it was sent");
    assert_eq!((checkins[0].mode.as_str(), checkins[0].outcome.as_str()), ("assisted", "passed"));

    // A colleague's phone, over the same bad connection, pulls the same.
    let colleague = Phone::new(format!("http://{}", proxy.addr), app.token("demo-grid-worker").await);
    let changes = colleague.pull().await;
    for draft in &drafts {
        let pulled: Vec<&Value> = changes.iter().filter(|c| c["id"] == draft.id.to_string()).collect();
        assert_eq!(pulled.len(), 1, "each application once");
        let application = &pulled[0]["application"];
        assert_eq!(application["members"].as_array().unwrap().len(), 2);
        assert_eq!(application["documents"].as_array().unwrap().len(), 2);
        assert_eq!(application["authorizations"].as_array().unwrap().len(), 1);
    }
    let done: Vec<&Value> = changes
        .iter()
        .filter(|c| c["entity"] == "checkin_period" && c["checkin_period"]["recipient_id"] == recipient.as_str())
        .filter(|c| c["checkin_period"]["status"] == "done")
        .collect();
    assert!(!done.is_empty(), "the recipient's period reads done on the colleague's phone");
    assert!(done.iter().all(|c| c["checkin_period"]["done_mode"] == "assisted"));
}
