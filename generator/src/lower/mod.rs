//! Stage 2: the OpenAPI model to the IR, with every decision made.
//!
//! `config` checks the caller's settings and selects operations, `schema` turns schemas into
//! types, `operation` turns operations into methods, `docs` turns spec text into doc lines,
//! `derives` decides each type's derives, `token` finds the operation that hands out tokens.
//! This module holds the shared context, lowers what belongs to the whole API (servers,
//! security schemes, tags), and finishes with the crate-wide passes: settling type names,
//! boxing recursive fields, derives, sorting, and the token flow.

mod config;
mod derives;
pub mod docs;
#[cfg(test)]
mod fixture;
mod operation;
mod schema;
mod token;

use std::collections::BTreeMap;

use openapiv3::{OpenAPI, ReferenceOr};

use crate::diagnostic::{Diagnostic, Diagnostics, Setting, Severity};
use crate::ir::{
    Api, ApiKeyLocation, Dependencies, EnumRepr, OperationModule, RustPaths, SchemeKind,
    SecurityScheme, Server, ServerVariable, Tagging, TypeDef, TypeId, TypeKind, TypeRef,
};
use crate::naming::{Case, Scope};
use crate::pointer::Pointer;
use crate::settings::{Layout, Runtime, Settings};

pub(crate) use docs::{code_span, doc_lines, inline_text, line_text, one_line};

/// Lowers `doc` (read from `file`) into a crate; warnings come back beside it.
pub fn lower(
    file: &str,
    doc: &OpenAPI,
    settings: &Settings,
) -> Result<(Api, Vec<Diagnostic>), Diagnostics> {
    if let Layout::Module { root_path } = &settings.layout {
        let valid = root_path == "crate"
            || root_path.strip_prefix("crate::").is_some_and(|rest| {
                // Raw identifiers (`r#type`) are refused: the paths are rebuilt from text.
                rest.split("::").all(|segment| {
                    !segment.starts_with("r#") && syn::parse_str::<syn::Ident>(segment).is_ok()
                })
            });
        if !valid {
            return Err(Diagnostics(vec![Diagnostic::setting_error(
                file,
                Setting::ModulePath,
                format!(
                    "`{}` is not a module path from the crate root such as `crate::api`",
                    one_line(root_path)
                ),
            )]));
        }
    }
    let errors = config::check(file, doc, settings);
    if !errors.is_empty() {
        return Err(Diagnostics(errors));
    }
    let mut lowerer = Lowerer {
        file,
        doc,
        settings,
        diagnostics: Vec::new(),
        types: Vec::new(),
        components: BTreeMap::new(),
        inline_depth: 0,
    };
    let api = lowerer.api();
    let mut diagnostics = lowerer.diagnostics;
    diagnostics.sort_by_key(|d| std::cmp::Reverse(d.severity));
    if diagnostics.iter().any(|d| d.severity == Severity::Error) {
        return Err(Diagnostics(diagnostics));
    }
    Ok((api, diagnostics))
}

/// Where generated code finds its own items and the runtime's.
fn rust_paths(settings: &Settings) -> RustPaths {
    let root = match &settings.layout {
        Layout::Crate { .. } => "crate".to_owned(),
        Layout::Module { root_path } => root_path.clone(),
    };
    let runtime = match settings.runtime {
        Runtime::Inline => format!("{root}::runtime"),
        _ => "::apiforge_runtime".to_owned(),
    };
    RustPaths {
        root,
        runtime,
        runtime_inlined: settings.runtime == Runtime::Inline,
    }
}

/// The context of one lowering run.
pub(crate) struct Lowerer<'a> {
    pub(crate) file: &'a str,
    pub(crate) doc: &'a OpenAPI,
    /// The caller's settings, already checked against the document.
    pub(crate) settings: &'a Settings,
    pub(crate) diagnostics: Vec<Diagnostic>,
    /// Every named type so far; names are wishes until [`Lowerer::settle_types`].
    pub(crate) types: Vec<PendingType>,
    /// Component schema name to its type; replaced schemas have none.
    pub(crate) components: BTreeMap<String, TypeId>,
    /// How many inline schemas are being lowered inside each other right now.
    pub(crate) inline_depth: usize,
}

