//! What an operation's responses mean: which statuses, their bodies, the headers declared for
//! them, and the enums that carry a status's body.

use super::TypeRef;

/// Which statuses a response case covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum StatusMatch {
    /// One status code.
    Code(u16),
    /// A range such as `4XX`, by its first digit.
    Range(u16),
    /// `default`: any status not matched otherwise.
    Default,
}

impl StatusMatch {
    /// The key a response map gives it: `200`, `4XX`, `default`.
    pub fn key(self) -> String {
        match self {
            StatusMatch::Code(code) => code.to_string(),
            StatusMatch::Range(range) => format!("{range}XX"),
            StatusMatch::Default => "default".to_owned(),
        }
    }

    /// Whether it covers only 2xx statuses (`default` never counts).
    pub fn is_success(self) -> bool {
        match self {
            StatusMatch::Code(code) => (200..300).contains(&code),
            StatusMatch::Range(range) => range == 2,
            StatusMatch::Default => false,
        }
    }
}

/// What one response status means and how its body decodes.
#[derive(Clone, Debug)]
pub struct ResponseCase {
    /// The statuses covered.
    pub status: StatusMatch,
    /// How the body decodes.
    pub body: ResponseBody,
    /// Success or error.
    pub outcome: Outcome,
    /// The case's variant in the enum that covers it: the error enum for an error, the
    /// success enum for a success when there is one ([`Success::ByStatus`](super::Success::ByStatus)).
    pub variant: String,
    /// The response's description.
    pub description: String,
}

/// How a response body decodes.
#[derive(Clone, Debug, PartialEq)]
pub enum ResponseBody {
    /// No body the spec describes.
    Empty,
    /// JSON into a type.
    Json(TypeRef),
    /// Text.
    Text,
    /// Raw bytes, read in full (an error body, or one of several success bodies).
    Bytes,
    /// A download handed over unread, as a byte stream: the one success body of an
    /// operation that returns binary content.
    Stream,
    /// Server-sent events (`text/event-stream`) handed over as they arrive, each event's data
    /// decoded as JSON into a type: the one success body of an operation whose events the spec
    /// types (an `itemSchema`, else the media type's schema, that is not a string).
    JsonEvents(TypeRef),
    /// Server-sent events whose data is kept as text: the one success body of an operation
    /// whose events' data the spec gives as a string, or does not describe.
    TextEvents,
}

impl ResponseBody {
    /// Whether a success with this body is handed over as it arrives, unread.
    pub fn is_streamed(&self) -> bool {
        matches!(
            self,
            ResponseBody::Stream | ResponseBody::JsonEvents(_) | ResponseBody::TextEvents
        )
    }

    /// The Rust type the body decodes into.
    pub fn ty(&self) -> TypeRef {
        match self {
            ResponseBody::Empty => TypeRef::Unit,
            ResponseBody::Json(ty) => ty.clone(),
            ResponseBody::Text => TypeRef::String,
            ResponseBody::Bytes => TypeRef::Bytes,
            ResponseBody::Stream => TypeRef::ByteStream,
            ResponseBody::JsonEvents(ty) => TypeRef::EventStream(Box::new(ty.clone())),
            ResponseBody::TextEvents => TypeRef::EventStream(Box::new(TypeRef::String)),
        }
    }
}

/// The typed headers of an operation's successful responses: a struct with one optional
/// field per declared header, since a server may leave any of them out.
#[derive(Clone, Debug)]
pub struct ResponseHeaders {
    /// The struct's name.
    pub ident: String,
    /// Doc lines.
    pub docs: Vec<String>,
    /// One field per header, in spec order.
    pub fields: Vec<ResponseHeader>,
    /// Whether `Debug` is written by hand to hide secret headers.
    pub redacted_debug: bool,
}

/// One declared response header.
#[derive(Clone, Debug)]
pub struct ResponseHeader {
    /// The field name.
    pub ident: String,
    /// The header name on the wire.
    pub wire_name: String,
    /// The decoded type (a scalar, an enum, or a list of them; the field is its `Option`).
    pub ty: TypeRef,
    /// Doc lines.
    pub docs: Vec<String>,
    /// Whether its value looks like a credential, hidden from `Debug`.
    pub secret: bool,
}

/// Whether a response is a success or an error.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// A success: its body is what `send` returns.
    Success,
    /// An error: its body comes back in `Error::Api`.
    Error,
}

/// An enum over an operation's responses (its successes, or its errors).
#[derive(Clone, Debug)]
pub struct ResponseEnum {
    /// The enum's name.
    pub ident: String,
    /// Whether it derives `PartialEq`: not when a payload holds a replacement type
    /// ([`TypeRef::External`]) that is not known to implement it.
    pub derive_partial_eq: bool,
    /// Whether clippy's `large_enum_variant` is allowed: when several variants may hold
    /// the API's own types. The enum is built once per response and moved out at once, so
    /// boxing would only cost an allocation.
    pub allow_large_variants: bool,
    /// Doc lines.
    pub docs: Vec<String>,
    /// One variant per response case, in match order.
    pub variants: Vec<ResponseVariant>,
    /// The [`SharedEnum`] this one is another name for (a `pub type`), when other operations
    /// declare the same responses.
    pub shared: Option<String>,
}

/// The responses several operations declare alike, as one enum in `operations`: each
/// operation's own enum names it, rather than repeat it (Kubernetes' 845 operations nearly
/// all declare only `401 Unauthorized`).
#[derive(Clone, Debug)]
pub struct SharedEnum {
    /// The enum, named after its variants.
    pub def: ResponseEnum,
    /// The operation modules whose operations name it, sorted: it is compiled with any of
    /// their features.
    pub modules: Vec<String>,
}

/// A variant of a [`ResponseEnum`].
#[derive(Clone, Debug)]
pub struct ResponseVariant {
    /// The variant's name.
    pub ident: String,
    /// Its payload; `Unit` for a unit variant.
    pub ty: TypeRef,
    /// Doc lines.
    pub docs: Vec<String>,
}
