//! `impl Operation for Builder`: the request a builder builds and what each status of the
//! response means, as tokens, and as text where the printer's layout of it is known
//! ([`expr_text`](super::super::expr_text)).

use proc_macro2::TokenStream;
use quote::{ToTokens, quote};

use super::{Members, encoding_tokens};
use crate::emit::macros::PRINTER_MARGIN;
use crate::emit::{ident, text_items};
use crate::ir::{
    Api, EncodingKind, Operation, Outcome, Param, ParamId, ParamLocation, PathPart, QueryStyle,
    ResponseBody, ResponseCase, ResponseEnum, StatusMatch, Success, TypeRef,
};
use crate::naming::builder;

/// `impl Operation for Builder` as the printer writes it, from the same parts as
/// [`request_body`] and [`read_body_tokens`]; `None` outside a file whose text items are
/// kept, and for what only the token path writes (a form, a query style of its own, a
/// streamed response, a line the printer would break where the text does not).
pub(super) fn operation_impl_text(api: &Api, op: &Operation) -> Option<String> {
    use crate::emit::expr_text::{Expr, arm, statement, tail};

    if !text_items::are_kept() || op.responses.iter().any(|case| case.body.is_streamed()) {
        return None;
    }
    let string = |text: &str| Expr::atom(proc_macro2::Literal::string(text).to_string());
    let call = |method: &str, arguments: Vec<Expr>| {
        Expr::Chain("request".to_owned(), vec![(method.to_owned(), arguments)])
    };
    let runtime = &api.paths.runtime;
    let fits = |line: &str| line.len() <= PRINTER_MARGIN;

    let mut path_params = Vec::new();
    for part in &op.path {
        if let PathPart::Param(id) = part
            && !path_params.contains(id)
        {
            path_params.push(*id);
        }
    }
    let mut statements: Vec<Expr> = path_params
        .into_iter()
        .map(|id| {
            let param = op.param(id);
            call(
                "path_param",
                vec![
                    string(&param.wire_name),
                    Expr::atom(format!("&self.{}", param.ident)),
                ],
            )
        })
        .collect();
    if op.retry_safe {
        statements.push(call("retry_safe", Vec::new()));
    }
    for (index, param) in op.params.iter().enumerate() {
        let wire = string(&param.wire_name);
        let value = Expr::atom(format!("&self.{}", param.ident));
        if op.idempotency_key == Some(ParamId(index)) {
            let value = Expr::atom(format!("self.{}.as_ref()", param.ident));
            statements.push(call("idempotency_key", vec![wire, value]));
            continue;
        }
        match param.location {
            ParamLocation::Path => {}
            ParamLocation::FormField | ParamLocation::FormFile => return None,
            ParamLocation::Query(QueryStyle::Form { explode: true }) => {
                statements.push(call("query_form", vec![wire, value]));
            }
            ParamLocation::Query(_) => return None,
            ParamLocation::Header => statements.push(call("header", vec![wire, value])),
            ParamLocation::Cookie => statements.push(call("cookie", vec![wire, value])),
        }
    }
    if let Some(accept) = &op.accept {
        statements.push(call("accept", vec![string(accept)]));
    }
    if let (Some(body), Some(default_encoding)) = (&op.body, op.encodings.first()) {
        let value = if body.required {
            format!("Some(self.{})", builder::BODY)
        } else {
            format!("self.{}", builder::BODY)
        };
        let media_type = string(&default_encoding.media_type);
        statements.push(match default_encoding.kind {
            EncodingKind::Text => call("text_body", vec![Expr::atom(value), media_type]),
            EncodingKind::Binary => call("upload_body", vec![Expr::atom(value), media_type]),
            _ => {
                let encoding = if op.encodings.len() > 1 {
                    format!("self.{}", builder::ENCODING)
                } else {
                    let name = encoding_name(default_encoding.kind)?;
                    format!("{runtime}::BodyEncoding::{name}")
                };
                call(
                    "body",
                    vec![
                        Expr::atom(format!("&self.{}", builder::BODY)),
                        Expr::atom(encoding),
                    ],
                )
            }
        });
    }
    let security = op
        .security
        .iter()
        .map(|alternative| {
            Expr::List(
                alternative
                    .iter()
                    .map(|&id| {
                        let name = &api.scheme(id).const_ident;
                        Expr::atom(format!("&{}::security::{name}", api.paths.root))
                    })
                    .collect(),
            )
        })
        .collect();
    let request = Expr::Call(
        "Request::for_operation".to_owned(),
        vec![
            Expr::atom(format!("Method::{}", op.http_method.as_str())),
            string(&op.operation_id),
            string(&op.route),
            Expr::List(security),
        ],
    );

    let builder_line = format!("impl Operation for {}<'_> {{", op.builder_ident);
    if !fits(&builder_line) {
        return None;
    }
    let mut text =
        format!("{builder_line}\n    fn request(self) -> Result<Request, EncodeError> {{\n");
    if statements.is_empty() {
        text.push_str(&tail(8, &Expr::Call("Ok".to_owned(), vec![request])));
    } else {
        text.push_str(&statement(8, "let mut request = ", &request));
        for expr in &statements {
            text.push_str(&statement(8, "", expr));
        }
        text.push_str("        Ok(request)\n");
    }
    text.push_str("    }\n    fn read(response: RawResponse) -> SendResult<Self> {\n");
    let names = ResponseNames::new(op);
    for (own, alias) in &names.imports {
        let line = format!("        use {own} as {alias};");
        if !fits(&line) {
            return None;
        }
        text.push_str(&line);
        text.push('\n');
    }
    match op.responses.as_slice() {
        [case] if case.status == StatusMatch::Default => {
            text.push_str(&tail(8, &response_result_expr(op, case, &names)));
        }
        cases => {
            text.push_str("        match response.status().as_u16() {\n");
            for case in cases {
                let pattern = match case.status {
                    StatusMatch::Code(code) => code.to_string(),
                    StatusMatch::Range(range) => format!("{}..={}", range * 100, range * 100 + 99),
                    StatusMatch::Default => "_".to_owned(),
                };
                text.push_str(&arm(12, &pattern, &response_result_expr(op, case, &names)));
            }
            if !cases.iter().any(|c| c.status == StatusMatch::Default) {
                text.push_str("            _ => Err(response.unexpected()),\n");
            }
            text.push_str("        }\n");
        }
    }
    text.push_str("    }\n}\n");
    Some(text)
}

