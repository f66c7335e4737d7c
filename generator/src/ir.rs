//! The intermediate representation: a client crate, fully decided, before any tokens exist.
//!
//! Lowering (`crate::lower`) builds it from an OpenAPI document and makes every decision:
//! names (legal, unique), Rust types, how fields travel, docs, how each parameter and body is
//! encoded and each response decoded. Emitting (`crate::emit`) translates it to files and
//! decides nothing. Lists are in output order.

mod pagination;

pub use self::pagination::{FieldStep, FieldWrap, PageStyle, Pagination};
use crate::settings::{Manifest, Runtime};

mod constructor;
pub use constructor::{Constructor, New, Setter};

mod response;
pub use self::response::{
    Outcome, ResponseBody, ResponseCase, ResponseEnum, ResponseHeader, ResponseHeaders,
    ResponseVariant, SharedEnum, StatusMatch,
};

/// A whole client crate.
#[derive(Clone, Debug)]
pub struct Api {
    /// The crate name (`netsapiens`), as used in `Cargo.toml`.
    pub crate_name: String,
    /// The crate's library name (`netsapiens`), as used in Rust paths.
    pub lib_name: String,
    /// The crate version.
    pub crate_version: String,
    /// `info.title`.
    pub title: String,
    /// `info.version`.
    pub api_version: String,
    /// `info.description`, as doc lines.
    pub docs: Vec<String>,
    /// The file the crate was generated from, for headers and docs, on one line.
    pub source: String,
    /// The command that regenerates the crate, for headers, on one line.
    pub regenerate_command: String,
    /// How generated code spells the paths of its own items and of the runtime.
    pub paths: RustPaths,
    /// A crate with its manifest, or one module file.
    pub packaging: Packaging,
    /// The base URL `Client::new` uses: the first server, absolute, variables at their defaults.
    pub default_base_url: Option<String>,
    /// Every server the spec lists.
    pub servers: Vec<Server>,
    /// Security schemes, in spec order.
    pub security_schemes: Vec<SecurityScheme>,
    /// Operation modules, one per tag (the operations without a tag in `untagged`), sorted by
    /// module name.
    pub modules: Vec<OperationModule>,
    /// Named types, sorted by name; [`TypeId`] indexes this list.
    pub types: Vec<TypeDef>,
    /// The files under `types/` the types are written in, sorted by module name; each type
    /// is in exactly one.
    pub type_files: Vec<TypeFile>,
    /// The error enums several operations declare alike, sorted by name.
    pub shared_error_enums: Vec<SharedEnum>,
    /// The crates the generated code needs beyond the runtime and serde.
    pub dependencies: Dependencies,
    /// How a program gets a token from the API itself, when one operation clearly hands
    /// them out; the README and the crate docs show it as a compiled example.
    pub token_flow: Option<TokenFlow>,
}

/// The Rust paths generated code reaches things by.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RustPaths {
    /// The generated client's root module: `crate`, or `crate::petstore` for a module file
    /// included inside `mod petstore`.
    pub root: String,
    /// The runtime: `::apiforge_runtime`, or the crate's own `runtime` module when inlined.
    pub runtime: String,
    /// The runtime's source is a module of the generated code (`runtime`), not a dependency.
    pub runtime_inlined: bool,
}

/// What is written: a crate, or one module file for a build script's `include!`.
#[derive(Clone, Debug)]
pub enum Packaging {
    /// `Cargo.toml`, `README.md` and `src/`.
    Crate(Box<Package>),
    /// The whole client as nested modules in one file.
    ModuleFile {
        /// The file's name: the library name, with an `_` where Windows reserves it
        /// (`con_.rs`).
        file_name: String,
    },
}

/// A crate's `[package]` fields and how it depends on the runtime.
#[derive(Clone, Debug)]
pub struct Package {
    /// The `[package]` fields; the description is the caller's, or one made from the
    /// document's title and version.
    pub manifest: Manifest,
    /// How the crate reaches the runtime.
    pub runtime: Runtime,
    /// Adds an empty `[workspace]` table, so that the crate builds on its own wherever it is.
    pub standalone: bool,
}

