//! Answers made stable for snapshot tests (`insta`): what changes on every run or with the date —
//! ids, times, dates counted from today, ages, application numbers — and the bytes the photo
//! pipeline stores (their sizes and hashes change with the encoder) are replaced by a placeholder
//! naming them, so a snapshot changes only when the answer's shape or content does.

use serde_json::Value;

/// `value` with every UUID, timestamp, date counted from today, age, application number and
/// stored file's size and hash replaced.
pub fn redacted(value: &Value) -> Value {
    redact(None, value)
}

fn redact(key: Option<&str>, value: &Value) -> Value {
    let by_key = match key {
        Some("age") => Some("[age]"),
        Some("byte_size") => Some("[bytes]"),
        Some("sha256") => Some("[sha256]"),
        _ => None,
    };
    match value {
        Value::Object(map) => map.iter().map(|(k, v)| (k.clone(), redact(Some(k), v))).collect(),
        Value::Array(items) => items.iter().map(|v| redact(key, v)).collect(),
        Value::Null => Value::Null,
        _ if by_key.is_some() => Value::String(by_key.unwrap_or_default().to_owned()),
        Value::String(text) => Value::String(placeholder(key, text).unwrap_or_else(|| text.clone())),
        other => other.clone(),
    }
}

fn placeholder(key: Option<&str>, text: &str) -> Option<String> {
    if uuid::Uuid::parse_str(text).is_ok() {
        return Some("[uuid]".to_owned());
    }
    if chrono::DateTime::parse_from_rfc3339(text).is_ok() {
        return Some("[timestamp]".to_owned());
    }
    let key = key.unwrap_or_default();
    let dated = key.ends_with("_on") || key.ends_with("_date") || key == "date";
    if dated && chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").is_ok() {
        return Some("[date]".to_owned());
    }
    if key == "number" {
        return Some("[application number]".to_owned());
    }
    None
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::redacted;

    #[test]
    fn ids_times_dates_and_numbers_become_placeholders() {
        let answer = json!({
            "id": "01a23c14-2687-71f4-9bf7-b4fe7d8ed921",
            "created_at": "2026-03-01T08:00:00.123+08:00",
            "items": [{"code": "dibao", "due_date": "2026-04-01", "version": 2}],
            "number": "MZ5001992026000001",
            "birth": "1950-03-17",
            "members": [{"age": 76, "id_number_masked": "500199********0071"}],
            "documents": [{"byte_size": 206839, "sha256": "3fd4", "member_id": null}],
        });
        let expected = json!({
            "id": "[uuid]",
            "created_at": "[timestamp]",
            "items": [{"code": "dibao", "due_date": "[date]", "version": 2}],
            "number": "[application number]",
            "birth": "1950-03-17",
            "members": [{"age": "[age]", "id_number_masked": "500199********0071"}],
            "documents": [{"byte_size": "[bytes]", "sha256": "[sha256]", "member_id": null}],
        });
        assert_eq!(redacted(&answer), expected);
    }
}
