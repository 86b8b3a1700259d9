//! Helpers for check-ins: selfies cut from a real photograph, a recipient made through the real
//! review flow, challenges, remote and assisted check-ins, and settings whose window is open now.

use api::config::{CheckinSchedule, Settings};
use serde_json::{Value, json};

use crate::{TestApp, encode_jpeg};

/// RGB pixels of a crop of the photograph shipped in the `rustface` package (a group of people).
pub fn real_photo(x: u32, y: u32, width: u32, height: u32) -> Vec<u8> {
    let path = std::path::Path::new(imaging::face::RUSTFACE_PACKAGE).join("test.png");
    let group = image::open(path).expect("the rustface sample photo").into_rgb8();
    image::imageops::crop_imm(&group, x, y, width, height).to_image().into_raw()
}

/// A 480×480 "selfie" with faces, cut from that photograph at `(x, y)` (x ≤ 1186, y ≤ 200 keep
/// faces in it); different places give different pictures.
pub fn selfie_at(x: u32, y: u32) -> Vec<u8> {
    encode_jpeg(&real_photo(x, y, 480, 480), 480, 480, 92)
}

/// The same picture as `selfie_at(x, y)`, resized to 560×560 and recompressed at quality 70.
pub fn selfie_resized(x: u32, y: u32) -> Vec<u8> {
    let crop = image::RgbImage::from_raw(480, 480, real_photo(x, y, 480, 480)).expect("crop");
    let resized = image::imageops::resize(&crop, 560, 560, image::imageops::FilterType::Triangle);
    encode_jpeg(resized.as_raw(), 560, 560, 70)
}

/// The 480×480 selfie at `(x, y)` shrunk to `side`×`side` (a thumbnail, not the camera's photo).
pub fn selfie_shrunk(x: u32, y: u32, side: u32) -> Vec<u8> {
    let crop = image::RgbImage::from_raw(480, 480, real_photo(x, y, 480, 480)).expect("crop");
    let small = image::imageops::resize(&crop, side, side, image::imageops::FilterType::Triangle);
    encode_jpeg(small.as_raw(), side, side, 90)
}

/// A dibao schedule whose first two windows are open on the day of approval (each opens 200 days
/// before its due date, 3 and 6 months on), so tests check in twice without waiting.
pub fn open_now(settings: &mut Settings) {
    let schedule = CheckinSchedule { period_months: 3, opens_days_before: 200, grace_days: 10 };
    settings.checkins.schedules.insert("dibao".to_owned(), schedule);
}

impl TestApp {
    /// A resident of 和平社区 whose 低保 (`item`) was approved: (recipient id, resident token).
    pub async fn recipient(&self, name: &str, sequence: u32, item: &str) -> (String, String) {
        let reviewer = self.token("demo-reviewer").await;
        let (id, resident) = self.submitted(name, sequence, &[item]).await;
        let investigating = self.investigating(&reviewer, &id).await;
        let version = TestApp::item_version(&investigating, item);
        let decision =
            json!({"items": [{"code": item, "version": version, "outcome": "approved", "amount_fen": 68000}]});
        let response = self.step(&reviewer, &id, "decision", &decision).await;
        assert_eq!(response.status(), 200, "decision");
        let app_id = uuid::Uuid::parse_str(&id).expect("application id");
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
        let row = entity::recipient::Entity::find()
            .filter(entity::recipient::Column::ApplicationId.eq(app_id))
            .one(&self.state.db)
            .await
            .expect("query")
            .expect("a recipient row after approval");
        (row.id.to_string(), resident)
    }

    pub async fn challenge(&self, token: &str) -> reqwest::Response {
        self.post_json("/api/v1/checkins/challenge", Some(token), &json!({})).await
    }

    /// A challenge's nonce (asserting it was issued).
    pub async fn nonce(&self, token: &str) -> String {
        let response = self.challenge(token).await;
        assert_eq!(response.status(), 200, "challenge");
        let body: Value = response.json().await.expect("challenge body");
        body["nonce"].as_str().expect("nonce").to_owned()
    }

    /// A remote check-in with `photo`, the nonce and the other form `fields`.
    pub async fn check_in(&self, token: &str, fields: &[(&str, &str)], photo: &[u8]) -> reqwest::Response {
        self.post_multipart("/api/v1/checkins", token, fields, photo).await
    }

    /// An assisted check-in of `recipient` by the helper holding `token`.
    pub async fn assisted(
        &self,
        token: &str,
        recipient: &str,
        fields: &[(&str, &str)],
        photo: &[u8],
    ) -> reqwest::Response {
        self.post_multipart(&format!("/api/v1/recipients/{recipient}/checkins"), token, fields, photo).await
    }
}
