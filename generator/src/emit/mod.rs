//! Stage 3: the IR to files. A plain translation: every decision was made in lowering.
//!
//! Rust files are built as token streams with `quote!`, parsed by `syn` and printed by
//! `prettyplease`; the preamble is added after printing, since the printer drops comments, and
//! so are doc comments, which cost far less written once as text (`doc_comments`), and the
//! invocations of the crate's own macros, which the printer cannot format (`text_items`).

mod builder;
mod client;
mod doc_comments;
mod example;
mod expr_text;
mod layout;
mod macros;
mod manifest;
mod object;
mod operations;
mod pagination;
mod readme;
mod runtime_source;
mod setters;
mod string_enum;
mod text_items;
mod type_modules;
mod types;

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;
use rayon::prelude::*;
use syn::visit_mut::VisitMut as _;

use crate::FileSink;
use crate::ir::{Api, Packaging, RustPaths, TypeRef};
use doc_comments::{doc_attrs, inner_doc_attrs};
use expr_text::Expr;

/// One generated file: a path relative to the crate root (`/`-separated) and its text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GeneratedFile {
    /// Relative path, such as `src/types/token.rs`.
    pub path: String,
    /// The file's contents.
    pub contents: String,
}

/// A Rust file of the crate, named by what it is built from.
enum RustFile<'a> {
    Lib,
    Client,
    TypesMod,
    OperationsMod,
    Security,
    Types(&'a crate::ir::TypeFile),
    Operations(&'a crate::ir::OperationModule),
}

impl RustFile<'_> {
    fn path(&self) -> String {
        match self {
            RustFile::Lib => "src/lib.rs".to_owned(),
            RustFile::Client => "src/client.rs".to_owned(),
            RustFile::TypesMod => "src/types/mod.rs".to_owned(),
            RustFile::OperationsMod => "src/operations/mod.rs".to_owned(),
            RustFile::Security => "src/security.rs".to_owned(),
            RustFile::Types(file) => format!("src/types/{}.rs", file.module),
            RustFile::Operations(module) => format!("src/operations/{}.rs", module.ident),
        }
    }

    /// The file's syntax tree, its paths rebased to where the crate's parts are.
    fn parse(&self, api: &Api) -> Result<syn::File, String> {
        let tokens = match self {
            RustFile::Lib => client::lib_rs(api),
            RustFile::Client => client::client_rs(api),
            RustFile::TypesMod => types::types_mod(api),
            RustFile::OperationsMod => operations::operations_mod(api),
            RustFile::Security => client::security_rs(api),
            RustFile::Types(file) => types::type_file(api, file),
            RustFile::Operations(module) => operations::module_file(api, module),
        };
        let tokens = layout::rebase(tokens, &api.paths);
        let mut file: syn::File = syn::parse2(tokens).map_err(|error| {
            format!(
                "internal error: generated `{}` does not parse: {error}",
                self.path()
            )
        })?;
        for attr in &mut file.attrs {
            OneLineDocs.visit_attribute_mut(attr);
        }
        for item in &mut file.items {
            match item {
                // `print_items` formats these itself, or prints them as tokens with their
                // docs put back as literals.
                syn::Item::Macro(item) => {
                    for attr in &mut item.attrs {
                        OneLineDocs.visit_attribute_mut(attr);
                    }
                }
                item => OneLineDocs.visit_item_mut(item),
            }
        }
        Ok(file)
    }
}

/// Every file of the crate, sorted by path; for [`Packaging::ModuleFile`], the one module file.
///
/// The Rust files of a crate are built, parsed and printed in parallel: on a big spec that is
/// most of generation's time, and each file depends on the IR alone. (Token streams and syntax
/// trees cannot cross threads, so each file goes from IR to text on one thread.)
pub fn emit(api: &Api) -> Result<Vec<GeneratedFile>, String> {
    emit_into(api, &|_| Ok(()))
}

