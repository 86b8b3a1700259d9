//! Region rules: codes and names are checked, a region needs its parent, the tree is cached in the
//! shared store and rebuilt from the database when the store is down or a region was added.

use std::time::Duration;

use chrono::Utc;
use entity::region::{self, Column};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};

use super::model::{RegionIn, RegionListQuery, RegionNode, RegionOut, RegionTreeOut};
use crate::audit::AuditEvent;
use crate::error::{ApiError, ErrorCode, FieldCode, FieldError, Message};
use crate::http::pagination::{self, Page};
use crate::infra::cache::Cache;
use crate::uow::UnitOfWork;
use crate::vocab::{Principal, RegionCode, RegionCodeError, RegionLevel};

const TREE_TTL: Duration = Duration::from_secs(600);
const GENERATION_KEY: &str = "regions:generation";

/// Whether `create` made the region or found the same one already there.
pub enum Created {
    New(RegionOut),
    Existing(RegionOut),
}

/// Creates a region. Repeating the same request returns the region again; the same code with
/// another name is a 409.
pub async fn create(
    db: &DatabaseConnection,
    cache: &Cache,
    by: Option<&Principal>,
    input: RegionIn,
) -> Result<Created, ApiError> {
    let (code, name) = validate(&input)?;
    if let Some(existing) = region::Entity::find_by_id(code.as_str()).one(db).await? {
        if existing.name == name {
            return Ok(Created::Existing(existing.into()));
        }
        return Err(ApiError::new(ErrorCode::Conflict).with_errors(vec![FieldError::new(
            "code",
            FieldCode::AlreadyExists,
            Message::new(
                format!("编码 {code} 已被「{}」使用,请核对编码", existing.name),
                format!("Code {code} is already used by {}; check the code", existing.name),
            ),
        )]));
    }
    let parent = code.parent();
    if let Some(parent) = &parent
        && region::Entity::find_by_id(parent.as_str()).one(db).await?.is_none()
    {
        return Err(ApiError::validation(vec![FieldError::new(
            "code",
            FieldCode::ParentNotFound,
            Message::new(
                format!("上级区划 {parent} 尚未创建,请先创建上级区划"),
                format!("The parent region {parent} does not exist yet; create it first"),
            ),
        )]));
    }
    let mut uow = UnitOfWork::begin(db).await?;
    let row = region::ActiveModel {
        code: Set(code.as_str().to_owned()),
        name: Set(name),
        level: Set(code.level().as_str().to_owned()),
        parent_code: Set(parent.map(|p| p.as_str().to_owned())),
        created_at: Set(Utc::now()),
    }
    .insert(uow.txn())
    .await?;
    AuditEvent::new("region.created").by_opt(by).on("region", &code).in_region(Some(&code)).record(uow.txn()).await?;
    // A new generation makes every cached tree stale at once.
    let cache = cache.clone();
    uow.after_commit("regions.generation".to_owned(), move |_: &()| {
        Box::pin(async move {
            if let Err(err) = cache.increment(GENERATION_KEY, Duration::from_secs(365 * 24 * 3600)).await {
                tracing::warn!(error = %err, "could not invalidate the cached region tree; it expires within 10 minutes");
            }
            Ok(())
        })
    });
    uow.commit(&()).await?;
    Ok(Created::New(row.into()))
}

fn validate(input: &RegionIn) -> Result<(RegionCode, String), ApiError> {
    let mut errors = Vec::new();
    let code = RegionCode::parse(input.code.trim()).map_err(|err| {
        let (zh, en) = match err {
            RegionCodeError::Shape => (
                "区划编码应为 6 位(区县)、9 位(镇街)或 12 位(村社)数字",
                "Use 6 digits for a district, 9 for a township or 12 for a community",
            ),
            RegionCodeError::Province => {
                ("区划编码前两位不是有效的省级代码", "The first two digits are not a province")
            }
            RegionCodeError::ZeroPart => {
                ("区划编码中的区县、镇街或村社部分不能全为 0", "No part of the code may be all zeros")
            }
        };
        errors.push(FieldError::new("code", FieldCode::InvalidRegionCode, Message::new(zh, en)));
    });
    let name = input.name.trim().to_owned();
    let chars = name.chars().count();
    if chars == 0 || chars > 64 || name.chars().any(char::is_control) {
        errors.push(FieldError::new(
            "name",
            FieldCode::InvalidName,
            Message::new("请填写 1 到 64 个字的区划名称", "Enter a name of 1 to 64 characters"),
        ));
    }
    match code {
        Ok(code) if errors.is_empty() => Ok((code, name)),
        _ => Err(ApiError::validation(errors)),
    }
}

