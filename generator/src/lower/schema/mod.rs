//! Schemas to Rust types: named structs, enums and unions, aliases, and the plain types in
//! between. This module dispatches a schema to the kind of type it needs and lowers the plain
//! types itself; the submodules lower the rest.
//!
//! The decisions, in one place:
//!
//! - **Objects** with properties are structs; `additionalProperties` beside them (`true` or a
//!   schema) is one `#[serde(flatten)]` map field, and so is not saying it (a
//!   `serde_json::Map`, unless `Settings::unknown_properties` drops them), so that decoding and encoding lose no
//!   undeclared property; only `false` leaves it out. Without properties an object is a map:
//!   of the `additionalProperties` schema's type, else of `serde_json::Value` (`{type: object}`
//!   and `additionalProperties: true` alike).
//! - **Fields**: required and not nullable is `T`; optional is `Option<T>`, absent when
//!   `None`; required and nullable is `Option<T>` that writes `null` and must be present;
//!   optional and nullable is `Option<Option<T>>` (absent `None`, `null` `Some(None)`).
//!   Read-only and write-only properties are optional whatever `required` says, so that
//!   request bodies can be built and responses decoded.
//! - **Enums** of strings or integers have an `Unknown` catch-all; enums of numbers that are
//!   not all integers, or of values of several types, are enums over their JSON values with an
//!   `Unknown(serde_json::Value)`; boolean enums stay `bool`, their values in the docs. `null`
//!   among the values makes the schema nullable.
//! - **Fallbacks**: whatever becomes `serde_json::Value` without being free-form (`{}`, only
//!   `null`), or loses what a keyword says (an unknown `type`, `not`), is a warning at its
//!   pointer.
//! - **`allOf`** merges object members (conflicts are reported); a single member with only
//!   annotations beside it is that member; anything else falls back, with a warning.
//! - **`oneOf`/`anyOf`** are unions: tagged by a `discriminator` when every member is a
//!   `$ref` (explicit `mapping` first, then each member's schema name), otherwise untagged
//!   and tried in spec order (told apart later, in `lower::unions`). `null` members make the
//!   union nullable; a union left with one member is that member; a union of string enums is
//!   one string enum.
//! - **Polymorphism**: a component schema with a `discriminator` that other component
//!   schemas extend with `allOf` is a tagged union over itself and its subtypes, its own
//!   fields a struct of their own.
//! - **Formats**: `date-time`, `date`, `uuid` have their types; `byte` is base64 bytes in
//!   struct fields (a `String` elsewhere); `int32`/`int64`/`uint32`/`uint64` and
//!   `float`/`double` pick the number type; decimal strings stay `String` with a doc note.
//! - **Docs** carry title, description, default, constraints, format notes, read/write-only.
//!
//! Where each decision is made: `shape` reads what a schema is however it was spelled,
//! `object` builds structs and their fields, `all_of` merges `allOf` members, `defaults`
//! gives fields their `Default` values, `union` builds unions and reads discriminators,
//! `polymorphic` builds the union of a base and its subtypes, `enums` builds enums,
//! `stand_in` makes the one type of a schema that a `$ref` to a response (or the like) stands
//! for, and `notes` writes the doc lines.

mod all_of;
mod defaults;
mod enums;
mod notes;
mod object;
mod polymorphic;
pub(crate) mod reuse;
mod shape;
mod stand_in;
mod union;

use openapiv3::{ReferenceOr, Schema};

use self::enums::enum_of;
use self::object::{Additional, ObjectParts, add_properties};
use self::shape::{
    Shape, ignores_not, is_null_member, is_nullable, is_unconstrained, shape, unknown_type,
};
use super::Lowerer;
use super::resolve::{MAX_DEPTH, RefOr};
use crate::ir::{TypeId, TypeKind, TypeRef};
use crate::pointer::Pointer;

/// A schema or a reference to one; fields and items hold theirs in a `Box`, which
/// [`RefOr`]'s conversions look through.
pub(crate) type SchemaRef<'s> = RefOr<'s, Schema>;

