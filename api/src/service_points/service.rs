//! Service-point rules: one per client-made id (a repeat returns it, other content is a 409), only
//! in an existing community; scanning resolves a genuine, live token to its places and catalog.

use chrono::Utc;
use entity::{region, service_point};
use image::{ImageFormat, Luma};
use qrcode::QrCode;
use sea_orm::{ActiveModelTrait, DatabaseConnection, EntityTrait, IntoActiveModel, Set};
use serde_json::json;
use uuid::Uuid;

use super::model::{PlaceOut, ScanOut, ServicePointIn, ServicePointOut};
use super::token;
use crate::audit::AuditEvent;
use crate::catalog::service as catalog;
use crate::error::{ApiError, ErrorCode, FieldCode, FieldError, Message};
use crate::pii::cipher::PiiCipher;
use crate::regions::service as regions;
use crate::uow::UnitOfWork;
use crate::vocab::Principal;
use crate::vocab::RegionCode;

pub fn out(cipher: &PiiCipher, row: service_point::Model) -> ServicePointOut {
    ServicePointOut {
        token: token::issue(cipher, row.id),
        id: row.id,
        community_code: row.community_code,
        name: row.name,
        created_at: row.created_at,
        expires_at: row.expires_at,
        revoked_at: row.revoked_at,
    }
}

/// Creates a service point; `Ok((point, true))` when new.
pub async fn create(
    db: &DatabaseConnection,
    by: &Principal,
    input: ServicePointIn,
) -> Result<(service_point::Model, bool), ApiError> {
    let name = input.name.trim().to_owned();
    let mut errors = Vec::new();
    if name.is_empty() || name.chars().count() > 64 || name.chars().any(char::is_control) {
        errors.push(FieldError::new(
            "name",
            FieldCode::InvalidName,
            Message::new("请填写 1 到 64 个字的服务点名称", "Enter a name of 1 to 64 characters"),
        ));
    }
    let community = regions::community(db, &input.community_code, &mut errors).await?;
    let (Some(community), true) = (community, errors.is_empty()) else {
        return Err(ApiError::validation(errors));
    };
    if let Some(existing) = service_point::Entity::find_by_id(input.id).one(db).await? {
        let same = existing.community_code == community.as_str()
            && existing.name == name
            && existing.expires_at == input.expires_at;
        return if same {
            Ok((existing, false))
        } else {
            Err(ApiError::new(ErrorCode::Conflict).with_detail(Message::new(
                "该编号的服务点已存在且内容不同,请使用新的编号。",
                "A service point with this id exists with other content; use a new id.",
            )))
        };
    }
    let uow = UnitOfWork::begin(db).await?;
    let txn = uow.txn();
    let row = service_point::ActiveModel {
        id: Set(input.id),
        community_code: Set(community.as_str().to_owned()),
        name: Set(name),
        created_at: Set(Utc::now()),
        expires_at: Set(input.expires_at),
        revoked_at: Set(None),
    }
    .insert(txn)
    .await?;
    AuditEvent::new("service_point.created")
        .by(by)
        .on("service_point", row.id)
        .in_region(Some(&row.community_code))
        .record(txn)
        .await?;
    uow.commit(&()).await?;
    Ok((row, true))
}

/// Withdraws a code (a lost or defaced poster). Revoking twice keeps the first time.
pub async fn revoke(
    db: &DatabaseConnection,
    by: &Principal,
    row: service_point::Model,
) -> Result<service_point::Model, ApiError> {
    if row.revoked_at.is_some() {
        return Ok(row);
    }
    let uow = UnitOfWork::begin(db).await?;
    let txn = uow.txn();
    let mut active = row.into_active_model();
    active.revoked_at = Set(Some(Utc::now()));
    let row = active.update(txn).await?;
    AuditEvent::new("service_point.revoked")
        .by(by)
        .on("service_point", row.id)
        .in_region(Some(&row.community_code))
        .details(json!({}))
        .record(txn)
        .await?;
    uow.commit(&()).await?;
    Ok(row)
}

/// The PNG of a service point's QR code, with a quiet zone, about 8 pixels a module.
pub fn qr_png(cipher: &PiiCipher, id: Uuid) -> Result<Vec<u8>, ApiError> {
    let code = QrCode::new(token::issue(cipher, id).as_bytes()).map_err(ApiError::internal)?;
    let image = code.render::<Luma<u8>>().min_dimensions(320, 320).build();
    let mut png = std::io::Cursor::new(Vec::new());
    image.write_to(&mut png, ImageFormat::Png).map_err(ApiError::internal)?;
    Ok(png.into_inner())
}

/// Resolves a scanned token to its service point, places and the catalog.
pub async fn scan(db: &DatabaseConnection, cipher: &PiiCipher, raw: &str) -> Result<ScanOut, ApiError> {
    let id = token::verify(cipher, raw).ok_or_else(|| ApiError::new(ErrorCode::QrCodeInvalid))?;
    let point =
        service_point::Entity::find_by_id(id).one(db).await?.ok_or_else(|| ApiError::new(ErrorCode::QrCodeInvalid))?;
    if point.revoked_at.is_some() || point.expires_at.is_some_and(|at| at <= Utc::now()) {
        return Err(ApiError::new(ErrorCode::QrCodeExpired));
    }
    let community = RegionCode::parse(&point.community_code).map_err(ApiError::internal)?;
    let township = community.parent().ok_or_else(|| ApiError::internal("a community without a township"))?;
    let district = township.parent().ok_or_else(|| ApiError::internal("a township without a district"))?;
    Ok(ScanOut {
        service_point_id: point.id,
        service_point_name: point.name,
        community: place(db, &community).await?,
        township: place(db, &township).await?,
        district: place(db, &district).await?,
        catalog: catalog::list(db).await?,
    })
}

async fn place(db: &DatabaseConnection, code: &RegionCode) -> Result<PlaceOut, ApiError> {
    let row: region::Model =
        regions::find(db, code).await?.ok_or_else(|| ApiError::internal("a region of a service point is missing"))?;
    Ok(PlaceOut { code: row.code, name: row.name })
}
