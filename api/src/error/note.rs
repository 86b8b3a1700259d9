//! The note rule (`vocab::note`) as the person is told when a note is refused.

use super::{ApiError, FieldCode, FieldError, Message};
use crate::vocab::{NOTE_MAX_CHARS, NoteError, note};

/// A free-text note in `field`: trimmed, `min` to 500 characters; `REQUIRED` when a required one
/// is empty, `INVALID_TEXT` when it is too short or too long.
pub fn field_note(field: &str, raw: Option<&str>, min: usize) -> Result<Option<String>, ApiError> {
    note(raw, min).map_err(|err| {
        let zh = if min > 0 {
            format!("请填写{min}至{NOTE_MAX_CHARS}字的说明")
        } else {
            "说明不能超过500字".to_owned()
        };
        let code = if err == NoteError::Missing { FieldCode::Required } else { FieldCode::InvalidText };
        ApiError::validation(vec![FieldError::new(
            field,
            code,
            Message::new(zh, format!("Write {min} to {NOTE_MAX_CHARS} characters")),
        )])
    })
}

/// The trimmed note of a decision, 2 to 500 characters, or a 422 `NOTE_LENGTH` on field `note`
/// asking for `what` (e.g. "请写明理由").
pub fn required_note(text: &str, what_zh: &str, what_en: &str) -> Result<String, ApiError> {
    match note(Some(text), 2) {
        Ok(text) => Ok(text.unwrap_or_default()),
        Err(_) => Err(ApiError::validation(vec![FieldError::new(
            "note",
            FieldCode::NoteLength,
            Message::new(format!("{what_zh}(2 到 500 字)"), format!("{what_en} (2 to 500 characters)")),
        )])),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refused_note_names_its_field_and_code() {
        assert_eq!(required_note("  已核实  ", "", "").unwrap(), "已核实");
        assert!(required_note(" x ", "", "").is_err());
        let problem = field_note("reason", Some(" "), 2).unwrap_err().problem(crate::request::Lang::Zh, None);
        let error = &problem.errors[0];
        assert_eq!((error.field.as_str(), error.code), ("reason", FieldCode::Required));
        let problem = field_note("note", Some("x"), 2).unwrap_err().problem(crate::request::Lang::Zh, None);
        assert_eq!(problem.errors[0].code, FieldCode::InvalidText);
    }
}
