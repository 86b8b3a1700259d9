//! Personal data that needs care: ID numbers (validated, masked, never printed) and the cipher that
//! keeps such values encrypted at rest with a blind index for look-ups.

pub mod cipher;
pub mod id_number;
