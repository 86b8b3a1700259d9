//! Resumable uploads: a photo sent in chunks over a connection cut at an arbitrary byte, resumed
//! from the offset the server reports; a wrong offset, a wrong checksum, and who may not touch it.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::Value;
use sha2::{Digest, Sha256};
use tests::{TestApp, problem};
use tokio::io::AsyncWriteExt;
use uuid::Uuid;

fn photo() -> Vec<u8> {
    tests::jpeg_bytes(7)
}

fn checksum(bytes: &[u8]) -> String {
    format!("sha256 {}", STANDARD.encode(Sha256::digest(bytes)))
}

async fn create(app: &TestApp, token: &str, id: Uuid, bytes: &[u8]) -> reqwest::Response {
    app.client
        .post(app.url("/api/v1/uploads"))
        .bearer_auth(token)
        .header("Tus-Resumable", "1.0.0")
        .header("Upload-Length", bytes.len().to_string())
        .header("Upload-Checksum", checksum(bytes))
        .header("Upload-Metadata", format!("id {}", STANDARD.encode(id.to_string())))
        .send()
        .await
        .unwrap()
}

async fn patch(app: &TestApp, token: &str, id: Uuid, offset: usize, chunk: &[u8]) -> reqwest::Response {
    app.client
        .patch(app.url(&format!("/api/v1/uploads/{id}")))
        .bearer_auth(token)
        .header("Content-Type", "application/offset+octet-stream")
        .header("Upload-Offset", offset.to_string())
        .body(chunk.to_vec())
        .send()
        .await
        .unwrap()
}

async fn offset(app: &TestApp, token: &str, id: Uuid) -> (u16, Option<String>) {
    let response = app.client.head(app.url(&format!("/api/v1/uploads/{id}"))).bearer_auth(token).send().await.unwrap();
    let offset = response.headers().get("upload-offset").map(|v| v.to_str().unwrap().to_owned());
    (response.status().as_u16(), offset)
}

