//! The catalogue of field codes: what is wrong with one field of a request, in `errors[].code` of a
//! problem (and of a rejected sync op). Like the error codes, a field code never changes meaning
//! once published; the message beside it says what to do in the caller's language.

use serde::Serialize;
use utoipa::ToSchema;

use super::table::code_table;

code_table! {
    /// Stable, upper-snake-case code of one invalid field, in `errors[].code`: clients may branch on it.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, ToSchema)]
    pub enum FieldCode {
        // Any request: the shape of the value.
        /// The field is missing or empty, and it is needed.
        Required => "REQUIRED",
        /// The value has the wrong form or is not one of those allowed.
        InvalidValue => "INVALID_VALUE",
        /// The request names a field this endpoint does not take.
        UnknownField => "UNKNOWN_FIELD",
        /// The value has the wrong JSON type (e.g. not an object).
        InvalidType => "INVALID_TYPE",
        /// A sync op's `data` does not parse as the op's body; the message quotes the parser.
        InvalidData => "INVALID_DATA",
        /// A number or date outside the range the message gives.
        OutOfRange => "OUT_OF_RANGE",
        /// A text longer than allowed.
        TooLong => "TOO_LONG",
        /// More entries than allowed.
        TooMany => "TOO_MANY",
        /// The same entry twice where each may appear once.
        Duplicate => "DUPLICATE",
        /// A field that must be left out for this kind of record.
        NotAllowed => "NOT_ALLOWED",
        /// A record with this value exists already (a unique key).
        AlreadyExists => "ALREADY_EXISTS",
        /// A free text that is empty, too long or has control characters.
        InvalidText => "INVALID_TEXT",
        /// A name that is empty, too long or has control characters.
        InvalidName => "INVALID_NAME",
        /// A page or sync cursor this list never gave: start from the first page.
        InvalidCursor => "INVALID_CURSOR",
        /// A request header that is missing or has the wrong form; the field names the header.
        InvalidHeader => "INVALID_HEADER",
        /// A month that is not `YYYY-MM`.
        InvalidMonth => "INVALID_MONTH",
        /// A date that is not `YYYY-MM-DD` or not in the allowed span.
        InvalidDate => "INVALID_DATE",
        /// A line of a JSON Lines import that is not a JSON object.
        InvalidJson => "INVALID_JSON",

        // Accounts and sign-in.
        /// A username that is not 3 to 32 lower-case letters, digits, dots, underscores or hyphens.
        InvalidUsername => "INVALID_USERNAME",
        /// A new password that breaks the password rules (length, letters and digits, not common).
        WeakPassword => "WEAK_PASSWORD",
        /// The current password given for a change is wrong.
        WrongPassword => "WRONG_PASSWORD",
        /// The region's level does not fit the account's role.
        RegionLevelMismatch => "REGION_LEVEL_MISMATCH",

        // Regions.
        /// A region code that is not 6, 9 or 12 digits of a valid province and parts.
        InvalidRegionCode => "INVALID_REGION_CODE",
        /// A region code that names no region.
        RegionNotFound => "REGION_NOT_FOUND",
        /// A new region's parent does not exist yet.
        ParentNotFound => "PARENT_NOT_FOUND",
        /// A region that is not a district or township where one of those is needed.
        InvalidRegion => "INVALID_REGION",
        /// A community code in an import that is not 12 digits.
        InvalidCommunity => "INVALID_COMMUNITY",

        // The aid catalogue and the pre-check.
        /// An aid item code that is not 2 to 32 lower-case letters, digits or underscores.
        InvalidCode => "INVALID_CODE",
        /// An aid item the catalogue (or this application) does not have.
        UnknownItem => "UNKNOWN_ITEM",
        /// An import's aid item that is not an item code.
        InvalidItem => "INVALID_ITEM",
        /// The community offers no pre-check yet: choose the aid from the list.
        NoPrecheckRules => "NO_PRECHECK_RULES",
        /// A pre-check without 1 to 20 household members.
        InvalidMembers => "INVALID_MEMBERS",
        /// A pre-check rule without 1 to 20 conditions.
        InvalidRule => "INVALID_RULE",
        /// A pre-check condition that is not a finite value with a short reason.
        InvalidCondition => "INVALID_CONDITION",

        // Applications and their members.
        /// Not 1 to 13 aid items.
        InvalidItems => "INVALID_ITEMS",
        /// The same aid item chosen twice.
        DuplicateItem => "DUPLICATE_ITEM",
        /// Two items that cannot be applied for together.
        ItemsExclusive => "ITEMS_EXCLUSIVE",
        /// A mobile number that is not 11 digits.
        InvalidPhone => "INVALID_PHONE",
        /// Not the last four digits of the phone on the application.
        InvalidPhoneTail => "INVALID_PHONE_TAIL",
        /// The scanned service point is not in the chosen community.
        ServicePointMismatch => "SERVICE_POINT_MISMATCH",
        /// An ID number that is not 18 characters or has an impossible birth date.
        InvalidIdNumber => "INVALID_ID_NUMBER",
        /// An ID number whose birth date is in the future.
        FutureBirthDate => "FUTURE_BIRTH_DATE",
        /// An ID number whose check digit does not match.
        IdNumberChecksum => "ID_NUMBER_CHECKSUM",
        /// The same person twice in the household.
        DuplicateMember => "DUPLICATE_MEMBER",
        /// A second member with relation `self`.
        DuplicateApplicant => "DUPLICATE_APPLICANT",
        /// No member with relation `self` at submit.
        MissingApplicant => "MISSING_APPLICANT",
        /// A reason is needed (to see a full ID number, to revoke an authorization, to reject an item).
        ReasonRequired => "REASON_REQUIRED",
        /// The member named is not one of the application's.
        MemberNotFound => "MEMBER_NOT_FOUND",

        // Documents and photos.
        /// A document the application (or the reviewer's request) needs is not there.
        MissingDocument => "MISSING_DOCUMENT",
        /// The photo is too small to read.
        ImageTooSmall => "IMAGE_TOO_SMALL",
        /// The photo is blurry.
        ImageBlurry => "IMAGE_BLURRY",
        /// The photo is too dark.
        ImageTooDark => "IMAGE_TOO_DARK",
        /// The photo is overexposed or shows glare.
        ImageOverexposed => "IMAGE_OVEREXPOSED",
        /// No face was found where one must be.
        FaceNotFound => "FACE_NOT_FOUND",

        // Authorizations and signatures.
        /// An adult member has no signed authorization.
        MissingSignature => "MISSING_SIGNATURE",
        /// The signature image has no strokes.
        SignatureEmpty => "SIGNATURE_EMPTY",
        /// The signature document named is not uploaded (as type `signature`).
        SignatureNotFound => "SIGNATURE_NOT_FOUND",
        /// The signature was used for another authorization already.
        SignatureAlreadyUsed => "SIGNATURE_ALREADY_USED",
        /// The authorization text changed since it was shown: show the current one and sign again.
        StaleAuthorizationText => "STALE_AUTHORIZATION_TEXT",
        /// The scopes to authorize are missing or repeated.
        InvalidScope => "INVALID_SCOPE",
        /// The signer is not a member of the household.
        SignerNotMember => "SIGNER_NOT_MEMBER",
        /// A minor cannot sign; their guardian signs.
        SignerNotAdult => "SIGNER_NOT_ADULT",
        /// The authorization covers someone who is not a member of the household.
        UnknownMember => "UNKNOWN_MEMBER",
        /// A signature for oneself covers someone else.
        SignatureWrongPerson => "SIGNATURE_WRONG_PERSON",
        /// Signing for others needs the signer's relation to them.
        RelationRequired => "RELATION_REQUIRED",

        // Reviews and decisions.
        /// An approval without a positive amount.
        AmountRequired => "AMOUNT_REQUIRED",
        /// An amount over the per-decision maximum.
        AmountTooHigh => "AMOUNT_TOO_HIGH",
        /// A note that must be written (grounds, findings, how a conflict was handled) is not 2 to 500
        /// characters.
        NoteLength => "NOTE_LENGTH",

        // Monitoring, visits, check-ins and the calendar.
        /// A monitoring rule's threshold out of range.
        InvalidThreshold => "INVALID_THRESHOLD",
        /// A monitoring rule's deadline is not 1 to 90 days.
        InvalidDeadline => "INVALID_DEADLINE",
        /// A visit's findings are not 2 to 500 characters.
        InvalidNote => "INVALID_NOTE",
        /// The helper named is not an active helper of this township.
        NotATownshipHelper => "NOT_A_TOWNSHIP_HELPER",
        /// The task named is not a home-visit task of this recipient.
        TaskNotFound => "TASK_NOT_FOUND",
        /// A make-up workday that is not a Saturday or Sunday.
        NotAWeekend => "NOT_A_WEEKEND",

        // Department imports.
        /// An amount that is not yuan with at most two decimals, up to 100 million.
        InvalidAmount => "INVALID_AMOUNT",
        /// A disability grade that is not 1 to 4.
        InvalidGrade => "INVALID_GRADE",
        /// A yes-or-no column with another value.
        InvalidFlag => "INVALID_FLAG",
        /// A monitoring group that an import may not name.
        InvalidGroup => "INVALID_GROUP",

        // Sync.
        /// Not 1 to 500 ops in a push.
        BatchSize => "BATCH_SIZE",
        /// An `(entity, op)` pair sync does not take.
        UnsupportedOp => "UNSUPPORTED_OP",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_names_match_serde_and_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for code in FieldCode::ALL {
            assert_eq!(serde_json::to_value(code).unwrap(), code.as_str());
            assert_eq!(code.to_string(), code.as_str());
            assert!(seen.insert(code.as_str()), "{code} twice");
        }
    }
}
