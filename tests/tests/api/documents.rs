//! Document photos through the HTTP API: what phones send, what is refused (and how to retake it),
//! what is kept (upright, small, without metadata), who may see it, and near-duplicates across
//! households.

use imaging::samples::{png_declaring, with_exif};
use serde_json::{Value, json};
use tests::checkins::{real_photo, selfie_at};
use tests::{TestApp, encode_jpeg, jpeg_bytes, photo, picture, problem};
use uuid::Uuid;

const COMMUNITY: &str = "500199001001";

/// A draft with its applicant; returns (application id, applicant member id).
async fn draft(app: &TestApp, token: &str, sequence: u32) -> (String, String) {
    let id = Uuid::now_v7().to_string();
    let body = json!({"id": id, "community_code": COMMUNITY, "items": ["dibao"], "contact_phone": "13800138000"});
    assert_eq!(app.create_application(token, &body).await.status(), 201);
    let member = Uuid::now_v7().to_string();
    let me = json!({"name": "王桂兰", "relation": "self", "id_number": tests::id_number("19560101", sequence)});
    assert_eq!(app.put_member(token, &id, &member, &me).await.status(), 201);
    (id, member)
}

fn jpeg_size(bytes: &[u8]) -> (u16, u16) {
    let mut decoder = jpeg_decoder::Decoder::new(bytes);
    decoder.read_info().expect("a JPEG");
    let info = decoder.info().expect("info");
    (info.width, info.height)
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// A 480×480 crop of that photograph with several faces.
fn selfie() -> Vec<u8> {
    selfie_at(653, 60)
}

#[tokio::test]
async fn a_phone_photo_is_stored_upright_small_and_without_its_metadata() {
    let app = TestApp::spawn_demo().await;
    let resident = app.resident_token("photo-owner").await;
    let (id, member) = draft(&app, &resident, 1).await;

    // A 1600×1200 photo taken with the phone turned (EXIF orientation 6) and carrying GPS.
    let original = with_exif(&photo(31, 1600, 1200, 1.0), 6);
    assert!(contains(&original, b"GPS"));
    let fields = [("type", "id_card_front"), ("member_id", member.as_str())];
    let response = app.upload(&resident, &id, &fields, &original).await;
    assert_eq!(response.status(), 201);
    let stored: Value = response.json().await.unwrap();
    assert_eq!(stored["content_type"], "image/jpeg");
    assert_eq!((stored["width"].as_i64(), stored["height"].as_i64()), (Some(1200), Some(1600)), "turned upright");
    assert_eq!(stored["thumbnail"], true);
    // No face in this picture: for an ID portrait that is a warning with what to do, not a refusal.
    assert_eq!(stored["warnings"][0]["code"], "FACE_NOT_FOUND");
    assert!(stored["warnings"][0]["message"].as_str().unwrap().contains("人脸"));
    let doc = stored["document_id"].as_str().unwrap().to_owned();

    let content = app.get_as(&format!("/api/v1/applications/{id}/documents/{doc}/content"), Some(&resident)).await;
    assert_eq!(content.status(), 200);
    assert_eq!(content.headers()["content-type"], "image/jpeg");
    assert_eq!(content.headers()["cache-control"], "private, no-store");
    assert_eq!(content.headers()["x-content-type-options"], "nosniff");
    let bytes = content.bytes().await.unwrap();
    assert!(!contains(&bytes, b"Exif") && !contains(&bytes, b"GPS"), "all metadata dropped");
    assert_eq!(jpeg_size(&bytes), (1200, 1600));
    assert_eq!(stored["sha256"], api::hex::sha256(&bytes));

    let thumb =
        app.get_as(&format!("/api/v1/applications/{id}/documents/{doc}/content?size=thumbnail"), Some(&resident)).await;
    assert_eq!(thumb.status(), 200);
    assert_eq!(jpeg_size(&thumb.bytes().await.unwrap()), (240, 320));
    problem(
        app.get_as(&format!("/api/v1/applications/{id}/documents/{doc}/content?size=huge"), Some(&resident)).await,
        400,
        "INVALID_QUERY",
    )
    .await;

    // The same photo again (a retry without the client id, or picked twice): the same document.
    let again = app.upload(&resident, &id, &fields, &original).await;
    assert_eq!(again.status(), 200);
    assert_eq!(again.json::<Value>().await.unwrap()["document_id"], doc.as_str());

    // The wallet shows it, with a thumbnail for the picker.
    let wallet: Value = app.get_as("/api/v1/me/documents", Some(&resident)).await.json().await.unwrap();
    assert_eq!(wallet["items"].as_array().unwrap().len(), 1);
    assert_eq!(wallet["items"][0]["thumbnail"], true);
    let mine = format!("/api/v1/me/documents/{doc}/content?size=thumbnail");
    assert_eq!(app.get_as(&mine, Some(&resident)).await.status(), 200);

    // Nobody else: another resident, another community's helper, nobody signed in.
    let other = app.resident_token("photo-stranger").await;
    problem(app.get_as(&mine, Some(&other)).await, 404, "NOT_FOUND").await;
    let path = format!("/api/v1/applications/{id}/documents/{doc}/content");
    problem(app.get_as(&path, Some(&other)).await, 404, "NOT_FOUND").await;
    let helper_b = app.token("demo-helper-b").await;
    problem(app.get_as(&path, Some(&helper_b)).await, 404, "NOT_FOUND").await;
    problem(app.get_as(&path, None).await, 401, "UNAUTHENTICATED").await;
    problem(app.get_as(&mine, Some(&helper_b)).await, 403, "FORBIDDEN").await;
    // The community's helpers may (staff reads are audited); reviewers once it is submitted.
    let helper = app.token("demo-grid-worker").await;
    assert_eq!(app.get_as(&path, Some(&helper)).await.status(), 200);
}

#[tokio::test]
async fn bad_files_are_refused_with_what_to_do() {
    // Made first: encoding takes longer than the server keeps an idle connection.
    let mut webp = std::io::Cursor::new(Vec::new());
    image::RgbImage::new(4000, 3000).write_to(&mut webp, image::ImageFormat::WebP).unwrap();
    let app = TestApp::spawn_demo().await;
    let resident = app.resident_token("bad-files").await;
    let (id, _) = draft(&app, &resident, 2).await;
    let bill = [("type", "medical_bill")];

    let empty = problem(app.upload(&resident, &id, &bill, b"").await, 422, "VALIDATION_FAILED").await;
    assert_eq!(empty["errors"][0]["field"], "file");
    for (what, bytes) in [
        ("text named .jpg", b"just some text, not a photo".as_slice()),
        ("GIF", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;".as_slice()),
        ("SVG", b"<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>".as_slice()),
        ("HTML", b"<!DOCTYPE html><html><body>hi</body></html>".as_slice()),
    ] {
        let body = problem(app.upload(&resident, &id, &bill, bytes).await, 415, "FILE_TYPE_UNSUPPORTED").await;
        assert!(body["detail"].as_str().unwrap().contains("JPG"), "{what}");
    }
    let heic = b"\0\0\0\x18ftypheic\0\0\0\0mif1heic\0\0\0\0";
    let body = problem(app.upload(&resident, &id, &bill, heic).await, 415, "FILE_TYPE_UNSUPPORTED").await;
    assert!(body["detail"].as_str().unwrap().contains("兼容格式"), "{body}");

    // A real 8×8 PNG whose header declares 100000×100000: refused from the header, never decoded.
    let bomb = png_declaring(100_000, 100_000).unwrap();
    let body = problem(app.upload(&resident, &id, &bill, &bomb).await, 422, "IMAGE_TOO_LARGE").await;
    assert!(body["detail"].as_str().unwrap().contains("尺寸过大"));
    // A small JPEG whose frame header claims 65000×65000.
    let mut giant = jpeg_bytes(3);
    let sof = giant.windows(2).position(|w| w == [0xFF, 0xC0]).expect("SOF0");
    giant[sof + 5..sof + 9].copy_from_slice(&[0xFD, 0xE8, 0xFD, 0xE8]);
    problem(app.upload(&resident, &id, &bill, &giant).await, 422, "IMAGE_TOO_LARGE").await;
    // A 12 MP WebP is decoded whole: more memory than one photo may have, refused before decoding.
    let body = problem(app.upload(&resident, &id, &bill, webp.get_ref()).await, 422, "IMAGE_TOO_LARGE").await;
    assert!(body["detail"].as_str().unwrap().contains("较小的照片"), "{body}");

    // Cut off in the middle of the transfer.
    let whole = jpeg_bytes(4);
    let body = problem(app.upload(&resident, &id, &bill, &whole[..whole.len() / 2]).await, 422, "FILE_CORRUPT").await;
    assert!(body["detail"].as_str().unwrap().contains("重新拍摄"));
    let pdf = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";
    problem(app.upload(&resident, &id, &bill, &pdf[..30]).await, 422, "FILE_CORRUPT").await;
    // A whole PDF is kept as sent.
    let stored: Value = app.upload(&resident, &id, &bill, pdf).await.json().await.unwrap();
    assert_eq!(stored["content_type"], "application/pdf");
    assert_eq!(stored["sha256"], api::hex::sha256(pdf));
    assert_eq!(stored["thumbnail"], false);

    // Someone else's document id: neither overwritten nor attached.
    let other = app.resident_token("bad-files-other").await;
    let (other_id, _) = draft(&app, &other, 3).await;
    let theirs: Value = app.upload(&other, &other_id, &bill, &jpeg_bytes(5)).await.json().await.unwrap();
    let their_doc = theirs["document_id"].as_str().unwrap();
    let reuse_id = [("type", "medical_bill"), ("id", their_doc)];
    problem(app.upload(&resident, &id, &reuse_id, &jpeg_bytes(6)).await, 409, "CONFLICT").await;
    let attach = json!({"document_id": their_doc, "type": "medical_bill"});
    let path = format!("/api/v1/applications/{id}/attachments");
    problem(app.post_json(&path, Some(&resident), &attach).await, 404, "NOT_FOUND").await;
    problem(
        app.get_as(&format!("/api/v1/applications/{id}/documents/{their_doc}/content"), Some(&resident)).await,
        404,
        "NOT_FOUND",
    )
    .await;
}

#[tokio::test]
async fn bad_photos_of_id_cards_are_refused_with_how_to_retake_them_and_elsewhere_warned() {
    let app = TestApp::spawn_demo().await;
    let resident = app.resident_token("retakes").await;
    let (id, member) = draft(&app, &resident, 4).await;
    let front = [("type", "id_card_front"), ("member_id", member.as_str())];

    let dark = photo(40, 1200, 900, 0.25);
    let body = problem(app.upload(&resident, &id, &front, &dark).await, 422, "IMAGE_TOO_DARK").await;
    assert_eq!(body["errors"][0]["code"], "IMAGE_TOO_DARK");
    assert!(body["errors"][0]["message"].as_str().unwrap().contains("光线充足"));
    let (w, h) = (1200, 900);
    let smooth = encode_jpeg(&picture(41, w, h, 1.0, 0), w, h, 90);
    let body = problem(app.upload(&resident, &id, &front, &smooth).await, 422, "IMAGE_BLURRY").await;
    assert_eq!(body["detail"], "照片模糊,请将证件放平、对准光线充足处重新拍摄。");
    let back = [("type", "id_card_back"), ("member_id", member.as_str())];
    let small = photo(42, 640, 480, 1.0);
    let body = problem(app.upload(&resident, &id, &back, &small).await, 422, "IMAGE_TOO_SMALL").await;
    assert!(body["errors"][0]["message"].as_str().unwrap().contains("靠近"));
    // Nothing refused was stored.
    let wallet: Value = app.get_as("/api/v1/me/documents", Some(&resident)).await.json().await.unwrap();
    assert_eq!(wallet["items"].as_array().unwrap().len(), 0);

    // A dark medical bill is kept, with a warning saying how to take a better one.
    let bill: Value = app
        .upload(&resident, &id, &[("type", "medical_bill")], &photo(43, 1200, 900, 0.25))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(bill["warnings"][0]["code"], "IMAGE_TOO_DARK");

    // A selfie must show a face.
    let selfie_fields = [("type", "selfie")];
    problem(app.upload(&resident, &id, &selfie_fields, &jpeg_bytes(44)).await, 422, "FACE_NOT_FOUND").await;
    let response = app.upload(&resident, &id, &selfie_fields, &selfie()).await;
    assert_eq!(response.status(), 201);
    assert_eq!(response.json::<Value>().await.unwrap()["warnings"], json!([]));
}

#[tokio::test]
async fn one_photo_on_two_households_is_flagged_for_the_reviewer_only() {
    let app = TestApp::spawn_demo().await;
    let first = app.resident_token("household-one").await;
    let second = app.resident_token("household-two").await;
    let (first_app, first_member) = draft(&app, &first, 5).await;
    let (second_app, second_member) = app.ready_draft(&second, COMMUNITY, 6).await;
    let card = real_photo(100, 0, 800, 600);
    let (w, h) = (800, 600);
    let original = encode_jpeg(&card, w, h, 92);
    let fields = [("type", "id_card_front"), ("member_id", first_member.as_str())];
    assert_eq!(app.upload(&first, &first_app, &fields, &original).await.status(), 201);
    // The same card photo, re-saved at another quality (other bytes, same picture).
    let resaved = encode_jpeg(&card, w, h, 60);
    let fields = [("type", "id_card_front"), ("member_id", second_member.as_str())];
    let copy: Value = app.upload(&second, &second_app, &fields, &resaved).await.json().await.unwrap();
    // A different photo on the second household is not flagged.
    let bill = app.upload(&second, &second_app, &[("type", "medical_bill")], &jpeg_bytes(78)).await;
    assert_eq!(bill.status(), 201);

    assert_eq!(app.submit(&second, &second_app).await.status(), 200);
    let reviewer = app.token("demo-reviewer").await;
    let seen: Value =
        app.get_as(&format!("/api/v1/applications/{second_app}"), Some(&reviewer)).await.json().await.unwrap();
    let flags = seen["review_flags"].as_array().expect("flags for the reviewer");
    assert_eq!(flags.len(), 1, "{flags:?}");
    assert_eq!(flags[0]["document_id"], copy["document_id"]);
    assert_eq!(flags[0]["matched_application_id"], first_app.as_str());
    assert!(flags[0]["distance"].as_i64().unwrap() <= 4);

    // Applicants and helpers never see flags.
    let own: Value =
        app.get_as(&format!("/api/v1/applications/{second_app}"), Some(&second)).await.json().await.unwrap();
    assert!(own.get("review_flags").is_none());
    let helper = app.token("demo-grid-worker").await;
    let helper_view: Value =
        app.get_as(&format!("/api/v1/applications/{second_app}"), Some(&helper)).await.json().await.unwrap();
    assert!(helper_view.get("review_flags").is_none());
}
