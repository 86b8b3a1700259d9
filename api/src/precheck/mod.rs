//! 一键智能预判: suggests aid items from a household's facts, by rules stored per region.

pub mod model;
pub mod routes;
pub mod rules;
pub mod seed;
pub mod service;
