//! `src/operations/`: one module per tag with its `Client` methods, request builders and
//! response enums.

use proc_macro2::{Ident, TokenStream};
use quote::quote;

mod operation_impl;

use self::operation_impl::{operation_impl_text, read_body_tokens, request_body};
use super::pagination::builder_paging;
use super::{
    DebugField, doc_attrs, feature_gate, ident, inner_doc_attrs, layout, redacted_debug,
    text_items, type_tokens, with_lead,
};
use crate::ir::{
    Api, EncodingKind, Operation, OperationModule, Packaging, Param, ResponseBody, ResponseEnum,
    ResponseHeaders, RustPaths, Success, TypeRef,
};
use crate::lower::code_span;
use crate::naming::{self, builder};

/// `src/operations/mod.rs`.
pub(super) fn operations_mod(api: &Api) -> TokenStream {
    let modules = api.modules.iter().map(|module| {
        let name = ident(&module.ident);
        let feature = &module.ident;
        let doc = format!(" {} (cargo feature `{feature}`).", module_title(module));
        // Names of these items are settled crate-wide, so the flat list never collides.
        let mut items: Vec<&str> = module
            .operations
            .iter()
            .flat_map(Operation::item_names)
            .collect();
        items.sort_unstable();
        let items = items.into_iter().map(ident);
        quote! {
            #[doc = #doc]
            #[cfg(feature = #feature)]
            pub mod #name;
            #[cfg(feature = #feature)]
            pub use self::#name::{#(#items),*};
        }
    });
    let macros = builder_macros(api);
    let shared_enums = api
        .shared_error_enums
        .iter()
        .map(|shared| response_enum_tokens(api, &shared.def, feature_gate(&shared.modules)));
    quote! {
        #![doc = " The API's operations, one module per tag; each adds methods to [`Client`](super::Client)."]
        #![doc = ""]
        #![doc = " Each module is behind a cargo feature of the same name, all on by default, so that"]
        #![doc = " a large API can be built with only the parts a program uses. Every request builder,"]
        #![doc = " response enum and headers struct is re-exported here too, so that a program can name"]
        #![doc = " it without knowing its tag."]
        #macros
        #(#modules)*
        #(#shared_enums)*
    }
}

