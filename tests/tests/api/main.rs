//! Integration tests: the real server against real PostgreSQL and Redis. See `tests/src/lib.rs`.

mod accounts;
mod applications;
mod auth;
mod cache;
mod calendar;
mod catalog;
mod checkins;
mod cors;
mod database;
mod documents;
mod errors;
mod health;
mod notifications;
mod openapi;
mod precheck;
mod progress;
mod regions;
mod reviews;
mod roles;
mod service_points;
mod sqlite;
mod supervision;
mod sync;
mod sync_day;
mod sync_pull;
mod uploads;
