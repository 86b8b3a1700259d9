//! The pure image work: no HTTP, no database. Callers run it on the blocking pool.

pub mod ink;