/// A page of regions, by code.
pub async fn list(db: &DatabaseConnection, query: RegionListQuery) -> Result<Page<RegionOut>, ApiError> {
    let limit = pagination::limit(query.limit)?;
    for (field, value) in [("parent", &query.parent), ("cursor", &query.cursor)] {
        if value.as_ref().is_some_and(|v| !(6..=12).contains(&v.len()) || !v.bytes().all(|b| b.is_ascii_digit())) {
            return Err(ApiError::new(ErrorCode::InvalidQuery).with_errors(vec![FieldError::new(
                field,
                FieldCode::InvalidRegionCode,
                Message::new("地区编码应为 6 到 12 位数字", "A region code has 6 to 12 digits"),
            )]));
        }
    }
    let mut select = region::Entity::find().order_by_asc(Column::Code);
    if let Some(parent) = query.parent {
        select = select.filter(Column::ParentCode.eq(parent));
    }
    if let Some(level) = query.level {
        select = select.filter(Column::Level.eq(level.as_str()));
    }
    if let Some(cursor) = query.cursor {
        select = select.filter(Column::Code.gt(cursor));
    }
    let rows = select.limit(limit + 1).all(db).await?;
    Ok(Page::from_rows(rows, limit, |row| row.code.clone(), RegionOut::from))
}

/// The existing community `raw` names (12 digits), or a `REGION_NOT_FOUND` error on `community_code`
/// pushed to `errors`: where a household lives or a service point stands.
pub async fn community(
    db: &impl ConnectionTrait,
    raw: &str,
    errors: &mut Vec<FieldError>,
) -> Result<Option<RegionCode>, ApiError> {
    let code = RegionCode::parse(raw.trim()).ok().filter(|c| c.is_level(RegionLevel::Community));
    match code {
        Some(code) if find(db, &code).await?.is_some() => Ok(Some(code)),
        _ => {
            errors.push(FieldError::new(
                "community_code",
                FieldCode::RegionNotFound,
                Message::new(
                    "请选择实际居住的村社(12 位编码)",
                    "Choose an existing community, where the household lives (12 digits)",
                ),
            ));
            Ok(None)
        }
    }
}

pub async fn find(db: &impl ConnectionTrait, code: &RegionCode) -> Result<Option<region::Model>, ApiError> {
    Ok(region::Entity::find_by_id(code.as_str()).one(db).await?)
}

/// The whole tree, or the subtree under `root`, from the cache when it is there.
pub async fn tree(
    db: &DatabaseConnection,
    cache: &Cache,
    root: Option<&RegionCode>,
) -> Result<RegionTreeOut, ApiError> {
    let generation = cache.counter(GENERATION_KEY).await.ok();
    let key = generation.map(|g| format!("regions:tree:{g}:{}", root.map_or("all", RegionCode::as_str)));
    if let Some(key) = &key
        && let Ok(Some(bytes)) = cache.get(key).await
        && let Ok(tree) = serde_json::from_slice::<RegionTreeOut>(&bytes)
    {
        return Ok(tree);
    }
    let mut select = region::Entity::find().order_by_asc(Column::Code);
    if let Some(root) = root {
        select = select.filter(Column::Code.starts_with(root.as_str()));
    }
    let rows = select.all(db).await?;
    if let Some(root) = root
        && !rows.iter().any(|row| row.code == root.as_str())
    {
        return Err(ApiError::new(ErrorCode::NotFound));
    }
    let tree = RegionTreeOut { items: build_tree(rows) };
    if let (Some(key), Ok(bytes)) = (key, serde_json::to_vec(&tree)) {
        let _ = cache.set(&key, &bytes, TREE_TTL).await;
    }
    Ok(tree)
}

/// Nests rows sorted by code: each code's parent sorts before it.
fn build_tree(rows: Vec<region::Model>) -> Vec<RegionNode> {
    let mut roots: Vec<RegionNode> = Vec::new();
    for row in rows {
        let node = RegionNode {
            level: crate::vocab::RegionLevel::parse(&row.level).unwrap_or(crate::vocab::RegionLevel::Community),
            code: row.code,
            name: row.name,
            children: Vec::new(),
        };
        insert(&mut roots, node);
    }
    roots
}

fn insert(siblings: &mut Vec<RegionNode>, node: RegionNode) {
    match siblings.last_mut() {
        Some(last) if node.code.starts_with(&last.code) => insert(&mut last.children, node),
        _ => siblings.push(node),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(code: &str) -> region::Model {
        region::Model {
            code: code.to_owned(),
            name: code.to_owned(),
            level: RegionCode::parse(code).unwrap().level().as_str().to_owned(),
            parent_code: None,
            created_at: Utc::now(),
        }
    }

    #[test]
    fn rows_sorted_by_code_nest_into_a_tree() {
        let tree = build_tree(
            ["500116", "500116001", "500116001001", "500116001002", "500116002", "500117"].map(row).to_vec(),
        );
        assert_eq!(tree.len(), 2);
        assert_eq!(tree[0].children.len(), 2);
        assert_eq!(tree[0].children[0].children.len(), 2);
        assert_eq!(tree[1].code, "500117");
    }

    #[test]
    fn bad_codes_and_names_are_named() {
        let err = validate(&RegionIn { code: "5001".into(), name: " ".into() }).unwrap_err();
        let fields: Vec<_> = err.errors().iter().map(|e| (e.field.as_str(), e.code)).collect();
        assert_eq!(fields, [("code", FieldCode::InvalidRegionCode), ("name", FieldCode::InvalidName)]);
    }
}
