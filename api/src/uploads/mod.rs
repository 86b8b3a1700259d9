//! Resumable uploads for photos taken offline, in the subset of the tus protocol a WeChat mini
//! program can speak. [`service`]: create, append, put together, expire; [`routes`].

pub(crate) mod routes;
pub mod service;