/// Like [`emit`], handing each file to `sink` as soon as it is made ([`crate::generate_into`]).
pub fn emit_into(api: &Api, sink: FileSink<'_>) -> Result<Vec<GeneratedFile>, String> {
    let mut rust_files = vec![
        RustFile::Lib,
        RustFile::Client,
        RustFile::TypesMod,
        RustFile::OperationsMod,
    ];
    if !api.security_schemes.is_empty() {
        rust_files.push(RustFile::Security);
    }
    rust_files.extend(api.type_files.iter().map(RustFile::Types));
    rust_files.extend(api.modules.iter().map(RustFile::Operations));

    let package = match &api.packaging {
        Packaging::Crate(package) => package,
        Packaging::ModuleFile { file_name } => {
            // Its modules' items are printed as tokens (the printer formats only a file's own
            // items), so its docs are literals from the start.
            let mut parsed = Vec::with_capacity(rust_files.len());
            for rust_file in &rust_files {
                parsed.push((rust_file.path(), rust_file.parse(api)?));
            }
            if api.paths.runtime_inlined {
                for (path, text) in runtime_source::files(&api.paths.runtime, None) {
                    let file = syn::parse_file(&text).map_err(|error| {
                        format!("internal error: the runtime's `{path}` does not parse: {error}")
                    })?;
                    parsed.push((path, file));
                }
            }
            let file = layout::single_module(parsed)?;
            let file = GeneratedFile {
                path: file_name.clone(),
                contents: format!("{}\n{}", preamble(api, "//"), print_items(file)),
            };
            sink(&file)?;
            return Ok(vec![file]);
        }
    };
    let preamble = preamble(api, "//");
    // The biggest files first, so that the last ones the threads take are small: GitHub's
    // `repos` module takes as long as hundreds of type files, and taken last it kept one
    // thread busy long after the other had finished (emit took 500 ms rather than 350 ms).
    let mut rust_files: Vec<&RustFile<'_>> = rust_files.iter().collect();
    rust_files.sort_by_key(|rust_file| {
        std::cmp::Reverse(match rust_file {
            RustFile::Operations(module) => module.operations.len(),
            _ => 0,
        })
    });
    // The README, a big API's one long file, is written beside the Rust files rather than
    // after them all, when one thread would be left to do it alone.
    let (rust_files, readme) = rayon::join(
        || {
            rust_files
                .par_iter()
                .map(|rust_file| {
                    let printed = doc_comments::placed(|| {
                        text_items::placed(|| Ok(print_items(rust_file.parse(api)?)))
                    })?;
                    let file = GeneratedFile {
                        path: rust_file.path(),
                        contents: format!("{preamble}\n{printed}"),
                    };
                    sink(&file)?;
                    Ok(file)
                })
                .collect::<Result<Vec<_>, String>>()
        },
        || readme::readme(api),
    );
    let mut files = rust_files?;
    let rust_file_count = files.len();
    files.push(GeneratedFile {
        path: "Cargo.toml".to_owned(),
        contents: manifest::cargo_toml(api, package),
    });
    files.push(GeneratedFile {
        path: "README.md".to_owned(),
        contents: readme,
    });
    if api.paths.runtime_inlined {
        // Vendored as written (comments included); only its `crate::` paths are rebased.
        let doctest_path = format!("{}::runtime", api.lib_name);
        files.extend(
            runtime_source::files(&api.paths.runtime, Some(&doctest_path))
                .map(|(path, contents)| GeneratedFile { path, contents }),
        );
    }
    files[rust_file_count..].iter().try_for_each(sink)?;
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

/// Keeps every `#[doc]` attribute on one line and free of hidden characters. Each doc line is
/// its own attribute, so a line break inside one can only come from spec text that slipped
/// into a sentence, where it could start a code block rustdoc would run; a text-direction
/// control would not even compile. Both are shown escaped instead. (Lowering already renders
/// spec text this way: this is the last line of defence, not the first.)
///
/// A macro inside an item is printed as its tokens are, so its doc lines are put back as
/// literals ([`doc_comments`]).
struct OneLineDocs;

impl syn::visit_mut::VisitMut for OneLineDocs {
    fn visit_macro_mut(&mut self, mac: &mut syn::Macro) {
        mac.tokens = doc_comments::literal_docs(std::mem::take(&mut mac.tokens));
    }

    fn visit_attribute_mut(&mut self, attr: &mut syn::Attribute) {
        if !attr.path().is_ident("doc") {
            return;
        }
        if let syn::Meta::NameValue(syn::MetaNameValue {
            value:
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(text),
                    ..
                }),
            ..
        }) = &mut attr.meta
        {
            // A literal written without escapes holds its value as it is spelled, and is
            // checked as it stands: unescaping each one was 1% of generation on GitHub's spec.
            let spelled = text.token().to_string();
            if let Some(plain) = spelled
                .strip_prefix('"')
                .and_then(|rest| rest.strip_suffix('"'))
                .filter(|plain| !plain.contains('\\'))
                && !plain.chars().any(crate::lower::docs::is_hidden_control)
            {
                return;
            }
            let value = text.value();
            if value.chars().any(crate::lower::docs::is_hidden_control) {
                *text = syn::LitStr::new(&crate::lower::one_line(&value), text.span());
            }
        }
    }
}

