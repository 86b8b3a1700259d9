//! Jiuzhu (救助): the backend of a phone-first social-assistance platform.
//!
//! `main.rs` parses the command line and calls in here; the integration tests build the same
//! `Application` on port 0 against their own database.

pub mod accounts;
pub mod applications;
pub(crate) mod audit;
pub mod auth;
pub mod authorizations;
pub(crate) mod blocking;
pub mod calendar;
pub mod catalog;
pub mod checkins;
pub mod cli;
pub mod config;
pub mod demo;
pub mod documents;
pub mod error;
pub mod health;
pub mod hex;
pub mod http;
pub mod imports;
pub mod infra;
pub(crate) mod jobs;
pub(crate) mod local_key;
pub mod monitoring;
pub mod notifications;
pub mod openapi;
pub mod pii;
pub mod precheck;
pub mod progress;
pub mod regions;
pub mod request;
pub(crate) mod reviews;
pub(crate) mod routes;
pub mod service_points;
pub mod startup;
pub mod state;
pub mod supervision;
pub mod sync;
pub mod telemetry;
pub(crate) mod uow;
pub mod uploads;
pub mod vocab;

pub use startup::{Application, StartupError};

#[cfg(test)]
mod layers;
