//! Liveness and readiness probes for load balancers and orchestrators.

pub mod model;
pub mod probe;
pub mod routes;