impl<'a> Lowerer<'a> {
    /// The Rust type of a schema used in place (a parameter, body, item or union member).
    ///
    /// Inline objects, enums and unions become named types called `hint`; nullable schemas
    /// give `Option<T>`. `format: byte` is a `String` here: only struct fields, whose serde
    /// helper can say so, hold base64 bytes.
    pub(crate) fn type_of(
        &mut self,
        schema: SchemaRef<'a>,
        pointer: &Pointer,
        hint: &str,
    ) -> TypeRef {
        self.type_in(schema, pointer, hint, false)
    }

    /// [`Lowerer::type_of`], with `format: byte` as [`TypeRef::Base64`] when `bytes`.
    fn type_in(
        &mut self,
        schema: SchemaRef<'a>,
        pointer: &Pointer,
        hint: &str,
        bytes: bool,
    ) -> TypeRef {
        match schema {
            SchemaRef::Ref(reference) => {
                // A reference to a response (or the like) stands for its schema.
                if let Some((target, at)) = self.stand_in::<Schema>(reference, pointer) {
                    return match target {
                        SchemaRef::Inline(schema) => self.stand_in_type(schema, &at, hint, bytes),
                        SchemaRef::Ref(_) => self.type_in(target, &at, hint, bytes),
                    };
                }
                let Some((name, target)) = self.component::<Schema>(reference, pointer) else {
                    return TypeRef::Json;
                };
                let nullable = match target {
                    ReferenceOr::Item(schema) => is_nullable(schema),
                    ReferenceOr::Reference { .. } => false,
                };
                let ty = match (
                    self.settings.type_replacements.get(name),
                    self.components.get(name),
                ) {
                    (Some(path), _) => TypeRef::External(path.trim().to_owned()),
                    (None, Some(&id)) => TypeRef::Named(id),
                    // Every schema that is not replaced was registered.
                    (None, None) => TypeRef::Json,
                };
                wrap_nullable(ty, nullable)
            }
            SchemaRef::Inline(schema) => {
                self.lowered_inline.entered(self.inline_depth);
                // Inline schemas nest only as deep as the document, but `allOf` merges copy the
                // fields of referenced schemas, and those can lead back to themselves.
                if self.inline_depth > MAX_DEPTH {
                    self.warning(
                        pointer,
                        "inline schemas nest too deeply (a recursive allOf?); falls back to serde_json::Value",
                    );
                    return TypeRef::Json;
                }
                let lowering = match self.reuse(schema, pointer, hint, bytes) {
                    Ok(ty) => return ty,
                    Err(lowering) => lowering,
                };
                self.inline_depth += 1;
                self.warn_lost(schema, pointer);
                let ty = match self.named_kind(schema, pointer, hint) {
                    Some(kind) => {
                        let docs = self.schema_docs(schema);
                        TypeRef::Named(self.add_type(hint, pointer.clone(), 1, docs, kind))
                    }
                    None => self.plain_type(schema, pointer, hint, bytes),
                };
                self.inline_depth -= 1;
                let ty = wrap_nullable(ty, is_nullable(schema));
                if let Some(lowering) = lowering {
                    self.remember(lowering, schema, pointer, hint, bytes, &ty);
                }
                ty
            }
        }
    }

    /// The kind and docs of the component schema `name`, registered as `id`.
    pub(crate) fn component_kind(
        &mut self,
        id: TypeId,
        name: &'a str,
        schema: &'a ReferenceOr<Schema>,
        pointer: &Pointer,
    ) -> (TypeKind, Vec<String>) {
        match schema {
            ReferenceOr::Reference { .. } => (
                TypeKind::Alias(self.type_of(schema.into(), pointer, name)),
                Vec::new(),
            ),
            ReferenceOr::Item(schema) => {
                self.warn_lost(schema, pointer);
                let kind = if self.is_polymorphic_base(name) {
                    self.polymorphic_kind(id, name, schema, pointer)
                } else {
                    self.named_kind(schema, pointer, name)
                };
                let kind = match kind {
                    Some(kind) => kind,
                    None => TypeKind::Alias(self.plain_type(schema, pointer, name, false)),
                };
                (kind, self.schema_docs(schema))
            }
        }
    }

