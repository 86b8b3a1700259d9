//! Township review (镇街审核): the state machine of an application and its items after submit,
//! each step an append-only event with its actor, signed decisions with optimistic versions,
//! the economic check, the emergency path, district confirmation above the township's limits,
//! and what decisions set going (recipients, the monitoring pool, second looks).

pub(crate) mod decide;
pub(crate) mod investigation;
pub(crate) mod machine;
pub(crate) mod model;
pub(crate) mod outcomes;
pub(crate) mod routes;
mod service;

mod signature;
pub(crate) mod steps;
