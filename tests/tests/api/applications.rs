//! Applications through the phone flow: scan, pre-check, draft, members, ID photos, signature,
//! submit, list; as a resident and as a helper on someone's behalf.

use serde_json::{Value, json};
use tests::bodies::{Draft, Member};
use tests::{TestApp, id_number, jpeg_bytes, problem};
use uuid::Uuid;

fn field_codes(body: &Value) -> Vec<(String, String)> {
    body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["field"].as_str().unwrap().to_owned(), e["code"].as_str().unwrap().to_owned()))
        .collect()
}

#[tokio::test]
async fn a_resident_applies_from_the_phone_end_to_end() {
    let app = TestApp::spawn_demo().await;
    let admin = app.token("demo-admin").await;
    let point = json!({"id": Uuid::now_v7(), "community_code": "500199001001", "name": "和平社区便民服务站"});
    let point: Value = app.post_json("/api/v1/service-points", Some(&admin), &point).await.json().await.unwrap();

    // Scan the poster, ask the pre-check, sign in with WeChat.
    let scanned: Value =
        app.post_json("/api/v1/scan", None, &json!({"token": point["token"]})).await.json().await.unwrap();
    assert_eq!(scanned["township"]["code"], "500199001");
    let precheck = json!({"community_code": scanned["community"]["code"], "members": [{"age": 76, "monthly_income_fen": 30000}, {"age": 78, "disabled": true}]});
    let suggested: Value = app.post_json("/api/v1/precheck", None, &precheck).await.json().await.unwrap();
    assert!(suggested["suggestions"].as_array().unwrap().iter().any(|s| s["item_code"] == "dibao"));
    let resident = app.resident_token("zhang").await;

    // Draft, members, photos, signatures.
    let id = Uuid::now_v7();
    let draft = json!({"id": id, "community_code": "500199001001", "service_point_id": point["id"], "items": ["dibao", "medical"],
                       "household": {"assets_fen": 100000}, "note": "老伴残疾,无固定收入"});
    let created = app.create_application(&resident, &draft).await;
    assert_eq!(created.status(), 201);
    let created: Value = created.json().await.unwrap();
    assert_eq!((created["status"].as_str(), created["number"].as_null()), (Some("draft"), Some(())));
    assert_eq!(created["actor"]["role"], "resident");
    assert_eq!(created["subject_account_id"], created["actor"]["account_id"]);
    assert_eq!(app.create_application(&resident, &draft).await.status(), 200, "a retried create is the same draft");
    let mut changed = draft.clone();
    changed["items"] = json!(["dibao"]);
    problem(app.create_application(&resident, &changed).await, 409, "CONFLICT").await;

    let app_id = id.to_string();
    let applicant = Uuid::now_v7().to_string();
    let number = id_number("19500317", 11);
    let me = json!({"name": "张秀英", "relation": "self", "id_number": number, "monthly_income_fen": 30000});
    let member = app.put_member(&resident, &app_id, &applicant, &me).await;
    assert_eq!(member.status(), 201);
    let member: Value = member.json().await.unwrap();
    assert_eq!(member["id_number_masked"], format!("500199********{}", &number[14..]));
    assert!(!member.to_string().contains(&number), "the number never comes back");
    assert_eq!(member["birth_date"], "1950-03-17");
    assert_eq!(app.put_member(&resident, &app_id, &applicant, &me).await.status(), 200, "saving again replaces");
    let spouse = Uuid::now_v7().to_string();
    let partner =
        json!({"name": "李建国", "relation": "spouse", "id_number": id_number("19480101", 12), "disabled": true});
    assert_eq!(app.put_member(&resident, &app_id, &spouse, &partner).await.status(), 201);

    let submit = problem(app.submit(&resident, &app_id).await, 422, "APPLICATION_INCOMPLETE").await;
    let missing = field_codes(&submit);
    assert!(missing.contains(&("documents.id_card_back".into(), "MISSING_DOCUMENT".into())), "{missing:?}");
    assert!(missing.contains(&(format!("authorizations.{spouse}"), "MISSING_SIGNATURE".into())));
    let messages: Vec<&str> =
        submit["errors"].as_array().unwrap().iter().map(|e| e["message"].as_str().unwrap()).collect();
    assert!(messages.contains(&"缺少申请人身份证国徽面照片"), "{messages:?}");
    assert!(messages.contains(&"缺少李建国的授权书签字(成年家庭成员均需授权)"));

    for (kind, seed) in [("id_card_front", 1), ("id_card_back", 2)] {
        let uploaded =
            app.upload(&resident, &app_id, &[("type", kind), ("member_id", &applicant)], &jpeg_bytes(seed)).await;
        assert_eq!(uploaded.status(), 201, "{kind}");
    }
    for (kind, seed) in [
        ("household_register", 3),
        ("income_proof", 4),
        ("property_statement", 5),
        ("medical_bill", 6),
        ("diagnosis_certificate", 7),
    ] {
        assert_eq!(app.upload(&resident, &app_id, &[("type", kind)], &jpeg_bytes(seed)).await.status(), 201);
    }
    assert_eq!(app.sign_for_self(&resident, &app_id, &applicant).await.status(), 201);
    assert_eq!(app.sign_for_self(&resident, &app_id, &spouse).await.status(), 201);

    // Submit, twice: one number.
    let submitted = app.submit(&resident, &app_id).await;
    assert_eq!(submitted.status(), 200);
    let submitted: Value = submitted.json().await.unwrap();
    assert_eq!(submitted["status"], "submitted");
    let number_text = submitted["number"].as_str().unwrap().to_owned();
    assert!(number_text.starts_with("JZ-20") && number_text.ends_with("-500199-000001"), "{number_text}");
    for item in submitted["items"].as_array().unwrap() {
        assert_eq!(item["status"], "submitted");
        assert!(item["due_date"].is_string(), "every item has its own deadline");
    }
    assert_eq!(submitted["items"][1]["department"], "医疗保障局");
    assert_eq!(submitted["documents"].as_array().unwrap().len(), 9, "seven photos and two signatures");
    assert_eq!(submitted["authorizations"].as_array().unwrap().len(), 2);
    let again: Value = app.submit(&resident, &app_id).await.json().await.unwrap();
    assert_eq!(again["number"], number_text.as_str(), "a retried submit changes nothing");

    // Read-only now; visible in my list.
    problem(app.put_member(&resident, &app_id, &applicant, &me).await, 409, "APPLICATION_LOCKED").await;
    let edit = json!({"items": ["dibao"]});
    problem(
        app.put_json(&format!("/api/v1/applications/{app_id}"), Some(&resident), &edit).await,
        409,
        "APPLICATION_LOCKED",
    )
    .await;
    let late = app.upload(&resident, &app_id, &[("type", "medical_bill")], &jpeg_bytes(9)).await;
    problem(late, 409, "APPLICATION_LOCKED").await;
    let list: Value = app.get_as("/api/v1/applications", Some(&resident)).await.json().await.unwrap();
    assert_eq!(list["items"][0]["number"], number_text.as_str());
    assert_eq!(list["items"][0]["items"], json!(["dibao", "medical"]));

    // The ID photos are in the wallet for next time.
    let wallet: Value = app.get_as("/api/v1/me/documents", Some(&resident)).await.json().await.unwrap();
    assert_eq!(wallet["items"].as_array().unwrap().len(), 7, "signatures are not wallet documents");
    let events = entity::application_event::Entity::find()
        .filter(entity::application_event::Column::ApplicationId.eq(id))
        .all(&app.state.db)
        .await
        .unwrap();
    let kinds: Vec<&str> = events.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(kinds, ["created", "authorization_signed", "authorization_signed", "submitted"]);
}

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