/// A token operation, and how to call it: the credentials-provider example of the docs.
#[derive(Clone, Debug, PartialEq)]
pub struct TokenFlow {
    /// The token operation's `Client` method (`post_jwt_auth`): it needs no credentials and
    /// its success body holds a token.
    pub operation: String,
    /// The operation's required arguments, in order (required parameters, then the body).
    pub arguments: Vec<ExampleValue>,
    /// A value for the optional body, which a token call cannot do without.
    pub optional_body: Option<ExampleValue>,
    /// The fields from the success body to the token (`data`, `token`); each a `String` or
    /// a struct that must be present.
    pub token_path: Vec<String>,
    /// An operation that needs the token and takes no arguments, called with it in the
    /// example (`jwt_get`).
    pub then: Option<String>,
}

/// A value an example passes, which emit spells as Rust.
#[derive(Clone, Debug, PartialEq)]
pub enum ExampleValue {
    /// A string, written as a `&str` literal (converted with `Into` where needed).
    Str(String),
    /// An integer literal.
    Int(i64),
    /// A boolean literal.
    Bool(bool),
    /// `None`.
    None,
    /// `Default::default()`.
    Default,
    /// A number with a fraction (`1.5`).
    Float(f64),
    /// The current time, for a date-time (`chrono::Utc::now()`).
    Now,
    /// A new random UUID (`uuid::Uuid::new_v4()`).
    NewUuid,
    /// An empty JSON object (`serde_json::json!({})`).
    EmptyJson,
    /// An empty list (`vec![]`).
    EmptyList,
    /// A variable of the reader's, named after what it stands for (`body`, `pet`): a value
    /// the example leaves to them.
    Placeholder(String),
    /// A variant of a generated enum.
    Variant {
        /// The enum.
        ty: TypeId,
        /// The variant's identifier.
        variant: String,
    },
    /// A generated struct built by its constructor (`Type::new(...)`), its required fields'
    /// values in order; the optional ones stay unset.
    New {
        /// The struct.
        ty: TypeId,
        /// The constructor's name.
        method: String,
        /// Its arguments, each converted with `Into` by the constructor.
        arguments: Vec<ExampleValue>,
    },
    /// A generated struct, every field given.
    Struct {
        /// The struct.
        ty: TypeId,
        /// Field identifiers and values, in declaration order.
        fields: Vec<(String, ExampleValue)>,
    },
}

/// Optional dependencies of a generated crate, each needed only when a type uses it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Dependencies {
    /// `chrono`, for date-times and dates.
    pub chrono: bool,
    /// `uuid`, for UUIDs.
    pub uuid: bool,
    /// `serde_json`, for free-form values.
    pub serde_json: bool,
}

impl Api {
    /// The type `id` refers to.
    pub fn type_def(&self, id: TypeId) -> &TypeDef {
        &self.types[id.0]
    }

    /// The security scheme `id` refers to.
    pub fn scheme(&self, id: SchemeId) -> &SecurityScheme {
        &self.security_schemes[id.0]
    }

    /// Every operation, module by module.
    pub fn operations(&self) -> impl Iterator<Item = &Operation> {
        self.modules.iter().flat_map(|module| &module.operations)
    }

    /// Calls `visit` on every type reference in the crate, nested ones included.
    pub(crate) fn visit_type_refs_mut(&mut self, visit: &mut impl FnMut(&mut TypeRef)) {
        for def in &mut self.types {
            visit_kind_refs_mut(&mut def.kind, visit);
        }
        for module in &mut self.modules {
            for op in &mut module.operations {
                op.visit_type_refs_mut(visit);
            }
        }
    }
}

impl Operation {
    /// Calls `visit` on every type reference in the operation, in place.
    pub(crate) fn visit_type_refs_mut(&mut self, visit: &mut impl FnMut(&mut TypeRef)) {
        self.params.iter_mut().for_each(|p| p.ty.visit_mut(visit));
        for value in self.example.values_mut() {
            value.visit_type_ids_mut(visit);
        }
        if let Some(body) = &mut self.body {
            body.ty.visit_mut(visit);
        }
        for case in &mut self.responses {
            if let ResponseBody::Json(ty) | ResponseBody::JsonEvents(ty) = &mut case.body {
                ty.visit_mut(visit);
            }
        }
        if let Success::Body(ty) = &mut self.success {
            ty.visit_mut(visit);
        }
        for response_enum in self.response_enums_mut() {
            response_enum
                .variants
                .iter_mut()
                .for_each(|v| v.ty.visit_mut(visit));
        }
        if let Some(pagination) = &mut self.pagination {
            pagination.item.visit_mut(visit);
        }
        if let Some(headers) = &mut self.response_headers {
            headers
                .fields
                .iter_mut()
                .for_each(|f| f.ty.visit_mut(visit));
        }
    }
}

