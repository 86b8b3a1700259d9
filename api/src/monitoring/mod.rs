//! Dynamic monitoring and early warning (动态监测预警) and the ledger against double aid: the pool
//! of watched people, warning rules as data evaluated over department imports, the leads they
//! raise (routed to the township, assigned, visited, closed), the per-person ledger checked at
//! submit and at decision, and the figures for the district.

pub mod evaluate;
pub mod figures;
pub mod groups;
pub mod leads;
pub mod ledger;
pub mod lookup;
pub mod model;
pub mod people;
pub mod pool;
pub mod routes;
pub mod rules;
