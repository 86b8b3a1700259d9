//! What an unknown route gets: 405 with `Allow` when the path exists under another method, else
//! 404. The routes are read from the OpenAPI document, which lists every endpoint.

use actix_web::http::Method;
use actix_web::{HttpRequest, HttpResponse, web};
use utoipa::openapi::OpenApi;

use crate::error::{ApiError, ErrorCode};

/// Path templates and their methods, e.g. `/api/v1/applications/{id}` -> `[GET, PATCH]`.
#[derive(Debug, Clone, Default)]
pub struct RouteTable {
    routes: Vec<(Vec<Segment>, Vec<Method>)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    Literal(String),
    Param,
}

impl RouteTable {
    pub fn from_spec(spec: &OpenApi) -> Self {
        let routes = spec
            .paths
            .paths
            .iter()
            .map(|(path, item)| {
                let candidates = [
                    (Method::GET, item.get.is_some()),
                    (Method::POST, item.post.is_some()),
                    (Method::PUT, item.put.is_some()),
                    (Method::PATCH, item.patch.is_some()),
                    (Method::DELETE, item.delete.is_some()),
                    (Method::HEAD, item.head.is_some()),
                    (Method::OPTIONS, item.options.is_some()),
                ];
                let methods = candidates.into_iter().filter(|(_, has)| *has).map(|(m, _)| m).collect();
                (segments(path), methods)
            })
            .collect();
        Self { routes }
    }

    /// The methods served at `path`, if any endpoint has that path.
    pub fn methods_at(&self, path: &str) -> Option<Vec<Method>> {
        let wanted: Vec<&str> = path.trim_end_matches('/').split('/').collect();
        self.routes
            .iter()
            .find(|(template, _)| {
                template.len() == wanted.len()
                    && template.iter().zip(&wanted).all(|(seg, got)| match seg {
                        Segment::Literal(lit) => lit == got,
                        Segment::Param => !got.is_empty(),
                    })
            })
            .map(|(_, methods)| methods.clone())
    }
}

fn segments(template: &str) -> Vec<Segment> {
    template
        .trim_end_matches('/')
        .split('/')
        .map(|s| if s.starts_with('{') && s.ends_with('}') { Segment::Param } else { Segment::Literal(s.to_owned()) })
        .collect()
}

/// The app's default service.
pub async fn not_found(req: HttpRequest, routes: web::Data<RouteTable>) -> Result<HttpResponse, ApiError> {
    Err(match routes.methods_at(req.path()) {
        Some(methods) if !methods.is_empty() => ApiError::new(ErrorCode::MethodNotAllowed).with_allow(methods),
        _ => ApiError::new(ErrorCode::RouteNotFound),
    })
}

#[cfg(test)]
mod tests {
    use utoipa::openapi::path::{HttpMethod, Operation, PathItem, Paths};
    use utoipa::openapi::{Info, OpenApiBuilder};

    use super::*;

    #[test]
    fn templates_match_concrete_paths() {
        let paths = Paths::builder()
            .path("/healthz", PathItem::new(HttpMethod::Get, Operation::new()))
            .path("/api/v1/things/{id}", PathItem::new(HttpMethod::Delete, Operation::new()))
            .build();
        let spec = OpenApiBuilder::new().info(Info::new("t", "1")).paths(paths).build();
        let table = RouteTable::from_spec(&spec);
        assert_eq!(table.methods_at("/healthz"), Some(vec![Method::GET]));
        assert_eq!(table.methods_at("/api/v1/things/42"), Some(vec![Method::DELETE]));
        assert_eq!(table.methods_at("/api/v1/things/42/more"), None);
        assert_eq!(table.methods_at("/nope"), None);
    }
}