impl ExampleValue {
    /// Calls `visit` on a [`TypeRef::Named`] for each type this value names, writing back
    /// the id it leaves there: the ids change when lowering sorts the types.
    fn visit_type_ids_mut(&mut self, visit: &mut impl FnMut(&mut TypeRef)) {
        match self {
            ExampleValue::Variant { ty, .. } => visit_type_id(ty, visit),
            ExampleValue::Struct { ty, fields } => {
                visit_type_id(ty, visit);
                for (_, value) in fields {
                    value.visit_type_ids_mut(visit);
                }
            }
            ExampleValue::New { ty, arguments, .. } => {
                visit_type_id(ty, visit);
                for value in arguments {
                    value.visit_type_ids_mut(visit);
                }
            }
            _ => {}
        }
    }
}

/// Calls `visit` on every type reference a type's definition holds, nested ones included.
pub(crate) fn visit_kind_refs_mut(kind: &mut TypeKind, visit: &mut impl FnMut(&mut TypeRef)) {
    match kind {
        TypeKind::Struct(s) => {
            s.fields.iter_mut().for_each(|f| f.ty.visit_mut(visit));
            if let Some(constructor) = &mut s.constructor {
                for setter in &mut constructor.setters {
                    setter.value.visit_mut(visit);
                }
            }
        }
        TypeKind::Alias(ty) => ty.visit_mut(visit),
        TypeKind::Union(u) => {
            u.variants.iter_mut().for_each(|v| v.ty.visit_mut(visit));
            u.accessors.iter_mut().for_each(|a| a.ty.visit_mut(visit));
            if let Some(base) = &mut u.base {
                visit_type_id(base, visit);
            }
        }
        TypeKind::Enum(_) => {}
    }
}

fn visit_type_id(id: &mut TypeId, visit: &mut impl FnMut(&mut TypeRef)) {
    let mut named = TypeRef::Named(*id);
    visit(&mut named);
    if let TypeRef::Named(new) = named {
        *id = new;
    }
}

/// A server URL, possibly templated.
#[derive(Clone, Debug)]
pub struct Server {
    /// The URL as written, such as `https://{server}/ns-api/v2`.
    pub url: String,
    /// `description`.
    pub description: Option<String>,
    /// Template variables, in the order they appear in the URL.
    pub variables: Vec<ServerVariable>,
    /// The name of the generated function that fills in the template, when there are variables.
    pub function: Option<String>,
}

/// One `{variable}` of a server URL.
#[derive(Clone, Debug)]
pub struct ServerVariable {
    /// The name in the template.
    pub name: String,
    /// The Rust parameter name.
    pub ident: String,
    /// The default value.
    pub default: String,
    /// The values the spec allows, if it lists them.
    pub allowed: Vec<String>,
    /// `description`.
    pub description: Option<String>,
}

/// A security scheme, as the runtime will apply it.
#[derive(Clone, Debug)]
pub struct SecurityScheme {
    /// The name in `components.securitySchemes`.
    pub name: String,
    /// The generated constant's name (`BEARER_AUTH`).
    pub const_ident: String,
    /// What kind of scheme.
    pub kind: SchemeKind,
    /// Whether a bearer token is the credential: HTTP bearer, OAuth 2 and OpenID Connect,
    /// and an API key in the `Authorization` header (sent as `Bearer <token>`).
    pub takes_bearer_token: bool,
    /// Doc lines.
    pub docs: Vec<String>,
}

/// How a scheme carries its credential.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SchemeKind {
    /// HTTP bearer.
    HttpBearer,
    /// HTTP basic.
    HttpBasic,
    /// An API key in a header, query parameter or cookie.
    ApiKey {
        /// Where.
        location: ApiKeyLocation,
        /// The header, parameter or cookie name.
        name: String,
    },
}

/// An index into [`Api::security_schemes`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SchemeId(pub usize);

