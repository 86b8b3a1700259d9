//! Structured logs: JSON lines in production, every line inside a request carrying its request id.
//!
//! Each named span of the heavy paths (`#[tracing::instrument]` on submit, decisions, push,
//! import, the photo pipeline) logs one `span closed` line when it ends, with its total time and
//! the part of it spent running rather than waiting (on the database, a lock, a child task), so
//! a slow request's log says where the time went. The request's own span is left out: its
//! `request finished` line already carries the latency.

use std::time::{Duration, Instant};

use tracing::span::{Attributes, Id};
use tracing::{Level, Subscriber};
use tracing_subscriber::layer::{Context, SubscriberExt};
use tracing_subscriber::registry::LookupSpan;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Layer};

use crate::config::{LogFormat, LogSettings};

/// The outermost span of each request (`http::context`), timed by its own log line.
pub const REQUEST_SPAN: &str = "request";

/// Installs the global subscriber; `RUST_LOG` overrides the configured filter. A second call (as in
/// tests) leaves the first subscriber in place.
pub fn init(settings: &LogSettings) {
    let filter = EnvFilter::try_from_default_env()
        .or_else(|_| EnvFilter::try_new(&settings.filter))
        .unwrap_or_else(|_| EnvFilter::new("info"));
    let fmt = tracing_subscriber::fmt::layer().with_writer(std::io::stderr);
    let registry = tracing_subscriber::registry().with(filter).with(SpanTimings);
    let _already_set = match settings.format {
        LogFormat::Json => {
            registry.with(fmt.json().flatten_event(true).with_current_span(true).with_span_list(false)).try_init()
        }
        LogFormat::Pretty => registry.with(fmt.compact()).try_init(),
    };
}

/// Times every span but the request's and logs it when it closes, at the span's own level.
pub struct SpanTimings;

/// Kept in each span's extensions from its start to its close.
struct Timing {
    opened: Instant,
    busy: Duration,
    entered: Option<Instant>,
}

impl<S> Layer<S> for SpanTimings
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
        if attrs.metadata().name() == REQUEST_SPAN {
            return;
        }
        if let Some(span) = ctx.span(id) {
            span.extensions_mut().insert(Timing { opened: Instant::now(), busy: Duration::ZERO, entered: None });
        }
    }

    fn on_enter(&self, id: &Id, ctx: Context<'_, S>) {
        if let Some(span) = ctx.span(id)
            && let Some(timing) = span.extensions_mut().get_mut::<Timing>()
        {
            timing.entered = Some(Instant::now());
        }
    }

    fn on_exit(&self, id: &Id, ctx: Context<'_, S>) {
        if let Some(span) = ctx.span(id)
            && let Some(timing) = span.extensions_mut().get_mut::<Timing>()
            && let Some(entered) = timing.entered.take()
        {
            timing.busy += entered.elapsed();
        }
    }

    fn on_close(&self, id: Id, ctx: Context<'_, S>) {
        let Some(span) = ctx.span(&id) else { return };
        let Some(timing) = span.extensions_mut().remove::<Timing>() else { return };
        let total_ms = millis(timing.opened.elapsed());
        let busy_ms = millis(timing.busy);
        let (name, module) = (span.metadata().name(), span.metadata().target());
        match *span.metadata().level() {
            Level::ERROR | Level::WARN | Level::INFO => {
                tracing::info!(span = name, module, total_ms, busy_ms, "span closed");
            }
            Level::DEBUG => tracing::debug!(span = name, module, total_ms, busy_ms, "span closed"),
            Level::TRACE => tracing::trace!(span = name, module, total_ms, busy_ms, "span closed"),
        }
    }
}

fn millis(duration: Duration) -> f64 {
    (duration.as_secs_f64() * 1000.0 * 100.0).round() / 100.0
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use tracing::field::{Field, Visit};
    use tracing_subscriber::layer::SubscriberExt;

    use super::*;

    /// Keeps the `span` field and the message of every event.
    #[derive(Clone, Default)]
    struct Events(Arc<Mutex<Vec<(String, String, bool)>>>);

    struct Fields {
        message: String,
        span: String,
        timed: bool,
    }

    impl Visit for Fields {
        fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
            if field.name() == "message" {
                self.message = format!("{value:?}");
            }
        }
        fn record_str(&mut self, field: &Field, value: &str) {
            if field.name() == "span" {
                self.span = value.to_owned();
            }
        }
        fn record_f64(&mut self, field: &Field, _: f64) {
            self.timed |= field.name() == "total_ms";
        }
    }

    impl<S: Subscriber> Layer<S> for Events {
        fn on_event(&self, event: &tracing::Event<'_>, _: Context<'_, S>) {
            let mut fields = Fields { message: String::new(), span: String::new(), timed: false };
            event.record(&mut fields);
            self.0.lock().unwrap().push((fields.message, fields.span, fields.timed));
        }
    }

    #[tracing::instrument]
    fn submit() {
        tracing::info!("inside");
    }

    #[test]
    fn a_named_span_logs_its_time_when_it_closes_and_the_request_span_does_not() {
        let events = Events::default();
        let subscriber = tracing_subscriber::registry().with(SpanTimings).with(events.clone());
        tracing::subscriber::with_default(subscriber, || {
            let request = tracing::info_span!("request");
            let _in_request = request.enter();
            submit();
        });
        let events = events.0.lock().unwrap().clone();
        let closed: Vec<_> = events.iter().filter(|(message, _, _)| message == "span closed").collect();
        assert_eq!(closed.len(), 1, "one line, for submit only: {events:?}");
        assert_eq!(closed[0].1, "submit");
        assert!(closed[0].2, "the line carries total_ms");
    }
}