/// Prints a file item by item: one blank line between top-level items, which the printer would
/// otherwise run together.
fn print_items(file: syn::File) -> String {
    let mut sections = Vec::with_capacity(file.items.len() + 1);
    if !file.attrs.is_empty() {
        // One line each: the printer keeps attributes other than doc comments on one line,
        // and a doc line stands in the tokens as such an attribute (`doc_comments`).
        let mut attrs = String::new();
        for attr in file.attrs {
            attrs.push_str(print(vec![attr], Vec::new()).trim_end());
            attrs.push('\n');
        }
        sections.push(attrs);
    }
    sections.extend(file.items.into_iter().map(|item| {
        match item {
            syn::Item::Macro(stand_in) if let Some(text) = text_items::take(&stand_in) => text,
            syn::Item::Macro(definition) => macros::format(definition)
                .or_else(|other| macros::format_invocation(*other))
                .unwrap_or_else(|mut other| {
                    other.mac.tokens = doc_comments::literal_docs(other.mac.tokens);
                    print(Vec::new(), vec![syn::Item::Macro(*other)])
                }),
            item => print(Vec::new(), vec![item]),
        }
    }));
    sections.join("\n")
}

fn print(attrs: Vec<syn::Attribute>, items: Vec<syn::Item>) -> String {
    prettyplease::unparse(&syn::File {
        shebang: None,
        attrs,
        items,
    })
}

/// The first line of every generated file: where it came from and how to regenerate it. One
/// line, however long: a big API's crate has thousands of files.
fn preamble(api: &Api, comment: &str) -> String {
    format!(
        "{comment} Generated by apiforge from `{}`. Do not edit by hand: change the spec and run `{}`.\n",
        api.source, api.regenerate_command
    )
}

/// An identifier the IR already made legal.
fn ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

/// `lead` as the first paragraph of the doc lines, then `docs`.
fn with_lead(lead: String, docs: &[String]) -> Vec<String> {
    let mut lines = vec![lead];
    if !docs.is_empty() {
        lines.push(String::new());
        lines.extend(docs.iter().cloned());
    }
    lines
}

/// A field of a struct with a hand-written, redacted `Debug`.
struct DebugField<'a> {
    ident: &'a str,
    secret: bool,
    /// Its type is an `Option`: a secret shows whether it is there, not what it is.
    optional: bool,
}