#[tokio::test]
async fn a_helper_applies_for_an_old_man_without_a_phone() {
    let app = TestApp::spawn_demo().await;
    let helper = app.token("demo-grid-worker").await;
    // On the home visit: the community's code, then the pre-check for a man alone after a fire.
    let admin = app.token("demo-admin").await;
    let point = json!({"id": Uuid::now_v7(), "community_code": "500199001001", "name": "和平社区服务站"});
    let point: Value = app.post_json("/api/v1/service-points", Some(&admin), &point).await.json().await.unwrap();
    let scanned: Value =
        app.post_json("/api/v1/scan", Some(&helper), &json!({"token": point["token"]})).await.json().await.unwrap();
    let facts = json!({"community_code": scanned["community"]["code"], "household": {"sudden_hardship": true, "has_supporter": true},
                       "members": [{"age": 84, "monthly_income_fen": 90000, "disabled": true}]});
    let suggested: Value = app.post_json("/api/v1/precheck", Some(&helper), &facts).await.json().await.unwrap();
    assert!(suggested["suggestions"].as_array().unwrap().iter().any(|s| s["item_code"] == "temporary"), "{suggested}");
    let id = Uuid::now_v7().to_string();
    let draft =
        json!({"id": id, "community_code": "500199001001", "service_point_id": point["id"], "items": ["temporary"]});
    let created: Value = app.create_application(&helper, &draft).await.json().await.unwrap();
    assert_eq!(created["actor"]["role"], "helper");
    assert_eq!(created["actor"]["helper_kind"], "grid_worker");
    assert_eq!(created["subject_account_id"], Value::Null, "the subject has no account");

    let old_man = Uuid::now_v7().to_string();
    let body = json!({"name": "王德福", "relation": "self", "id_number": id_number("19420815", 21), "disabled": true});
    assert_eq!(app.put_member(&helper, &id, &old_man, &body).await.status(), 201);
    for (kind, seed) in [("id_card_front", 1), ("id_card_back", 2)] {
        let status =
            app.upload(&helper, &id, &[("type", kind), ("member_id", &old_man)], &jpeg_bytes(seed)).await.status();
        assert_eq!(status, 201);
    }
    assert_eq!(app.upload(&helper, &id, &[("type", "hardship_proof")], &jpeg_bytes(3)).await.status(), 201);
    assert_eq!(app.sign_for_self(&helper, &id, &old_man).await.status(), 201);

    let missing = problem(app.submit(&helper, &id).await, 422, "APPLICATION_INCOMPLETE").await;
    assert_eq!(
        field_codes(&missing),
        [("contact_phone".to_owned(), "REQUIRED".to_owned())],
        "a helper names the phone for progress"
    );
    // Two helpers edit the same draft: the one who read an old version is told to reload.
    let current: Value = app.get_as(&format!("/api/v1/applications/{id}"), Some(&helper)).await.json().await.unwrap();
    let stale = json!({"items": ["temporary"], "note": "旧", "version": current["version"].as_i64().unwrap() - 1});
    let body = problem(
        app.put_json(&format!("/api/v1/applications/{id}"), Some(&helper), &stale).await,
        409,
        "VERSION_CONFLICT",
    )
    .await;
    assert!(body["detail"].as_str().unwrap().contains("刷新"));
    assert_eq!(body["current"]["version"], current["version"], "the version to reload to");
    // An item added, then dropped again: the draft holds what was chosen last.
    let wider = json!({"items": ["price_subsidy", "temporary"], "version": current["version"]});
    let widened: Value =
        app.put_json(&format!("/api/v1/applications/{id}"), Some(&helper), &wider).await.json().await.unwrap();
    let codes = |out: &Value| {
        let mut codes: Vec<String> =
            out["items"].as_array().unwrap().iter().map(|i| i["code"].as_str().unwrap().to_owned()).collect();
        codes.sort();
        codes
    };
    assert_eq!(codes(&widened), ["price_subsidy", "temporary"]);
    let update = json!({"items": ["temporary"], "contact_phone": "13912345678", "version": widened["version"]});
    let narrowed: Value =
        app.put_json(&format!("/api/v1/applications/{id}"), Some(&helper), &update).await.json().await.unwrap();
    assert_eq!(codes(&narrowed), ["temporary"]);
    let submitted: Value = app.submit(&helper, &id).await.json().await.unwrap();
    assert_eq!(submitted["status"], "submitted");
    assert_eq!(submitted["contact_phone"], "13912345678");

    // The helper's list and the community's other helpers see it; another community's does not.
    let list: Value = app.get_as("/api/v1/applications", Some(&helper)).await.json().await.unwrap();
    assert_eq!(list["items"][0]["id"], id.as_str());
    let colleague = app.token("demo-social-worker").await;
    assert_eq!(app.get_as(&format!("/api/v1/applications/{id}"), Some(&colleague)).await.status(), 200);
    let elsewhere = app.token("demo-helper-b").await;
    problem(app.get_as(&format!("/api/v1/applications/{id}"), Some(&elsewhere)).await, 404, "NOT_FOUND").await;
    let list: Value = app.get_as("/api/v1/applications", Some(&elsewhere)).await.json().await.unwrap();
    assert_eq!(list["items"], json!([]));

    // A helper of another community cannot file there.
    let there = Draft::new("500199001001", &["temporary"]);
    problem(app.create_application(&elsewhere, &there).await, 403, "FORBIDDEN").await;
}