/// Where an API key goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ApiKeyLocation {
    /// A header.
    Header,
    /// A query parameter.
    Query,
    /// A cookie.
    Cookie,
}

/// The operations of one tag.
#[derive(Clone, Debug)]
pub struct OperationModule {
    /// The module (and file) name; `untagged` for the operations without a tag.
    pub ident: String,
    /// The tag as written in the spec; `None` for the operations without one.
    pub tag: Option<String>,
    /// The tag's description, as doc lines.
    pub docs: Vec<String>,
    /// Operations in spec order.
    pub operations: Vec<Operation>,
}

/// One operation: a `Client` method, its request builder, and its error type.
#[derive(Clone, Debug)]
pub struct Operation {
    /// The `Client` method name (`post_jwt_auth`).
    pub method_ident: String,
    /// The request builder type (`PostJwtAuth`).
    pub builder_ident: String,
    /// `operationId` as written, or the one made up from method and path.
    pub operation_id: String,
    /// The HTTP method.
    pub http_method: HttpMethod,
    /// The path key as written in the spec (`/jwt/{jti}#1`).
    pub path_template: String,
    /// The path template as requested, without the key's `#...` suffix (`/jwt/{jti}`): what
    /// tracing spans and middleware report beside the operation id.
    pub route: String,
    /// The path actually requested, in parts: the `#...` suffix is gone.
    pub path: Vec<PathPart>,
    /// `summary`.
    pub summary: Option<String>,
    /// Doc lines: summary and description.
    pub docs: Vec<String>,
    /// Whether the operation is deprecated.
    pub deprecated: bool,
    /// Parameters (path, query, header, cookie, and form fields of a flattened form body),
    /// required ones first, each group in spec order.
    pub params: Vec<Param>,
    /// The request body, unless it is flattened into form-field parameters or absent.
    pub body: Option<Body>,
    /// How the body may be encoded; the first is the default. Empty without a body.
    pub encodings: Vec<Encoding>,
    /// The `Accept` header to send.
    pub accept: Option<String>,
    /// What each status means, in match order (codes, then ranges, then default). Never
    /// empty: an operation that declares no responses has one, any 2XX with no body.
    pub responses: Vec<ResponseCase>,
    /// What `send` returns on success.
    pub success: Success,
    /// The error enum, when the spec declares error statuses.
    pub error_enum: Option<ResponseEnum>,
    /// The response headers the successful responses declare, decoded into a struct.
    pub response_headers: Option<ResponseHeaders>,
    /// Security alternatives, each the schemes it needs together. Empty means no
    /// credentials are sent.
    pub security: Vec<Vec<SchemeId>>,
    /// The spec marks the operation safe to send more than once (`x-apiforge-retry-safe` or
    /// `x-idempotent`), so the runtime may retry it whatever its method.
    pub retry_safe: bool,
    /// The values the README's example call passes.
    pub example: CallExample,
    /// Whether the `Client` method allows clippy's `too_many_arguments`: it takes one
    /// argument per required parameter, however many the spec has.
    pub allow_many_arguments: bool,
    /// The optional `Idempotency-Key` header parameter, which the client fills with a fresh
    /// key when the caller leaves it empty (a required one makes the operation
    /// [`retry_safe`](Self::retry_safe) instead).
    pub idempotency_key: Option<ParamId>,
    /// Whether the request builder's `Debug` hides some parameters' values: they are secrets.
    pub redacted_debug: bool,
    /// How the results come in pages, when they do: the builder then derives `Clone`,
    /// implements the runtime's `Paginate` and has `pages()` and `items()`.
    pub pagination: Option<Pagination>,
}

/// The values an example call of an operation passes.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CallExample {
    /// One per `Client` method argument, in order.
    pub arguments: Vec<ExampleValue>,
    /// The first optional parameter's builder method and a value for it.
    pub optional: Option<(String, ExampleValue)>,
}

impl CallExample {
    fn values_mut(&mut self) -> impl Iterator<Item = &mut ExampleValue> {
        self.arguments
            .iter_mut()
            .chain(self.optional.as_mut().map(|(_, value)| value))
    }
}

