//! Who is calling: access tokens now; sign-in, refresh tokens, roles and region scope follow with
//! the rest of issue 4.

pub mod tokens;