#[tokio::test]
async fn bad_members_items_and_drafts_are_refused_with_what_to_fix() {
    let app = TestApp::spawn_demo().await;
    let resident = app.resident_token("li").await;
    let base = |items: Value| json!({"id": Uuid::now_v7(), "community_code": "500199001001", "items": items});

    let body =
        problem(app.create_application(&resident, &base(json!(["dibao", "tekun"]))).await, 422, "VALIDATION_FAILED")
            .await;
    assert_eq!(field_codes(&body), [("items".to_owned(), "ITEMS_EXCLUSIVE".to_owned())]);
    assert!(body["errors"][0]["message"].as_str().unwrap().contains("不能同时申请"));
    let body = problem(
        app.create_application(&resident, &base(json!(["dibao", "unicorn", "dibao"]))).await,
        422,
        "VALIDATION_FAILED",
    )
    .await;
    assert_eq!(
        field_codes(&body),
        [("items[1]".to_owned(), "UNKNOWN_ITEM".to_owned()), ("items[2]".to_owned(), "DUPLICATE_ITEM".to_owned())]
    );
    let mut bad = base(json!(["dibao"]));
    bad["community_code"] = json!("500199001");
    bad["contact_phone"] = json!("12345");
    let body = problem(app.create_application(&resident, &bad).await, 422, "VALIDATION_FAILED").await;
    assert_eq!(
        field_codes(&body),
        [
            ("community_code".to_owned(), "REGION_NOT_FOUND".to_owned()),
            ("contact_phone".to_owned(), "INVALID_PHONE".to_owned())
        ]
    );

    let draft = base(json!(["dibao"]));
    let id = draft["id"].as_str().unwrap().to_owned();
    assert_eq!(app.create_application(&resident, &draft).await.status(), 201);
    let member =
        |name: &str, relation: &str, number: String| json!({"name": name, "relation": relation, "id_number": number});
    let good = id_number("19800101", 1);
    let mut wrong_check = good.clone();
    wrong_check.replace_range(17..18, if good.ends_with('1') { "2" } else { "1" });
    let cases = [
        (member("甲", "self", wrong_check), "ID_NUMBER_CHECKSUM"),
        (member("甲", "self", id_number("20991231", 1)), "FUTURE_BIRTH_DATE"),
        (member("甲", "self", "50019919800101".into()), "INVALID_ID_NUMBER"),
        (member("", "self", good.clone()), "INVALID_NAME"),
    ];
    for (body, code) in cases {
        let response = app.put_member(&resident, &id, &Uuid::now_v7().to_string(), &body).await;
        let problem_body = problem(response, 422, "VALIDATION_FAILED").await;
        assert_eq!(problem_body["errors"][0]["code"], code, "{body}");
    }
    assert_eq!(
        app.put_member(&resident, &id, &Uuid::now_v7().to_string(), &member("甲", "self", good.clone())).await.status(),
        201
    );
    let twice = problem(
        app.put_member(&resident, &id, &Uuid::now_v7().to_string(), &member("乙", "child", good)).await,
        422,
        "VALIDATION_FAILED",
    )
    .await;
    assert_eq!(twice["errors"][0]["code"], "DUPLICATE_MEMBER");
    let second_self = member("丙", "self", id_number("19850505", 2));
    let body = problem(
        app.put_member(&resident, &id, &Uuid::now_v7().to_string(), &second_self).await,
        422,
        "VALIDATION_FAILED",
    )
    .await;
    assert_eq!(body["errors"][0]["code"], "DUPLICATE_APPLICANT");

    // Files: the bytes decide.
    let gif = app.upload(&resident, &id, &[("type", "household_register")], b"GIF89a\x01\x00\x01\x00").await;
    let body = problem(gif, 415, "FILE_TYPE_UNSUPPORTED").await;
    assert!(body["detail"].as_str().unwrap().contains("JPG"));
    let body = problem(
        app.upload(&resident, &id, &[("type", "selfie_of_cat")], &jpeg_bytes(1)).await,
        422,
        "VALIDATION_FAILED",
    )
    .await;
    assert_eq!(body["errors"][0]["field"], "type");
    let stranger = Uuid::now_v7().to_string();
    let body = problem(
        app.upload(&resident, &id, &[("type", "id_card_front"), ("member_id", &stranger)], &jpeg_bytes(1)).await,
        422,
        "VALIDATION_FAILED",
    )
    .await;
    assert_eq!(body["errors"][0]["code"], "MEMBER_NOT_FOUND");
    let wallet: Value = app.get_as("/api/v1/me/documents", Some(&resident)).await.json().await.unwrap();
    assert_eq!(wallet["items"], json!([]), "nothing refused is kept");
}

