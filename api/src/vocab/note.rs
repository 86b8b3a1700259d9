//! The note a person writes with a step or a decision (grounds, findings, how a conflict was
//! handled, why a file was read): trimmed, at most 500 characters, and where one is required at
//! least `min`. One rule; `error::note` words its refusal for the field that carries it.

/// The longest note anyone writes, in characters.
pub const NOTE_MAX_CHARS: usize = 500;

/// Why a note is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoteError {
    /// Nothing was written where something must be.
    Missing,
    /// Shorter than required or longer than `NOTE_MAX_CHARS`.
    Length,
}

/// The trimmed note (none when empty and `min` is 0), or why it is refused.
pub fn note(raw: Option<&str>, min: usize) -> Result<Option<String>, NoteError> {
    let text = raw.map(str::trim).filter(|t| !t.is_empty());
    let count = text.map_or(0, |t| t.chars().count());
    if count < min || count > NOTE_MAX_CHARS {
        return Err(if text.is_none() && min > 0 { NoteError::Missing } else { NoteError::Length });
    }
    Ok(text.map(str::to_owned))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_note_is_trimmed_and_bounded() {
        assert_eq!(note(Some("  已核实  "), 2), Ok(Some("已核实".to_owned())));
        assert_eq!(note(Some(" x "), 2), Err(NoteError::Length));
        assert_eq!(note(Some("   "), 2), Err(NoteError::Missing));
        assert_eq!(note(None, 0), Ok(None));
        assert_eq!(note(Some(&"字".repeat(501)), 0), Err(NoteError::Length));
        assert_eq!(note(Some(&"字".repeat(500)), 2).map(|n| n.map(|t| t.chars().count())), Ok(Some(500)));
    }
}
