//! Periodic check-ins (生存状况验证): recipients prove from the phone, or with a helper at home,
//! that they are alive and still entitled, instead of reporting at the township every quarter.
//!
//! - [`cycles`]: each recipient's schedule (from `[checkins.schedules]` per aid item), one row per
//!   period with its window; reminders, missed periods.
//! - [`challenge`]: single-use nonces (Redis, the database when Redis does not answer).
//! - [`verifier`]: who confirms the face: WeChat 人脸核身, the local checks, or another provider.
//! - [`evidence`]: the selfie through the image pipeline, and the replay check (perceptual hash
//!   against the person's earlier check-ins).
//! - [`service`]: a remote check-in and an assisted one (a helper on a home visit, offline-capable).
//! - [`tasks`]: home visits a missed or failed check-in opens; [`payments`]: only a township
//!   reviewer suspends or resumes payment, after the visit. A machine never cuts anyone off.
//! - [`review`]: sampled low-assurance passes for a human to look at; [`lists`], [`figures`];
//!   [`jobs`]: the schedule scan and the selfie purge.

pub(crate) mod challenge;
pub(crate) mod cycles;
pub(crate) mod evidence;
pub(crate) mod figures;
pub mod jobs;
pub(crate) mod lists;
pub(crate) mod model;
pub(crate) mod payments;
pub(crate) mod review;
pub(crate) mod routes;
pub(crate) mod selfies;
pub(crate) mod service;
pub(crate) mod tasks;
pub(crate) mod verifier;
