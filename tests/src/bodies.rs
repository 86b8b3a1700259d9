//! Typed request bodies for what tests send most (a draft, a household member), instead of the
//! same raw JSON in every file. A field left unset is left out of the JSON, so a body is exactly
//! the one the tests used to write by hand.

use serde::Serialize;
use serde_json::Value;
use uuid::Uuid;

/// `POST /api/v1/applications`: a new draft.
#[derive(Debug, Clone, Serialize)]
pub struct Draft {
    pub id: String,
    pub community_code: String,
    pub items: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service_point_id: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contact_phone: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub household: Option<Value>,
}

impl Draft {
    /// A draft with a new id in `community` for `items`.
    pub fn new(community: &str, items: &[&str]) -> Self {
        Self {
            id: Uuid::now_v7().to_string(),
            community_code: community.to_owned(),
            items: items.iter().map(|&i| i.to_owned()).collect(),
            service_point_id: None,
            contact_phone: None,
            household: None,
        }
    }

    pub fn id(mut self, id: &str) -> Self {
        id.clone_into(&mut self.id);
        self
    }

    pub fn contact_phone(mut self, phone: &str) -> Self {
        self.contact_phone = Some(phone.to_owned());
        self
    }

    /// The household's facts, e.g. `json!({"assets_fen": 100000})`.
    pub fn household(mut self, household: Value) -> Self {
        self.household = Some(household);
        self
    }
}

/// `PUT /api/v1/applications/{id}/members/{member}`: a household member.
#[derive(Debug, Clone, Serialize)]
pub struct Member {
    pub name: String,
    pub relation: String,
    pub id_number: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub monthly_income_fen: Option<i64>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub disabled: bool,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub student: bool,
}

impl Member {
    /// `name`, related to the applicant as `relation` (`self`, `spouse`, `child`, ...).
    pub fn new(name: &str, relation: &str, id_number: String) -> Self {
        Self {
            name: name.to_owned(),
            relation: relation.to_owned(),
            id_number,
            monthly_income_fen: None,
            disabled: false,
            student: false,
        }
    }

    pub fn income(mut self, monthly_fen: i64) -> Self {
        self.monthly_income_fen = Some(monthly_fen);
        self
    }

    pub fn disabled(mut self) -> Self {
        self.disabled = true;
        self
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::{Draft, Member};

    #[test]
    fn unset_fields_are_left_out() {
        let draft = Draft::new("500199001001", &["temporary"]).id("x");
        assert_eq!(
            serde_json::to_value(&draft).unwrap(),
            json!({"id": "x", "community_code": "500199001001", "items": ["temporary"]})
        );
        let member = Member::new("李建国", "spouse", "500199194801010120".to_owned()).disabled();
        assert_eq!(
            serde_json::to_value(&member).unwrap(),
            json!({"name": "李建国", "relation": "spouse", "id_number": "500199194801010120", "disabled": true})
        );
    }
}