/// The runtime's `BodyEncoding` variant for a structured encoding ([`encoding_tokens`]).
fn encoding_name(kind: EncodingKind) -> Option<&'static str> {
    match kind {
        EncodingKind::Json => Some("Json"),
        EncodingKind::FormUrlEncoded => Some("FormUrlEncoded"),
        EncodingKind::Multipart => Some("Multipart"),
        EncodingKind::Text | EncodingKind::Binary => None,
    }
}

/// [`response_result`] as an expression written as text.
fn response_result_expr(
    op: &Operation,
    case: &ResponseCase,
    names: &ResponseNames<'_>,
) -> crate::emit::expr_text::Expr {
    use crate::emit::expr_text::Expr;

    let decode = match &case.body {
        ResponseBody::Empty => "empty",
        ResponseBody::Json(_) => "json",
        ResponseBody::Text => "text",
        ResponseBody::Bytes => "bytes",
        ResponseBody::Stream => "stream",
        ResponseBody::JsonEvents(_) => "json_events",
        ResponseBody::TextEvents => "text_events",
    };
    let chain = |links: Vec<(&str, Vec<Expr>)>| {
        Expr::Chain(
            "response".to_owned(),
            links
                .into_iter()
                .map(|(method, arguments)| (method.to_owned(), arguments))
                .collect(),
        )
    };
    let closure = |parameter: &str, body: Expr| Expr::Closure(parameter.to_owned(), Box::new(body));
    let with_headers = op.response_headers.as_ref().map(|headers| {
        let decode = Expr::atom(format!("{}::decode", headers.ident));
        (
            "and_then",
            vec![closure(
                "response",
                chain(vec![("with_typed_headers", vec![decode])]),
            )],
        )
    });
    let variant = &case.variant;
    match (case.outcome, &op.success) {
        (Outcome::Success, Success::Body(_)) => chain(
            [(decode, Vec::new())]
                .into_iter()
                .chain(with_headers)
                .collect(),
        ),
        (Outcome::Success, Success::ByStatus(_)) => {
            let value = Expr::atom(format!("{}::{variant}", names.success.unwrap_or_default()));
            let value = if case.body == ResponseBody::Empty {
                closure("()", value)
            } else {
                value
            };
            let map = (
                "map",
                vec![closure("response", chain(vec![("map", vec![value])]))],
            );
            chain(
                [(decode, Vec::new()), map]
                    .into_iter()
                    .chain(with_headers)
                    .collect(),
            )
        }
        (Outcome::Error, _) => {
            let read = match &case.body {
                ResponseBody::Empty => "error_empty",
                ResponseBody::Json(_) => "error_json",
                ResponseBody::Text | ResponseBody::JsonEvents(_) | ResponseBody::TextEvents => {
                    "error_text"
                }
                ResponseBody::Bytes | ResponseBody::Stream => "error_bytes",
            };
            let value = Expr::atom(format!("{}::{variant}", names.error.unwrap_or_default()));
            Expr::Call("Err".to_owned(), vec![chain(vec![(read, vec![value])])])
        }
    }
}