/// What an operation returns on success.
#[derive(Clone, Debug)]
pub enum Success {
    /// Every success status decodes into this type (`()` when none has a body).
    Body(TypeRef),
    /// Successes of different statuses carry different types: an enum by status.
    ByStatus(ResponseEnum),
}

impl Operation {
    /// The parameter `id` refers to.
    pub fn param(&self, id: ParamId) -> &Param {
        &self.params[id.0]
    }

    /// The success enum, when successes of different statuses carry different types.
    pub fn success_enum(&self) -> Option<&ResponseEnum> {
        match &self.success {
            Success::Body(_) => None,
            Success::ByStatus(response_enum) => Some(response_enum),
        }
    }

    /// The types its module defines for it: its builder, its response enums (or the names
    /// of shared ones) and its headers struct.
    pub fn item_names(&self) -> impl Iterator<Item = &str> {
        [
            Some(self.builder_ident.as_str()),
            self.success_enum().map(|e| e.ident.as_str()),
            self.error_enum.as_ref().map(|e| e.ident.as_str()),
            self.response_headers.as_ref().map(|h| h.ident.as_str()),
        ]
        .into_iter()
        .flatten()
    }

    /// The success enum, if there is one, and the error enum, if there is one.
    pub(crate) fn response_enums_mut(&mut self) -> impl Iterator<Item = &mut ResponseEnum> {
        let success = match &mut self.success {
            Success::Body(_) => None,
            Success::ByStatus(response_enum) => Some(response_enum),
        };
        success.into_iter().chain(self.error_enum.as_mut())
    }
}

/// An HTTP method.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum HttpMethod {
    /// GET
    Get,
    /// PUT
    Put,
    /// POST
    Post,
    /// DELETE
    Delete,
    /// OPTIONS
    Options,
    /// HEAD
    Head,
    /// PATCH
    Patch,
    /// TRACE
    Trace,
}

impl HttpMethod {
    /// The method in upper case, as sent.
    pub fn as_str(self) -> &'static str {
        match self {
            HttpMethod::Get => "GET",
            HttpMethod::Put => "PUT",
            HttpMethod::Post => "POST",
            HttpMethod::Delete => "DELETE",
            HttpMethod::Options => "OPTIONS",
            HttpMethod::Head => "HEAD",
            HttpMethod::Patch => "PATCH",
            HttpMethod::Trace => "TRACE",
        }
    }
}

/// A piece of a request path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PathPart {
    /// Literal text, sent as written.
    Literal(String),
    /// A path parameter.
    Param(ParamId),
}

/// An index into [`Operation::params`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ParamId(pub usize);

/// A parameter of an operation: an argument of the `Client` method when required, a builder
/// method when optional.
#[derive(Clone, Debug)]
pub struct Param {
    /// The Rust name of the argument, field and builder method.
    pub ident: String,
    /// The name on the wire.
    pub wire_name: String,
    /// Where it goes.
    pub location: ParamLocation,
    /// Its type, without the `Option` an optional parameter is stored in.
    pub ty: TypeRef,
    /// Whether the caller must give it.
    pub required: bool,
    /// The builder method that sets an optional parameter from an `Option` (`set_limit`);
    /// `None` for a required one.
    pub option_setter: Option<String>,
    /// Doc lines.
    pub docs: Vec<String>,
    /// Whether its value is a secret (kept out of `Debug`).
    pub secret: bool,
}

/// Where a parameter goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParamLocation {
    /// A path segment.
    Path,
    /// A query parameter, in a style.
    Query(QueryStyle),
    /// A header.
    Header,
    /// A cookie.
    Cookie,
    /// A field of a form body (url-encoded or multipart).
    FormField,
    /// A file part of a multipart body: an [`TypeRef::Upload`], or a list of them.
    FormFile,
}

/// How a query parameter is serialized.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QueryStyle {
    /// `form`, with `explode`.
    Form {
        /// `explode`.
        explode: bool,
    },
    /// `spaceDelimited`.
    SpaceDelimited,
    /// `pipeDelimited`.
    PipeDelimited,
    /// `deepObject`.
    DeepObject,
}

/// A request body passed as one value.
#[derive(Clone, Debug)]
pub struct Body {
    /// Its type.
    pub ty: TypeRef,
    /// Whether the caller must give it (a `Client` method argument) or may (a builder method).
    pub required: bool,
    /// Doc lines.
    pub docs: Vec<String>,
}

