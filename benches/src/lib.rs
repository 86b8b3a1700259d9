//! What the benchmark binaries (`scripts/bench`) share: settings from the environment, drafts
//! made through the API, and a small load generator. The test helpers come from the `tests` crate.

pub mod common;
pub mod load;