/// The body of `Operation::request`: the path, the parameters and the request body.
pub(super) fn request_body(api: &Api, op: &Operation) -> TokenStream {
    let Members {
        body: body_member,
        encoding: encoding_member,
        ..
    } = Members::new();
    // Each path parameter fills its placeholders in the route once, in path order.
    let mut path_params = Vec::new();
    for part in &op.path {
        if let PathPart::Param(id) = part
            && !path_params.contains(id)
        {
            path_params.push(*id);
        }
    }
    let method = ident(op.http_method.as_str());
    let security = op.security.iter().map(|alternative| {
        let schemes = alternative.iter().map(|&id| {
            let name = ident(&api.scheme(id).const_ident);
            quote! { &crate::security::#name }
        });
        quote! { &[#(#schemes),*] }
    });

    let mut statements: Vec<TokenStream> = path_params
        .into_iter()
        .map(|id| {
            let param = op.param(id);
            let name = ident(&param.ident);
            let wire = &param.wire_name;
            quote! { request.path_param(#wire, &self.#name); }
        })
        .collect();
    if op.retry_safe {
        statements.push(quote! { request.retry_safe(); });
    }
    for (index, param) in op.params.iter().enumerate() {
        let name = ident(&param.ident);
        let wire = &param.wire_name;
        if op.idempotency_key == Some(ParamId(index)) {
            statements.push(quote! { request.idempotency_key(#wire, self.#name.as_ref()); });
            continue;
        }
        match param.location {
            ParamLocation::Path | ParamLocation::FormField | ParamLocation::FormFile => {}
            ParamLocation::Query(QueryStyle::Form { explode: true }) => {
                statements.push(quote! { request.query_form(#wire, &self.#name); });
            }
            ParamLocation::Query(style) => {
                let style = match style {
                    QueryStyle::Form { explode } => {
                        quote! { ::apiforge_runtime::QueryStyle::Form { explode: #explode } }
                    }
                    QueryStyle::SpaceDelimited => {
                        quote! { ::apiforge_runtime::QueryStyle::SpaceDelimited }
                    }
                    QueryStyle::PipeDelimited => {
                        quote! { ::apiforge_runtime::QueryStyle::PipeDelimited }
                    }
                    QueryStyle::DeepObject => quote! { ::apiforge_runtime::QueryStyle::DeepObject },
                };
                statements.push(quote! { request.query(#wire, &self.#name, #style); });
            }
            ParamLocation::Header => {
                statements.push(quote! { request.header(#wire, &self.#name); })
            }
            ParamLocation::Cookie => {
                statements.push(quote! { request.cookie(#wire, &self.#name); })
            }
        }
    }
    if let Some(accept) = &op.accept {
        statements.push(quote! { request.accept(#accept); });
    }
    let encoding = if op.encodings.len() > 1 {
        quote! { self.#encoding_member }
    } else {
        let kind = op.encodings.first().map_or(EncodingKind::Json, |e| e.kind);
        encoding_tokens(kind).to_token_stream()
    };
    let form_fields: Vec<&Param> = op
        .params
        .iter()
        .filter(|p| {
            matches!(
                p.location,
                ParamLocation::FormField | ParamLocation::FormFile
            )
        })
        .collect();
    let default_encoding = op.encodings.first();
    if !form_fields.is_empty() {
        let adds = form_fields.iter().map(|param| {
            let name = ident(&param.ident);
            let wire = &param.wire_name;
            match (param.location, param.required, &param.ty) {
                (ParamLocation::FormField, _, _) => quote! { form.field(#wire, &self.#name)?; },
                (_, true, TypeRef::Upload) => quote! { form.file(#wire, self.#name); },
                (_, false, TypeRef::Vec(_)) => {
                    quote! { form.files(#wire, self.#name.into_iter().flatten()); }
                }
                _ => quote! { form.files(#wire, self.#name); },
            }
        });
        statements.push(quote! {
            let mut form = ::apiforge_runtime::Form::new();
            #(#adds)*
            request.form(form, #encoding);
        });
    } else if let (Some(body), Some(default_encoding)) = (&op.body, default_encoding) {
        let value = if body.required {
            quote! { Some(self.#body_member) }
        } else {
            quote! { self.#body_member }
        };
        let media_type = &default_encoding.media_type;
        statements.push(match default_encoding.kind {
            EncodingKind::Text => quote! { request.text_body(#value, #media_type); },
            EncodingKind::Binary => quote! { request.upload_body(#value, #media_type); },
            _ => quote! { request.body(&self.#body_member, #encoding); },
        });
    }
    let operation_id = &op.operation_id;
    let route = &op.route;

    let request = quote! { Request::for_operation(Method::#method, #operation_id, #route, &[#(#security),*]) };
    if statements.is_empty() {
        return quote! { Ok(#request) };
    }
    quote! {
        let mut request = #request;
        #(#statements)*
        Ok(request)
    }
}

/// The body of `Operation::read`: what each status of `response` means.
pub(super) fn read_body_tokens(op: &Operation) -> TokenStream {
    let names = ResponseNames::new(op);
    let imports = names.import_tokens();
    match op.responses.as_slice() {
        // Every status means the same thing: no `match` to write.
        [case] if case.status == StatusMatch::Default => {
            let result = response_result(op, case, &names);
            quote! { #(#imports)* #result }
        }
        cases => {
            let arms = cases.iter().map(|case| {
                let pattern = status_pattern(case.status);
                let result = response_result(op, case, &names);
                quote! { #pattern => #result, }
            });
            let has_default = cases.iter().any(|c| c.status == StatusMatch::Default);
            let fallback = (!has_default).then(|| quote! { _ => Err(response.unexpected()), });
            quote! {
                #(#imports)*
                match response.status().as_u16() {
                    #(#arms)*
                    #fallback
                }
            }
        }
    }
}

/// How `Operation::read` names the success enum and the error enum: by their own names, not
/// through `Call`'s associated types (`Self::Error::NotFound`). A path through `Self` is a
/// type annotation rustc checks at each use; on Kubernetes' crate those paths were an eighth
/// of `cargo check` (23.1 s against 20.0 s, checked side by side). An enum named in more
/// than one arm, or whose own name would push an arm past the printer's margin, is
/// imported as `Error` (`Output`) at the top of the body, so that each arm fits on a line.
struct ResponseNames<'a> {
    /// How the arms name the success enum and the error enum: its own name, or the alias it
    /// is imported as; `None` where the operation has no such enum.
    success: Option<&'a str>,
    error: Option<&'a str>,
    /// `use Own as Alias;` at the top of the body, as the enum's name and the alias.
    imports: Vec<(&'a str, &'static str)>,
}

impl<'a> ResponseNames<'a> {
    fn new(op: &'a Operation) -> Self {
        let mut imports = Vec::new();
        let mut name = |response_enum: Option<&'a ResponseEnum>,
                        outcome: Outcome,
                        alias: &'static str| {
            let response_enum = response_enum?;
            let own = response_enum.ident.as_str();
            let mut cases = op.responses.iter().filter(|c| c.outcome == outcome);
            // The arm as printed, three levels deep: `404 => Err(response.error_json(`, the
            // path, `)),` (or the success's `response.json().map(|response| response.map(`).
            let fits = |case: &ResponseCase| {
                let pattern = match case.status {
                    StatusMatch::Code(_) => 3,
                    StatusMatch::Range(_) => 9,
                    StatusMatch::Default => 1,
                };
                let call = match outcome {
                    Outcome::Error => "Err(response.error_empty(".len(),
                    Outcome::Success => "response.empty().map(|response| response.map(|()| ".len(),
                };
                let path = own.len() + 2 + case.variant.len();
                12 + pattern + " => ".len() + call + path + ")),".len() <= PRINTER_MARGIN
            };
            Some(match (cases.next(), cases.next()) {
                (Some(case), None) if fits(case) => own,
                (None, _) => own,
                _ => {
                    imports.push((own, alias));
                    alias
                }
            })
        };
        let success = name(op.success_enum(), Outcome::Success, "Output");
        let error = name(op.error_enum.as_ref(), Outcome::Error, "Error");
        ResponseNames {
            success,
            error,
            imports,
        }
    }

    /// The imports as tokens.
    fn import_tokens(&self) -> Vec<TokenStream> {
        self.imports
            .iter()
            .map(|(own, alias)| {
                let (own, alias) = (ident(own), ident(alias));
                quote! { use #own as #alias; }
            })
            .collect()
    }
}

fn status_pattern(status: StatusMatch) -> TokenStream {
    match status {
        StatusMatch::Code(code) => {
            let code = proc_macro2::Literal::u16_unsuffixed(code);
            quote! { #code }
        }
        StatusMatch::Range(range) => {
            let low = proc_macro2::Literal::u16_unsuffixed(range * 100);
            let high = proc_macro2::Literal::u16_unsuffixed(range * 100 + 99);
            quote! { #low..=#high }
        }
        StatusMatch::Default => quote! { _ },
    }
}

/// The expression that turns `response` into the operation's result for one response case.
fn response_result(op: &Operation, case: &ResponseCase, names: &ResponseNames<'_>) -> TokenStream {
    let decode = match &case.body {
        ResponseBody::Empty => quote! { empty },
        ResponseBody::Json(_) => quote! { json },
        ResponseBody::Text => quote! { text },
        ResponseBody::Bytes => quote! { bytes },
        ResponseBody::Stream => quote! { stream },
        ResponseBody::JsonEvents(_) => quote! { json_events },
        ResponseBody::TextEvents => quote! { text_events },
    };
    let success_enum = names.success.map(ident);
    let error_enum = names.error.map(ident);
    let with_headers = op.response_headers.as_ref().map(|headers| {
        let headers = ident(&headers.ident);
        quote! { .and_then(|response| response.with_typed_headers(#headers::decode)) }
    });
    let variant = ident(&case.variant);
    match (case.outcome, &op.success) {
        (Outcome::Success, Success::Body(_)) => quote! { response.#decode() #with_headers },
        (Outcome::Success, Success::ByStatus(_)) => {
            if case.body == ResponseBody::Empty {
                quote! { response.empty().map(|response| response.map(|()| #success_enum::#variant)) #with_headers }
            } else {
                quote! { response.#decode().map(|response| response.map(#success_enum::#variant)) #with_headers }
            }
        }
        (Outcome::Error, _) => match &case.body {
            ResponseBody::Empty => quote! { Err(response.error_empty(#error_enum::#variant)) },
            ResponseBody::Json(_) => quote! { Err(response.error_json(#error_enum::#variant)) },
            ResponseBody::Text | ResponseBody::JsonEvents(_) | ResponseBody::TextEvents => {
                quote! { Err(response.error_text(#error_enum::#variant)) }
            }
            ResponseBody::Bytes | ResponseBody::Stream => {
                quote! { Err(response.error_bytes(#error_enum::#variant)) }
            }
        },
    }
}