/// A named type whose final name is not settled yet.
pub(crate) struct PendingType {
    pub(crate) wanted: String,
    pub(crate) origin: Pointer,
    /// 0 for component schemas, 1 for inline ones: components get first pick of names.
    pub(crate) rank: u8,
    pub(crate) docs: Vec<String>,
    pub(crate) kind: Option<TypeKind>,
}

/// The module of the operations without a tag.
const UNTAGGED_MODULE: &str = "untagged";

/// Type names the generated code itself uses unqualified.
pub(crate) const RESERVED_TYPE_NAMES: &[&str] = &[
    "Option", "Result", "Vec", "String", "Box", "Some", "None", "Ok", "Err",
];

impl<'a> Lowerer<'a> {
    fn api(&mut self) -> Api {
        let settings = self.settings;
        self.register_components();
        let security_schemes = self.security_schemes();
        let modules = self.operation_modules(&security_schemes);
        let servers = self.servers();
        let default_base_url = servers.first().and_then(|server| {
            let url = server
                .variables
                .iter()
                .fold(server.url.clone(), |url, var| {
                    url.replace(&format!("{{{}}}", var.name), &var.default)
                });
            (url.starts_with("https://") || url.starts_with("http://")).then_some(url)
        });
        let info = &self.doc.info;
        let mut api = Api {
            crate_name: settings.crate_name.clone(),
            lib_name: settings.crate_name.replace('-', "_"),
            crate_version: settings.crate_version.clone(),
            title: one_line(info.title.trim()),
            api_version: one_line(&info.version),
            docs: info
                .description
                .as_deref()
                .map(doc_lines)
                .unwrap_or_default(),
            source: one_line(&settings.source),
            regenerate_command: one_line(&settings.regenerate_command),
            paths: rust_paths(settings),
            default_base_url,
            servers,
            security_schemes,
            modules,
            types: Vec::new(),
            dependencies: Dependencies::default(),
            token_flow: None,
        };
        self.finish_types(&mut api);
        api.token_flow = token::token_flow(&api);
        let mut dependencies = Dependencies::default();
        api.visit_type_refs_mut(&mut |ty| match ty {
            TypeRef::DateTime | TypeRef::Date => dependencies.chrono = true,
            TypeRef::Uuid => dependencies.uuid = true,
            TypeRef::Json => dependencies.serde_json = true,
            _ => {}
        });
        // A discriminated union keeps values with unknown tags as `serde_json::Value`, and an
        // enum of mixed values goes through one.
        if api.types.iter().any(|def| match &def.kind {
            TypeKind::Union(u) => u.tagging != Tagging::Untagged,
            TypeKind::Enum(e) => e.repr == EnumRepr::Mixed,
            _ => false,
        }) {
            dependencies.serde_json = true;
        }
        api.dependencies = dependencies;
        api
    }

    /// Gives every component schema its type id first, so references (even cyclic) resolve.
    /// Replaced schemas get none and are never lowered: references to them are the caller's
    /// type.
    fn register_components(&mut self) {
        let Some(components) = &self.doc.components else {
            return;
        };
        let replacements = &self.settings.type_replacements;
        let base = Pointer::root().push("components").push("schemas");
        for name in components.schemas.keys() {
            if !replacements.contains_key(name) {
                let id = self.add_pending(name, base.push(name), 0, Vec::new(), None);
                self.components.insert(name.clone(), id);
            }
        }
        for (name, schema) in &components.schemas {
            if let Some(&id) = self.components.get(name) {
                self.lower_component(id, schema, &base.push(name));
            }
        }
    }

    pub(crate) fn add_type(
        &mut self,
        wanted: &str,
        origin: Pointer,
        rank: u8,
        docs: Vec<String>,
        kind: TypeKind,
    ) -> TypeId {
        self.add_pending(wanted, origin, rank, docs, Some(kind))
    }

    fn add_pending(
        &mut self,
        wanted: &str,
        origin: Pointer,
        rank: u8,
        docs: Vec<String>,
        kind: Option<TypeKind>,
    ) -> TypeId {
        self.types.push(PendingType {
            wanted: wanted.to_owned(),
            origin,
            rank,
            docs,
            kind,
        });
        TypeId(self.types.len() - 1)
    }

