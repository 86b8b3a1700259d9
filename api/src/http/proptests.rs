//! Property tests for the parsers of outside input: whatever a client sends, they answer and never
//! panic. (`cargo fuzz` targets for the same parsers come with issue 11.)

use proptest::prelude::*;
use serde::Deserialize;

use super::json;
use crate::config::redact_url;
use crate::error::ErrorCode;
use crate::request::Lang;

#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct Sample {
    name: String,
    members: Vec<Member>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct Member {
    age: u8,
    tags: Option<Vec<String>>,
}

proptest! {
    #[test]
    fn accept_language_never_panics(header in ".{0,200}") {
        let lang = Lang::from_accept_language(Some(&header));
        prop_assert!(matches!(lang, Lang::Zh | Lang::En));
    }

    #[test]
    fn json_bodies_are_parsed_or_refused_with_a_client_error(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        if let Err(err) = json::parse::<Sample>(&bytes) {
            prop_assert!(matches!(err.code(), ErrorCode::MalformedJson | ErrorCode::ValidationFailed));
        }
    }

    #[test]
    fn json_like_bodies_name_a_field_or_are_malformed(
        name in prop_oneof![Just("\"a\"".to_owned()), Just("1".to_owned()), Just("null".to_owned())],
        age in prop_oneof![Just("1".to_owned()), Just("999".to_owned()), Just("\"x\"".to_owned())],
        extra in prop_oneof![Just(String::new()), Just(",\"zz\":1".to_owned())],
    ) {
        let body = format!("{{\"name\":{name},\"members\":[{{\"age\":{age}{extra}}}]}}");
        match json::parse::<Sample>(body.as_bytes()) {
            Ok(_) => prop_assert!(name == "\"a\"" && age == "1" && extra.is_empty()),
            Err(err) => {
                prop_assert_eq!(err.code(), ErrorCode::ValidationFailed);
                prop_assert_eq!(err.errors().len(), 1);
            }
        }
    }

    #[test]
    fn redacted_urls_never_show_the_password(user in "[a-z]{1,8}", password in "[A-Za-z0-9]{6,20}", host in "[a-z]{1,10}") {
        let url = format!("postgres://{user}:{password}@{host}:5432/db?password={password}");
        prop_assert!(!redact_url(&url.into()).contains(&password));
    }
}
