//! Who is calling and what they may do: tokens, sign-in for residents (WeChat) and staff
//! (password), lockouts, roles and the extractors that enforce them.

pub mod lockout;
pub mod login;
pub mod model;
pub mod passwords;
pub mod principal;
pub mod refresh;
pub mod replay;
pub mod routes;
pub mod service;
pub mod tokens;