/// The macros that write what every request builder has, once for the crate: each builder
/// invokes `request_methods!` (and a paginated one `paging_methods!`) with its own types,
/// instead of repeating the methods. Each is compiled only with a feature that uses it.
///
/// The methods set the builder's `options` field directly rather than through
/// `Call::options`: a call through the trait makes rustc prove the builder implements it in
/// each method, and on Kubernetes' crate that was a fifth of `cargo check` (28.5 s against
/// 22.5 s, checked side by side).
fn builder_macros(api: &Api) -> TokenStream {
    let features = |filter: fn(&Operation) -> bool| -> Vec<&str> {
        api.modules
            .iter()
            .filter(|module| module.operations.iter().any(filter))
            .map(|module| module.ident.as_str())
            .collect()
    };
    let Members {
        client, options, ..
    } = Members::new();
    let [
        timeout,
        header,
        query_param,
        send,
        send_with_info,
        send_blocking,
        send_with_info_blocking,
    ] = [
        builder::TIMEOUT,
        builder::HEADER,
        builder::QUERY_PARAM,
        builder::SEND,
        builder::SEND_WITH_INFO,
        builder::SEND_BLOCKING,
        builder::SEND_WITH_INFO_BLOCKING,
    ]
    .map(ident);
    let [pages, items, pages_blocking, items_blocking] = [
        builder::PAGES,
        builder::ITEMS,
        builder::PAGES_BLOCKING,
        builder::ITEMS_BLOCKING,
    ]
    .map(ident);
    let link = |name: &str| format!("[`{name}`](Self::{name})");
    let send_blocking_doc = doc_attrs(&[
        format!(
            "{} from synchronous code: blocks the thread until the",
            link(builder::SEND)
        ),
        "response is decoded (cargo feature `blocking`).".to_owned(),
    ]);
    let send_with_info_blocking_doc = doc_attrs(&[
        format!(
            "{} from synchronous code, as",
            link(builder::SEND_WITH_INFO)
        ),
        format!(
            "{} (cargo feature `blocking`).",
            link(builder::SEND_BLOCKING)
        ),
    ]);
    let iterator_doc = |of: &str| {
        doc_attrs(&[
            format!("{} as an iterator for synchronous code (cargo", link(of)),
            "feature `blocking`).".to_owned(),
        ])
    };
    let pages_blocking_doc = iterator_doc(builder::PAGES);
    let items_blocking_doc = iterator_doc(builder::ITEMS);
    let items_doc = doc_attrs(&[format!(
        "Every item of every page, as a stream (see {}).",
        link(builder::PAGES)
    )]);
    let all = features(|_| true);
    if all.is_empty() {
        return TokenStream::new();
    }
    let gate = feature_gate(&all);
    // A module file has no cargo features, so no blocking calls either.
    let blocking = matches!(api.packaging, Packaging::Crate(_)).then(|| {
        quote! {
            #[cfg(feature = "blocking")]
            impl $builder<'_> {
                #send_blocking_doc
                ///
                /// Not from inside a current-thread tokio runtime, where it returns
                /// `Error::InvalidRequest` rather than deadlock; see
                /// `apiforge_runtime::blocking::block_on`.
                pub fn #send_blocking(self) -> Result<$output, ::apiforge_runtime::Error<$error>> {
                    ::apiforge_runtime::blocking::block_on(self.#send())?
                }

                #send_with_info_blocking_doc
                pub fn #send_with_info_blocking(self) -> Result<::apiforge_runtime::Response<$output, $headers>, ::apiforge_runtime::Error<$error>> {
                    ::apiforge_runtime::blocking::block_on(self.#send_with_info())?
                }
            }
        }
    });
    let settable = features(|op| {
        op.params.iter().any(|param| param.option_setter.is_some())
            || op.body.as_ref().is_some_and(|body| !body.required)
    });
    let setters = (!settable.is_empty()).then(|| {
        let gate = feature_gate(&settable);
        super::macros::text_definition(
            super::setters::NAME,
            quote! {
                /// A request builder's setters of its optional members: `name(value)` sets one,
                /// `set_name(option)` sets or clears it.
                #gate
            },
        )
    });
    let builder_definition = super::macros::text_definition(
        super::builder::NAME,
        quote! {
            /// A request builder: its struct, with the client and the caller's options besides
            /// its parameters, `#[must_use]`, and `request_methods!` with its call's types.
            #gate
        },
    );
    let paged = features(|op| op.pagination.is_some());
    let paging = (!paged.is_empty()).then(|| {
        let gate = feature_gate(&paged);
        let blocking = matches!(api.packaging, Packaging::Crate(_)).then(|| {
            quote! {
                #[cfg(feature = "blocking")]
                impl<'a> $builder<'a> {
                    #pages_blocking_doc
                    pub fn #pages_blocking(self) -> ::apiforge_runtime::paginate::BlockingIter<::apiforge_runtime::paginate::Pages<'a, Self>> {
                        ::apiforge_runtime::paginate::BlockingIter::new(self.#pages())
                    }

                    #items_blocking_doc
                    pub fn #items_blocking(self) -> ::apiforge_runtime::paginate::BlockingIter<::apiforge_runtime::paginate::Items<'a, Self>> {
                        ::apiforge_runtime::paginate::BlockingIter::new(self.#items())
                    }
                }
            }
        });
        quote! {
            /// `pages()` and `items()` (and their blocking forms) for a request builder that
            /// implements `Paginate`; `$how` says how the next page is asked for.
            #gate
            macro_rules! paging_methods {
                ($builder:ident, $how:literal) => {
                    impl<'a> $builder<'a> {
                        /// Every page of the results, from this request's on, as a stream of
                        /// responses.
                        ///
                        #[doc = $how]
                        /// Each page is this request sent again with every parameter kept, so
                        /// the client's retry policy and credentials apply to each; see
                        /// `apiforge_runtime::paginate` for when paging ends.
                        pub fn #pages(self) -> ::apiforge_runtime::paginate::Pages<'a, Self> {
                            ::apiforge_runtime::paginate::Pages::new(self)
                        }

                        #items_doc
                        pub fn #items(self) -> ::apiforge_runtime::paginate::Items<'a, Self> {
                            ::apiforge_runtime::paginate::Pages::new(self).items()
                        }
                    }

                    #blocking
                };
            }
        }
    });
    quote! {
        /// The runtime's `Call` for a request builder, with these `Output`, `Headers` and
        /// `Error` types, and the methods every builder has: `timeout`, `header`,
        /// `query_param`, `send` and `send_with_info` (and their blocking forms), over its
        /// `Operation` impl. The types are spelled out, so that the docs show them.
        #gate
        macro_rules! request_methods {
            ($builder:ident, $output:ty, $headers:ty, $error:ty) => {
                impl ::apiforge_runtime::Call for $builder<'_> {
                    type Output = $output;
                    type Headers = $headers;
                    type Error = $error;

                    fn client(&self) -> &::apiforge_runtime::Client {
                        &self.#client.runtime
                    }

                    fn options(&mut self) -> &mut ::apiforge_runtime::RequestOptions {
                        &mut self.#options
                    }
                }

                impl $builder<'_> {
                    /// A time limit for this request, from connecting to the end of the
                    /// response body, instead of the client's; it applies to each attempt when
                    /// the request is retried.
                    pub fn #timeout(mut self, timeout: ::std::time::Duration) -> Self {
                        self.#options.set_timeout(timeout);
                        self
                    }

                    /// Adds a header to this request only, replacing the request's own header
                    /// of that name; a name or value that is not valid header text fails the
                    /// call with `Error::InvalidRequest` before anything is sent.
                    pub fn #header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
                        self.#options.add_header(name, value);
                        self
                    }

                    /// Adds a query parameter to this request only, after the request's own.
                    pub fn #query_param(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
                        self.#options.add_query(name, value);
                        self
                    }

                    /// Sends the request and returns the decoded body, the `Output` of the
                    /// builder's `Call`.
                    pub fn #send(self) -> ::apiforge_runtime::SendFuture<Self> {
                        ::apiforge_runtime::operation::send(self)
                    }

                    /// Sends the request and returns the status, the headers and the decoded
                    /// body.
                    pub fn #send_with_info(self) -> ::apiforge_runtime::SendWithInfoFuture<Self> {
                        ::apiforge_runtime::operation::send_with_info(self)
                    }
                }

                #blocking
            };
        }

        #builder_definition

        #setters

        #paging
    }
}