    fn servers(&mut self) -> Vec<Server> {
        let servers: Vec<_> = self
            .doc
            .servers
            .iter()
            .map(|server| {
                // A variable the URL never mentions would be an unused argument.
                let declared: Vec<_> = server
                    .variables
                    .iter()
                    .flatten()
                    .filter(|(name, _)| server.url.contains(&format!("{{{name}}}")))
                    .collect();
                let mut idents = Scope::new(Case::Snake);
                for (name, _) in &declared {
                    idents.add(name);
                }
                let variables: Vec<ServerVariable> = declared
                    .into_iter()
                    .zip(idents.settle())
                    .map(|((name, variable), ident)| ServerVariable {
                        name: name.clone(),
                        ident,
                        default: variable.default.clone(),
                        allowed: variable.enumeration.clone(),
                        description: variable.description.clone(),
                    })
                    .collect();
                (server, variables)
            })
            .collect();
        // Each templated server gets a function that fills in its variables.
        let mut functions = Scope::new(Case::Snake);
        for _ in servers
            .iter()
            .filter(|(_, variables)| !variables.is_empty())
        {
            functions.add("server_url");
        }
        let mut function_names = functions.settle().into_iter();
        servers
            .into_iter()
            .map(|(server, variables)| Server {
                url: server.url.clone(),
                description: server.description.clone(),
                function: if variables.is_empty() {
                    None
                } else {
                    function_names.next()
                },
                variables,
            })
            .collect()
    }

    fn security_schemes(&mut self) -> Vec<SecurityScheme> {
        let Some(components) = &self.doc.components else {
            return Vec::new();
        };
        let base = Pointer::root().push("components").push("securitySchemes");
        // `ALL` lists the schemes for the client builder (upper-cased after settling).
        let mut consts = Scope::new(Case::Snake).reserve(["all"]);
        // (name, kind, docs), named once all are known.
        let mut schemes = Vec::new();
        for (name, scheme) in &components.security_schemes {
            let pointer = base.push(name);
            let ReferenceOr::Item(scheme) = scheme else {
                self.warning(&pointer, "a $ref security scheme is not supported; operations that need it are sent without it");
                continue;
            };
            let (kind, description) = match scheme {
                openapiv3::SecurityScheme::APIKey {
                    location,
                    name,
                    description,
                    ..
                } => (
                    SchemeKind::ApiKey {
                        location: match location {
                            openapiv3::APIKeyLocation::Header => ApiKeyLocation::Header,
                            openapiv3::APIKeyLocation::Query => ApiKeyLocation::Query,
                            openapiv3::APIKeyLocation::Cookie => ApiKeyLocation::Cookie,
                        },
                        name: name.clone(),
                    },
                    description,
                ),
                openapiv3::SecurityScheme::HTTP {
                    scheme,
                    description,
                    ..
                } => match scheme.to_ascii_lowercase().as_str() {
                    "bearer" => (SchemeKind::HttpBearer, description),
                    "basic" => (SchemeKind::HttpBasic, description),
                    other => {
                        self.warning(&pointer, format!("HTTP auth scheme `{other}` is not supported; operations that need it are sent without it"));
                        continue;
                    }
                },
                // Both end in an access token that is sent as a bearer token.
                openapiv3::SecurityScheme::OAuth2 { description, .. }
                | openapiv3::SecurityScheme::OpenIDConnect { description, .. } => {
                    (SchemeKind::HttpBearer, description)
                }
            };
            consts.add(name);
            let docs = description.as_deref().map(doc_lines).unwrap_or_default();
            schemes.push((name, kind, docs));
        }
        schemes
            .into_iter()
            .zip(consts.settle())
            .map(|((name, kind, docs), ident)| SecurityScheme {
                name: name.clone(),
                const_ident: ident.to_uppercase(),
                takes_bearer_token: takes_bearer_token(&kind),
                kind,
                docs,
            })
            .collect()
    }