#[tokio::test]
async fn one_person_cannot_have_two_open_applications_for_one_item() {
    let app = TestApp::spawn_demo().await;
    let resident = app.resident_token("wu").await;
    let (first, _) = app.ready_draft(&resident, "500199001001", 7).await;
    let first: Value = app.submit(&resident, &first).await.json().await.unwrap();
    let (second, _) = app.ready_draft(&resident, "500199001001", 7).await;
    let body = problem(app.submit(&resident, &second).await, 409, "DUPLICATE_APPLICATION").await;
    assert!(
        body["detail"].as_str().unwrap().contains(first["number"].as_str().unwrap()),
        "the detail names the open one"
    );
    let draft: Value =
        app.get_as(&format!("/api/v1/applications/{second}"), Some(&resident)).await.json().await.unwrap();
    assert_eq!(
        (draft["status"].as_str(), draft["number"].as_null()),
        (Some("draft"), Some(())),
        "nothing half-written"
    );
}

#[tokio::test]
async fn signatures_must_be_real_current_and_of_the_right_person() {
    let app = TestApp::spawn_demo().await;
    let resident = app.resident_token("zhou").await;
    let id = Uuid::now_v7().to_string();
    let draft = Draft::new("500199002001", &["temporary"]).id(&id);
    assert_eq!(app.create_application(&resident, &draft).await.status(), 201);
    let (me, wife, child) = (Uuid::now_v7().to_string(), Uuid::now_v7().to_string(), Uuid::now_v7().to_string());
    for (member, name, relation, birth, seq) in [
        (&me, "周强", "self", "19800101", 1),
        (&wife, "吴芳", "spouse", "19820202", 2),
        (&child, "周小宝", "child", "20180303", 3),
    ] {
        let body = Member::new(name, relation, id_number(birth, seq));
        assert_eq!(app.put_member(&resident, &id, member, &body).await.status(), 201);
    }
    let (version, sha) = app.authorization_text().await;
    let sign = |body: Value| {
        let app = &app;
        let resident = resident.clone();
        let id = id.clone();
        async move { app.post_json(&format!("/api/v1/applications/{id}/authorizations"), Some(&resident), &body).await }
    };
    // The canvas is uploaded first: an empty one or a non-PNG is refused there.
    let blank = app.upload(&resident, &id, &[("type", "signature")], &tests::png_bytes(&tests::blank_png())).await;
    let body = problem(blank, 422, "VALIDATION_FAILED").await;
    assert_eq!(body["errors"][0]["code"], "SIGNATURE_EMPTY");
    problem(app.upload(&resident, &id, &[("type", "signature")], &jpeg_bytes(1)).await, 415, "FILE_TYPE_UNSUPPORTED")
        .await;
    let signature = app.upload_signature(&resident, &id).await;
    let base = |signer: &str, capacity: &str, covers: Value| {
        json!({"id": Uuid::now_v7(), "text_version": version, "text_sha256": sha, "scope": ["bank_deposits"],
               "signer_member_id": signer, "capacity": capacity, "covers": covers, "signature_document_id": signature})
    };
    let body = problem(sign(base(&me, "self", json!([me, wife]))).await, 422, "VALIDATION_FAILED").await;
    assert_eq!(body["errors"][0]["code"], "SIGNATURE_WRONG_PERSON");
    let body = problem(sign(base(&child, "self", json!([child]))).await, 422, "VALIDATION_FAILED").await;
    assert_eq!(body["errors"][0]["code"], "SIGNER_NOT_ADULT");
    let mut stale = base(&me, "self", json!([me]));
    stale["text_sha256"] = json!("0".repeat(64));
    let body = problem(sign(stale).await, 422, "VALIDATION_FAILED").await;
    assert_eq!(body["errors"][0]["code"], "STALE_AUTHORIZATION_TEXT");
    let photo: Value =
        app.upload(&resident, &id, &[("type", "hardship_proof")], &jpeg_bytes(2)).await.json().await.unwrap();
    let mut not_a_signature = base(&me, "self", json!([me]));
    not_a_signature["signature_document_id"] = photo["document_id"].clone();
    let body = problem(sign(not_a_signature).await, 422, "VALIDATION_FAILED").await;
    assert_eq!(body["errors"][0]["code"], "SIGNATURE_NOT_FOUND");
    let body = problem(sign(base(&me, "guardian", json!([child]))).await, 422, "VALIDATION_FAILED").await;
    assert_eq!(body["errors"][0]["code"], "RELATION_REQUIRED");

    // The husband signs for himself; the wife as delegate would need a relation; she signs for herself.
    let mine = base(&me, "self", json!([me]));
    let first: Value = sign(mine.clone()).await.json().await.unwrap();
    assert_eq!(sign(mine.clone()).await.status(), 200, "a retried signature is the same");
    let mut other = mine.clone();
    other["scope"] = json!(["tax"]);
    problem(sign(other).await, 409, "CONFLICT").await;
    let body = problem(sign(base(&wife, "self", json!([wife]))).await, 422, "VALIDATION_FAILED").await;
    assert_eq!(body["errors"][0]["code"], "SIGNATURE_ALREADY_USED", "one drawn signature, one authorization");
    let detach = app
        .client
        .delete(app.url(&format!("/api/v1/applications/{id}/documents/{signature}")))
        .bearer_auth(&resident)
        .send()
        .await
        .unwrap();
    problem(detach, 409, "CONFLICT").await;
    assert_eq!(app.sign_for_self(&resident, &id, &wife).await.status(), 201);

    // Revoking keeps the record and the wife's consent is missing again.
    let hers: Value = app.get_as(&format!("/api/v1/applications/{id}"), Some(&resident)).await.json().await.unwrap();
    let hers = hers["authorizations"][1]["id"].as_str().unwrap().to_owned();
    let path = format!("/api/v1/applications/{id}/authorizations/{hers}/revoke");
    problem(app.post_json(&path, Some(&resident), &json!({"reason": ""})).await, 422, "VALIDATION_FAILED").await;
    let revoked: Value =
        app.post_json(&path, Some(&resident), &json!({"reason": "本人不同意"})).await.json().await.unwrap();
    assert!(revoked["revoked_at"].is_string());
    let view: Value = app.get_as(&format!("/api/v1/applications/{id}"), Some(&resident)).await.json().await.unwrap();
    assert_eq!(view["authorizations"].as_array().unwrap().len(), 2, "revocation never deletes");
    assert_eq!(view["authorizations"][0]["id"], first["id"]);
    let missing = problem(app.submit(&resident, &id).await, 422, "APPLICATION_INCOMPLETE").await;
    assert!(field_codes(&missing).contains(&(format!("authorizations.{wife}"), "MISSING_SIGNATURE".to_owned())));
    // The database itself keeps the evidence: no edit of a signature, no deletion.
    use sea_orm::ConnectionTrait;
    let first_id = first["id"].as_str().unwrap();
    for sql in [
        format!("UPDATE authorizations SET covers = '[]' WHERE id = '{first_id}'"),
        format!("UPDATE authorizations SET revoked_reason = 'rewritten' WHERE id = '{hers}'"),
        format!("DELETE FROM authorizations WHERE id = '{first_id}'"),
        format!("UPDATE application_events SET kind = 'forged' WHERE application_id = '{id}'"),
    ] {
        assert!(app.state.db.execute_unprepared(&sql).await.is_err(), "{sql}");
    }
    let signature = first["signature_document_id"].as_str().unwrap();
    let png = app.get_as(&format!("/api/v1/applications/{id}/documents/{signature}/content"), Some(&resident)).await;
    assert_eq!(png.headers()["content-type"], "image/png");
}

