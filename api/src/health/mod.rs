//! Liveness and readiness probes for load balancers and orchestrators.

pub(crate) mod model;
pub mod probe;
pub(crate) mod routes;
