//! Integration tests: the real server against real PostgreSQL and Redis. See `tests/src/lib.rs`.

mod accounts;
mod applications;
mod auth;
mod cache;
mod catalog;
mod cors;
mod database;
mod documents;
mod errors;
mod health;
mod openapi;
mod precheck;
mod regions;
mod roles;
mod service_points;
mod sqlite;
