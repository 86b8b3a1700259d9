//! Offline sync for helpers in the field. A phone pushes the operations it made offline, in
//! batches, each with a client-made op id and a per-device sequence number; the server applies
//! them in sequence order through the same services the online endpoints use, and answers each
//! one: `applied`, `duplicate` (seen before: the first answer again), `conflict` (the record
//! changed on the server since the version the op was made on: kept in the conflict queue),
//! `rejected` (invalid: do not retry) or `retry_later`. Each op is applied and recorded in one
//! transaction, so a crash never leaves an op applied without its answer.
//!
//! - [`push`]: the batch, duplicates, the device's status; [`sequence`]: sequence order, gaps
//!   and ops that wait for an earlier one; [`commands`]: an op as a typed command; [`apply`]: one
//!   command;
//! - [`conflicts`]: the queue and its resolution;
//! - [`changes`]: the server's change sequence; [`pull`]: what a phone pulls from it, a page at a
//!   time, with tombstones;
//! - [`model`], [`routes`].

pub(crate) mod apply;
pub mod changes;
pub(crate) mod commands;
pub(crate) mod conflicts;
pub(crate) mod model;
pub(crate) mod pull;
pub(crate) mod push;
pub(crate) mod routes;
pub(crate) mod sequence;
