//! Helpers for the application flow: valid ID numbers, canvas signatures, uploads, and a whole
//! phone flow up to a submittable draft.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::Serialize;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::TestApp;
use crate::bodies::{Draft, Member};

/// A valid ID number (GB 11643 check digit) for region `500199`, born on `birth` (`YYYYMMDD`).
pub fn id_number(birth: &str, sequence: u32) -> String {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let body = format!("500199{birth}{:03}", sequence % 1000);
    let sum: u32 = body.bytes().zip(WEIGHTS).map(|(b, w)| u32::from(b - b'0') * w).sum();
    let check = b"10X98765432"[(sum % 11) as usize] as char;
    format!("{body}{check}")
}

/// A canvas with a stroke across it, as base64 PNG.
pub fn signature_png() -> String {
    let mut canvas = image::RgbaImage::from_pixel(300, 120, image::Rgba([255, 255, 255, 0]));
    for x in 20..280 {
        for dy in 0..4 {
            canvas.put_pixel(x, 40 + (x / 10) + dy, image::Rgba([0, 0, 0, 255]));
        }
    }
    png_base64(&canvas)
}

/// An untouched canvas.
pub fn blank_png() -> String {
    png_base64(&image::RgbaImage::from_pixel(300, 120, image::Rgba([255, 255, 255, 0])))
}

fn png_base64(canvas: &image::RgbaImage) -> String {
    let mut bytes = std::io::Cursor::new(Vec::new());
    canvas.write_to(&mut bytes, image::ImageFormat::Png).expect("png");
    STANDARD.encode(bytes.into_inner())
}

/// The PNG bytes of a canvas (decoded from `signature_png` or `blank_png`).
pub fn png_bytes(base64: &str) -> Vec<u8> {
    STANDARD.decode(base64).expect("png")
}

/// A sharp, well-lit 800×600 JPEG photo that passes every quality check (but has no face); each
/// seed draws a different picture (different perceptual hash). Made once per seed per test binary.
pub fn jpeg_bytes(seed: u8) -> Vec<u8> {
    static MADE: std::sync::Mutex<Vec<Option<Vec<u8>>>> = std::sync::Mutex::new(Vec::new());
    let mut made = MADE.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    if made.is_empty() {
        made.resize(256, None);
    }
    made[usize::from(seed)].get_or_insert_with(|| photo(seed, 800, 600, 1.0)).clone()
}

/// A `width`×`height` JPEG of a textured, seed-dependent picture, its brightness scaled by `light`.
pub fn photo(seed: u8, width: u32, height: u32, light: f32) -> Vec<u8> {
    encode_jpeg(&picture(seed, width, height, light, 32), width, height, 90)
}

/// The RGB pixels of a seed-dependent picture: broad waves with sensor grain of ± `grain` levels
/// (0: smooth, as a blurred photo).
pub fn picture(seed: u8, width: u32, height: u32, light: f32, grain: u8) -> Vec<u8> {
    let mut state = u32::from(seed).wrapping_mul(2_654_435_761) | 1;
    let (fx, fy) = (3.0 + f32::from(seed % 7) * 2.0, 2.0 + f32::from(seed / 7 % 5) * 3.0);
    let tau = std::f32::consts::TAU;
    let mut pixels = Vec::with_capacity((width * height * 3) as usize);
    for y in 0..height {
        for x in 0..width {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            let noise = if grain == 0 { 0.0 } else { (state % (2 * u32::from(grain))) as f32 - f32::from(grain) };
            let (u, v) = (x as f32 / width as f32, y as f32 / height as f32);
            let base = 128.0 + 70.0 * (u * fx * tau).sin() * (v * fy * tau + f32::from(seed)).cos();
            let value = ((base + noise) * light).clamp(0.0, 255.0) as u8;
            pixels.extend_from_slice(&[value, value.saturating_add(10), value.saturating_sub(10)]);
        }
    }
    pixels
}

/// RGB pixels as a baseline JPEG.
pub fn encode_jpeg(pixels: &[u8], width: u32, height: u32, quality: u8) -> Vec<u8> {
    let mut out = Vec::new();
    jpeg_encoder::Encoder::new(&mut out, quality)
        .encode(pixels, width as u16, height as u16, jpeg_encoder::ColorType::Rgb)
        .expect("jpeg");
    out
}