    /// Groups operations into one module per tag (the operation's first tag), and those
    /// without a tag into [`UNTAGGED_MODULE`].
    fn operation_modules(&mut self, schemes: &[SecurityScheme]) -> Vec<OperationModule> {
        let operations = self.operations(schemes);
        let mut by_tag: BTreeMap<Option<String>, Vec<_>> = BTreeMap::new();
        for (tag, operation) in operations {
            by_tag.entry(tag).or_default().push(operation);
        }
        // Module names are cargo feature names too (`default`, `blocking`), and file names.
        // The untagged module's name is reserved whether or not there is one, so that it
        // never changes, and neither does a tag's that would take it.
        let mut scope = Scope::new(Case::Snake).file_names().reserve([
            UNTAGGED_MODULE,
            "types",
            "client",
            "servers",
            "security",
            "default",
            "blocking",
            "operations",
        ]);
        let mut settled = Vec::new();
        for tag in by_tag.keys() {
            settled.push(tag.as_deref().map(|tag| scope.add(tag)));
        }
        let names = scope.settle();
        let mut modules: Vec<OperationModule> = by_tag
            .into_iter()
            .zip(settled)
            .map(|((tag, operations), slot)| {
                let ident = match slot {
                    Some(index) => names[index].clone(),
                    None => UNTAGGED_MODULE.to_owned(),
                };
                let docs = self
                    .doc
                    .tags
                    .iter()
                    .find(|t| Some(&t.name) == tag.as_ref())
                    .and_then(|t| t.description.as_deref())
                    .map(doc_lines)
                    .unwrap_or_default();
                OperationModule {
                    ident,
                    tag,
                    docs,
                    operations,
                }
            })
            .collect();
        modules.sort_by(|a, b| a.ident.cmp(&b.ident));
        modules
    }

    /// Settles type names, boxes recursive fields, sorts types by name, and rewrites every
    /// type reference in `api` to the sorted order.
    fn finish_types(&mut self, api: &mut Api) {
        let mut order: Vec<usize> = (0..self.types.len()).collect();
        order.sort_by(|&a, &b| {
            let (a, b) = (&self.types[a], &self.types[b]);
            (a.rank, &a.origin).cmp(&(b.rank, &b.origin))
        });
        let mut scope = Scope::new(Case::Pascal).reserve(RESERVED_TYPE_NAMES.iter().copied());
        for &index in &order {
            scope.add(&self.types[index].wanted);
        }
        let mut names = vec![String::new(); self.types.len()];
        for (&index, name) in order.iter().zip(scope.settle()) {
            names[index] = name;
        }

        let mut types: Vec<TypeDef> = self
            .types
            .drain(..)
            .zip(names)
            .map(|(pending, ident)| TypeDef {
                module: String::new(),
                ident,
                origin: pending.origin.to_string(),
                docs: pending.docs,
                kind: pending.kind.unwrap_or(TypeKind::Alias(TypeRef::Json)),
                derives: Vec::new(),
            })
            .collect();
        for (index, cycle) in alias_cycles(&types) {
            let pointer = self.types_origin(&types[index]);
            self.warning(
                &pointer,
                format!("`$ref` aliases form a cycle ({cycle}); falls back to serde_json::Value"),
            );
            types[index].kind = TypeKind::Alias(TypeRef::Json);
        }
        box_recursive_fields(&mut types);
        schema::mark_large_unions(&mut types);
        derives::set_derives(&mut types, &mut api.modules, &self.settings.extra_derives);
        let mut modules = Scope::new(Case::Snake)
            .file_names()
            .reserve(["mod", "types"]);
        for def in &types {
            modules.add(&def.ident);
        }
        for (def, module) in types.iter_mut().zip(modules.settle()) {
            def.module = module;
        }

        let mut sorted: Vec<usize> = (0..types.len()).collect();
        sorted.sort_by(|&a, &b| types[a].ident.cmp(&types[b].ident));
        let mut new_id = vec![0; types.len()];
        for (new, &old) in sorted.iter().enumerate() {
            new_id[old] = new;
        }
        let mut slots: Vec<Option<TypeDef>> = types.into_iter().map(Some).collect();
        api.types = sorted.iter().filter_map(|&old| slots[old].take()).collect();
        api.visit_type_refs_mut(&mut |ty| {
            if let TypeRef::Named(id) = ty {
                *id = TypeId(new_id[id.0]);
            }
        });
    }

    /// The pointer a finished type came from (its `origin`, kept as text in the IR).
    fn types_origin(&self, def: &TypeDef) -> Pointer {
        Pointer::from_fragment(&def.origin).unwrap_or_default()
    }

