//! Who a blind index is, as far as this platform knows: a member of a submitted application, a
//! recipient, someone in the monitoring pool — and where they live (for routing a lead) and what
//! aid they and their household get. Nobody else is looked up: a department record about a person
//! the platform does not know raises no lead.

use std::collections::HashMap;

use entity::{application, household_member, monitoring_subject, recipient};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use super::ledger;
use crate::error::ApiError;

/// Look-ups per statement (bind parameters stay far below every database's limit).
pub const CHUNK: usize = 500;

#[derive(Debug, Clone, Default)]
pub struct Person {
    pub name: String,
    pub id_number_masked: String,
    pub community_code: String,
    pub township_code: String,
    /// Items the person receives themselves (active recipients).
    pub own_items: Vec<String>,
    /// Items anyone of their household receives (active recipients of an application they are on).
    pub household_items: Vec<String>,
    /// Items other departments pay them (the ledger's imported part, still running).
    pub granted_items: Vec<String>,
    /// Groups of the monitoring pool they are in.
    pub groups: Vec<String>,
}

impl Person {
    pub fn district_code(&self) -> &str {
        self.township_code.get(..6).unwrap_or(&self.township_code)
    }

    pub fn gets(&self, item: &str) -> bool {
        self.own_items.iter().chain(&self.household_items).chain(&self.granted_items).any(|i| i == item)
    }
}

/// The people among `indexes` the platform knows, by blind index.
pub async fn find(db: &impl ConnectionTrait, indexes: &[String]) -> Result<HashMap<String, Person>, ApiError> {
    let mut out: HashMap<String, Person> = HashMap::new();
    let today = crate::calendar::today();
    for chunk in indexes.chunks(CHUNK) {
        let members = household_member::Entity::find()
            .filter(household_member::Column::IdNumberIndex.is_in(chunk.iter().cloned()))
            .all(db)
            .await?;
        let app_ids: Vec<Uuid> = members.iter().map(|m| m.application_id).collect();
        let apps: HashMap<Uuid, application::Model> = application::Entity::find()
            .filter(application::Column::Id.is_in(app_ids.clone()))
            .filter(application::Column::Status.ne("draft"))
            .order_by_asc(application::Column::CreatedAt)
            .all(db)
            .await?
            .into_iter()
            .map(|a| (a.id, a))
            .collect();
        let household_recipients = recipient::Entity::find()
            .filter(recipient::Column::ApplicationId.is_in(app_ids))
            .filter(recipient::Column::Status.eq("active"))
            .all(db)
            .await?;
        let mut members = members;
        // The newest application decides where a person lives now.
        members.sort_by_key(|m| apps.get(&m.application_id).map(|a| a.created_at));
        for member in members {
            let Some(app) = apps.get(&member.application_id) else { continue };
            let person = out.entry(member.id_number_index.clone()).or_default();
            person.name.clone_from(&member.name);
            person.id_number_masked.clone_from(&member.id_number_masked);
            person.community_code.clone_from(&app.community_code);
            person.township_code.clone_from(&app.township_code);
            for r in household_recipients.iter().filter(|r| r.application_id == app.id) {
                push(&mut person.household_items, &r.item_code);
            }
        }
        let pool = monitoring_subject::Entity::find()
            .filter(monitoring_subject::Column::SubjectIndex.is_in(chunk.iter().cloned()))
            .order_by_asc(monitoring_subject::Column::CreatedAt)
            .all(db)
            .await?;
        for subject in pool {
            let known = out.contains_key(&subject.subject_index);
            let person = out.entry(subject.subject_index.clone()).or_default();
            if !known {
                person.community_code.clone_from(&subject.community_code);
                person.township_code.clone_from(&subject.township_code);
            }
            if person.name.is_empty() {
                person.name.clone_from(&subject.name);
                person.id_number_masked.clone_from(&subject.id_number_masked);
            }
            push(&mut person.groups, &subject.group_code);
        }
        let own = recipient::Entity::find()
            .filter(recipient::Column::SubjectIndex.is_in(chunk.iter().cloned()))
            .filter(recipient::Column::Status.eq("active"))
            .all(db)
            .await?;
        for r in own {
            let person = out.entry(r.subject_index.clone()).or_default();
            // Where the aid is paid is where they live.
            person.community_code.clone_from(&r.community_code);
            person.township_code.clone_from(&r.township_code);
            push(&mut person.own_items, &r.item_code);
        }
        for (index, entries) in ledger::granted(db, chunk, today).await? {
            if let Some(person) = out.get_mut(&index) {
                for entry in entries {
                    push(&mut person.granted_items, &entry.item_code);
                }
            }
        }
    }
    out.retain(|_, p| !p.township_code.is_empty());
    Ok(out)
}

fn push(list: &mut Vec<String>, item: &str) {
    if !list.iter().any(|i| i == item) {
        list.push(item.to_owned());
    }
}
