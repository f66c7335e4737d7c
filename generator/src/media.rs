//! Media types: which kind of body a `Content-Type` names, decided in one place for loading
//! (Swagger 2.0's `consumes`) and lowering (request and response bodies).

/// How a body of a media type is read and written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum MediaKind {
    /// JSON: `application/json`, `text/json`, any `+json` type, and the ranges `*/*` and
    /// `application/*`.
    Json,
    /// `application/x-www-form-urlencoded`.
    FormUrlEncoded,
    /// `multipart/*`.
    Multipart,
    /// Text sent as it is: `text/*` and XML.
    Text,
    /// Anything else: bytes.
    Binary,
}

impl MediaKind {
    /// The kind of `media_type`, compared case-insensitively and without parameters
    /// (`; charset=utf-8`).
    pub(crate) fn of(media_type: &str) -> MediaKind {
        match essence(media_type).as_str() {
            "application/json" | "text/json" | "*/*" | "application/*" => MediaKind::Json,
            "application/x-www-form-urlencoded" => MediaKind::FormUrlEncoded,
            e if e.ends_with("+json") => MediaKind::Json,
            e if e.starts_with("multipart/") => MediaKind::Multipart,
            e if e.starts_with("text/") || e.ends_with("xml") => MediaKind::Text,
            _ => MediaKind::Binary,
        }
    }

    /// Whether `media_type` is `text/event-stream`: server-sent events, text that a response
    /// hands over event by event.
    pub(crate) fn is_event_stream(media_type: &str) -> bool {
        essence(media_type) == "text/event-stream"
    }

    /// Whether a body of this kind is a form of named fields.
    pub(crate) fn is_form(self) -> bool {
        matches!(self, MediaKind::FormUrlEncoded | MediaKind::Multipart)
    }
}

/// A media type without its parameters (`; charset=utf-8`), in lower case.
fn essence(media_type: &str) -> String {
    media_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::MediaKind;

    #[test]
    fn media_types_are_read_without_parameters_or_case() {
        assert_eq!(
            MediaKind::of("Application/JSON; charset=utf-8"),
            MediaKind::Json
        );
        assert_eq!(MediaKind::of("application/vnd.api+json"), MediaKind::Json);
        assert_eq!(MediaKind::of("*/*"), MediaKind::Json);
        assert_eq!(MediaKind::of("multipart/form-data"), MediaKind::Multipart);
        assert!(MediaKind::of("application/x-www-form-urlencoded").is_form());
        assert_eq!(MediaKind::of("application/xml"), MediaKind::Text);
        assert_eq!(MediaKind::of("text/csv"), MediaKind::Text);
        assert_eq!(MediaKind::of("image/png"), MediaKind::Binary);
        assert!(!MediaKind::of("application/json").is_form());
        assert_eq!(MediaKind::of("text/event-stream"), MediaKind::Text);
        assert!(MediaKind::is_event_stream(
            "Text/Event-Stream; charset=utf-8"
        ));
        assert!(!MediaKind::is_event_stream("text/plain"));
    }
}
