//! Cursor pagination: `?cursor=&limit=` in, `{items, next_cursor}` out. The cursor is the sort key
//! of the last item of the previous page, so pages stay stable while rows are added.

use serde::Serialize;
use utoipa::ToSchema;

use crate::error::{ApiError, ErrorCode, FieldCode, FieldError, Message};

pub const DEFAULT_LIMIT: u64 = 50;
pub const MAX_LIMIT: u64 = 200;

/// One page of a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Pass as `cursor` to get the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

impl<T> Page<T> {
    /// Builds a page from up to `limit + 1` rows: the extra row only says that more follow.
    pub fn from_rows<R>(mut rows: Vec<R>, limit: u64, key: impl Fn(&R) -> String, out: impl Fn(R) -> T) -> Self {
        let more = rows.len() as u64 > limit;
        rows.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
        let next_cursor = if more { rows.last().map(&key) } else { None };
        Self { items: rows.into_iter().map(out).collect(), next_cursor }
    }
}

/// The page size asked for: 1 to 200, 50 when not given.
pub fn limit(raw: Option<u64>) -> Result<u64, ApiError> {
    match raw {
        None => Ok(DEFAULT_LIMIT),
        Some(n) if (1..=MAX_LIMIT).contains(&n) => Ok(n),
        Some(_) => Err(ApiError::new(ErrorCode::InvalidQuery).with_errors(vec![FieldError::new(
            "limit",
            FieldCode::OutOfRange,
            Message::new("每页数量应在 1 到 200 之间", "limit must be between 1 and 200"),
        )])),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_says_whether_more_follow() {
        let page = Page::from_rows(vec![1, 2, 3], 2, ToString::to_string, |n| n * 10);
        assert_eq!((page.items, page.next_cursor.as_deref()), (vec![10, 20], Some("2")));
        let last = Page::from_rows(vec![1, 2], 2, ToString::to_string, |n| n);
        assert_eq!(last.next_cursor, None);
        assert!(limit(Some(0)).is_err() && limit(Some(201)).is_err());
        assert_eq!(limit(None).unwrap(), 50);
    }
}
