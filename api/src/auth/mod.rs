//! Who is calling and what they may do: tokens, sign-in for residents (WeChat) and staff
//! (password), lockouts, roles and the extractors that enforce them.

pub(crate) mod lockout;
pub(crate) mod login;
pub mod model;
pub mod passwords;
pub(crate) mod principal;
pub(crate) mod refresh;
pub mod replay;
pub(crate) mod routes;
pub(crate) mod service;
pub mod tokens;