/// A `multipart/form-data` body as `wx.uploadFile` sends it.
pub fn multipart(fields: &[(&str, &str)], file: &[u8]) -> (String, Vec<u8>) {
    let boundary = format!("----jiuzhu{}", Uuid::new_v4().simple());
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").bytes(),
        );
    }
    body.extend(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"photo.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n")
            .bytes(),
    );
    body.extend_from_slice(file);
    body.extend(format!("\r\n--{boundary}--\r\n").bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

impl TestApp {
    /// A new draft: a `Draft` (`tests::bodies`) or any JSON.
    pub async fn create_application(&self, token: &str, body: &impl Serialize) -> reqwest::Response {
        self.post_json("/api/v1/applications", Some(token), body).await
    }

    /// Adds or replaces a member: a `Member` (`tests::bodies`) or any JSON.
    pub async fn put_member(&self, token: &str, app: &str, member: &str, body: &impl Serialize) -> reqwest::Response {
        self.put_json(&format!("/api/v1/applications/{app}/members/{member}"), Some(token), body).await
    }

    pub async fn upload(&self, token: &str, app: &str, fields: &[(&str, &str)], file: &[u8]) -> reqwest::Response {
        self.post_multipart(&format!("/api/v1/applications/{app}/documents"), token, fields, file).await
    }

    /// A `multipart/form-data` POST as `wx.uploadFile` sends it: `fields` and the `file`.
    pub async fn post_multipart(
        &self,
        path: &str,
        token: &str,
        fields: &[(&str, &str)],
        file: &[u8],
    ) -> reqwest::Response {
        let (content_type, body) = multipart(fields, file);
        self.client
            .post(self.url(path))
            .bearer_auth(token)
            .header("Content-Type", content_type)
            .body(body)
            .send()
            .await
            .expect("request sent")
    }

    /// The current authorization text's version and hash.
    pub async fn authorization_text(&self) -> (String, String) {
        let text: Value = self.get("/api/v1/authorization-text").await.json().await.expect("text");
        (text["version"].as_str().expect("version").to_owned(), text["sha256"].as_str().expect("sha").to_owned())
    }

    /// Uploads a drawn signature (the canvas PNG) to the draft: its document id.
    pub async fn upload_signature(&self, token: &str, app: &str) -> String {
        let png = STANDARD.decode(signature_png()).expect("png");
        let response = self.upload(token, app, &[("type", "signature")], &png).await;
        assert_eq!(response.status(), 201, "signature upload");
        let body: Value = response.json().await.expect("attachment");
        body["document_id"].as_str().expect("document_id").to_owned()
    }

    /// Signs for oneself with a drawn signature.
    pub async fn sign_for_self(&self, token: &str, app: &str, member: &str) -> reqwest::Response {
        let (version, sha) = self.authorization_text().await;
        let signature = self.upload_signature(token, app).await;
        let body = json!({"id": Uuid::now_v7(), "text_version": version, "text_sha256": sha,
            "scope": ["bank_deposits", "real_estate", "vehicles", "social_insurance"],
            "signer_member_id": member, "capacity": "self", "covers": [member],
            "signature_document_id": signature, "device": "iPhone 12 / iOS 17.5"});
        self.post_json(&format!("/api/v1/applications/{app}/authorizations"), Some(token), &body).await
    }

    pub async fn submit(&self, token: &str, app: &str) -> reqwest::Response {
        self.post_json(&format!("/api/v1/applications/{app}/submit"), Some(token), &json!({})).await
    }

    /// A draft for 低保 and medical aid with the applicant (born 1950) and a spouse, ID photos and
    /// both signatures: ready to submit. Returns (application id, applicant member id).
    pub async fn ready_draft(&self, token: &str, community: &str, sequence: u32) -> (String, String) {
        self.ready_draft_for(token, community, sequence, &["dibao", "medical"]).await
    }

    /// Like `ready_draft`, for `items` (临时救助 brings its hardship proof).
    pub async fn ready_draft_for(
        &self,
        token: &str,
        community: &str,
        sequence: u32,
        items: &[&str],
    ) -> (String, String) {
        let app = Uuid::now_v7().to_string();
        let body =
            Draft::new(community, items).id(&app).contact_phone("13800138000").household(json!({"assets_fen": 100000}));
        assert_eq!(self.create_application(token, &body).await.status(), 201, "create");
        let applicant = Uuid::now_v7().to_string();
        let spouse = Uuid::now_v7().to_string();
        let me = Member::new("张秀英", "self", id_number("19500317", sequence * 2 + 1)).income(30000);
        assert_eq!(self.put_member(token, &app, &applicant, &me).await.status(), 201, "applicant");
        let partner = Member::new("李建国", "spouse", id_number("19480101", sequence * 2)).disabled();
        assert_eq!(self.put_member(token, &app, &spouse, &partner).await.status(), 201, "spouse");
        // Each household its own pictures (the same photo on two households is flagged).
        let own = u8::try_from(sequence % 20 * 11).expect("small");
        for (kind, seed) in [("id_card_front", 1), ("id_card_back", 2)] {
            let status = self
                .upload(token, &app, &[("type", kind), ("member_id", &applicant)], &jpeg_bytes(seed + own))
                .await
                .status();
            assert_eq!(status, 201, "{kind}");
        }
        for (kind, seed) in [
            ("household_register", 3),
            ("income_proof", 4),
            ("property_statement", 5),
            ("medical_bill", 6),
            ("diagnosis_certificate", 7),
            ("hardship_proof", 8),
        ]
        .into_iter()
        .filter(|(kind, _)| *kind != "hardship_proof" || items.contains(&"temporary"))
        {
            assert_eq!(
                self.upload(token, &app, &[("type", kind)], &jpeg_bytes(seed + own)).await.status(),
                201,
                "{kind}"
            );
        }
        assert_eq!(self.sign_for_self(token, &app, &applicant).await.status(), 201, "applicant signs");
        assert_eq!(self.sign_for_self(token, &app, &spouse).await.status(), 201, "spouse signs");
        (app, applicant)
    }
}