#[tokio::test]
async fn nobody_else_sees_or_touches_an_application() {
    let app = TestApp::spawn_demo().await;
    let owner = app.resident_token("chen").await;
    let (id, applicant) = app.ready_draft(&owner, "500199001001", 3).await;
    let path = format!("/api/v1/applications/{id}");
    let other = app.resident_token("other").await;
    let reviewer = app.token("demo-reviewer").await;
    let reviewer_elsewhere = app.token("demo-reviewer-2").await;
    let helper_elsewhere = app.token("demo-helper-b").await;

    problem(app.get_as(&path, None).await, 401, "UNAUTHENTICATED").await;
    for token in [&other, &helper_elsewhere, &reviewer] {
        problem(app.get_as(&path, Some(token)).await, 404, "NOT_FOUND").await;
    }
    problem(app.submit(&other, &id).await, 404, "NOT_FOUND").await;
    let me = Member::new("假冒", "other", id_number("19900101", 9));
    problem(app.put_member(&other, &id, &Uuid::now_v7().to_string(), &me).await, 404, "NOT_FOUND").await;
    problem(app.upload(&other, &id, &[("type", "medical_bill")], &jpeg_bytes(1)).await, 404, "NOT_FOUND").await;
    let list: Value = app.get_as("/api/v1/applications", Some(&other)).await.json().await.unwrap();
    assert_eq!(list["items"], json!([]));

    assert_eq!(app.submit(&owner, &id).await.status(), 200);
    // The township's reviewer reads it (audited) but does not edit it; another township's does not see it.
    assert_eq!(app.get_as(&path, Some(&reviewer)).await.status(), 200);
    assert_eq!(app.audit_events("application.read").await.len(), 1);
    let view: Value = app.get_as(&path, Some(&reviewer)).await.json().await.unwrap();
    let photo = view["documents"][0]["document_id"].as_str().unwrap();
    let content = app.get_as(&format!("{path}/documents/{photo}/content"), Some(&reviewer)).await;
    assert_eq!(content.headers()["content-type"], "image/jpeg");
    assert_eq!(content.bytes().await.unwrap()[..3], [0xFF, 0xD8, 0xFF]);
    assert_eq!(app.audit_events("document.read").await.len(), 1, "staff reading a photo is audited");
    problem(app.get_as(&format!("{path}/documents/{photo}/content"), Some(&other)).await, 404, "NOT_FOUND").await;
    problem(app.get_as(&path, Some(&reviewer_elsewhere)).await, 404, "NOT_FOUND").await;
    problem(app.put_member(&reviewer, &id, &applicant, &me).await, 403, "FORBIDDEN").await;
    let list: Value = app.get_as("/api/v1/applications", Some(&reviewer)).await.json().await.unwrap();
    assert_eq!(list["items"][0]["id"], id.as_str());

    // The full ID number: reviewers only, with a reason, audited.
    let reveal = format!("/api/v1/applications/{id}/members/{applicant}/reveal-id-number");
    problem(app.post_json(&reveal, Some(&owner), &json!({"reason": "核对"})).await, 403, "FORBIDDEN").await;
    let helper = app.token("demo-grid-worker").await;
    problem(app.post_json(&reveal, Some(&helper), &json!({"reason": "核对"})).await, 403, "FORBIDDEN").await;
    problem(app.post_json(&reveal, Some(&reviewer), &json!({"reason": " "})).await, 422, "VALIDATION_FAILED").await;
    let full: Value =
        app.post_json(&reveal, Some(&reviewer), &json!({"reason": "入户核查核对身份"})).await.json().await.unwrap();
    assert_eq!(full["id_number"], id_number("19500317", 7));
    let audit = app.audit_events("member.id_number_revealed").await;
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0].details["reason"], "入户核查核对身份");
    assert!(!audit[0].details.to_string().contains(full["id_number"].as_str().unwrap()), "never the number itself");
}

