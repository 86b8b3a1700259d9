//! `Query<T>`: the query-string extractor every endpoint uses.
//!
//! Compared with actix's `web::Query` it names the parameter that is wrong: a 400
//! `INVALID_QUERY` whose `errors[]` says which parameter and what it takes (`limit`,
//! `INVALID_VALUE`), so a client developer does not have to guess.

use std::ops::Deref;

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest};
use futures_util::future::{Ready, ready};
use serde::de::DeserializeOwned;

use super::json::field_error;
use crate::error::{ApiError, ErrorCode};

/// The query string of a request, read as `T`.
#[derive(Debug)]
pub struct Query<T>(pub T);

impl<T> Query<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> Deref for Query<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: DeserializeOwned> FromRequest for Query<T> {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(parse(req.query_string()).map(Query))
    }
}

/// Reads a query string, naming the failing parameter.
pub fn parse<T: DeserializeOwned>(query: &str) -> Result<T, ApiError> {
    let deserializer = serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
    serde_path_to_error::deserialize(deserializer).map_err(|err| {
        let path = err.path().to_string();
        let field = field_error(&path, err.inner());
        ApiError::new(ErrorCode::InvalidQuery).with_errors(vec![field])
    })
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::*;
    use crate::error::FieldCode;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields, rename_all = "snake_case")]
    #[allow(dead_code)]
    enum State {
        Open,
        Closed,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct ListQuery {
        month: String,
        limit: Option<u32>,
        state: Option<State>,
    }

    fn refused(query: &str) -> (String, FieldCode) {
        let err = parse::<ListQuery>(query).unwrap_err();
        assert_eq!(err.code(), ErrorCode::InvalidQuery);
        let first = err.errors().first().cloned().unwrap();
        (first.field, first.code)
    }

    #[test]
    fn the_wrong_parameter_is_named() {
        assert_eq!(refused("month=2026-11&limit=ten"), ("limit".to_owned(), FieldCode::InvalidValue));
        assert_eq!(refused("month=2026-11&state=lost"), ("state".to_owned(), FieldCode::InvalidValue));
        assert_eq!(refused("limit=5"), ("month".to_owned(), FieldCode::Required));
        assert_eq!(refused("month=2026-11&colour=red"), ("colour".to_owned(), FieldCode::UnknownField));
    }

    #[test]
    fn a_good_query_is_read() {
        let query: ListQuery = parse("month=2026-11&limit=5&state=open").unwrap();
        assert_eq!((query.month.as_str(), query.limit), ("2026-11", Some(5)));
    }
}