/// One way to encode a request body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Encoding {
    /// The media type as the spec names it.
    pub media_type: String,
    /// The encoder.
    pub kind: EncodingKind,
    /// The builder method that picks this encoding, when there is more than one.
    pub method_ident: Option<String>,
}

/// An encoder of request bodies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EncodingKind {
    /// JSON.
    Json,
    /// `application/x-www-form-urlencoded`.
    FormUrlEncoded,
    /// `multipart/form-data`.
    Multipart,
    /// Text sent as given (`text/plain`, XML, CSV): the body is a `String`.
    Text,
    /// Raw bytes or a stream (`application/octet-stream`, images): the body is an
    /// [`TypeRef::Upload`].
    Binary,
}

impl EncodingKind {
    /// How a diagnostic names it.
    pub fn describe(self) -> &'static str {
        match self {
            EncodingKind::Json => "JSON",
            EncodingKind::FormUrlEncoded => "a url-encoded form",
            EncodingKind::Multipart => "a multipart form",
            EncodingKind::Text => "text",
            EncodingKind::Binary => "bytes",
        }
    }
}

/// An index into [`Api::types`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TypeId(pub usize);

/// A Rust type as generated code spells it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TypeRef {
    /// `()`.
    Unit,
    /// `bool`.
    Bool,
    /// `i32`.
    I32,
    /// `i64`.
    I64,
    /// `u32` (`format: uint32`).
    U32,
    /// `u64` (`format: uint64`).
    U64,
    /// `f32`.
    F32,
    /// `f64`.
    F64,
    /// `String`.
    String,
    /// `chrono::DateTime<chrono::Utc>`.
    DateTime,
    /// `chrono::NaiveDate`.
    Date,
    /// `uuid::Uuid`.
    Uuid,
    /// Raw bytes.
    Bytes,
    /// Bytes or a stream to upload, with an optional file name and media type
    /// (`apiforge_runtime::Upload`): a binary body or a multipart file part.
    Upload,
    /// A download read as it arrives (`apiforge_runtime::ByteStream`).
    ByteStream,
    /// Server-sent events read as they arrive, their data decoded into the inner type
    /// (`apiforge_runtime::EventStream<T>`); only ever an operation's success type.
    EventStream(Box<TypeRef>),
    /// `Vec<u8>` written as a base64 string (`format: byte`). Only struct fields hold it,
    /// since their [`FieldCodec`] names the serde helper; elsewhere such a schema is a
    /// `String`.
    Base64,
    /// `serde_json::Value`: anything.
    Json,
    /// `serde_json::Map<String, serde_json::Value>`: the members of a JSON object, in the
    /// order serde_json keeps (as they came, with its `preserve_order` feature). The flattened
    /// field that keeps what a schema does not declare.
    JsonObject,
    /// A generated type.
    Named(TypeId),
    /// `Vec<T>`.
    Vec(Box<TypeRef>),
    /// `BTreeMap<String, T>`.
    Map(Box<TypeRef>),
    /// `Option<T>`.
    Option(Box<TypeRef>),
    /// `Box<T>`, to break a recursive type.
    Boxed(Box<TypeRef>),
    /// A type of the caller's own that replaces a component schema
    /// ([`Settings::type_replacements`](crate::Settings::type_replacements)): its Rust type as
    /// written in the settings (`::rust_decimal::Decimal`), checked to parse as a type.
    External(String),
}

impl TypeRef {
    /// Whether `self` is or holds [`TypeRef::Base64`].
    pub fn holds_base64(&self) -> bool {
        match self {
            TypeRef::Base64 => true,
            TypeRef::Vec(inner)
            | TypeRef::Map(inner)
            | TypeRef::Option(inner)
            | TypeRef::Boxed(inner) => inner.holds_base64(),
            _ => false,
        }
    }
}

impl TypeRef {
    /// Calls `visit` on this reference and every one nested in it, outermost first.
    pub(crate) fn visit_mut(&mut self, visit: &mut impl FnMut(&mut TypeRef)) {
        visit(self);
        match self {
            TypeRef::Vec(inner)
            | TypeRef::Map(inner)
            | TypeRef::Option(inner)
            | TypeRef::Boxed(inner)
            | TypeRef::EventStream(inner) => {
                inner.visit_mut(visit);
            }
            _ => {}
        }
    }
}

