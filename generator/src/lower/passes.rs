//! The crate-wide passes: what runs over all types once every schema is lowered. Type and
//! module names are settled, union variants told apart (`unions`), alias cycles broken,
//! recursive fields boxed, constructors given to the structs request bodies carry,
//! polymorphic unions' accessors found, large unions marked, derives decided, and the types
//! sorted by name.

use super::{
    Lowerer, RESERVED_TYPE_NAMES, SameAs, constructors, dedup, derives, features, type_files,
    unions,
};
use crate::ir::{Api, EnumRepr, Tagging, TypeDef, TypeId, TypeKind, TypeRef};
use crate::naming::{self, Case, Scope};

impl Lowerer<'_> {
    /// Settles type and module names and builds each type with them, runs the passes over
    /// all types, sorts them by name, and rewrites every type reference in `api` to the
    /// sorted order.
    pub(super) fn finish_types(&mut self, api: &mut Api) {
        let idents = self.settle_type_names();
        let mut pending = std::mem::take(&mut self.types);
        let copies = copies_of(&pending);
        // A copy's name, when it is the better one, goes to the type it copies, with where
        // it is: the merge below keeps the best name of each group of identical types, and
        // a copy was never made a type of its own to be one of them.
        let mut kept_idents = idents.clone();
        let mut renamed = Vec::new();
        for (original, its_copies) in copies.iter().enumerate() {
            let best = its_copies
                .iter()
                .copied()
                .min_by_key(|&copy| name_rank(&idents[copy]));
            if let Some(copy) = best
                && name_rank(&idents[copy]) < name_rank(&idents[original])
            {
                kept_idents.swap(original, copy);
                let origin = std::mem::take(&mut pending[copy].origin);
                pending[copy].origin = std::mem::replace(&mut pending[original].origin, origin);
                renamed.push((original, copy));
            }
        }
        let origins: Vec<_> = pending.iter().map(|p| p.origin.clone()).collect();
        let components: Vec<bool> = pending.iter().map(|p| p.rank == 0).collect();
        let same_as: Vec<Option<SameAs>> = pending.iter().map(|p| p.same_as).collect();
        let mut types: Vec<TypeDef> = pending
            .into_iter()
            .zip(&kept_idents)
            .map(|(pending, ident)| TypeDef {
                ident: ident.clone(),
                origin: pending.origin.to_string(),
                docs: pending.docs,
                kind: pending.kind.unwrap_or(TypeKind::Alias(TypeRef::Json)),
                // Decided by `derives::set_derives` below, once boxing has settled the fields.
                derives: Vec::new(),
                // Decided by `features::gate_types` below, once the ids are final.
                features: Vec::new(),
            })
            .collect();
        // Identical inline types become one; the others stay, unreferenced, until the sort
        // below leaves them out. The modules are named meanwhile, from the names alone.
        let (mut modules, into) = rayon::join(
            || module_names(&idents),
            || dedup::merge_identical(&mut types, &components, &same_as),
        );
        for (original, copy) in renamed {
            modules.swap(original, copy);
        }
        api.types = types;
        api.visit_type_refs_mut(&mut |ty| {
            if let TypeRef::Named(id) = ty {
                id.0 = dedup::resolve(&into, id.0);
            }
        });
        let mut types = std::mem::take(&mut api.types);
        // What is said of a type is said of each copy of it too, where the copy is.
        let copies_too = |index: usize| {
            std::iter::once(index).chain(copies.get(index).into_iter().flatten().copied())
        };
        for (index, message) in unions::tell_apart(&mut types) {
            for at in copies_too(index) {
                self.warning(&origins[at], message.clone());
            }
        }
        for (index, cycle) in alias_cycles(&types) {
            for at in copies_too(index) {
                self.warning(
                    &origins[at],
                    format!(
                        "`$ref` aliases form a cycle ({cycle}); falls back to serde_json::Value"
                    ),
                );
            }
            types[index].kind = TypeKind::Alias(TypeRef::Json);
        }
        box_recursive_fields(&mut types);
        constructors::set_constructors(&mut types, &api.modules);
        unions::set_accessors(&mut types);
        mark_large_unions(&mut types);
        derives::set_derives(&mut types, &mut api.modules, &self.settings.extra_derives);

        let mut order: Vec<usize> = (0..types.len()).filter(|&i| into[i] == i).collect();
        order.sort_by(|&a, &b| types[a].ident.cmp(&types[b].ident));
        let (sorted, new_index) = reorder(types, &order);
        let (modules, _) = reorder(modules, &order);
        api.types = sorted;
        api.visit_type_refs_mut(&mut |ty| {
            if let TypeRef::Named(id) = ty {
                if let Some(new) = new_index[id.0] {
                    *id = TypeId(new);
                }
            }
        });
        features::gate_types(api);
        api.type_files = type_files::type_files(&api.types, modules);
    }

    /// The name of each type, in [`Lowerer::types`] order. Component schemas pick first, then
    /// inline types, each in pointer order: names do not depend on the order in which the
    /// schemas were lowered.
    fn settle_type_names(&self) -> Vec<String> {
        let mut order: Vec<usize> = (0..self.types.len()).collect();
        order.sort_by(|&a, &b| {
            let (a, b) = (&self.types[a], &self.types[b]);
            (a.rank, &a.origin).cmp(&(b.rank, &b.origin))
        });
        let mut scope = Scope::new(Case::Pascal).reserve(RESERVED_TYPE_NAMES.iter().copied());
        let wanted: Vec<&str> = order
            .iter()
            .map(|&index| self.types[index].wanted.as_str())
            .collect();
        scope.add_all(&wanted);
        let mut named: Vec<(usize, String)> = order.into_iter().zip(scope.settle()).collect();
        named.sort_unstable_by_key(|&(index, _)| index);
        named.into_iter().map(|(_, name)| name).collect()
    }
}

