//! The reference data a change to a draft reads — the aid catalog, the community, the acting
//! account — read once per request or sync batch instead of once per change: a batch of 500
//! offline ops would otherwise read the same catalog 500 times. It lives no longer than the
//! transaction it serves, so it is never staler than that transaction's own reads.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use entity::{account, aid_item};
use sea_orm::{ConnectionTrait, EntityTrait};
use uuid::Uuid;

use crate::error::{ApiError, ErrorCode, FieldError};
use crate::regions::service as regions;
use crate::vocab::RegionCode;

#[derive(Default)]
pub struct Lookups {
    catalog: Option<Vec<aid_item::Model>>,
    communities: HashMap<String, RegionCode>,
    accounts: HashMap<Uuid, account::Model>,
}

impl Lookups {
    /// Every aid item, active or not.
    pub async fn catalog(&mut self, db: &impl ConnectionTrait) -> Result<&[aid_item::Model], ApiError> {
        if self.catalog.is_none() {
            self.catalog = Some(aid_item::Entity::find().all(db).await?);
        }
        Ok(self.catalog.as_deref().unwrap_or_default())
    }

    /// The community `raw` names, if it exists; else `REGION_NOT_FOUND` in `errors`.
    pub async fn community(
        &mut self,
        db: &impl ConnectionTrait,
        raw: &str,
        errors: &mut Vec<FieldError>,
    ) -> Result<Option<RegionCode>, ApiError> {
        if let Some(code) = self.communities.get(raw) {
            return Ok(Some(code.clone()));
        }
        let found = regions::community(db, raw, errors).await?;
        if let Some(code) = &found {
            self.communities.insert(raw.to_owned(), code.clone());
        }
        Ok(found)
    }

    /// The account acting, as it is now.
    pub async fn account(&mut self, db: &impl ConnectionTrait, id: Uuid) -> Result<&account::Model, ApiError> {
        match self.accounts.entry(id) {
            Entry::Occupied(known) => Ok(known.into_mut()),
            Entry::Vacant(slot) => {
                let row = account::Entity::find_by_id(id)
                    .one(db)
                    .await?
                    .ok_or_else(|| ApiError::new(ErrorCode::Unauthenticated))?;
                Ok(slot.insert(row))
            }
        }
    }
}