#[tokio::test]
async fn the_wallet_saves_photographing_the_id_card_again() {
    let app = TestApp::spawn_demo().await;
    let resident = app.resident_token("sun").await;
    let (first, applicant) = app.ready_draft(&resident, "500199001001", 5).await;
    let wallet: Value = app.get_as("/api/v1/me/documents", Some(&resident)).await.json().await.unwrap();
    let front =
        wallet["items"].as_array().unwrap().iter().find(|d| d["type"] == "id_card_front").unwrap()["id"].clone();

    // A second application (another item) attaches the same ID photo from the wallet.
    let second = Uuid::now_v7().to_string();
    let body = Draft::new("500199001001", &["temporary"]).id(&second);
    assert_eq!(app.create_application(&resident, &body).await.status(), 201);
    let member = Uuid::now_v7().to_string();
    let me = Member::new("张秀英", "self", id_number("19500317", 11));
    assert_eq!(app.put_member(&resident, &second, &member, &me).await.status(), 201);
    let attach = json!({"document_id": front, "type": "id_card_front", "member_id": member});
    let path = format!("/api/v1/applications/{second}/attachments");
    assert_eq!(app.post_json(&path, Some(&resident), &attach).await.status(), 201);
    assert_eq!(app.post_json(&path, Some(&resident), &attach).await.status(), 200, "attaching again changes nothing");
    let view: Value =
        app.get_as(&format!("/api/v1/applications/{second}"), Some(&resident)).await.json().await.unwrap();
    assert_eq!(view["documents"][0]["document_id"], front);

    // Someone else's wallet is not reachable; a retake replaces the earlier photo of that side.
    let other = app.resident_token("other-sun").await;
    let theirs = Uuid::now_v7().to_string();
    let body = Draft::new("500199001001", &["temporary"]).id(&theirs);
    assert_eq!(app.create_application(&other, &body).await.status(), 201);
    let stolen = json!({"document_id": front, "type": "id_card_front"});
    problem(
        app.post_json(&format!("/api/v1/applications/{theirs}/attachments"), Some(&other), &stolen).await,
        404,
        "NOT_FOUND",
    )
    .await;
    let retake =
        app.upload(&resident, &first, &[("type", "id_card_front"), ("member_id", &applicant)], &jpeg_bytes(42)).await;
    assert_eq!(retake.status(), 201);
    let view: Value = app.get_as(&format!("/api/v1/applications/{first}"), Some(&resident)).await.json().await.unwrap();
    let fronts = view["documents"].as_array().unwrap().iter().filter(|d| d["type"] == "id_card_front").count();
    assert_eq!(fronts, 1, "a retake is not a second card");
    // Detach, and a retried upload with the phone's id is stored once.
    let doc = Uuid::now_v7().to_string();
    let fields = [("type", "medical_bill"), ("id", doc.as_str())];
    assert_eq!(app.upload(&resident, &first, &fields, &jpeg_bytes(50)).await.status(), 201);
    assert_eq!(app.upload(&resident, &first, &fields, &jpeg_bytes(50)).await.status(), 200);
    problem(app.upload(&resident, &first, &fields, &jpeg_bytes(51)).await, 409, "CONFLICT").await;
    let detach = app
        .client
        .delete(app.url(&format!("/api/v1/applications/{first}/documents/{doc}")))
        .bearer_auth(&resident)
        .send()
        .await
        .unwrap();
    assert_eq!(detach.status(), 200);
}

/// Inputs schemathesis found, kept so they stay fixed.
#[tokio::test]
async fn fuzzing_findings_stay_fixed() {
    let app = TestApp::spawn_demo().await;
    let resident = app.resident_token("fuzz").await;
    // A NUL character in an item code reached PostgreSQL and answered 500.
    let body = json!({"id": Uuid::now_v7(), "community_code": "500199001001", "items": ["\u{0}]W", "dibao"]});
    let body = problem(app.create_application(&resident, &body).await, 422, "VALIDATION_FAILED").await;
    assert_eq!(body["errors"][0]["code"], "UNKNOWN_ITEM");
    // DELETE on the attach path fell into the detach route and answered 400 instead of 405.
    let id = Uuid::now_v7();
    let response = app
        .client
        .delete(app.url(&format!("/api/v1/applications/{id}/attachments")))
        .bearer_auth(&resident)
        .send()
        .await
        .unwrap();
    problem(response, 405, "METHOD_NOT_ALLOWED").await;
    // An empty `member_id` form field (as wx.uploadFile sends unset values) means no member.
    let draft = json!({"id": id, "community_code": "500199001001", "items": ["temporary"]});
    assert_eq!(app.create_application(&resident, &draft).await.status(), 201);
    let upload = app
        .upload(
            &resident,
            &id.to_string(),
            &[("type", "hardship_proof"), ("member_id", ""), ("id", "")],
            &jpeg_bytes(1),
        )
        .await;
    assert_eq!(upload.status(), 201);
}

