//! Field checks shared by create and update: the community, the items (known, active, not
//! excluding each other), the phone number, the note and the household amounts. Every problem is
//! reported at once.

use entity::aid_item;

use crate::error::{FieldCode, FieldError, Message};

/// The catalog rows of `items`, in the order given, or the errors.
pub fn items(catalog: &[aid_item::Model], items: &[String], errors: &mut Vec<FieldError>) -> Vec<aid_item::Model> {
    if items.is_empty() || items.len() > 13 {
        errors.push(FieldError::new(
            "items",
            FieldCode::InvalidItems,
            Message::new("请选择 1 到 13 项救助事项", "Choose 1 to 13 aid items"),
        ));
        return Vec::new();
    }
    let mut rows: Vec<aid_item::Model> = Vec::new();
    for (i, code) in items.iter().enumerate() {
        match catalog.iter().find(|row| &row.code == code && row.active) {
            Some(_) if rows.iter().any(|row| &row.code == code) => errors.push(FieldError::new(
                format!("items[{i}]"),
                FieldCode::DuplicateItem,
                Message::new("同一事项只需选择一次", "Choose each item once"),
            )),
            Some(row) => rows.push(row.clone()),
            None => errors.push(FieldError::new(
                format!("items[{i}]"),
                FieldCode::UnknownItem,
                Message::new(
                    format!("没有可申请的事项 {code},请从事项列表中选择"),
                    format!("No item {code} can be applied for"),
                ),
            )),
        }
    }
    exclusive(&rows, errors);
    rows
}

/// 低保 and 特困 (and any other pair the catalog marks) cannot be asked for together.
pub fn exclusive(rows: &[aid_item::Model], errors: &mut Vec<FieldError>) {
    for (i, a) in rows.iter().enumerate() {
        for b in &rows[i + 1..] {
            let excludes = |x: &aid_item::Model, y: &aid_item::Model| {
                serde_json::from_value::<Vec<String>>(x.excludes.clone()).unwrap_or_default().contains(&y.code)
            };
            if excludes(a, b) || excludes(b, a) {
                errors.push(FieldError::new(
                    "items",
                    FieldCode::ItemsExclusive,
                    Message::new(
                        format!("{}与{}不能同时申请,请选择其中一项", a.name, b.name),
                        format!("{} and {} cannot be applied for together; choose one", a.code, b.code),
                    ),
                ));
            }
        }
    }
}

pub fn phone(phone: Option<&str>, errors: &mut Vec<FieldError>) {
    let Some(phone) = phone else { return };
    let ok = phone.len() == 11
        && phone.starts_with('1')
        && phone.as_bytes()[1].is_ascii_digit()
        && phone.as_bytes()[1] >= b'3'
        && phone.bytes().all(|b| b.is_ascii_digit());
    if !ok {
        errors.push(FieldError::new(
            "contact_phone",
            FieldCode::InvalidPhone,
            Message::new("请填写 11 位手机号码", "Enter an 11-digit mobile number"),
        ));
    }
}

pub fn note(note: Option<&str>, errors: &mut Vec<FieldError>) {
    if note.is_some_and(|n| n.chars().count() > 500 || n.chars().any(|c| c.is_control() && c != '\n')) {
        errors.push(FieldError::new(
            "note",
            FieldCode::InvalidText,
            Message::new("说明最多 500 个字", "Use at most 500 characters"),
        ));
    }
}