/// A file under `types/`: a schema's type and the types written inside that schema which
/// are compiled under the same features, so that a schema's inline parts sit beside it.
#[derive(Clone, Debug)]
pub struct TypeFile {
    /// The module's name, the file's stem.
    pub module: String,
    /// The types written in it, in order: the schema's own type first, then the others by
    /// name. Every one has the same [`TypeDef::features`].
    pub types: Vec<TypeId>,
}

/// A named, generated type.
#[derive(Clone, Debug)]
pub struct TypeDef {
    /// The type's name.
    pub ident: String,
    /// Where in the spec it comes from, for docs.
    pub origin: String,
    /// Doc lines.
    pub docs: Vec<String>,
    /// What kind of type.
    pub kind: TypeKind,
    /// The derive macros of its `#[derive(...)]`, in order, each a Rust path (`Clone`,
    /// `::serde::Serialize`, a caller's extra `schemars::JsonSchema`); empty for an alias.
    /// What a hand-written impl provides (a redacted `Debug`, a tagged union's serde) is not
    /// among them.
    pub derives: Vec<String>,
    /// The cargo features that compile it: the operation modules whose operations reach it,
    /// and `standalone-types` (last) when it is, or a type it is reached from is, reached by no
    /// operation. It is compiled only when one of them is on.
    pub features: Vec<String>,
}

/// The shape of a generated type.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum TypeKind {
    /// A struct with named fields.
    Struct(StructDef),
    /// A string or integer enum; unknown values decode into an `Unknown` variant.
    Enum(EnumDef),
    /// An enum over the members of a `oneOf`/`anyOf`, or over the subtypes of a polymorphic
    /// base.
    Union(UnionDef),
    /// `pub type Name = T;`.
    Alias(TypeRef),
}

/// A struct.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct StructDef {
    /// Fields in spec order.
    pub fields: Vec<Field>,
    /// Whether `Debug` is written by hand to hide secret fields.
    pub redacted_debug: bool,
    /// Whether every field can be defaulted, so the struct derives `Default`.
    pub derive_default: bool,
    /// Whether `Default` is written by hand from each field's [`Field::default`] (when
    /// required fields have spec defaults); never together with `derive_default`.
    pub impl_default: bool,
    /// How a request's body is built from it: set only on structs a request body can
    /// carry (`lower::constructors`).
    pub constructor: Option<Constructor>,
}

/// A struct field.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Field {
    /// The Rust name.
    pub ident: String,
    /// The JSON name.
    pub wire_name: String,
    /// The full type, `Option` included where the field may be absent or null.
    pub ty: TypeRef,
    /// Optional: absent when `None`, and left out when written.
    pub skip_if_none: bool,
    /// Doc lines.
    pub docs: Vec<String>,
    /// Hidden from `Debug`.
    pub secret: bool,
    /// How its value is read and written, with [`Field::skip_if_none`] naming the field's
    /// kind in `object!`.
    pub codec: FieldCodec,
    /// The map of the properties the schema does not declare (`additionalProperties`
    /// beside `properties`), after `..` in `object!`; always the last field. Never skipped.
    pub flatten: bool,
    /// Its value in a hand-written `Default` ([`StructDef::impl_default`]).
    pub default: Option<DefaultValue>,
}

/// How a field's value is read and written, beyond its type's own serde; with
/// [`Field::skip_if_none`], it picks the field's kind, a module of the runtime's
/// `serde_helpers::object`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FieldCodec {
    /// The type's own impls.
    Plain,
    /// Optional and nullable (`Option<Option<T>>`, or `Option<serde_json::Value>`): absent
    /// is `None`, `null` is `Some(None)` (`Some(Value::Null)`): `optional_nullable`.
    DoubleOption,
    /// Required and nullable (`Option<T>`): `null` is `None` and is written, absence is an
    /// error: `required`.
    RequiredNullable,
    /// Holds [`TypeRef::Base64`]: `base64`, or `optional_base64` when optional.
    Base64,
    /// Base64 bytes in an optional, nullable field: `optional_nullable_base64`.
    Base64DoubleOption,
}