/// `impl Debug` for the struct `name` (with an elided lifetime, `<'_>`, when it has one) that
/// writes `<redacted>` for its secret fields; written as text where text items are kept.
fn redacted_debug<'a>(
    name: &str,
    lifetime: bool,
    fields: impl IntoIterator<Item = DebugField<'a>>,
) -> TokenStream {
    let fields: Vec<DebugField<'a>> = fields.into_iter().collect();
    if let Some(text) = redacted_debug_text(name, lifetime, &fields) {
        if let Some(stand_in) = text_items::stand_in(text) {
            return stand_in;
        }
    }
    let type_name = ident(name);
    let generics = lifetime.then(|| quote! { <'_> });
    let entries = fields.iter().map(|field| {
        let label = field.ident;
        let field_ident = ident(field.ident);
        match (field.secret, field.optional) {
            (false, _) => quote! { .field(#label, &self.#field_ident) },
            (true, true) => {
                quote! { .field(#label, &self.#field_ident.as_ref().map(|_| "<redacted>")) }
            }
            (true, false) => quote! { .field(#label, &"<redacted>") },
        }
    });
    quote! {
        impl ::std::fmt::Debug for #type_name #generics {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.debug_struct(#name)
                    #(#entries)*
                    .finish()
            }
        }
    }
}

/// [`redacted_debug`] as the printer writes it; `None` outside a file whose text items are
/// kept.
fn redacted_debug_text(name: &str, lifetime: bool, fields: &[DebugField<'_>]) -> Option<String> {
    if !text_items::are_kept() {
        return None;
    }
    // Field names are identifiers, which need no escaping in a string literal.
    let mut links: Vec<(String, Vec<Expr>)> = fields
        .iter()
        .map(|field| {
            // A value too wide for its line even as an argument on a line of its own, the
            // printer breaks at its field access, which the text does not write.
            let flat_value = match (field.secret, field.optional) {
                (false, _) => format!("&self.{}", field.ident),
                (true, true) => format!("&self.{}.as_ref().map(|_| \"<redacted>\")", field.ident),
                (true, false) => String::new(),
            };
            if 16 + flat_value.len() > macros::PRINTER_MARGIN {
                return None;
            }
            let label = Expr::atom(format!("\"{}\"", field.ident));
            let value = match (field.secret, field.optional) {
                (false, _) => Expr::atom(format!("&self.{}", field.ident)),
                (true, true) => Expr::Chain(
                    format!("&self.{}", field.ident),
                    vec![
                        ("as_ref".to_owned(), Vec::new()),
                        (
                            "map".to_owned(),
                            vec![Expr::Closure(
                                "_".to_owned(),
                                Box::new(Expr::atom("\"<redacted>\"")),
                            )],
                        ),
                    ],
                ),
                (true, false) => Expr::atom("&\"<redacted>\""),
            };
            Some(("field".to_owned(), vec![label, value]))
        })
        .collect::<Option<_>>()?;
    links.push(("finish".to_owned(), Vec::new()));
    let chain = Expr::Chain(format!("f.debug_struct(\"{name}\")"), links);
    let generics = if lifetime { "<'_>" } else { "" };
    let header = format!("impl ::std::fmt::Debug for {name}{generics} {{");
    // Wider, the printer breaks it before `for`.
    if header.len() > macros::PRINTER_MARGIN {
        return None;
    }
    Some(format!(
        "{header}\n    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {{\n{}    }}\n}}\n",
        expr_text::tail(8, &chain)
    ))
}

/// `#[cfg(...)]` that compiles an item when any of `features` is on; nothing for none.
fn feature_gate(features: &[impl AsRef<str>]) -> TokenStream {
    let features: Vec<&str> = features.iter().map(AsRef::as_ref).collect();
    match features.as_slice() {
        [] => TokenStream::new(),
        [feature] => quote! { #[cfg(feature = #feature)] },
        features => quote! { #[cfg(any(#(feature = #features),*))] },
    }
}

/// The Rust spelling of a type from outside the crate (`petstore::types::Pet`), for tools
/// that write code against a generated crate.
pub(crate) fn type_path(api: &Api, ty: &TypeRef) -> String {
    let outside = RustPaths {
        root: format!("::{}", api.lib_name),
        runtime: "::apiforge_runtime".to_owned(),
        runtime_inlined: false,
    };
    layout::rebase(type_tokens(api, ty), &outside).to_string()
}

/// The Rust spelling of a type, from anywhere in the generated crate.
fn type_tokens(api: &Api, ty: &TypeRef) -> TokenStream {
    match ty {
        TypeRef::Unit => quote! { () },
        TypeRef::Bool => quote! { bool },
        TypeRef::I32 => quote! { i32 },
        TypeRef::I64 => quote! { i64 },
        TypeRef::U32 => quote! { u32 },
        TypeRef::U64 => quote! { u64 },
        TypeRef::F32 => quote! { f32 },
        TypeRef::F64 => quote! { f64 },
        TypeRef::String => quote! { String },
        TypeRef::DateTime => quote! { ::chrono::DateTime<::chrono::Utc> },
        TypeRef::Date => quote! { ::chrono::NaiveDate },
        TypeRef::Uuid => quote! { ::uuid::Uuid },
        TypeRef::Bytes => quote! { ::apiforge_runtime::Bytes },
        TypeRef::Upload => quote! { ::apiforge_runtime::Upload },
        TypeRef::ByteStream => quote! { ::apiforge_runtime::ByteStream },
        TypeRef::EventStream(inner) => {
            let inner = type_tokens(api, inner);
            quote! { ::apiforge_runtime::EventStream<#inner> }
        }
        TypeRef::Base64 => quote! { Vec<u8> },
        TypeRef::Json => quote! { ::serde_json::Value },
        TypeRef::JsonObject => quote! { ::serde_json::Map<String, ::serde_json::Value> },
        TypeRef::Named(id) => {
            let name = ident(&api.type_def(*id).ident);
            quote! { crate::types::#name }
        }
        TypeRef::Vec(inner) => {
            let inner = type_tokens(api, inner);
            quote! { Vec<#inner> }
        }
        TypeRef::Map(inner) => {
            let inner = type_tokens(api, inner);
            quote! { ::std::collections::BTreeMap<String, #inner> }
        }
        TypeRef::Option(inner) => {
            let inner = type_tokens(api, inner);
            quote! { Option<#inner> }
        }
        TypeRef::Boxed(inner) => {
            let inner = type_tokens(api, inner);
            quote! { Box<#inner> }
        }
        // Lowering checked that the path parses; `Value` only keeps this total.
        TypeRef::External(path) => syn::parse_str::<syn::Type>(path)
            .map(|ty| quote! { #ty })
            .unwrap_or_else(|_| quote! { ::serde_json::Value }),
    }
}

/// How a type reads in docs and the README: `Vec<Token>`, `Option<String>`.
fn type_text(api: &Api, ty: &TypeRef) -> String {
    match ty {
        TypeRef::Unit => "()".to_owned(),
        TypeRef::Bool => "bool".to_owned(),
        TypeRef::I32 => "i32".to_owned(),
        TypeRef::I64 => "i64".to_owned(),
        TypeRef::U32 => "u32".to_owned(),
        TypeRef::U64 => "u64".to_owned(),
        TypeRef::F32 => "f32".to_owned(),
        TypeRef::F64 => "f64".to_owned(),
        TypeRef::String => "String".to_owned(),
        TypeRef::DateTime => "DateTime<Utc>".to_owned(),
        TypeRef::Date => "NaiveDate".to_owned(),
        TypeRef::Uuid => "Uuid".to_owned(),
        TypeRef::Bytes => "Bytes".to_owned(),
        TypeRef::Upload => "Upload".to_owned(),
        TypeRef::ByteStream => "ByteStream".to_owned(),
        TypeRef::EventStream(inner) => format!("EventStream<{}>", type_text(api, inner)),
        TypeRef::Base64 => "Vec<u8>".to_owned(),
        TypeRef::Json => "serde_json::Value".to_owned(),
        TypeRef::JsonObject => "serde_json::Map<String, serde_json::Value>".to_owned(),
        TypeRef::Named(id) => api.type_def(*id).ident.clone(),
        TypeRef::Vec(inner) => format!("Vec<{}>", type_text(api, inner)),
        TypeRef::Map(inner) => format!("BTreeMap<String, {}>", type_text(api, inner)),
        TypeRef::Option(inner) => format!("Option<{}>", type_text(api, inner)),
        TypeRef::Boxed(inner) => format!("Box<{}>", type_text(api, inner)),
        TypeRef::External(path) => path.trim_start_matches("::").to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use quote::quote;

    /// The file `tokens` with [`super::OneLineDocs`] applied, printed.
    fn one_line_docs(tokens: proc_macro2::TokenStream) -> String {
        let mut file: syn::File = syn::parse2(tokens).expect("parses");
        syn::visit_mut::visit_file_mut(&mut super::OneLineDocs, &mut file);
        super::print_items(file)
    }

    #[test]
    fn hidden_characters_in_docs_are_shown_escaped_and_plain_docs_kept() {
        // Interpolated, the text is spelled with escapes; in a file's text, it can be spelled
        // as it is: both are caught.
        let flipped = " a\u{202e}b";
        let broken = " c\nd";
        let interpolated = quote! {
            #[doc = #flipped]
            #[doc = #broken]
        };
        let written = "#[doc = \" e\u{2028}f\"] #[doc = \" \\\"plain\\\" text\"] pub struct S;";
        assert!(written.contains('\u{2028}'));
        let tokens: proc_macro2::TokenStream = written.parse().expect("lexes");
        assert_eq!(
            one_line_docs(quote! { #interpolated #tokens }),
            "/// a\\u{202e}b\n/// c\\nd\n/// e\\u{2028}f\n/// \"plain\" text\npub struct S;\n"
        );
    }

    #[test]
    fn items_written_as_text_print_as_they_do_from_tokens() {
        let document = r#"
openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /pets/{id}:
    put:
      operationId: putPet
      parameters:
        - {name: id, in: path, required: true, schema: {type: integer}}
        - {name: api_key, in: header, schema: {type: string, format: password}}
        - {name: a_header_to_break_the_signature, in: header, required: true, schema: {type: string}}
        - {name: the_filter_of_the_query, in: query, required: true, schema: {$ref: '#/components/schemas/AVeryLongTypeNameThatMakesTheFieldWrapOverLines'}}
        - name: a_long_optional_filter_that_makes_the_field_line_too_wide
          in: query
          schema: {type: array, items: {$ref: '#/components/schemas/AVeryLongTypeNameThatMakesTheFieldWrapOverLines'}}
      requestBody:
        content:
          application/json: {schema: {$ref: '#/components/schemas/Pet'}}
          application/x-www-form-urlencoded: {schema: {$ref: '#/components/schemas/Pet'}}
      responses:
        '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Pet'}}}}
        '404': {description: gone}
    get:
      operationId: getPet
      responses:
        '204': {description: none}
  /owner:
    get:
      operationId: getOwner
      responses:
        '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Owner'}}}}
        '404': {description: gone}
  /status:
    get:
      operationId: getTheStatusOfTheWholeServiceWithAnOperationIdLongEnoughToBreakEvenTheReturnType
      responses:
        '204': {description: none}
components:
  schemas:
    Pet:
      description: A pet.
      type: object
      required: [name, visits]
      properties:
        name: {type: string, description: Its name.}
        'say "hi" \ now': {type: integer}
        visits:
          description: Where it went, by year.
          type: object
          additionalProperties:
            type: array
            items: {$ref: '#/components/schemas/AVeryLongTypeNameThatMakesTheFieldWrapOverLines'}
        nicknames_for_when_the_pet_is_being_good: {type: array, items: {type: string}}
        home: {type: string, nullable: true}
        rating: {type: number}
        owner: {$ref: '#/components/schemas/Owner'}
        mood: {type: string, enum: [calm, wild]}
    Color:
      description: A colour.
      type: string
      enum: [red, 'dark "blue"']
      default: red
    AVeryLongTypeNameThatMakesTheFieldWrapOverLines:
      type: object
      additionalProperties: false
      properties:
        id: {type: integer}
    Owner:
      type: object
      required: [id, name]
      properties:
        id: {type: integer}
        name: {type: string}
        nickname: {type: string, nullable: true}
        address:
          type: object
          properties:
            street: {type: string}
        the_kind_of_owner_this_is:
          type: string
          enum: [person, shelter]
    PetOrThingWithALongName:
      oneOf:
        - {$ref: '#/components/schemas/Owner'}
        - {$ref: '#/components/schemas/AVeryLongTypeNameThatMakesTheFieldWrapOverLines'}
"#;
        let loaded = crate::load::load("t.yaml", document.as_bytes()).expect("loads");
        let mut texts = String::new();
        let mut stand_ins = 0;
        // Kept, the properties a schema does not declare are the map after `..`; dropped,
        // there is none.
        for unknown in [
            crate::UnknownProperties::Keep,
            crate::UnknownProperties::Drop,
        ] {
            let mut settings = crate::Settings::new("t");
            settings.unknown_properties = unknown;
            let (api, _) =
                crate::lower::lower("t.yaml", &loaded.document, &settings).expect("lowers");
            let files: Vec<super::RustFile<'_>> = api
                .type_files
                .iter()
                .map(super::RustFile::Types)
                .chain([super::RustFile::TypesMod])
                .chain(api.modules.iter().map(super::RustFile::Operations))
                .collect();
            let print = |file: &super::RustFile<'_>, as_text: bool| {
                super::doc_comments::placed(|| {
                    let print = || Ok(super::print_items(file.parse(&api)?));
                    if as_text {
                        super::text_items::placed(print)
                    } else {
                        print()
                    }
                })
                .expect("prints")
            };
            for file in &files {
                // The file's stand-ins, counted where they are kept (`placed` gives text).
                let counted = super::doc_comments::placed(|| {
                    super::text_items::placed(|| {
                        let items = file.parse(&api)?.items;
                        let is_stand_in = |item: &&syn::Item| {
                            matches!(item, syn::Item::Macro(m) if m.mac.path.is_ident("__text_item"))
                        };
                        Ok(items.iter().filter(is_stand_in).count().to_string())
                    })
                })
                .expect("parses");
                let counted = counted.parse::<usize>().expect("a count");
                let from_tokens = print(file, false);
                assert!(!from_tokens.contains("__text_item"), "{from_tokens}");
                let from_text = print(file, true);
                assert_eq!(from_text, from_tokens);
                if let super::RustFile::TypesMod = file {
                    // The macros' definitions, printed as they are, hold the words the
                    // invocations are counted by below.
                    assert_eq!(counted, 1);
                    // A file of several types, on one line and broken over lines.
                    assert!(from_text.contains(" pet::{Pet, PetMood},\n"), "{from_text}");
                    assert!(
                        from_text.contains(" owner::{\n        Owner,\n        OwnerAddress,\n"),
                        "{from_text}"
                    );
                } else {
                    stand_ins += counted;
                    texts.push_str(&from_text);
                }
            }
        }
        // Every invocation went the way of text.
        assert_eq!(
            stand_ins,
            [
                "object! {\n",
                "builder! {\n",
                "setters! {\n",
                "string_enum! {\n",
                "impl crate::Client {\n",
                "impl Operation for ",
                "impl ::std::fmt::Debug for ",
                "impl Owner {\n",
                "impl OwnerAddress {\n",
                "impl AVeryLongTypeNameThatMakesTheFieldWrapOverLines {\n",
                "impl From<",
                "\npub type ",
            ]
            .iter()
            .map(|invocation| texts.matches(invocation).count())
            .sum::<usize>()
        );
        assert_eq!(stand_ins, 48);
        // The cases the text covers: a wrapped field type (of a struct, a builder, a setter),
        // an escaped JSON name, the rest's map, derives, a builder with a secret and one
        // without fields, an enum's default and escaped variant, client methods whose
        // signature fits a line and one it does not, with the body's default encoding, and
        // `Operation` impls with a call and a statement broken over lines; a constructor and
        // a setter, `From` impls on one line and broken, a redacted `Debug`, and the alias
        // of a shared error enum; and above, the `types!` invocation, its files' lists of
        // types on one line and broken.
        for piece in [
            "        > = required(\"visits\"),",
            "(\"say \\\"hi\\\" \\\\ now\")",
            "        ..\n",
            "    #[derive(Clone, Debug, Default, PartialEq)]\n",
            "        a_long_optional_filter_that_makes_the_field_line_too_wide: Option<\n",
            "builder! {\n    #[derive(Clone)]\n",
            "    GetTheStatusOfTheWholeServiceWithAnOperationIdLongEnoughToBreakEvenTheReturnType => (), (), ::std::convert::Infallible {}\n",
            "setters! {\n    PutPet {\n",
            "        #[default]\n        Red = \"red\",\n",
            "        DarkBlue = \"dark \\\"blue\\\"\",\n",
            "        > = set_a_long_optional_filter_that_makes_the_field_line_too_wide,\n",
            "    pub fn get_pet(&self, id: impl Into<String>) -> GetPet<'_> {\n        GetPet {\n",
            "    ) -> GetTheStatusOfTheWholeServiceWithAnOperationIdLongEnoughToBreakEvenTheReturnType<\n        '_,\n    > {\n",
            "    pub fn put_pet(\n        &self,\n        id: impl Into<i64>,\n",
            "            encoding: ::apiforge_runtime::BodyEncoding::Json,\n",
            "        let mut request = Request::for_operation(\n            Method::PUT,\n",
            "        request\n            .header(\n                \"a_header_to_break_the_signature\",\n",
            "        request.body(&self.body, self.encoding);\n",
            "            404 => Err(response.error_empty(PutPetError::NotFound)),\n",
            "        the_filter_of_the_query: impl Into<\n            crate::types::AVeryLongTypeNameThatMakesTheFieldWrapOverLines,\n        >,\n",
            "    pub fn new(id: impl Into<i64>, name: impl Into<String>) -> Self {\n        Self {\n            id: id.into(),\n            name: name.into(),\n            nickname: None,\n",
            "    pub fn nickname(mut self, value: impl Into<String>) -> Self {\n        self.nickname = Some(Some(value.into()));\n        self\n    }\n",
            "impl From<crate::types::Owner> for PetOrThingWithALongName {\n    fn from(value: crate::types::Owner) -> Self {\n",
            "impl From<crate::types::AVeryLongTypeNameThatMakesTheFieldWrapOverLines>\nfor PetOrThingWithALongName {\n    fn from(\n        value: crate::types::AVeryLongTypeNameThatMakesTheFieldWrapOverLines,\n    ) -> Self {\n        PetOrThingWithALongName::AVeryLongTypeNameThatMakesTheFieldWrapOverLines(value)\n",
            "        f.debug_struct(\"PutPet\")\n            .field(\"client\", &self.client)\n",
            "            .field(\"api_key\", &self.api_key.as_ref().map(|_| \"<redacted>\"))\n",
            "/// The error responses `PutPet` declares, by status.\npub type PutPetError = super::NotFoundError;\n",
        ] {
            assert!(texts.contains(piece), "{piece} in\n{texts}");
        }
    }
}