#[tokio::test]
async fn concurrent_submits_get_distinct_numbers_and_lists_page_by_cursor() {
    let app = TestApp::spawn_demo().await;
    let resident = app.resident_token("many").await;
    let mut drafts = Vec::new();
    for sequence in 20..26 {
        drafts.push(app.ready_draft(&resident, "500199002001", sequence).await.0);
    }
    let submits = drafts.iter().map(|id| app.submit(&resident, id));
    let mut numbers: Vec<String> = Vec::new();
    for response in futures_util::future::join_all(submits).await {
        assert_eq!(response.status(), 200);
        let body: Value = response.json().await.unwrap();
        numbers.push(body["number"].as_str().unwrap().to_owned());
    }
    numbers.sort();
    let tails: Vec<&str> = numbers.iter().map(|n| &n[n.len() - 6..]).collect();
    assert_eq!(tails, ["000001", "000002", "000003", "000004", "000005", "000006"], "no gaps, no repeats");

    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/api/v1/applications?limit=4&cursor={c}"),
            None => "/api/v1/applications?limit=4".to_owned(),
        };
        let page: Value = app.get_as(&path, Some(&resident)).await.json().await.unwrap();
        seen.extend(page["items"].as_array().unwrap().iter().map(|i| i["id"].as_str().unwrap().to_owned()));
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => break,
        }
    }
    drafts.reverse();
    assert_eq!(seen, drafts, "newest first, each once");
    let submitted: Value = app.get_as("/api/v1/applications?status=draft", Some(&resident)).await.json().await.unwrap();
    assert_eq!(submitted["items"], json!([]));
    problem(app.get_as("/api/v1/applications?cursor=nonsense", Some(&resident)).await, 400, "INVALID_QUERY").await;
}

/// The refusals not walked through above, each with its stable code.
#[tokio::test]
async fn every_other_refusal_has_its_code() {
    let app = TestApp::spawn_demo_with(|settings| settings.storage.max_upload_bytes = 2 << 20).await;
    let resident = app.resident_token("refusals").await;
    let admin = app.token("demo-admin").await;
    let elsewhere = json!({"id": Uuid::now_v7(), "community_code": "500199002001", "name": "石岭村服务点"});
    let elsewhere: Value =
        app.post_json("/api/v1/service-points", Some(&admin), &elsewhere).await.json().await.unwrap();
    let mismatch = json!({"id": Uuid::now_v7(), "community_code": "500199001001", "service_point_id": elsewhere["id"], "items": ["temporary"]});
    let body = problem(app.create_application(&resident, &mismatch).await, 422, "VALIDATION_FAILED").await;
    assert_eq!(body["errors"][0]["code"], "SERVICE_POINT_MISMATCH");
    let empty = json!({"id": Uuid::now_v7(), "community_code": "500199001001", "items": []});
    let body = problem(app.create_application(&resident, &empty).await, 422, "VALIDATION_FAILED").await;
    assert_eq!(body["errors"][0]["code"], "INVALID_ITEMS");

    let (id, applicant) = app.ready_draft(&resident, "500199001001", 40).await;
    // A signer who is not in the household, covers naming strangers, unknown scopes.
    let (version, sha) = app.authorization_text().await;
    let signature = app.upload_signature(&resident, &id).await;
    let stranger = Uuid::now_v7();
    let bad = json!({"id": Uuid::now_v7(), "text_version": version, "text_sha256": sha, "scope": ["bank_deposits", "horoscope"],
                     "signer_member_id": stranger, "capacity": "delegate", "relation": "邻居", "covers": [applicant, stranger],
                     "signature_document_id": signature});
    let body = problem(
        app.post_json(&format!("/api/v1/applications/{id}/authorizations"), Some(&resident), &bad).await,
        422,
        "VALIDATION_FAILED",
    )
    .await;
    assert_eq!(
        field_codes(&body),
        [
            ("scope".to_owned(), "INVALID_SCOPE".to_owned()),
            ("signer_member_id".to_owned(), "SIGNER_NOT_MEMBER".to_owned()),
            ("covers[1]".to_owned(), "UNKNOWN_MEMBER".to_owned()),
        ]
    );
    // A member who signed stays until the signature is revoked.
    let remove = app
        .client
        .delete(app.url(&format!("/api/v1/applications/{id}/members/{applicant}")))
        .bearer_auth(&resident)
        .send()
        .await
        .unwrap();
    problem(remove, 409, "CONFLICT").await;
    // Too large, and a form cut off in the middle.
    problem(
        app.upload(&resident, &id, &[("type", "medical_bill")], &vec![0xFF; (2 << 20) + 1]).await,
        413,
        "PAYLOAD_TOO_LARGE",
    )
    .await;
    let cut = app
        .client
        .post(app.url(&format!("/api/v1/applications/{id}/documents")))
        .bearer_auth(&resident)
        .header("Content-Type", "multipart/form-data; boundary=xyz")
        .body("--xyz\r\nContent-Disposition: form-data; name=\"type\"\r\n\r\nmedical_bi")
        .send()
        .await
        .unwrap();
    problem(cut, 400, "BAD_REQUEST").await;
    // At most 20 members: the draft has two.
    for n in 0..18 {
        let member = json!({"name": "成员", "relation": "child", "id_number": id_number("20100101", 500 + n)});
        assert_eq!(
            app.put_member(&resident, &id, &Uuid::now_v7().to_string(), &member).await.status(),
            201,
            "member {n}"
        );
    }
    let one_more = json!({"name": "成员", "relation": "child", "id_number": id_number("20100101", 600)});
    let body =
        problem(app.put_member(&resident, &id, &Uuid::now_v7().to_string(), &one_more).await, 422, "VALIDATION_FAILED")
            .await;
    assert_eq!(body["errors"][0]["code"], "TOO_MANY");

    // Another resident reaches none of the remaining operations on this draft.
    let other = app.resident_token("refusals-other").await;
    let base = format!("/api/v1/applications/{id}");
    let attempts = [
        app.put_json(&base, Some(&other), &json!({"items": ["dibao"]})).await,
        app.client.delete(app.url(&format!("{base}/members/{applicant}"))).bearer_auth(&other).send().await.unwrap(),
        app.client.delete(app.url(&format!("{base}/documents/{signature}"))).bearer_auth(&other).send().await.unwrap(),
        app.post_json(
            &format!("{base}/attachments"),
            Some(&other),
            &json!({"document_id": signature, "type": "signature"}),
        )
        .await,
        app.post_json(&format!("{base}/authorizations"), Some(&other), &bad).await,
        app.post_json(&format!("{base}/authorizations/{stranger}/revoke"), Some(&other), &json!({"reason": "不同意"}))
            .await,
        app.post_json(
            &format!("{base}/members/{applicant}/reveal-id-number"),
            Some(&other),
            &json!({"reason": "好奇"}),
        )
        .await,
    ];
    for response in attempts {
        problem(response, 404, "NOT_FOUND").await;
    }
}

