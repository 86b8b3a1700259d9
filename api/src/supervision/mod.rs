//! District supervision (督办): deadline warnings and overdue items, tickets for what the district
//! must look at, monthly figures per township, and the reproducible monthly 10% sample.

pub mod answers;
pub mod deadlines;
pub mod figures;
pub mod model;
pub mod routes;
pub mod samples;
pub mod tickets;