    pub(crate) fn error(&mut self, pointer: &Pointer, message: impl Into<String>) {
        self.diagnostics
            .push(Diagnostic::error(self.file, Some(pointer), message));
    }

    pub(crate) fn warning(&mut self, pointer: &Pointer, message: impl Into<String>) {
        self.diagnostics
            .push(Diagnostic::warning(self.file, pointer, message));
    }
}

/// Whether a bearer token is the credential of a scheme of `kind`: an API key in the
/// `Authorization` header is one in practice (`Authorization: Bearer <token>`).
fn takes_bearer_token(kind: &SchemeKind) -> bool {
    match kind {
        SchemeKind::HttpBearer => true,
        SchemeKind::ApiKey {
            location: ApiKeyLocation::Header,
            name,
        } => name.eq_ignore_ascii_case("authorization"),
        SchemeKind::HttpBasic | SchemeKind::ApiKey { .. } => false,
    }
}

/// The longest alias cycle a warning spells out; a longer one is named by one of its aliases.
const MAX_SPELLED_CYCLE: usize = 64;

/// Aliases that expand to themselves through other aliases only (`A = B`, `B = Vec<A>`), which
/// Rust cannot express; each with the cycle spelled out.
fn alias_cycles(types: &[TypeDef]) -> Vec<(usize, String)> {
    let aliased: Vec<Vec<usize>> = types
        .iter()
        .map(|def| match &def.kind {
            TypeKind::Alias(ty) => {
                let mut named = Vec::new();
                let mut ty = ty.clone();
                ty.visit_mut(&mut |t| {
                    if let TypeRef::Named(id) = t {
                        named.push(id.0);
                    }
                });
                named.retain(|&id| matches!(types[id].kind, TypeKind::Alias(_)));
                named
            }
            _ => Vec::new(),
        })
        .collect();
    // Only aliases in a cycle (a component of more than one, or one naming itself) are looked
    // at again, so a long chain of aliases costs one pass, not one per alias.
    let component = strongly_connected(&aliased);
    let mut component_size = vec![0usize; types.len()];
    for &c in &component {
        component_size[c] += 1;
    }
    let mut cycles = Vec::new();
    for start in 0..types.len() {
        let size = component_size[component[start]];
        if size == 1 && !aliased[start].contains(&start) {
            continue;
        }
        if size > MAX_SPELLED_CYCLE {
            cycles.push((
                start,
                format!("{} and {} other aliases", types[start].ident, size - 1),
            ));
            continue;
        }
        // Depth-first search for a path back to `start`, keeping the path for the message.
        let mut path = vec![start];
        let mut next = vec![0usize];
        let mut seen = vec![false; types.len()];
        while let (Some(&at), Some(edge)) = (path.last(), next.last_mut()) {
            match aliased[at].get(*edge) {
                None => {
                    path.pop();
                    next.pop();
                }
                Some(&to) if component[to] != component[start] => *edge += 1,
                Some(&to) => {
                    *edge += 1;
                    if to == start {
                        let names: Vec<&str> = path
                            .iter()
                            .chain([&start])
                            .map(|&i| types[i].ident.as_str())
                            .collect();
                        cycles.push((start, names.join(" → ")));
                        break;
                    }
                    if !std::mem::replace(&mut seen[to], true) {
                        path.push(to);
                        next.push(0);
                    }
                }
            }
        }
    }
    cycles
}

/// Wraps in `Box` what a type contains itself through without indirection, so that every
/// type has a size: first every struct field on such a cycle (directly, through `Option`, or
/// through other structs, unions and aliases); then every union variant on a cycle that is
/// left (one through unions and aliases only). `Vec`, maps and `Box` are indirection already.
fn box_recursive_fields(types: &mut [TypeDef]) {
    box_on_cycles(types, |kind| matches!(kind, TypeKind::Struct(_)));
    box_on_cycles(types, |kind| matches!(kind, TypeKind::Union(_)));
}

