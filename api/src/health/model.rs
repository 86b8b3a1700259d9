use serde::Serialize;
use utoipa::ToSchema;

/// The process is up and serving.
#[derive(Debug, Serialize, ToSchema)]
pub struct HealthOut {
    #[schema(example = "ok")]
    pub status: &'static str,
    /// The server's version.
    #[schema(example = "0.1.0")]
    pub version: &'static str,
}

/// Overall readiness.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Readiness {
    /// Every dependency answers.
    Ready,
    /// The database answers but Redis does not: requests are served from the database.
    Degraded,
    /// The database does not answer: the node cannot serve requests.
    Unavailable,
}

/// State of one dependency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DependencyStatus {
    Up,
    Down,
    /// Not configured: the in-process fallback is in use (single-node mode).
    InProcess,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DependencyOut {
    pub status: DependencyStatus,
    /// Round-trip time of the check, in milliseconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub latency_ms: Option<f64>,
    /// Why the dependency is down (no credentials or addresses).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ChecksOut {
    pub database: DependencyOut,
    pub redis: DependencyOut,
}

/// Readiness with the state of each dependency.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReadinessOut {
    pub status: Readiness,
    pub checks: ChecksOut,
}
