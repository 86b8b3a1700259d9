//! 一键智能预判: suggests aid items from a household's facts, by rules stored per region.

pub mod model;
pub(crate) mod routes;
pub(crate) mod rules;
pub mod seed;
pub(crate) mod service;