/// A field's value in a hand-written `Default`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum DefaultValue {
    /// `None`.
    None,
    /// `Default::default()`: an empty map, or a value equal to the type's own default.
    TypeDefault,
    /// `true` or `false`.
    Bool(bool),
    /// A number literal, spelled for the field's type (`3`, `-1`, `0.5`, `2.0`).
    Number(String),
    /// A `String`.
    Str(String),
    /// A variant of the field's enum type, by identifier.
    Variant(String),
}

/// A string or integer enum.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct EnumDef {
    /// What the values are.
    pub repr: EnumRepr,
    /// Variants in spec order.
    pub variants: Vec<EnumVariant>,
    /// The variant `Default` returns, by index.
    pub default: Option<usize>,
    /// The name of the catch-all variant for values the spec does not list.
    pub unknown_ident: String,
}

/// The values of an enum.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EnumRepr {
    /// Strings; the catch-all holds a `String`.
    String,
    /// Integers; the catch-all holds an `i64`.
    Integer,
    /// Values of different JSON types (`["auto", 0, true]`), or numbers that are not all
    /// integers (`[1.1, -1.2]`); each variant's wire name is its JSON text, and the catch-all
    /// holds a `serde_json::Value`.
    Mixed,
}

/// A variant of an enum.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct EnumVariant {
    /// The Rust name.
    pub ident: String,
    /// The value on the wire; for an integer enum, its decimal spelling (`-1`).
    pub wire_name: String,
}

/// An enum over the members of a `oneOf`/`anyOf`, or over a polymorphic base and the schemas
/// that extend it, one newtype variant each.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct UnionDef {
    /// Variants in spec order, which is the order untagged decoding tries them in (except
    /// that a variant an earlier one would always take is moved before it).
    pub variants: Vec<UnionVariant>,
    /// How a value finds its variant.
    pub tagging: Tagging,
    /// Whether a variant may be 200 bytes or more, which clippy's `large_enum_variant` would
    /// flag: the enum then allows it, rather than boxing the API's own types.
    pub large_variants: bool,
    /// For a polymorphic base (a schema with a discriminator that others extend with
    /// `allOf`), the struct of the base's own fields; `None` for a `oneOf`/`anyOf`.
    pub base: Option<TypeId>,
    /// Methods that read a field every variant has (the base's fields, merged into each
    /// subtype), in the base's field order; `None` for the unknown variant.
    pub accessors: Vec<Accessor>,
}

/// A method of a polymorphic union that reads one field of whichever variant it holds.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Accessor {
    /// The method's name: the field's, unless that is a trait method's.
    pub ident: String,
    /// The field's name in every variant's struct.
    pub field: String,
    /// The field's wire name, for its doc.
    pub wire_name: String,
    /// What the method returns a reference to, inside an `Option`: the field's type without
    /// its `Option` ([`Accessor::optional`]) and its `Box` ([`Accessor::boxed`]).
    pub ty: TypeRef,
    /// The field is an `Option`, read with `as_ref()`: absent and the unknown variant are
    /// both `None`.
    pub optional: bool,
    /// The field's value is boxed (a recursive type), and the method sees through the box.
    pub boxed: bool,
}

/// How a union's value finds its variant.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Tagging {
    /// The first variant that decodes wins (`#[serde(untagged)]`).
    Untagged,
    /// A `discriminator` property names the variant. Decoding reads the value, looks at the
    /// tag and decodes the whole value into that variant's type; encoding writes the
    /// variant's value.
    Discriminator {
        /// The property's wire name.
        property: String,
        /// The catch-all variant that keeps, as JSON, a value whose tag the spec does not
        /// list.
        unknown_ident: String,
    },
}

/// A variant of a [`UnionDef`].
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct UnionVariant {
    /// The Rust name.
    pub ident: String,
    /// Its payload.
    pub ty: TypeRef,
    /// The discriminator values that select it, in spec order; empty when untagged.
    pub tags: Vec<String>,
    /// Whether encoding must add the tag property, because the variant's type does not
    /// declare it.
    pub insert_tag: bool,
    /// Whether the union implements `From` the payload's type: when no other variant has
    /// the same type once aliases are expanded (two aliases of `String` are one type).
    pub from_impl: bool,
    /// Doc lines.
    pub docs: Vec<String>,
}
