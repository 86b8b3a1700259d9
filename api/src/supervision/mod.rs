//! District supervision (督办): deadline warnings and overdue items, tickets for what the district
//! must look at, monthly figures per township, and the reproducible monthly 10% sample.

pub(crate) mod answers;
pub mod deadlines;
pub(crate) mod figures;
pub(crate) mod model;
pub(crate) mod routes;
pub mod samples;
pub(crate) mod tickets;
