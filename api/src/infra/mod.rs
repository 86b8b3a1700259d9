//! Typed clients for the things outside the process: the database and Redis.

pub mod cache;
pub mod db;