/// What a module holds, for its docs: "Operations tagged `pets`".
fn module_title(module: &OperationModule) -> String {
    match &module.tag {
        Some(tag) => format!("Operations tagged {}", code_span(tag)),
        None => "Operations without a tag".to_owned(),
    }
}

/// `src/operations/<tag>.rs`.
pub(super) fn module_file(api: &Api, module: &OperationModule) -> TokenStream {
    let docs = inner_doc_attrs(&with_lead(
        format!("{}.", module_title(module)),
        &module.docs,
    ));
    let client_impl = client_impl_text(api, module)
        .and_then(text_items::stand_in)
        .unwrap_or_else(|| {
            let methods = module
                .operations
                .iter()
                .map(|op| ClientMethod::new(api, op).tokens());
            quote! {
                impl crate::Client {
                    #(#methods)*
                }
            }
        });
    let builders = module.operations.iter().map(|op| builder(api, op));
    let paging = module.operations.iter().map(|op| builder_paging(api, op));
    let enums = module.operations.iter().flat_map(|op| {
        op.success_enum()
            .into_iter()
            .chain(&op.error_enum)
            .map(|response_enum| response_enum_tokens(api, response_enum, TokenStream::new()))
    });
    let header_structs = module
        .operations
        .iter()
        .filter_map(|op| op.response_headers.as_ref())
        .map(|headers| response_headers_tokens(api, headers));
    let imports = naming::OPERATION_MODULE_IMPORTS.map(ident);
    quote! {
        #docs

        use ::apiforge_runtime::{#(#imports),*};

        #client_impl

        #(#builders)*

        #(#paging)*

        #(#enums)*

        #(#header_structs)*
    }
}

/// The idents of the members every request builder has ([`builder`] names them).
struct Members {
    client: Ident,
    options: Ident,
    body: Ident,
    encoding: Ident,
}

impl Members {
    fn new() -> Self {
        Members {
            client: ident(builder::CLIENT),
            options: ident(builder::OPTIONS),
            body: ident(builder::BODY),
            encoding: ident(builder::ENCODING),
        }
    }
}

/// What `Client::<operation>(required...) -> Builder` is made of, for its tokens and its text.
struct ClientMethod<'a> {
    op: &'a Operation,
    /// The required arguments, each with its type's tokens (rebased with the file's, or for
    /// the text, by [`ClientMethod::text`]).
    args: Vec<(&'a str, TokenStream)>,
    /// The builder's members after its client, each with what it starts as.
    inits: Vec<(&'a str, Init)>,
    docs: Vec<String>,
}

/// What a builder's member starts as.
enum Init {
    /// The argument of the same name, `.into()` its type.
    Argument,
    /// Not set.
    Unset,
    /// The default encoding, of several the body has.
    Encoding(TokenStream),
    /// The default `RequestOptions`.
    Options,
}

/// The attribute on a method with more arguments than clippy allows.
const MANY_ARGUMENTS_ALLOW: &str = "one argument per required parameter of the operation";

impl<'a> ClientMethod<'a> {
    fn new(api: &Api, op: &'a Operation) -> Self {
        let mut args = Vec::new();
        let mut inits = Vec::new();
        let mut arg_docs = Vec::new();
        for param in &op.params {
            if param.required {
                args.push((param.ident.as_str(), type_tokens(api, &param.ty)));
                inits.push((param.ident.as_str(), Init::Argument));
                arg_docs.push(argument_doc(&param.ident, &param.docs));
            } else {
                inits.push((param.ident.as_str(), Init::Unset));
            }
        }
        if let Some(body) = &op.body {
            if body.required {
                args.push((builder::BODY, type_tokens(api, &body.ty)));
                inits.push((builder::BODY, Init::Argument));
                arg_docs.push(argument_doc(builder::BODY, &body.docs));
            } else {
                inits.push((builder::BODY, Init::Unset));
            }
        }
        if let [first, _, ..] = op.encodings.as_slice()
            && let Some(default) = encoding_tokens(first.kind)
        {
            inits.push((builder::ENCODING, Init::Encoding(default)));
        }
        inits.push((builder::OPTIONS, Init::Options));
        let mut docs = op.docs.clone();
        if !arg_docs.is_empty() {
            docs.extend([String::new(), "# Arguments".to_owned(), String::new()]);
            docs.extend(arg_docs);
        }
        let optional: Vec<&Param> = op.params.iter().filter(|p| !p.required).collect();
        if !optional.is_empty() || op.body.as_ref().is_some_and(|b| !b.required) {
            docs.push(String::new());
            let mut names: Vec<String> = optional
                .iter()
                .map(|p| format!("[`{0}`]({1}::{0})", p.ident, op.builder_ident))
                .collect();
            if op.body.as_ref().is_some_and(|b| !b.required) {
                names.push(format!(
                    "[`{0}`]({1}::{0})",
                    builder::BODY,
                    op.builder_ident
                ));
            }
            docs.push(format!("Optional: {}.", names.join(", ")));
        }
        ClientMethod {
            op,
            args,
            inits,
            docs,
        }
    }

    fn tokens(self) -> TokenStream {
        let Members {
            client, options, ..
        } = Members::new();
        let method = ident(&self.op.method_ident);
        let builder = ident(&self.op.builder_ident);
        let args = self.args.into_iter().map(|(name, ty)| {
            let name = ident(name);
            quote! { #name: impl Into<#ty> }
        });
        let inits = self.inits.into_iter().map(|(name, init)| {
            let name = ident(name);
            match init {
                Init::Argument => quote! { #name: #name.into() },
                Init::Unset => quote! { #name: None },
                Init::Encoding(default) => quote! { #name: #default },
                Init::Options => quote! { #options: RequestOptions::default() },
            }
        });
        let docs = doc_attrs(&self.docs);
        let allow = self.op.allow_many_arguments.then(|| {
            quote! { #[allow(clippy::too_many_arguments, reason = #MANY_ARGUMENTS_ALLOW)] }
        });
        quote! {
            #docs
            #allow
            pub fn #method(&self, #(#args),*) -> #builder<'_> {
                #builder {
                    #client: self,
                    #(#inits,)*
                }
            }
        }
    }

    /// The method as the printer writes it inside `impl Client`; `None` where only the
    /// printer can spell a type or would break a line inside one, and outside a file whose
    /// text items and doc lines are kept.
    fn text(self, paths: &RustPaths) -> Option<String> {
        let margin = super::macros::PRINTER_MARGIN;
        let fits = |line: &str| line.len() <= margin;
        let mut args = Vec::with_capacity(self.args.len());
        for (name, ty) in self.args {
            args.push((name, super::macros::type_text(layout::rebase(ty, paths))?));
        }
        let mut inits = Vec::with_capacity(self.inits.len() + 1);
        inits.push(format!("{}: self", builder::CLIENT));
        for (name, init) in self.inits {
            inits.push(match init {
                Init::Argument => format!("{name}: {name}.into()"),
                Init::Unset => format!("{name}: None"),
                Init::Encoding(default) => {
                    let default = layout::rebase(default, paths);
                    format!("{name}: {}", super::macros::type_text(default)?)
                }
                Init::Options => format!("{name}: RequestOptions::default()"),
            });
        }
        let inits: Vec<String> = inits
            .into_iter()
            .map(|init| format!("            {init},\n"))
            .collect();
        if inits.iter().any(|line| !fits(line.trim_end())) {
            return None;
        }
        let builder = &self.op.builder_ident;
        let signature = super::expr_text::signature(
            &self.op.method_ident,
            Some("&self"),
            &args,
            &format!("{builder}<'_>"),
            &format!("    ) -> {builder}<\n        '_,\n    > {{\n"),
        )?;
        let mut text = String::new();
        for line in super::doc_comments::attr_lines(&self.docs)? {
            text.push_str(&format!("    {line}\n"));
        }
        if self.op.allow_many_arguments {
            text.push_str(&format!(
                "    #[allow(\n        clippy::too_many_arguments,\n        reason = \"{MANY_ARGUMENTS_ALLOW}\"\n    )]\n"
            ));
        }
        text.push_str(&signature);
        text.push_str(&format!("        {builder} {{\n"));
        text.extend(inits);
        text.push_str("        }\n    }\n");
        Some(text)
    }
}

/// `impl Client` with `module`'s methods, as the printer writes it; `None` where a method
/// cannot be written as text ([`ClientMethod::text`]).
fn client_impl_text(api: &Api, module: &OperationModule) -> Option<String> {
    if !text_items::are_kept() {
        return None;
    }
    let mut text = String::from("impl crate::Client {\n");
    for op in &module.operations {
        text.push_str(&ClientMethod::new(api, op).text(&api.paths)?);
    }
    text.push_str("}\n");
    Some(text)
}

fn argument_doc(name: &str, docs: &[String]) -> String {
    match docs.first().filter(|line| !line.is_empty()) {
        Some(first) => format!("- `{name}`: {first}"),
        None => format!("- `{name}`"),
    }
}

/// The request builder: struct, optional-parameter setters, `timeout`, `send` and
/// `send_with_info`, and their blocking forms behind the crate's `blocking` feature.
fn builder(api: &Api, op: &Operation) -> TokenStream {
    let Members {
        encoding: encoding_member,
        ..
    } = Members::new();
    let builder = ident(&op.builder_ident);
    // The builder's fields: its parameters, the body, the body's encoding when it has a choice.
    let optional = |required: bool, ty: TokenStream| {
        if required {
            ty
        } else {
            quote! { Option<#ty> }
        }
    };
    let fields: Vec<(&str, TokenStream)> = op
        .params
        .iter()
        .map(|param| {
            let ty = optional(param.required, type_tokens(api, &param.ty));
            (param.ident.as_str(), ty)
        })
        .chain(op.body.as_ref().map(|body| {
            let ty = optional(body.required, type_tokens(api, &body.ty));
            (builder::BODY, ty)
        }))
        .chain((op.encodings.len() > 1).then(|| {
            (
                builder::ENCODING,
                quote! { ::apiforge_runtime::BodyEncoding },
            )
        }))
        .collect();
    let body_docs = op
        .body
        .as_ref()
        .map(|body| with_lead("The request body.".to_owned(), &body.docs));
    // Each optional member (a parameter, the body) as `setters!` takes it: its docs, name and
    // type, and its `Option` setter's name.
    let optional_members: Vec<(&[String], &str, TokenStream, &str)> = op
        .params
        .iter()
        .filter_map(|param| {
            let option_setter = param.option_setter.as_deref()?;
            let ty = type_tokens(api, &param.ty);
            Some((
                param.docs.as_slice(),
                param.ident.as_str(),
                ty,
                option_setter,
            ))
        })
        .chain(op.body.as_ref().filter(|b| !b.required).map(|body| {
            let docs = body_docs.as_deref().unwrap_or_default();
            (
                docs,
                builder::BODY,
                type_tokens(api, &body.ty),
                builder::SET_BODY,
            )
        }))
        .collect();
    let default_media = op
        .encodings
        .first()
        .map(|e| e.media_type.clone())
        .unwrap_or_default();
    let encoding_setters = op.encodings.iter().filter_map(|encoding| {
        let name = ident(encoding.method_ident.as_deref()?);
        let value = encoding_tokens(encoding.kind)?;
        let doc = format!(
            " Sends the body as {} (the default is {}).",
            code_span(&encoding.media_type),
            code_span(&default_media)
        );
        Some(quote! {
            #[doc = #doc]
            pub fn #name(mut self) -> Self {
                self.#encoding_member = #value;
                self
            }
        })
    });
    let success = match &op.success {
        Success::Body(ty) => type_tokens(api, ty),
        Success::ByStatus(response_enum) => {
            let name = ident(&response_enum.ident);
            quote! { #name }
        }
    };
    let error = match &op.error_enum {
        Some(response_enum) => {
            let name = ident(&response_enum.ident);
            quote! { #name }
        }
        None => quote! { ::std::convert::Infallible },
    };
    let headers = match &op.response_headers {
        Some(headers) => {
            let name = ident(&headers.ident);
            quote! { #name }
        }
        None => quote! { () },
    };
    let struct_doc = format!(
        // Relative, so the link holds wherever the client is (a crate, or a module of one).
        "A {} request; built by [`Client::{}`](super::super::Client::{}), sent by [`{3}`](Self::{3}).",
        code_span(&format!("{} {}", op.http_method.as_str(), op.path_template)),
        op.method_ident,
        op.method_ident,
        builder::SEND,
    );
    let (derives, debug) = if op.redacted_debug {
        let fields = [DebugField {
            ident: builder::CLIENT,
            secret: false,
            optional: false,
        }]
        .into_iter()
        .chain(op.params.iter().map(|param| DebugField {
            ident: &param.ident,
            secret: param.secret,
            optional: !param.required,
        }))
        .chain(op.body.as_ref().map(|_| DebugField {
            ident: builder::BODY,
            secret: false,
            optional: false,
        }))
        .chain((op.encodings.len() > 1).then_some(DebugField {
            ident: builder::ENCODING,
            secret: false,
            optional: false,
        }))
        .chain([DebugField {
            ident: builder::OPTIONS,
            secret: false,
            optional: false,
        }]);
        (
            quote! { #[derive(Clone)] },
            redacted_debug(&op.builder_ident, true, fields),
        )
    } else {
        // `builder!`'s own.
        (quote! {}, quote! {})
    };
    let setters = (!optional_members.is_empty()).then(|| {
        let text = super::setters::invocation_text(
            &op.builder_ident,
            optional_members
                .iter()
                .map(|(docs, name, ty, setter)| {
                    (
                        *docs,
                        *name,
                        layout::rebase(ty.clone(), &api.paths),
                        *setter,
                    )
                })
                .collect(),
        );
        text.and_then(text_items::stand_in).unwrap_or_else(|| {
            let macro_name = ident(super::setters::NAME);
            let members = optional_members.iter().map(|(docs, name, ty, setter)| {
                let docs = doc_attrs(docs);
                let name = ident(name);
                let setter = ident(setter);
                quote! { #docs #name: #ty = #setter, }
            });
            quote! {
                #macro_name! {
                    #builder {
                        #(#members)*
                    }
                }
            }
        })
    });
    let encoding_setters: Vec<TokenStream> = encoding_setters.collect();
    let encoding_impl = (!encoding_setters.is_empty()).then(|| {
        quote! {
            impl #builder<'_> {
                #(#encoding_setters)*
            }
        }
    });
    let read_body = match op
        .responses
        .iter()
        .map(|c| &c.body)
        .find(|body| body.is_streamed())
    {
        Some(ResponseBody::JsonEvents(_) | ResponseBody::TextEvents) => Some(
            quote! { const READ: ::apiforge_runtime::ReadBody = ::apiforge_runtime::ReadBody::Events; },
        ),
        Some(_) => Some(
            quote! { const READ: ::apiforge_runtime::ReadBody = ::apiforge_runtime::ReadBody::Streamed; },
        ),
        None => None,
    };
    let operation_impl = operation_impl_text(api, op)
        .and_then(text_items::stand_in)
        .unwrap_or_else(|| {
            let request_body = request_body(api, op);
            let read = read_body_tokens(op);
            quote! {
                impl Operation for #builder<'_> {
                    #read_body

                    fn request(self) -> Result<Request, EncodeError> {
                        #request_body
                    }

                    fn read(response: RawResponse) -> SendResult<Self> {
                        #read
                    }
                }
            }
        });
    let invocation = super::builder::invocation_text(
        op.redacted_debug,
        &struct_doc,
        &op.builder_ident,
        [&success, &headers, &error].map(|ty| layout::rebase(ty.clone(), &api.paths)),
        fields
            .iter()
            .map(|(name, ty)| (*name, layout::rebase(ty.clone(), &api.paths)))
            .collect(),
    )
    .and_then(text_items::stand_in)
    .unwrap_or_else(|| {
        let builder_macro = ident(super::builder::NAME);
        let fields = fields.iter().map(|(name, ty)| {
            let name = ident(name);
            quote! { #name: #ty, }
        });
        let docs = doc_attrs(&[struct_doc]);
        quote! {
            #builder_macro! {
                #derives
                #docs
                #builder => #success, #headers, #error {
                    #(#fields)*
                }
            }
        }
    });
    quote! {
        #invocation

        #debug

        #setters

        #encoding_impl

        #operation_impl
    }
}

/// The runtime's name for a structured encoding; `None` for text and bytes, which have calls
/// of their own (`text_body`, `upload_body`) and are never one of several choices.
fn encoding_tokens(kind: EncodingKind) -> Option<TokenStream> {
    match kind {
        EncodingKind::Json => Some(quote! { ::apiforge_runtime::BodyEncoding::Json }),
        EncodingKind::FormUrlEncoded => {
            Some(quote! { ::apiforge_runtime::BodyEncoding::FormUrlEncoded })
        }
        EncodingKind::Multipart => Some(quote! { ::apiforge_runtime::BodyEncoding::Multipart }),
        EncodingKind::Text | EncodingKind::Binary => None,
    }
}

/// An operation's response enum, or the `pub type` naming the shared one; `gate` is the
/// `cfg` a shared enum is compiled under.
fn response_enum_tokens(api: &Api, response_enum: &ResponseEnum, gate: TokenStream) -> TokenStream {
    let name = ident(&response_enum.ident);
    if let Some(shared) = &response_enum.shared {
        // A path without generic arguments: the printer never breaks the line.
        let text = super::doc_comments::attr_lines(&response_enum.docs).map(|lines| {
            let mut text: String = lines.iter().map(|line| format!("{line}\n")).collect();
            text.push_str(&format!(
                "pub type {} = super::{shared};\n",
                response_enum.ident
            ));
            text
        });
        if let Some(stand_in) = text.and_then(text_items::stand_in) {
            return stand_in;
        }
        let docs = doc_attrs(&response_enum.docs);
        let shared = ident(shared);
        return quote! {
            #docs
            pub type #name = super::#shared;
        };
    }
    let docs = doc_attrs(&response_enum.docs);
    let variants = response_enum.variants.iter().map(|variant| {
        let variant_name = ident(&variant.ident);
        let docs = doc_attrs(&variant.docs);
        if variant.ty == TypeRef::Unit {
            quote! { #docs #variant_name, }
        } else {
            let ty = type_tokens(api, &variant.ty);
            quote! { #docs #variant_name(#ty), }
        }
    });
    let allow = response_enum.allow_large_variants.then(|| {
        quote! { #[allow(clippy::large_enum_variant, reason = "built once per response and moved out at once; boxing would only cost an allocation")] }
    });
    let partial_eq = response_enum
        .derive_partial_eq
        .then(|| quote! { , PartialEq });
    quote! {
        #docs
        #gate
        #[derive(Clone, Debug #partial_eq)]
        #allow
        pub enum #name {
            #(#variants)*
        }
    }
}

/// The struct of an operation's declared response headers, and its decoder.
fn response_headers_tokens(api: &Api, headers: &ResponseHeaders) -> TokenStream {
    let name = ident(&headers.ident);
    let docs = doc_attrs(&headers.docs);
    let fields = headers.fields.iter().map(|field| {
        let field_name = ident(&field.ident);
        let ty = type_tokens(api, &field.ty);
        let docs = doc_attrs(&with_lead(
            format!("{}.", code_span(&field.wire_name)),
            &field.docs,
        ));
        quote! { #docs pub #field_name: Option<#ty>, }
    });
    let decodes = headers.fields.iter().map(|field| {
        let field_name = ident(&field.ident);
        let wire = &field.wire_name;
        quote! { #field_name: ::apiforge_runtime::decode_header(headers, #wire)?, }
    });
    let debug = headers.redacted_debug.then(|| {
        let fields = headers.fields.iter().map(|field| DebugField {
            ident: &field.ident,
            secret: field.secret,
            optional: true,
        });
        redacted_debug(&headers.ident, false, fields)
    });
    let derives = if headers.redacted_debug {
        quote! { #[derive(Clone, PartialEq)] }
    } else {
        quote! { #[derive(Clone, Debug, PartialEq)] }
    };
    quote! {
        #docs
        #derives
        pub struct #name {
            #(#fields)*
        }

        impl #name {
            fn decode(headers: &::apiforge_runtime::HeaderMap) -> Result<Self, ::apiforge_runtime::HeaderDecodeError> {
                Ok(Self { #(#decodes)* })
            }
        }

        #debug
    }
}
