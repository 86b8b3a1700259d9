//! Department data imports: monthly files from other departments
//! (medical expenses, disability certificates, deaths, hospital stays, college admissions,
//! unemployment), read as a stream, never whole in memory.
//!
//! - [`decode`]: the file's bytes as UTF-8 text, whatever the department's system wrote (UTF-8,
//!   with or without a BOM, or GBK/GB18030, which is common), or a clear refusal.
//! - [`rows`]: the records of a CSV or JSON-lines file, each checked, a bad one answered with its
//!   line, field and reason while the rest go on.
//! - [`service`]: one file imported, idempotent per file and per department record;
//!   [`routes`]: `POST /api/v1/imports`, the file streamed to disk first.

pub(crate) mod decode;
pub(crate) mod routes;
pub mod rows;
pub mod service;
