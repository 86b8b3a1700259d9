//! The catalogue of sync op codes: why a pushed op was answered `duplicate`, `conflict`,
//! `rejected` or `retry_later` when no error of the services says it, in the op's `code` (beside
//! the error codes a rejected op carries) and in a kept conflict's `code`.

use serde::Serialize;

use super::table::code_table;

code_table! {
    /// Stable, upper-snake-case code of a sync op's answer that is not an error code.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
    pub enum OpCode {
        /// The same op id twice in one batch: the first answer stands.
        DuplicateInBatch => "DUPLICATE_IN_BATCH",
        /// The op id was used before for other content; nothing was overwritten.
        OpIdReused => "OP_ID_REUSED",
        /// The sequence number was used by another op of this device.
        SequenceReused => "SEQUENCE_REUSED",
        /// An op numbered lower was neither answered nor sent: send it first (`expected_seq`).
        SequenceGap => "SEQUENCE_GAP",
        /// The op's photo has not finished uploading: resume the upload, then send the op again.
        UploadNotFinished => "UPLOAD_NOT_FINISHED",
        /// The op names a record of an earlier op that waits for its upload (`waiting_for`).
        WaitingForEarlierOp => "WAITING_FOR_EARLIER_OP",
        /// The server could not apply the op now (the op is not at fault): send it again later.
        RetryLater => "RETRY_LATER",
        /// A conflict: the record changed on the server since the op's base version.
        ChangedOnServer => "CHANGED_ON_SERVER",
        /// A conflict: the application was submitted meanwhile (the error code of the same name
        /// online).
        ApplicationLocked => "APPLICATION_LOCKED",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_names_match_serde_and_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for code in OpCode::ALL {
            assert_eq!(serde_json::to_value(code).unwrap(), code.as_str());
            assert!(seen.insert(code.as_str()), "{code} twice");
        }
    }
}