/// Sends a chunk's headers and only `sent` of its bytes, then drops the connection.
async fn cut_chunk(app: &TestApp, token: &str, id: Uuid, offset: usize, chunk: &[u8], sent: usize) {
    let address = app.address.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    let head = format!(
        "PATCH /api/v1/uploads/{id} HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: application/offset+octet-stream\r\nUpload-Offset: {offset}\r\nContent-Length: {}\r\n\r\n",
        chunk.len()
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(&chunk[..sent]).await.unwrap();
    stream.shutdown().await.unwrap();
    drop(stream);
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
}

#[tokio::test]
async fn an_upload_cut_at_an_arbitrary_byte_resumes_from_the_offset_the_server_reports() {
    let app = TestApp::spawn_demo().await;
    let helper = app.token("demo-social-worker").await;
    let bytes = photo();
    let id = Uuid::now_v7();
    let created = create(&app, &helper, id, &bytes).await;
    assert_eq!(created.status(), 201);
    assert_eq!(created.headers()["location"], format!("/api/v1/uploads/{id}").as_str());
    assert_eq!(created.headers()["upload-offset"], "0");
    // The phone did not hear the answer and creates again: the same upload.
    let again = create(&app, &helper, id, &bytes).await;
    assert_eq!(again.status(), 200);

    let first = 1000;
    assert_eq!(patch(&app, &helper, id, 0, &bytes[..first]).await.status(), 204);
    // The next chunk is cut 777 bytes in: nothing of it is kept.
    cut_chunk(&app, &helper, id, first, &bytes[first..], 777).await;
    assert_eq!(offset(&app, &helper, id).await, (200, Some(first.to_string())));
    // A chunk at the wrong offset is refused with where the upload stands.
    let body =
        problem(patch(&app, &helper, id, first + 777, &bytes[first + 777..]).await, 409, "UPLOAD_OFFSET_MISMATCH")
            .await;
    assert_eq!(body["current"]["offset"], first);
    // The rest, by POST with the method override (clients that cannot send PATCH).
    let rest = app
        .client
        .post(app.url(&format!("/api/v1/uploads/{id}")))
        .bearer_auth(&helper)
        .header("X-HTTP-Method-Override", "PATCH")
        .header("Content-Type", "application/offset+octet-stream")
        .header("Upload-Offset", first.to_string())
        .body(bytes[first..].to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(rest.status(), 204);
    assert_eq!(rest.headers()["upload-offset"], bytes.len().to_string().as_str());
    let done: Value = create(&app, &helper, id, &bytes).await.json().await.unwrap();
    assert_eq!(done["complete"], true, "{done}");
    let stored = app.state.storage.get(&format!("uploads/{id}/file")).await.unwrap();
    assert_eq!(stored, bytes, "the file is put together byte for byte");
}

#[tokio::test]
async fn a_wrong_checksum_starts_over_and_bad_requests_are_refused() {
    let app = TestApp::spawn_demo_with(|s| s.sync.upload_chunk_max_bytes = 4096).await;
    let helper = app.token("demo-social-worker").await;
    let bytes = photo();
    let id = Uuid::now_v7();
    let mut declared = bytes.clone();
    declared[10] ^= 0xff;
    let created = app
        .client
        .post(app.url("/api/v1/uploads"))
        .bearer_auth(&helper)
        .header("Upload-Length", bytes.len().to_string())
        .header("Upload-Checksum", checksum(&declared))
        .header("Upload-Metadata", format!("id {}", STANDARD.encode(id.to_string())))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    let mut at = 0;
    let mut last = None;
    for chunk in bytes.chunks(4096) {
        last = Some(patch(&app, &helper, id, at, chunk).await);
        at += chunk.len();
    }
    let body = problem(last.unwrap(), 422, "UPLOAD_CHECKSUM_MISMATCH").await;
    assert!(body["detail"].as_str().unwrap().contains("重新上传"), "{body}");
    assert_eq!(offset(&app, &helper, id).await, (200, Some("0".to_owned())), "the upload starts over");

    // Too large a chunk; past the declared length; not a chunk; no offset.
    problem(patch(&app, &helper, id, 0, &vec![0; 4097]).await, 413, "PAYLOAD_TOO_LARGE").await;
    let small = Uuid::now_v7();
    assert_eq!(create(&app, &helper, small, b"tiny").await.status(), 201);
    problem(patch(&app, &helper, small, 0, b"tiny!").await, 413, "PAYLOAD_TOO_LARGE").await;
    let wrong_type = app
        .client
        .patch(app.url(&format!("/api/v1/uploads/{small}")))
        .bearer_auth(&helper)
        .header("Content-Type", "application/json")
        .header("Upload-Offset", "0")
        .body("{}")
        .send()
        .await
        .unwrap();
    problem(wrong_type, 415, "UNSUPPORTED_MEDIA_TYPE").await;
    let no_offset = app
        .client
        .patch(app.url(&format!("/api/v1/uploads/{small}")))
        .bearer_auth(&helper)
        .header("Content-Type", "application/offset+octet-stream")
        .body("tiny")
        .send()
        .await
        .unwrap();
    let body = problem(no_offset, 400, "INVALID_HEADER").await;
    assert_eq!(body["errors"][0]["field"], "Upload-Offset");
    let no_override = app
        .client
        .post(app.url(&format!("/api/v1/uploads/{small}")))
        .bearer_auth(&helper)
        .header("Content-Type", "application/offset+octet-stream")
        .header("Upload-Offset", "0")
        .body("tiny")
        .send()
        .await
        .unwrap();
    problem(no_override, 400, "INVALID_HEADER").await;
    let no_checksum = app
        .client
        .post(app.url("/api/v1/uploads"))
        .bearer_auth(&helper)
        .header("Upload-Length", "10")
        .send()
        .await
        .unwrap();
    let body = problem(no_checksum, 400, "INVALID_HEADER").await;
    assert_eq!(body["errors"][0]["field"], "Upload-Checksum");
    let huge = app
        .client
        .post(app.url("/api/v1/uploads"))
        .bearer_auth(&helper)
        .header("Upload-Length", (100 * 1024 * 1024).to_string())
        .header("Upload-Checksum", checksum(b"x"))
        .send()
        .await
        .unwrap();
    problem(huge, 413, "PAYLOAD_TOO_LARGE").await;
    // The same id for another file.
    problem(create(&app, &helper, small, b"other").await, 409, "CONFLICT").await;
}

/// Creates an upload declaring `header` as its `Upload-Checksum`.
async fn create_with_checksum(app: &TestApp, token: &str, id: Uuid, bytes: &[u8], header: &str) -> reqwest::Response {
    app.client
        .post(app.url("/api/v1/uploads"))
        .bearer_auth(token)
        .header("Upload-Length", bytes.len().to_string())
        .header("Upload-Checksum", header)
        .header("Upload-Metadata", format!("id {}", STANDARD.encode(id.to_string())))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn the_checksum_may_be_hex_as_wechat_gives_it_and_a_bad_one_says_what_it_takes() {
    let app = TestApp::spawn_demo().await;
    let helper = app.token("demo-social-worker").await;
    let bytes = photo();
    let hex: String = Sha256::digest(&bytes).iter().map(|b| format!("{b:02X}")).collect();
    let id = Uuid::now_v7();
    let created = create_with_checksum(&app, &helper, id, &bytes, &format!("sha256 {hex}")).await;
    assert_eq!(created.status(), 201);
    // The same file declared in base64 is the same upload (a retried creation).
    assert_eq!(create(&app, &helper, id, &bytes).await.status(), 200);
    assert_eq!(patch(&app, &helper, id, 0, &bytes).await.status(), 204);
    let whole = app.client.head(app.url(&format!("/api/v1/uploads/{id}"))).bearer_auth(&helper).send().await.unwrap();
    assert_eq!(whole.headers()["upload-offset"].to_str().unwrap(), bytes.len().to_string(), "complete");

    for bad in ["sha256 not-a-digest", "md5 0cc175b9c0f1b6a831c399e269772661", &format!("sha256 {}", &hex[2..])] {
        let refused = create_with_checksum(&app, &helper, Uuid::now_v7(), &bytes, bad).await;
        let body = problem(refused, 400, "INVALID_HEADER").await;
        assert_eq!(body["errors"][0]["field"], "Upload-Checksum", "{bad}");
        let detail = body["detail"].as_str().unwrap();
        assert!(detail.contains("Upload-Checksum") && detail.contains("十六进制"), "{detail}");
    }
}

#[tokio::test]
async fn only_the_uploader_touches_an_upload_and_unfinished_ones_expire() {
    let app = TestApp::spawn_demo().await;
    let helper = app.token("demo-social-worker").await;
    let bytes = photo();
    let id = Uuid::now_v7();
    assert_eq!(create(&app, &helper, id, &bytes).await.status(), 201);
    assert_eq!(patch(&app, &helper, id, 0, &bytes[..100]).await.status(), 204);

    let other = app.token("demo-helper-b").await;
    assert_eq!(offset(&app, &other, id).await.0, 404);
    problem(patch(&app, &other, id, 100, &bytes[100..]).await, 404, "NOT_FOUND").await;
    let resident = app.resident_token("upload-stranger").await;
    assert_eq!(offset(&app, &resident, id).await.0, 404);
    let reviewer = app.token("demo-reviewer").await;
    problem(create(&app, &reviewer, Uuid::now_v7(), &bytes).await, 403, "FORBIDDEN").await;
    let anonymous = app.client.post(app.url("/api/v1/uploads")).send().await.unwrap();
    problem(anonymous, 401, "UNAUTHENTICATED").await;

    // Three days later the unfinished upload and its chunk are gone.
    let later = chrono::Utc::now() + chrono::Duration::hours(73);
    assert_eq!(api::uploads::service::expire(&app.state, later).await.unwrap(), 1);
    assert_eq!(offset(&app, &helper, id).await.0, 404);
}

#[tokio::test]
async fn a_photo_taken_offline_is_linked_by_a_pushed_op_once_its_upload_is_whole() {
    let app = TestApp::spawn_demo().await;
    let helper = app.token("demo-social-worker").await;
    let (device, application, member, document) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
    let upload = Uuid::now_v7();
    let now = chrono::Utc::now();
    let ops = serde_json::json!([
        {"op_id": Uuid::now_v7(), "seq": 1, "op": "application.create", "entity_id": application,
         "client_time": now, "data": {"community_code": "500199001001", "items": ["dibao"],
         "contact_phone": "13800138000", "household": {}}},
        {"op_id": Uuid::now_v7(), "seq": 2, "op": "member.update", "entity_id": member,
         "base_version": 1, "client_time": now,
         "data": {"application_id": application, "name": "王桂兰", "relation": "self",
                  "id_number": tests::id_number("19520611", 5)}},
        {"op_id": Uuid::now_v7(), "seq": 3, "op": "document.create", "entity_id": document,
         "client_time": now, "data": {"application_id": application, "upload_id": upload,
         "type": "id_card_front", "member_id": member}},
    ]);
    let push = |ops: Value| {
        let app = &app;
        let helper = &helper;
        async move {
            let body = serde_json::json!({"device_id": device, "ops": ops});
            let response = app.post_json("/api/v1/sync/push", Some(helper), &body).await;
            assert_eq!(response.status(), 200);
            response.json::<Value>().await.unwrap()
        }
    };
    // The phone creates the upload, and its ops arrive before the photo's bytes: the link waits.
    let bytes = tests::jpeg_bytes(3);
    assert_eq!(create(&app, &helper, upload, &bytes).await.status(), 201);
    let first = push(ops.clone()).await;
    let outcomes: Vec<&str> =
        first["results"].as_array().unwrap().iter().map(|r| r["outcome"].as_str().unwrap()).collect();
    assert_eq!(outcomes, ["applied", "applied", "retry_later"], "{first}");
    assert_eq!(first["results"][2]["code"], "UPLOAD_NOT_FINISHED");
    assert!(first["results"][2]["message"].as_str().unwrap().contains("续传"));

    assert_eq!(patch(&app, &helper, upload, 0, &bytes).await.status(), 204);
    let second = push(ops.clone()).await;
    let outcomes: Vec<&str> =
        second["results"].as_array().unwrap().iter().map(|r| r["outcome"].as_str().unwrap()).collect();
    assert_eq!(outcomes, ["duplicate", "duplicate", "applied"], "{second}");
    let draft = app.application(&helper, &application.to_string()).await;
    let documents = draft["documents"].as_array().unwrap();
    assert_eq!(documents.len(), 1, "{draft}");
    assert_eq!(
        (documents[0]["type"].as_str(), documents[0]["member_id"].clone()),
        (Some("id_card_front"), serde_json::json!(member))
    );
    // Linked uploads are kept past their expiry (the document holds the photo now).
    let later = chrono::Utc::now() + chrono::Duration::hours(73);
    assert_eq!(api::uploads::service::expire(&app.state, later).await.unwrap(), 0);
}

fn op(seq: i64, name: &str, entity_id: Uuid, base_version: Option<i32>, data: Value) -> Value {
    serde_json::json!({"op_id": Uuid::now_v7(), "seq": seq, "op": name, "entity_id": entity_id,
                       "base_version": base_version, "client_time": chrono::Utc::now(), "data": data})
}

fn draft(seq: i64, id: Uuid) -> Value {
    op(
        seq,
        "application.create",
        id,
        None,
        serde_json::json!({"community_code": "500199001001",
        "items": ["dibao"], "contact_phone": "13800138000", "household": {}}),
    )
}

fn member(seq: i64, application: Uuid, base: i32, relation: &str, n: u32) -> Value {
    op(
        seq,
        "member.update",
        Uuid::now_v7(),
        Some(base),
        serde_json::json!({"application_id": application,
        "name": "王桂兰", "relation": relation, "id_number": tests::id_number("19520611", n)}),
    )
}

fn photo_op(seq: i64, application: Uuid, upload: Uuid) -> Value {
    op(
        seq,
        "document.create",
        Uuid::now_v7(),
        None,
        serde_json::json!({"application_id": application,
        "upload_id": upload, "type": "household_register"}),
    )
}

fn answers(body: &Value) -> Vec<(String, Option<String>)> {
    body["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["outcome"].as_str().unwrap().to_owned(), r["code"].as_str().map(str::to_owned)))
        .collect()
}

fn answer(outcome: &str, code: Option<&str>) -> (String, Option<String>) {
    (outcome.to_owned(), code.map(str::to_owned))
}

#[tokio::test]
async fn an_upload_never_made_is_refused_and_an_unfinished_one_holds_only_the_ops_that_need_it() {
    let app = TestApp::spawn_demo().await;
    let helper = app.token("demo-social-worker").await;
    let (device, first, second) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
    let (unfinished, never) = (Uuid::now_v7(), Uuid::now_v7());
    let bytes = tests::jpeg_bytes(3);
    assert_eq!(create(&app, &helper, unfinished, &bytes).await.status(), 201);
    assert_eq!(patch(&app, &helper, unfinished, 0, &bytes[..100]).await.status(), 204);
    let ops = vec![
        draft(1, first),
        photo_op(2, first, unfinished),
        member(3, first, 1, "self", 5),
        draft(4, second),
        photo_op(5, second, never),
        member(6, second, 1, "self", 6),
    ];
    let push = |ops: Vec<Value>| {
        let (app, helper) = (&app, &helper);
        async move {
            let body = serde_json::json!({"device_id": device, "ops": ops});
            let response = app.post_json("/api/v1/sync/push", Some(helper), &body).await;
            assert_eq!(response.status(), 200);
            response.json::<Value>().await.unwrap()
        }
    };
    let body = push(ops.clone()).await;
    assert_eq!(
        answers(&body),
        [
            answer("applied", None),
            answer("retry_later", Some("UPLOAD_NOT_FINISHED")),
            answer("retry_later", Some("WAITING_FOR_EARLIER_OP")),
            answer("applied", None),
            answer("rejected", Some("UPLOAD_NOT_FOUND")),
            answer("applied", None),
        ],
        "{body}"
    );
    assert_eq!(body["results"][2]["waiting_for"], ops[1]["op_id"], "the member waits behind the photo");
    assert!(body["results"][4]["message"].as_str().unwrap().contains("重新"), "{body}");
    assert_eq!(body["applied_seq"], 1, "2 and 3 are not answered for good");
    assert_eq!(app.application(&helper, &second.to_string()).await["members"].as_array().map(Vec::len), Some(1));

    // New ops before the photo is through, without 2 and 3 (they wait, so they are no gap): on the
    // second application it goes in; on the first it waits behind the member that waits.
    let eight = member(8, first, 1, "spouse", 8);
    let body = push(vec![member(7, second, 2, "spouse", 7), eight.clone()]).await;
    assert_eq!(
        answers(&body),
        [answer("applied", None), answer("retry_later", Some("WAITING_FOR_EARLIER_OP"))],
        "{body}"
    );
    assert_eq!(body["results"][1]["waiting_for"], ops[2]["op_id"], "behind the nearest op on its application");

    // The photo arrives; the phone resends what was not answered for good (and 4, whose answer it
    // did not hear).
    assert_eq!(patch(&app, &helper, unfinished, 100, &bytes[100..]).await.status(), 204);
    let body = push(vec![ops[1].clone(), ops[2].clone(), ops[3].clone(), eight]).await;
    assert_eq!(
        answers(&body),
        [answer("applied", None), answer("applied", None), answer("duplicate", None), answer("applied", None)],
        "{body}"
    );
    assert_eq!(body["applied_seq"], 8);
    let draft = app.application(&helper, &first.to_string()).await;
    assert_eq!(
        (draft["documents"].as_array().map(Vec::len), draft["members"].as_array().map(Vec::len)),
        (Some(1), Some(2)),
        "{draft}"
    );
}