#[tokio::test]
async fn a_phone_edits_its_own_draft_with_the_versions_it_is_given() {
    let app = TestApp::spawn_demo().await;
    let resident = app.resident_token("wang").await;
    let id = Uuid::now_v7().to_string();
    let draft = json!({"id": id, "community_code": "500199001001", "items": ["dibao", "medical"]});
    let created: Value = app.create_application(&resident, &draft).await.json().await.unwrap();
    let path = format!("/api/v1/applications/{id}");

    // What is missing, without submitting: the same errors a submit answers, nothing changed.
    let checklist: Value = app.get_as(&format!("{path}/checklist"), Some(&resident)).await.json().await.unwrap();
    assert_eq!((checklist["ready"].as_bool(), checklist["status"].as_str()), (Some(false), Some("draft")));
    let missing: Vec<&str> =
        checklist["missing"].as_array().unwrap().iter().map(|e| e["code"].as_str().unwrap()).collect();
    assert!(missing.contains(&"MISSING_APPLICANT"), "{checklist}");
    assert!(checklist["missing"][0]["message"].as_str().unwrap().contains("申请人"), "{checklist}");
    let submit = problem(app.submit(&resident, &id).await, 422, "APPLICATION_INCOMPLETE").await;
    assert_eq!(submit["errors"], checklist["missing"], "the checklist is what a submit would answer");

    // Each change answers the application's new version; the next save goes through with it.
    let member = Uuid::now_v7().to_string();
    let me = Member::new("王淑芬", "self", id_number("19520704", 21));
    let added: Value = app.put_member(&resident, &id, &member, &me).await.json().await.unwrap();
    let after_member = added["application_version"].as_i64().unwrap();
    assert!(after_member > created["version"].as_i64().unwrap(), "{added}");
    assert_eq!(added["name"], "王淑芬", "the member is in the same answer");
    let photo = app.upload(&resident, &id, &[("type", "id_card_front"), ("member_id", &member)], &jpeg_bytes(40)).await;
    let photo: Value = photo.json().await.unwrap();
    let after_photo = photo["application_version"].as_i64().unwrap();
    assert_eq!(after_photo, after_member + 1, "{photo}");
    let edit = json!({"items": ["dibao"], "version": after_photo});
    let saved: Value = app.put_json(&path, Some(&resident), &edit).await.json().await.unwrap();
    assert_eq!(saved["version"].as_i64(), Some(after_photo + 1));

    // A save from a stale version: VERSION_CONFLICT with where the draft stands.
    let stale = json!({"items": ["dibao", "medical"], "version": after_member});
    let conflict = problem(app.put_json(&path, Some(&resident), &stale).await, 409, "VERSION_CONFLICT").await;
    assert_eq!(conflict["current"], json!({"status": "draft", "version": after_photo + 1}));
    assert!(conflict["detail"].as_str().unwrap().starts_with("该申请"), "{conflict}");

    let detached =
        app.delete_as(&format!("{path}/documents/{}", photo["document_id"].as_str().unwrap()), &resident).await;
    let detached: Value = detached.json().await.unwrap();
    assert_eq!(detached["application_version"].as_i64(), Some(after_photo + 2));
    let removed: Value = app.delete_as(&format!("{path}/members/{member}"), &resident).await.json().await.unwrap();
    assert_eq!(removed["application_version"].as_i64(), Some(after_photo + 3));

    // The list row carries what a list page shows.
    let list: Value = app.get_as("/api/v1/applications", Some(&resident)).await.json().await.unwrap();
    let row = &list["items"][0];
    assert_eq!((row["status"].as_str(), row["status_name"].as_str()), (Some("draft"), Some("草稿")));
    assert_eq!(row["item_names"], json!(["最低生活保障"]), "{row}");
    assert_eq!((row["community_name"].as_str(), row["township_name"].as_str()), (Some("和平社区"), Some("青石街道")));
    assert!(row["updated_at"].is_string());

    // Nobody else reads the checklist.
    let other = app.resident_token("li").await;
    problem(app.get_as(&format!("{path}/checklist"), Some(&other)).await, 404, "NOT_FOUND").await;
    problem(app.get_as(&format!("{path}/checklist"), None).await, 401, "UNAUTHENTICATED").await;
    let helper_b = app.token("demo-helper-b").await;
    problem(app.get_as(&format!("{path}/checklist"), Some(&helper_b)).await, 404, "NOT_FOUND").await;
    let admin = app.token("demo-admin").await;
    problem(app.get_as(&format!("{path}/checklist"), Some(&admin)).await, 403, "ADMIN_NOT_CASE_WORKER").await;
}
