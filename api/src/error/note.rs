//! The note a person must write with a decision (a suspension's grounds, a visit's findings, how a
//! conflict was handled): trimmed, 2 to 500 characters, or `NOTE_LENGTH` with what to write.

use super::{ApiError, FieldCode, FieldError, Message};

/// The trimmed note, or a 422 on field `note` asking for `what` (e.g. "请写明理由").
pub fn required_note(text: &str, what_zh: &str, what_en: &str) -> Result<String, ApiError> {
    let text = text.trim();
    if (2..=500).contains(&text.chars().count()) {
        return Ok(text.to_owned());
    }
    Err(ApiError::validation(vec![FieldError::new(
        "note",
        FieldCode::NoteLength,
        Message::new(format!("{what_zh}(2 到 500 字)"), format!("{what_en} (2 to 500 characters)")),
    )]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_note_is_trimmed_and_bounded() {
        assert_eq!(required_note("  已核实  ", "", "").unwrap(), "已核实");
        assert!(required_note(" x ", "", "").is_err());
        assert!(required_note(&"字".repeat(501), "", "").is_err());
    }
}