/// The copies ([`PendingType::same_as`](super::PendingType::same_as)) of each type, by index.
fn copies_of(pending: &[super::PendingType]) -> Vec<Vec<usize>> {
    let mut copies = vec![Vec::new(); pending.len()];
    for (copy, pending) in pending.iter().enumerate() {
        if let Some(original) = pending.same_as.and_then(|s| copies.get_mut(s.id.0)) {
            original.push(copy);
        }
    }
    copies
}

/// How identical types pick the name they keep: the shortest, then the first by name.
pub(super) fn name_rank(ident: &str) -> (usize, &str) {
    (ident.len(), ident)
}

/// The module (file under `types/`) each type would have alone, from its name, in the same
/// order; a type written in another's file (`type_files`) leaves its own unused.
fn module_names(idents: &[String]) -> Vec<String> {
    let mut modules = Scope::new(Case::Snake).file_names().reserve([
        "mod",
        "types",
        naming::TYPES_RUNTIME_MODULE,
    ]);
    let idents: Vec<&str> = idents.iter().map(String::as_str).collect();
    modules.add_all(&idents);
    modules.settle()
}

/// `items` in the order `order` gives, and where each one went.
///
/// `order` lists indices into `items`; `new_index[old]` is the place in the result of the
/// item that was at `old`. Items that `order` leaves out are dropped (their `new_index` is
/// `None`), and an index listed again, or out of range, is skipped. Lists that refer to each
/// other by index (types by [`TypeId`], a path by parameter index) are reordered with it and
/// then have their indices rewritten through `new_index`.
pub(crate) fn reorder<T>(items: Vec<T>, order: &[usize]) -> (Vec<T>, Vec<Option<usize>>) {
    let mut slots: Vec<Option<T>> = items.into_iter().map(Some).collect();
    let mut new_index = vec![None; slots.len()];
    let mut reordered = Vec::with_capacity(order.len().min(slots.len()));
    for &old in order {
        if let Some(item) = slots.get_mut(old).and_then(Option::take) {
            new_index[old] = Some(reordered.len());
            reordered.push(item);
        }
    }
    (reordered, new_index)
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

/// `ty` behind a `Box`, inside its `Option` if it has one: an optional field stays an
/// `Option` (`Option<Box<T>>`), as its serde attributes expect.
fn boxed_type(ty: TypeRef) -> TypeRef {
    match ty {
        TypeRef::Option(inner) => TypeRef::Option(Box::new(boxed_type(*inner))),
        ty => TypeRef::Boxed(Box::new(ty)),
    }
}

/// clippy's `large_enum_variant` threshold: the size difference between variants it flags.
const LARGE_VARIANT: usize = 200;

/// Sets [`UnionDef::large_variants`](crate::ir::UnionDef::large_variants) on the unions with
/// a variant that may be [`LARGE_VARIANT`] bytes or more. Runs once the types are final
/// (boxed where recursive).
fn mark_large_unions(types: &mut [TypeDef]) {
    let mut sizes = Sizes {
        types,
        known: vec![None; types.len()],
        visiting: Vec::new(),
    };
    let large: Vec<bool> = types
        .iter()
        .map(|def| match &def.kind {
            TypeKind::Union(u) => u
                .variants
                .iter()
                .any(|v| sizes.bound(&v.ty) >= LARGE_VARIANT),
            _ => false,
        })
        .collect();
    for (def, large) in types.iter_mut().zip(large) {
        if let TypeKind::Union(u) = &mut def.kind {
            u.large_variants = large;
        }
    }
}

/// Upper bounds of `size_of` the crate's types, on 64-bit targets, each worked out once.
struct Sizes<'t> {
    types: &'t [TypeDef],
    known: Vec<Option<usize>>,
    visiting: Vec<usize>,
}

