//! Progress notifications through an outbox: a row written in the transaction of each state
//! change, delivered as a WeChat subscribe message by a job that retries with back-off and records
//! how each delivery went. Nothing is sent from inside a request.

pub mod deliver;
pub(crate) mod outbox;
pub(crate) mod sender;