    /// The kind of named type a schema needs (struct, enum or union), or `None` when a plain
    /// type fits.
    fn named_kind(
        &mut self,
        schema: &'a Schema,
        pointer: &Pointer,
        name: &str,
    ) -> Option<TypeKind> {
        match shape(schema) {
            Shape::Object {
                properties,
                required,
                additional,
            } if !properties.is_empty() => {
                let mut parts = ObjectParts::default();
                add_properties(&mut parts, properties, required, pointer);
                parts.additional = Additional::of(additional, pointer);
                Some(TypeKind::Struct(self.struct_def(name, parts)))
            }
            Shape::String { .. } | Shape::Integer { .. } | Shape::MixedEnum => {
                enum_of(schema).map(TypeKind::Enum)
            }
            Shape::AllOf { members, own } => self.all_of_kind(members, own, pointer, name),
            Shape::OneOf(members, keyword) => {
                self.union_kind(schema, members, keyword, pointer, name)
            }
            _ => None,
        }
    }

    /// Types that need no name of their own: scalars, arrays, maps and free-form values.
    fn plain_type(
        &mut self,
        schema: &'a Schema,
        pointer: &Pointer,
        hint: &str,
        bytes: bool,
    ) -> TypeRef {
        match shape(schema) {
            Shape::Object { additional, .. } => match Additional::of(additional, pointer) {
                Additional::Schema(value, at) => TypeRef::Map(Box::new(self.type_in(
                    value,
                    &at,
                    &format!("{hint}Value"),
                    bytes,
                ))),
                // An object with no properties is a map whether or not it says
                // `additionalProperties: true`; `false` leaves only `{}`, which a map holds too.
                Additional::Any | Additional::Unsaid | Additional::Forbidden => {
                    TypeRef::Map(Box::new(TypeRef::Json))
                }
            },
            Shape::Array(items) => {
                let item = match items {
                    Some(items) => self.type_in(
                        items.into(),
                        &pointer.push("items"),
                        &format!("{hint}Item"),
                        bytes,
                    ),
                    None => TypeRef::Json,
                };
                TypeRef::Vec(Box::new(item))
            }
            Shape::String { format, .. } => match format {
                Some("date-time") => TypeRef::DateTime,
                Some("date") => TypeRef::Date,
                Some("uuid") => TypeRef::Uuid,
                Some("byte") if bytes => TypeRef::Base64,
                _ => TypeRef::String,
            },
            Shape::Integer { format, .. } => match format {
                Some("int32" | "int16" | "int8") => TypeRef::I32,
                Some("uint32" | "uint16" | "uint8") => TypeRef::U32,
                Some("uint64" | "uint") => TypeRef::U64,
                _ => TypeRef::I64,
            },
            Shape::Number(format) => match format {
                Some("float") => TypeRef::F32,
                _ => TypeRef::F64,
            },
            Shape::Boolean => TypeRef::Bool,
            Shape::AllOf { members, .. } => {
                // Members that only annotate (`{description: ...}`) add nothing.
                let typed: Vec<(usize, &'a ReferenceOr<Schema>)> = members
                    .iter()
                    .enumerate()
                    .filter(|(_, member)| !is_unconstrained((*member).into()))
                    .collect();
                if let [(index, member)] = typed[..] {
                    return self.type_in(
                        member.into(),
                        &pointer.push("allOf").push(index),
                        hint,
                        bytes,
                    );
                }
                let union_member = members.iter().any(|member| {
                    self.peek(member.into())
                        .is_some_and(|member| matches!(shape(member), Shape::OneOf(..)))
                });
                if union_member {
                    self.warning(
                        pointer,
                        "allOf with a oneOf/anyOf member is not supported yet; falls back to serde_json::Value",
                    );
                } else {
                    self.warning(
                        pointer,
                        "allOf whose members are not all objects is not supported yet; falls back to serde_json::Value",
                    );
                }
                TypeRef::Json
            }
            Shape::OneOf(members, keyword) => {
                let left: Vec<(usize, &'a ReferenceOr<Schema>)> = members
                    .iter()
                    .enumerate()
                    .filter(|(_, member)| !is_null_member(member))
                    .collect();
                match left[..] {
                    [] => TypeRef::Json,
                    [(index, member)] => self.type_in(
                        member.into(),
                        &pointer.push(keyword).push(index),
                        hint,
                        bytes,
                    ),
                    _ => {
                        self.warning(
                            pointer,
                            format!(
                                "{keyword} could not be lowered; falls back to serde_json::Value"
                            ),
                        );
                        TypeRef::Json
                    }
                }
            }
            Shape::MixedEnum => {
                self.warning(
                    pointer,
                    "an enum of values of different types is not supported; falls back to serde_json::Value",
                );
                TypeRef::Json
            }
            Shape::Not => {
                self.warning(
                    pointer,
                    "`not` cannot be expressed as a Rust type; falls back to serde_json::Value",
                );
                TypeRef::Json
            }
            // Free-form on purpose (`{}`, only `null`), or an unknown `type` that
            // `warn_lost` has reported.
            Shape::Null | Shape::Any => TypeRef::Json,
        }
    }

    /// Warns about what a schema says that its type cannot keep: a `type` that names no JSON
    /// type, and a `not` beside the keywords that make the type. Called once for each schema
    /// lowered, where it is dispatched, so that a named kind is covered as well as a plain one.
    fn warn_lost(&mut self, schema: &Schema, pointer: &Pointer) {
        if let Some(name) = unknown_type(schema) {
            let outcome = match shape(schema) {
                Shape::Any => "falls back to serde_json::Value",
                _ => "the schema's other keywords make its type",
            };
            self.warning(
                &pointer.push("type"),
                format!("unknown type `{name}`; {outcome}"),
            );
        }
        if ignores_not(schema) {
            self.warning(
                &pointer.push("not"),
                "`not` cannot be expressed as a Rust type; ignored (values it excludes are accepted)",
            );
        }
    }
}

/// `Option<T>` for a field that may be absent; already-optional types stay as they are.
pub(crate) fn make_optional(ty: TypeRef) -> TypeRef {
    match ty {
        TypeRef::Option(_) => ty,
        ty => TypeRef::Option(Box::new(ty)),
    }
}

/// [`make_optional`] when the schema admits `null`.
fn wrap_nullable(ty: TypeRef, nullable: bool) -> TypeRef {
    if nullable { make_optional(ty) } else { ty }
}

#[cfg(test)]
mod tests {
    use crate::ir::{TypeKind, TypeRef};
    use crate::lower::testing::{alias_of, api, def, lowered, option, struct_of};

    #[test]
    fn bytes_are_base64_only_where_a_field_helper_can_say_so() {
        let (api, _) = lowered(
            r##"
            Blob:
              type: string
              format: byte
            "##,
            r##"
            /upload:
              post:
                parameters:
                  - name: digest
                    in: query
                    schema: {type: string, format: byte}
                requestBody:
                  content:
                    application/json:
                      schema: {type: string, format: byte}
                responses:
                  "200":
                    description: ok
            "##,
        );
        let op = api.operations().next().unwrap();
        assert_eq!(op.params[0].ty, TypeRef::String);
        assert_eq!(op.body.as_ref().unwrap().ty, TypeRef::String);
        assert_eq!(alias_of(&api, "Blob"), Some(TypeRef::String));
    }

    #[test]
    fn objects_without_properties_are_maps_however_spelled() {
        let api = api(r##"
            Bag:
              type: object
            Holder:
              type: object
              properties:
                a: {type: object}
                b: {additionalProperties: true}
                c: {type: object, additionalProperties: true}
                d: {type: object, additionalProperties: {}}
                e: {type: object, additionalProperties: false}
                f: {type: object, additionalProperties: {type: integer}}
                g: {}
            "##);
        let map = |value: TypeRef| TypeRef::Map(Box::new(value));
        assert_eq!(alias_of(&api, "Bag"), Some(map(TypeRef::Json)));
        let types: Vec<TypeRef> = struct_of(&api, "Holder")
            .fields
            .iter()
            .filter(|f| !f.flatten)
            .map(|f| f.ty.clone())
            .collect();
        let expected = [
            map(TypeRef::Json),
            map(TypeRef::Json),
            map(TypeRef::Json),
            map(TypeRef::Json),
            map(TypeRef::Json),
            map(TypeRef::I64),
            // Free-form on purpose: any value, and no warning (`api` checks).
            TypeRef::Json,
        ];
        assert_eq!(types, expected.map(option));
    }

    #[test]
    fn every_fallback_is_a_located_warning() {
        let (api, warnings) = lowered(
            r##"
            Misspelled:
              type: strng
            Listed:
              type: strng
              enum: [a, b]
            NotAdmin:
              not: {type: string}
            Limit:
              minimum: 1
              not: {enum: [3]}
            NotRoot:
              type: string
              not: {enum: [root]}
            Ratio:
              type: number
              enum: [1.1, -1.2]
            Free: {}
            "##,
            "",
        );
        let found: Vec<(Option<&str>, &str)> = warnings
            .iter()
            .map(|d| (d.pointer.as_deref(), d.message.as_str()))
            .collect();
        assert_eq!(
            found,
            [
                (
                    Some("#/components/schemas/Misspelled/type"),
                    "unknown type `strng`; falls back to serde_json::Value"
                ),
                (
                    Some("#/components/schemas/Listed/type"),
                    "unknown type `strng`; the schema's other keywords make its type"
                ),
                (
                    Some("#/components/schemas/NotAdmin"),
                    "`not` cannot be expressed as a Rust type; falls back to serde_json::Value"
                ),
                (
                    Some("#/components/schemas/Limit"),
                    "`not` cannot be expressed as a Rust type; falls back to serde_json::Value"
                ),
                (
                    Some("#/components/schemas/NotRoot/not"),
                    "`not` cannot be expressed as a Rust type; ignored (values it excludes are accepted)"
                ),
            ]
        );
        assert_eq!(alias_of(&api, "Misspelled"), Some(TypeRef::Json));
        assert!(matches!(def(&api, "Listed").kind, TypeKind::Enum(_)));
        assert_eq!(alias_of(&api, "NotAdmin"), Some(TypeRef::Json));
        assert_eq!(alias_of(&api, "NotRoot"), Some(TypeRef::String));
        // A number enum is a type of its own, not a lost constraint: no warning.
        assert!(matches!(def(&api, "Ratio").kind, TypeKind::Enum(_)));
        assert_eq!(alias_of(&api, "Free"), Some(TypeRef::Json));
    }

    #[test]
    fn a_schema_lowered_again_warns_once() {
        // `allOf` merges copy the base's properties, lowered again at the base's pointers.
        let (_, warnings) = lowered(
            r##"
            Base:
              type: object
              properties:
                code: {type: strng}
            Child:
              allOf:
                - $ref: "#/components/schemas/Base"
                - properties: {extra: {type: string}}
            Other:
              allOf:
                - $ref: "#/components/schemas/Base"
                - properties: {more: {type: integer}}
            "##,
            "",
        );
        let found: Vec<(Option<&str>, &str)> = warnings
            .iter()
            .map(|d| (d.pointer.as_deref(), d.message.as_str()))
            .collect();
        assert_eq!(
            found,
            [(
                Some("#/components/schemas/Base/properties/code/type"),
                "unknown type `strng`; falls back to serde_json::Value"
            )]
        );
    }

    #[test]
    fn formats_pick_number_types() {
        let api = api(r##"
            F:
              type: object
              properties:
                a: {type: integer, format: int32}
                b: {type: integer, format: int64}
                c: {type: integer, format: uint32}
                d: {type: integer, format: uint64}
                e: {type: number, format: float}
                f: {type: number, format: double}
                g: {type: string, format: decimal}
                h: {type: string, format: binary}
            "##);
        let types: Vec<TypeRef> = struct_of(&api, "F")
            .fields
            .iter()
            .filter(|f| !f.flatten)
            .map(|f| f.ty.clone())
            .collect();
        let expected = [
            TypeRef::I32,
            TypeRef::I64,
            TypeRef::U32,
            TypeRef::U64,
            TypeRef::F32,
            TypeRef::F64,
            TypeRef::String,
            TypeRef::String,
        ];
        assert_eq!(types, expected.map(option));
    }
}
