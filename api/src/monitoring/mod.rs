//! Dynamic monitoring and early warning (动态监测预警) and the ledger against double aid: the pool
//! of watched people, warning rules as data evaluated over department imports, the leads they
//! raise (routed to the township, assigned, visited, closed), the per-person ledger checked at
//! submit and at decision, and the figures for the district.

pub(crate) mod evaluate;
pub(crate) mod figures;
pub(crate) mod groups;
pub mod leads;
pub(crate) mod ledger;
pub(crate) mod lookup;
pub(crate) mod model;
pub(crate) mod people;
pub(crate) mod pool;
pub(crate) mod routes;
pub(crate) mod rules;