impl Sizes<'_> {
    /// An upper bound of `size_of` a value of `ty`.
    fn bound(&mut self, ty: &TypeRef) -> usize {
        const WORD: usize = 8;
        let round = |size: usize| size.div_ceil(WORD) * WORD;
        match ty {
            TypeRef::Unit => 0,
            TypeRef::Bool => 1,
            TypeRef::I32 | TypeRef::U32 | TypeRef::F32 => 4,
            TypeRef::I64 | TypeRef::U64 | TypeRef::F64 => 8,
            TypeRef::Date => 4,
            TypeRef::DateTime | TypeRef::Uuid => 16,
            TypeRef::String | TypeRef::Base64 | TypeRef::Vec(_) | TypeRef::Map(_) => 24,
            // 24 as a `BTreeMap`, 64 as an `IndexMap` (`preserve_order`); a little more.
            TypeRef::JsonObject => 72,
            TypeRef::Bytes => 32,
            // Never in a generated type; a generous bound all the same.
            TypeRef::Upload | TypeRef::ByteStream | TypeRef::EventStream(_) => 128,
            // 72 with `preserve_order`; a little more, to be safe.
            TypeRef::Json => 80,
            TypeRef::Boxed(_) => WORD,
            // The caller's type could be any size: as an upper bound, a large one.
            TypeRef::External(_) => LARGE_VARIANT,
            TypeRef::Option(inner) => round(self.bound(inner)) + WORD,
            TypeRef::Named(id) => {
                if let Some(size) = self.known[id.0] {
                    return size;
                }
                if self.visiting.contains(&id.0) {
                    // A cycle is broken by a Box, which is counted where it is.
                    return WORD;
                }
                self.visiting.push(id.0);
                let types = self.types;
                let size = match &types[id.0].kind {
                    TypeKind::Struct(s) => s.fields.iter().map(|f| round(self.bound(&f.ty))).sum(),
                    TypeKind::Enum(e) => match e.repr {
                        EnumRepr::String => 32,
                        EnumRepr::Integer => 16,
                        EnumRepr::Mixed => 80,
                    },
                    TypeKind::Union(u) => {
                        let largest = u
                            .variants
                            .iter()
                            .map(|v| round(self.bound(&v.ty)))
                            .max()
                            .unwrap_or(0);
                        let unknown = match u.tagging {
                            Tagging::Untagged => 0,
                            Tagging::Discriminator { .. } => 80,
                        };
                        largest.max(unknown) + WORD
                    }
                    TypeKind::Alias(ty) => self.bound(ty),
                };
                self.visiting.pop();
                self.known[id.0] = Some(size);
                size
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::reorder;
    use crate::ir::TypeRef;
    use crate::lower::testing::{alias_of, api, field, lowered, named, option, union_of};

    #[test]
    fn reorder_moves_items_and_says_where_each_went() {
        let (items, new_index) = reorder(vec!["a", "b", "c"], &[2, 0, 1]);
        assert_eq!(items, ["c", "a", "b"]);
        assert_eq!(new_index, [Some(1), Some(2), Some(0)]);
        // Left out, listed twice, out of range: dropped, kept once, skipped.
        let (items, new_index) = reorder(vec!["a", "b", "c"], &[2, 2, 7, 1]);
        assert_eq!(items, ["c", "b"]);
        assert_eq!(new_index, [None, Some(1), Some(0)]);
        let (items, new_index) = reorder(Vec::<u8>::new(), &[]);
        assert!(items.is_empty() && new_index.is_empty());
    }

    #[test]
    fn alias_cycles_fall_back_to_json_with_a_warning_where_each_alias_is() {
        let (api, warnings) = lowered(
            r##"
            "a%20b": {$ref: "#/components/schemas/B"}
            B:
              type: array
              items: {$ref: "#/components/schemas/a%20b"}
            "##,
            "",
        );
        let placed: Vec<(&str, Option<&str>)> = warnings
            .iter()
            .map(|w| (w.message.as_str(), w.pointer.as_deref()))
            .collect();
        assert_eq!(
            placed,
            [
                (
                    "`$ref` aliases form a cycle (A20b → B → A20b); falls back to serde_json::Value",
                    Some("#/components/schemas/a%20b"),
                ),
                (
                    "`$ref` aliases form a cycle (B → A20b → B); falls back to serde_json::Value",
                    Some("#/components/schemas/B"),
                ),
            ]
        );
        assert_eq!(alias_of(&api, "B"), Some(TypeRef::Json));
    }

    #[test]
    fn recursive_types_are_boxed_only_where_needed() {
        let api = api(r##"
            Node:
              type: object
              properties:
                parent: {$ref: "#/components/schemas/Node"}
                children:
                  type: array
                  items: {$ref: "#/components/schemas/Node"}
            Employee:
              type: object
              properties:
                manager: {$ref: "#/components/schemas/Manager"}
            Manager:
              type: object
              required: [deputy]
              properties:
                deputy: {$ref: "#/components/schemas/Employee"}
            Expr:
              oneOf:
                - $ref: "#/components/schemas/Neg"
                - type: number
            Neg:
              type: object
              required: [of]
              properties:
                of: {$ref: "#/components/schemas/Expr"}
            A:
              oneOf:
                - type: string
                - $ref: "#/components/schemas/B"
            B:
              oneOf:
                - type: integer
                - $ref: "#/components/schemas/A"
            "##);
        let boxed = |ty: TypeRef| TypeRef::Boxed(Box::new(ty));
        assert_eq!(
            field(&api, "Node", "parent").ty,
            option(boxed(named(&api, "Node")))
        );
        assert_eq!(
            field(&api, "Node", "children").ty,
            option(TypeRef::Vec(Box::new(named(&api, "Node"))))
        );
        assert_eq!(
            field(&api, "Employee", "manager").ty,
            option(boxed(named(&api, "Manager")))
        );
        assert_eq!(
            field(&api, "Manager", "deputy").ty,
            boxed(named(&api, "Employee"))
        );
        // Through a union: the struct field is boxed, the union's variant is not.
        assert_eq!(field(&api, "Neg", "of").ty, boxed(named(&api, "Expr")));
        assert_eq!(union_of(&api, "Expr").variants[0].ty, named(&api, "Neg"));
        // A cycle of unions only: their variants are boxed.
        assert_eq!(union_of(&api, "A").variants[1].ty, boxed(named(&api, "B")));
        assert_eq!(union_of(&api, "B").variants[1].ty, boxed(named(&api, "A")));
    }

    #[test]
    fn unions_with_large_variants_allow_the_lint() {
        let api = api(r##"
            Big:
              type: object
              required: [a, b, c, d, e, f, g, h, i]
              properties:
                a: {type: string}
                b: {type: string}
                c: {type: string}
                d: {type: string}
                e: {type: string}
                f: {type: string}
                g: {type: string}
                h: {type: string}
                i: {type: string}
            Small:
              type: object
              properties:
                a: {type: integer}
            Large:
              oneOf:
                - $ref: "#/components/schemas/Big"
                - type: boolean
            Little:
              oneOf:
                - $ref: "#/components/schemas/Small"
                - type: boolean
            "##);
        assert!(union_of(&api, "Large").large_variants);
        assert!(!union_of(&api, "Little").large_variants);
    }
}