/// Boxes the fields or variants, of the types `boxable` picks, through which their type
/// reaches itself.
fn box_on_cycles(types: &mut [TypeDef], boxable: impl Fn(&TypeKind) -> bool) {
    let contains: Vec<Vec<usize>> = types
        .iter()
        .map(|def| {
            let mut direct = Vec::new();
            slots(&def.kind)
                .into_iter()
                .for_each(|ty| direct_named(ty, &mut direct));
            direct
        })
        .collect();
    // A slot's type reaches its owner again exactly when the two share a strongly
    // connected component of the containment graph.
    let component = strongly_connected(&contains);
    let recursive: Vec<Vec<bool>> = types
        .iter()
        .enumerate()
        .map(|(owner, def)| {
            if !boxable(&def.kind) {
                return Vec::new();
            }
            slots(&def.kind)
                .into_iter()
                .map(|ty| {
                    let mut direct = Vec::new();
                    direct_named(ty, &mut direct);
                    direct
                        .iter()
                        .any(|&target| component[target] == component[owner])
                })
                .collect()
        })
        .collect();
    for (def, recursive) in types.iter_mut().zip(recursive) {
        let slots: Vec<&mut TypeRef> = match &mut def.kind {
            TypeKind::Struct(s) => s.fields.iter_mut().map(|f| &mut f.ty).collect(),
            TypeKind::Union(u) => u.variants.iter_mut().map(|v| &mut v.ty).collect(),
            TypeKind::Alias(_) | TypeKind::Enum(_) => Vec::new(),
        };
        for (ty, _) in slots.into_iter().zip(recursive).filter(|(_, r)| *r) {
            *ty = boxed_type(std::mem::replace(ty, TypeRef::Unit));
        }
    }
}

/// The strongly connected component of each node of `edges` (Tarjan's algorithm, without
/// recursion, so that deep type graphs cannot overflow the stack).
fn strongly_connected(edges: &[Vec<usize>]) -> Vec<usize> {
    const UNSEEN: usize = usize::MAX;
    let count = edges.len();
    let mut index = vec![UNSEEN; count];
    let mut low = vec![0; count];
    let mut on_stack = vec![false; count];
    let mut component = vec![UNSEEN; count];
    let mut stack = Vec::new();
    let mut next_index = 0;
    let mut next_component = 0;
    for root in 0..count {
        if index[root] != UNSEEN {
            continue;
        }
        // (node, how many of its edges are done)
        let mut work = vec![(root, 0)];
        index[root] = next_index;
        low[root] = next_index;
        next_index += 1;
        stack.push(root);
        on_stack[root] = true;
        while let Some(&mut (node, ref mut done)) = work.last_mut() {
            if let Some(&next) = edges[node].get(*done) {
                *done += 1;
                if index[next] == UNSEEN {
                    index[next] = next_index;
                    low[next] = next_index;
                    next_index += 1;
                    stack.push(next);
                    on_stack[next] = true;
                    work.push((next, 0));
                } else if on_stack[next] {
                    low[node] = low[node].min(index[next]);
                }
                continue;
            }
            work.pop();
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[node]);
            }
            if low[node] == index[node] {
                while let Some(member) = stack.pop() {
                    on_stack[member] = false;
                    component[member] = next_component;
                    if member == node {
                        break;
                    }
                }
                next_component += 1;
            }
        }
    }
    component
}

/// The type references a type holds: its fields, its variants, or what it aliases.
fn slots(kind: &TypeKind) -> Vec<&TypeRef> {
    match kind {
        TypeKind::Struct(s) => s.fields.iter().map(|f| &f.ty).collect(),
        TypeKind::Union(u) => u.variants.iter().map(|v| &v.ty).collect(),
        TypeKind::Alias(ty) => vec![ty],
        TypeKind::Enum(_) => Vec::new(),
    }
}

/// The named types `ty` holds inline (not behind a `Vec`, map or `Box`).
fn direct_named(ty: &TypeRef, out: &mut Vec<usize>) {
    match ty {
        TypeRef::Named(id) => out.push(id.0),
        TypeRef::Option(inner) => direct_named(inner, out),
        _ => {}
    }
}

fn boxed_type(ty: TypeRef) -> TypeRef {
    match ty {
        TypeRef::Option(inner) => TypeRef::Option(Box::new(boxed_type(*inner))),
        ty => TypeRef::Boxed(Box::new(ty)),
    }
}
