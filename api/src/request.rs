//! The request being served, as everything below the HTTP edge sees it: its id and the caller's
//! language. The HTTP middleware (`http::context`) sets it for the duration of a request, so an
//! error renders in the caller's language with the request id where no `HttpRequest` is at hand.

/// The language of the human text in responses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Zh,
    En,
}

impl Lang {
    /// Picks the first of Chinese or English in an `Accept-Language` header by quality; Chinese
    /// when neither is named.
    pub fn from_accept_language(header: Option<&str>) -> Self {
        let Some(header) = header else { return Self::Zh };
        let mut ranked: Vec<(f32, Self)> = header
            .split(',')
            .filter_map(|part| {
                let mut pieces = part.trim().split(';');
                let tag = pieces.next()?.trim().to_ascii_lowercase();
                let quality =
                    pieces.find_map(|p| p.trim().strip_prefix("q=")).and_then(|q| q.parse::<f32>().ok()).unwrap_or(1.0);
                let lang = if tag == "zh" || tag.starts_with("zh-") {
                    Self::Zh
                } else if tag == "en" || tag.starts_with("en-") {
                    Self::En
                } else {
                    return None;
                };
                (quality > 0.0).then_some((quality, lang))
            })
            .collect();
        ranked.sort_by(|a, b| b.0.total_cmp(&a.0));
        ranked.first().map_or(Self::Zh, |(_, lang)| *lang)
    }

    pub fn tag(self) -> &'static str {
        match self {
            Self::Zh => "zh-CN",
            Self::En => "en",
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct RequestContext {
    pub request_id: String,
    pub lang: Lang,
}

tokio::task_local! {
    static CONTEXT: RequestContext;
}

/// The context of the request being served; a blank one outside a request.
pub fn current() -> RequestContext {
    CONTEXT.try_with(Clone::clone).unwrap_or_default()
}

/// Runs `work` as the request `ctx`.
pub async fn scope<F: Future>(ctx: RequestContext, work: F) -> F::Output {
    CONTEXT.scope(ctx, work).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_is_the_default_language() {
        assert_eq!(Lang::from_accept_language(None), Lang::Zh);
        assert_eq!(Lang::from_accept_language(Some("fr-FR, de")), Lang::Zh);
        assert_eq!(Lang::from_accept_language(Some("zh-CN,zh;q=0.9,en;q=0.8")), Lang::Zh);
    }

    #[test]
    fn english_when_preferred() {
        assert_eq!(Lang::from_accept_language(Some("en")), Lang::En);
        assert_eq!(Lang::from_accept_language(Some("en-US,en;q=0.9")), Lang::En);
        assert_eq!(Lang::from_accept_language(Some("zh;q=0.5, en-GB;q=0.8")), Lang::En);
        assert_eq!(Lang::from_accept_language(Some("en;q=0, zh")), Lang::Zh);
    }
}
