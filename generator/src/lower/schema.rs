//! Schemas to Rust types: named structs, enums and unions, aliases, and the plain types in
//! between.
//!
//! The decisions, in one place:
//!
//! - **Objects** with properties are structs; `additionalProperties` beside them (`true` or a
//!   schema) is one `#[serde(flatten)]` map field. Alone, `additionalProperties` is a map.
//! - **Fields**: required and not nullable is `T`; optional is `Option<T>`, absent when
//!   `None`; required and nullable is `Option<T>` that writes `null` and must be present;
//!   optional and nullable is `Option<Option<T>>` (absent `None`, `null` `Some(None)`).
//!   Read-only and write-only properties are optional whatever `required` says, so that
//!   request bodies can be built and responses decoded.
//! - **Enums** of strings or integers have an `Unknown` catch-all; enums of other or mixed
//!   values fall back to the plain type (or `serde_json::Value`, with a warning). `null`
//!   among the values makes the schema nullable.
//! - **`allOf`** merges object members (conflicts are reported); a single member with only
//!   annotations beside it is that member; anything else falls back, with a warning.
//! - **`oneOf`/`anyOf`** are unions: tagged by a `discriminator` when every member is a
//!   `$ref` (explicit `mapping` first, then each member's schema name), otherwise untagged
//!   and tried in spec order. `null` members make the union nullable; a union left with one
//!   member is that member; a union of string enums is one string enum.
//! - **Formats**: `date-time`, `date`, `uuid` have their types; `byte` is base64 bytes in
//!   struct fields (a `String` elsewhere); `int32`/`int64`/`uint32`/`uint64` and
//!   `float`/`double` pick the number type; decimal strings stay `String` with a doc note.
//! - **Docs** carry title, description, default, constraints, format notes, read/write-only.

use std::collections::BTreeSet;

use indexmap::IndexMap;
use openapiv3::{
    AdditionalProperties, IntegerFormat, NumberFormat, ReferenceOr, Schema, SchemaKind,
    StringFormat, Type, VariantOrUnknownOrEmpty,
};
use serde_json::Value;

use super::Lowerer;
use super::docs::{code_span, doc_lines};
use crate::diagnostic::Diagnostic;
use crate::ir::{
    DefaultValue, EnumDef, EnumRepr, EnumVariant, Field, FieldCodec, StructDef, Tagging, TypeDef,
    TypeId, TypeKind, TypeRef, UnionDef, UnionVariant,
};
use crate::naming::{self, Case, Scope};
use crate::pointer::{Pointer, unescape};

/// A schema or a reference to one, whichever box the `openapiv3` model put it in.
#[derive(Clone, Copy)]
pub(crate) enum SchemaRef<'s> {
    /// `$ref`.
    Ref(&'s str),
    /// An inline schema.
    Inline(&'s Schema),
}

impl<'s> From<&'s ReferenceOr<Schema>> for SchemaRef<'s> {
    fn from(value: &'s ReferenceOr<Schema>) -> Self {
        match value {
            ReferenceOr::Reference { reference } => SchemaRef::Ref(reference),
            ReferenceOr::Item(schema) => SchemaRef::Inline(schema),
        }
    }
}

impl<'s> From<&'s ReferenceOr<Box<Schema>>> for SchemaRef<'s> {
    fn from(value: &'s ReferenceOr<Box<Schema>>) -> Self {
        match value {
            ReferenceOr::Reference { reference } => SchemaRef::Ref(reference),
            ReferenceOr::Item(schema) => SchemaRef::Inline(schema),
        }
    }
}

/// The object keywords written beside an `allOf`.
#[derive(Clone, Copy)]
struct Own<'s> {
    properties: &'s IndexMap<String, ReferenceOr<Box<Schema>>>,
    required: &'s [String],
    additional: Option<&'s AdditionalProperties>,
}

/// What a schema is, whichever way the spec spelled it (`type` present or not).
enum Shape<'s> {
    Object {
        properties: &'s IndexMap<String, ReferenceOr<Box<Schema>>>,
        required: &'s [String],
        additional: Option<&'s AdditionalProperties>,
    },
    Array(Option<&'s ReferenceOr<Box<Schema>>>),
    String {
        format: Option<&'s str>,
        values: Vec<String>,
    },
    Integer {
        format: Option<&'s str>,
        values: Vec<i64>,
    },
    Number(Option<&'s str>),
    Boolean,
    AllOf {
        members: &'s [ReferenceOr<Schema>],
        own: Option<Own<'s>>,
    },
    OneOf(&'s [ReferenceOr<Schema>], &'static str),
    /// `enum` values of several JSON types.
    MixedEnum,
    /// Only `null` (`type: "null"`, or `enum: [null]`).
    Null,
    Not,
    Any,
}

fn shape(schema: &Schema) -> Shape<'_> {
    match &schema.schema_kind {
        SchemaKind::Type(Type::Object(object)) => Shape::Object {
            properties: &object.properties,
            required: &object.required,
            additional: object.additional_properties.as_ref(),
        },
        SchemaKind::Type(Type::Array(array)) => Shape::Array(array.items.as_ref()),
        SchemaKind::Type(Type::String(string)) => {
            let values: Vec<String> = string.enumeration.iter().flatten().cloned().collect();
            if values.is_empty() && !string.enumeration.is_empty() {
                return Shape::Null;
            }
            Shape::String {
                format: match &string.format {
                    VariantOrUnknownOrEmpty::Item(format) => Some(match format {
                        StringFormat::Date => "date",
                        StringFormat::DateTime => "date-time",
                        StringFormat::Password => "password",
                        StringFormat::Byte => "byte",
                        StringFormat::Binary => "binary",
                    }),
                    VariantOrUnknownOrEmpty::Unknown(format) => Some(format.as_str()),
                    VariantOrUnknownOrEmpty::Empty => None,
                },
                values,
            }
        }
        SchemaKind::Type(Type::Integer(integer)) => {
            let values: Vec<i64> = integer.enumeration.iter().flatten().copied().collect();
            if values.is_empty() && !integer.enumeration.is_empty() {
                return Shape::Null;
            }
            Shape::Integer {
                format: match &integer.format {
                    VariantOrUnknownOrEmpty::Item(IntegerFormat::Int32) => Some("int32"),
                    VariantOrUnknownOrEmpty::Item(IntegerFormat::Int64) => Some("int64"),
                    VariantOrUnknownOrEmpty::Unknown(format) => Some(format.as_str()),
                    VariantOrUnknownOrEmpty::Empty => None,
                },
                values,
            }
        }
        SchemaKind::Type(Type::Number(number)) => Shape::Number(match &number.format {
            VariantOrUnknownOrEmpty::Item(NumberFormat::Float) => Some("float"),
            VariantOrUnknownOrEmpty::Item(NumberFormat::Double) => Some("double"),
            VariantOrUnknownOrEmpty::Unknown(format) => Some(format.as_str()),
            VariantOrUnknownOrEmpty::Empty => None,
        }),
        SchemaKind::Type(Type::Boolean(_)) => Shape::Boolean,
        SchemaKind::AllOf { all_of } => Shape::AllOf {
            members: all_of,
            own: None,
        },
        SchemaKind::OneOf { one_of } => Shape::OneOf(one_of, "oneOf"),
        SchemaKind::AnyOf { any_of } => Shape::OneOf(any_of, "anyOf"),
        SchemaKind::Not { .. } => Shape::Not,
        SchemaKind::Any(any) => any_shape(any),
    }
}

/// The shape of a schema the typed model could not place (mixed or missing keywords).
fn any_shape(any: &openapiv3::AnySchema) -> Shape<'_> {
    let has_object_keywords = !any.properties.is_empty() || any.additional_properties.is_some();
    let enum_kind = EnumKind::of(&any.enumeration);
    match any.typ.as_deref() {
        _ if !any.all_of.is_empty() => Shape::AllOf {
            members: &any.all_of,
            own: (has_object_keywords || !any.required.is_empty()).then_some(Own {
                properties: &any.properties,
                required: &any.required,
                additional: any.additional_properties.as_ref(),
            }),
        },
        _ if !any.one_of.is_empty() => Shape::OneOf(&any.one_of, "oneOf"),
        _ if !any.any_of.is_empty() => Shape::OneOf(&any.any_of, "anyOf"),
        Some("null") => Shape::Null,
        Some("object") | None if has_object_keywords => Shape::Object {
            properties: &any.properties,
            required: &any.required,
            additional: any.additional_properties.as_ref(),
        },
        Some("object") => Shape::Object {
            properties: &any.properties,
            required: &any.required,
            additional: None,
        },
        Some("array") => Shape::Array(any.items.as_ref()),
        None if any.items.is_some() => Shape::Array(any.items.as_ref()),
        Some("string") if matches!(enum_kind, EnumKind::None | EnumKind::Strings) => {
            Shape::String {
                format: any.format.as_deref(),
                values: string_values(&any.enumeration),
            }
        }
        Some("integer") if matches!(enum_kind, EnumKind::None | EnumKind::Integers) => {
            Shape::Integer {
                format: any.format.as_deref(),
                values: any.enumeration.iter().filter_map(Value::as_i64).collect(),
            }
        }
        Some("number") if matches!(enum_kind, EnumKind::None | EnumKind::Numbers) => {
            Shape::Number(any.format.as_deref())
        }
        Some("boolean") if matches!(enum_kind, EnumKind::None | EnumKind::Booleans) => {
            Shape::Boolean
        }
        None => match enum_kind {
            EnumKind::None => Shape::Any,
            EnumKind::Strings => Shape::String {
                format: any.format.as_deref(),
                values: string_values(&any.enumeration),
            },
            EnumKind::Integers => Shape::Integer {
                format: any.format.as_deref(),
                values: any.enumeration.iter().filter_map(Value::as_i64).collect(),
            },
            EnumKind::Numbers => Shape::Number(any.format.as_deref()),
            EnumKind::Booleans => Shape::Boolean,
            EnumKind::OnlyNull => Shape::Null,
            EnumKind::Mixed => Shape::MixedEnum,
        },
        Some(_) if enum_kind == EnumKind::OnlyNull => Shape::Null,
        Some(_) if !any.enumeration.is_empty() => Shape::MixedEnum,
        _ => Shape::Any,
    }
}

/// What an untyped `enum` lists (`null` aside).
#[derive(Clone, Copy, PartialEq, Eq)]
enum EnumKind {
    None,
    Strings,
    Integers,
    Numbers,
    Booleans,
    OnlyNull,
    Mixed,
}

impl EnumKind {
    fn of(values: &[Value]) -> EnumKind {
        if values.is_empty() {
            return EnumKind::None;
        }
        let listed: Vec<&Value> = values.iter().filter(|v| !v.is_null()).collect();
        if listed.is_empty() {
            EnumKind::OnlyNull
        } else if listed.iter().all(|v| v.is_string()) {
            EnumKind::Strings
        } else if listed.iter().all(|v| v.is_i64()) {
            EnumKind::Integers
        } else if listed.iter().all(|v| v.is_number()) {
            EnumKind::Numbers
        } else if listed.iter().all(|v| v.is_boolean()) {
            EnumKind::Booleans
        } else {
            EnumKind::Mixed
        }
    }
}

fn string_values(values: &[Value]) -> Vec<String> {
    values
        .iter()
        .filter_map(|value| value.as_str().map(str::to_owned))
        .collect()
}

/// Whether a schema admits `null`: `nullable`, `null` among its `enum` values, or a `null`
/// member of its `oneOf`/`anyOf`.
fn is_nullable(schema: &Schema) -> bool {
    if schema.schema_data.nullable {
        return true;
    }
    let null_in_enum = match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) => s.enumeration.iter().any(Option::is_none),
        SchemaKind::Type(Type::Integer(i)) => i.enumeration.iter().any(Option::is_none),
        SchemaKind::Type(Type::Number(n)) => n.enumeration.iter().any(Option::is_none),
        SchemaKind::Type(Type::Boolean(b)) => b.enumeration.iter().any(Option::is_none),
        SchemaKind::Any(any) => any.enumeration.iter().any(Value::is_null),
        _ => false,
    };
    null_in_enum
        || matches!(shape(schema), Shape::OneOf(members, _) if members.iter().any(is_null_member))
}

/// A `oneOf`/`anyOf` member that allows only `null`.
fn is_null_member(member: &ReferenceOr<Schema>) -> bool {
    matches!(member, ReferenceOr::Item(schema) if matches!(shape(schema), Shape::Null))
}

/// `additionalProperties`, as a struct or map needs it.
#[derive(Clone)]
enum Additional<'s> {
    /// Not said: extra properties are dropped.
    Unsaid,
    /// `false`.
    Forbidden,
    /// `true` or `{}`: any values.
    Any,
    /// Values of this schema.
    Schema(SchemaRef<'s>, Pointer),
}

impl<'s> Additional<'s> {
    fn of(additional: Option<&'s AdditionalProperties>, pointer: &Pointer) -> Self {
        match additional {
            None => Additional::Unsaid,
            Some(AdditionalProperties::Any(false)) => Additional::Forbidden,
            Some(AdditionalProperties::Any(true)) => Additional::Any,
            Some(AdditionalProperties::Schema(schema)) => {
                let schema: &'s ReferenceOr<Schema> = schema;
                let schema = SchemaRef::from(schema);
                if is_unconstrained(schema) {
                    Additional::Any
                } else {
                    Additional::Schema(schema, pointer.push("additionalProperties"))
                }
            }
        }
    }
}

/// The properties of an object, possibly merged from `allOf` members, with their pointers.
struct ObjectParts<'s> {
    properties: IndexMap<String, (SchemaRef<'s>, Pointer)>,
    required: Vec<String>,
    additional: Additional<'s>,
}

impl Default for ObjectParts<'_> {
    fn default() -> Self {
        ObjectParts {
            properties: IndexMap::new(),
            required: Vec::new(),
            additional: Additional::Unsaid,
        }
    }
}

/// How deep `$ref` chains and `allOf` nesting may go before the spec is declared cyclic.
const MAX_DEPTH: usize = 64;

impl<'a> Lowerer<'a> {
    /// Follows `$ref`s to the schema itself; `None` (with an error recorded) when one dangles.
    pub(crate) fn resolve(
        &mut self,
        schema: SchemaRef<'a>,
        pointer: &Pointer,
    ) -> Option<(&'a Schema, Pointer)> {
        let mut current = schema;
        let mut at = pointer.clone();
        for _ in 0..MAX_DEPTH {
            match current {
                SchemaRef::Inline(schema) => return Some((schema, at)),
                SchemaRef::Ref(reference) => {
                    let (name, target) = self.component_schema(reference, &at)?;
                    at = Pointer::root()
                        .push("components")
                        .push("schemas")
                        .push(name);
                    current = target.into();
                }
            }
        }
        self.error(pointer, "`$ref` chain does not end (a reference cycle)");
        None
    }

    /// Like [`Lowerer::resolve`], without reporting anything: for looking ahead at a schema
    /// that is lowered (and reported on) elsewhere.
    fn peek(&self, schema: SchemaRef<'a>) -> Option<&'a Schema> {
        let mut current = schema;
        for _ in 0..MAX_DEPTH {
            match current {
                SchemaRef::Inline(schema) => return Some(schema),
                SchemaRef::Ref(reference) => {
                    let name = reference.strip_prefix("#/components/schemas/")?;
                    let components = self.doc.components.as_ref()?;
                    current = components.schemas.get(&unescape(name))?.into();
                }
            }
        }
        None
    }

    /// The component schema a `$ref` names.
    fn component_schema(
        &mut self,
        reference: &str,
        at: &Pointer,
    ) -> Option<(&'a str, &'a ReferenceOr<Schema>)> {
        let name = reference.strip_prefix("#/components/schemas/");
        let found = name.and_then(|name| {
            let components = self.doc.components.as_ref()?;
            components.schemas.get_key_value(&unescape(name))
        });
        match found {
            Some((name, schema)) => Some((name.as_str(), schema)),
            None => {
                let diagnostic = if name.is_some() {
                    Diagnostic::error(self.file, Some(at), format!("dangling $ref `{reference}`"))
                        .note("no such schema under #/components/schemas")
                } else {
                    Diagnostic::error(
                        self.file,
                        Some(at),
                        format!("unsupported $ref `{reference}`"),
                    )
                    .note("schema references must point into #/components/schemas of the same file")
                };
                self.diagnostics.push(diagnostic);
                None
            }
        }
    }

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
                let Some((name, target)) = self.component_schema(reference, pointer) else {
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
                // Inline schemas nest only as deep as the document, but `allOf` merges copy the
                // fields of referenced schemas, and those can lead back to themselves.
                if self.inline_depth > MAX_DEPTH {
                    self.warning(
                        pointer,
                        "inline schemas nest too deeply (a recursive allOf?); falls back to serde_json::Value",
                    );
                    return TypeRef::Json;
                }
                self.inline_depth += 1;
                let ty = match self.named_kind(schema, pointer, hint) {
                    Some(kind) => {
                        let docs = self.schema_docs(schema);
                        TypeRef::Named(self.add_type(hint, pointer.clone(), 1, docs, kind))
                    }
                    None => self.plain_type(schema, pointer, hint, bytes),
                };
                self.inline_depth -= 1;
                wrap_nullable(ty, is_nullable(schema))
            }
        }
    }

    /// Lowers a component schema into the type registered for it.
    pub(crate) fn lower_component(
        &mut self,
        id: TypeId,
        schema: &'a ReferenceOr<Schema>,
        pointer: &Pointer,
    ) {
        let name = self.types[id.0].wanted.clone();
        let (kind, docs) = match schema {
            ReferenceOr::Reference { .. } => (
                TypeKind::Alias(self.type_of(schema.into(), pointer, &name)),
                Vec::new(),
            ),
            ReferenceOr::Item(schema) => {
                let kind = match self.named_kind(schema, pointer, &name) {
                    Some(kind) => kind,
                    None => TypeKind::Alias(self.plain_type(schema, pointer, &name, false)),
                };
                (kind, self.schema_docs(schema))
            }
        };
        let pending = &mut self.types[id.0];
        pending.kind = Some(kind);
        pending.docs = docs;
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
            Shape::AllOf { members, own } => {
                // One member with only annotations (or `required`) beside it is that member.
                let adds_properties =
                    own.is_some_and(|own| !own.properties.is_empty() || own.additional.is_some());
                // Members that only annotate (`{description: ...}`) add nothing: `allOf` of a
                // `$ref` and a description is that reference, not a copy of its fields (copying
                // would never end for recursive schemas).
                let typed = members
                    .iter()
                    .filter(|m| !is_unconstrained((*m).into()))
                    .count();
                if typed < 2 && !adds_properties {
                    return None;
                }
                let mut parts = ObjectParts::default();
                let mut collected = BTreeSet::new();
                let all_objects = members.iter().enumerate().all(|(index, member)| {
                    self.collect_object(
                        member.into(),
                        &pointer.push("allOf").push(index),
                        &mut parts,
                        &mut collected,
                        0,
                    )
                });
                if !all_objects {
                    return None;
                }
                if let Some(own) = own {
                    self.merge_properties(&parts, own.properties, pointer);
                    add_properties(&mut parts, own.properties, own.required, pointer);
                    if own.additional.is_some() {
                        parts.additional = Additional::of(own.additional, pointer);
                    }
                }
                if parts.properties.is_empty() {
                    None
                } else {
                    Some(TypeKind::Struct(self.struct_def(name, parts)))
                }
            }
            Shape::OneOf(members, keyword) => {
                self.union_kind(schema, members, keyword, pointer, name)
            }
            _ => None,
        }
    }

    /// Adds the properties of an `allOf` member to `parts`; `false` if it is not an object.
    ///
    /// `collected` holds the schemas already added to `parts`: one reached again through
    /// another member (a diamond of `allOf`s) adds nothing new, and following it again would
    /// make the work grow exponentially with the depth.
    fn collect_object(
        &mut self,
        schema: SchemaRef<'a>,
        pointer: &Pointer,
        parts: &mut ObjectParts<'a>,
        collected: &mut BTreeSet<Pointer>,
        depth: usize,
    ) -> bool {
        if depth > MAX_DEPTH {
            self.error(pointer, "allOf nests too deeply (a reference cycle?)");
            return false;
        }
        let Some((schema, at)) = self.resolve(schema, pointer) else {
            return false;
        };
        if !collected.insert(at.clone()) {
            return true;
        }
        match shape(schema) {
            Shape::Object {
                properties,
                required,
                additional,
            } => {
                self.merge_properties(parts, properties, &at);
                add_properties(parts, properties, required, &at);
                let additional = Additional::of(additional, &at);
                if !matches!(additional, Additional::Unsaid) {
                    parts.additional = additional;
                }
                true
            }
            Shape::AllOf { members, own } => {
                let members_ok = members.iter().enumerate().all(|(index, member)| {
                    self.collect_object(
                        member.into(),
                        &at.push("allOf").push(index),
                        parts,
                        collected,
                        depth + 1,
                    )
                });
                if let (true, Some(own)) = (members_ok, own) {
                    self.merge_properties(parts, own.properties, &at);
                    add_properties(parts, own.properties, own.required, &at);
                }
                members_ok
            }
            Shape::Any => true,
            _ => false,
        }
    }

    /// Reports properties that `allOf` members define differently (the later one is used).
    fn merge_properties(
        &mut self,
        parts: &ObjectParts<'a>,
        properties: &'a IndexMap<String, ReferenceOr<Box<Schema>>>,
        at: &Pointer,
    ) {
        for (name, new) in properties {
            let Some((old, previous_at)) = parts.properties.get(name) else {
                continue;
            };
            // allOf means every member holds: an empty schema adds nothing.
            if is_unconstrained(new.into()) {
                continue;
            }
            if !is_unconstrained(*old) && !same_schema(*old, new.into()) {
                let diagnostic = Diagnostic::warning(
                    self.file,
                    &at.push("properties").push(name),
                    format!("allOf members disagree on property `{name}`; the later one is used"),
                )
                .note(format!("the earlier one is at {previous_at}"));
                self.diagnostics.push(diagnostic);
            }
        }
    }

    /// A union over the members of a `oneOf`/`anyOf`; `None` when fewer than two members
    /// are left once `null` is taken out (the schema is then that member, or anything).
    fn union_kind(
        &mut self,
        schema: &'a Schema,
        members: &'a [ReferenceOr<Schema>],
        keyword: &'static str,
        pointer: &Pointer,
        name: &str,
    ) -> Option<TypeKind> {
        let members: Vec<(usize, &'a ReferenceOr<Schema>)> = members
            .iter()
            .enumerate()
            .filter(|(_, member)| !is_null_member(member))
            .collect();
        if members.len() < 2 {
            return None;
        }
        if let Some(values) = self.string_enum_members(&members) {
            let names = Vec::new();
            return Some(TypeKind::Enum(enum_def(
                EnumRepr::String,
                &values,
                &names,
                None,
            )));
        }
        let at = pointer.push(keyword);
        let discriminator = schema.schema_data.discriminator.as_ref();
        let tagged = match discriminator {
            Some(_)
                if members
                    .iter()
                    .all(|(_, m)| matches!(m, ReferenceOr::Reference { .. })) =>
            {
                discriminator
            }
            Some(_) => {
                self.warning(
                    &pointer.push("discriminator"),
                    format!("a discriminator needs every {keyword} member to be a $ref; the union is decoded untagged, trying members in order"),
                );
                None
            }
            None => None,
        };

        let mut scope = Scope::new(Case::Pascal);
        for (_, member) in &members {
            let wanted = self.member_name(member);
            scope.add(&wanted);
        }
        let unknown = tagged.map(|_| scope.add_wanted("", "Unknown".to_owned()));
        let mut idents = scope.settle();
        let unknown_ident = unknown.map(|index| idents.remove(index));

        let tags = match tagged {
            Some(discriminator) => self.discriminator_tags(discriminator, &members, pointer),
            None => vec![Vec::new(); members.len()],
        };
        let mut variants = Vec::with_capacity(members.len());
        for (((index, member), ident), tags) in members.iter().zip(idents).zip(tags) {
            let member_at = at.push(*index);
            let ty = self.type_of((*member).into(), &member_at, &format!("{name}{ident}"));
            let mut docs = Vec::new();
            if let (ReferenceOr::Item(member), false) = (member, matches!(ty, TypeRef::Named(_))) {
                // The title, if any, is the variant's name already.
                docs = self.docs_of(member, false);
            }
            let insert_tag = match tagged {
                Some(discriminator) => {
                    !self.declares_property((*member).into(), &discriminator.property_name, 0)
                }
                None => false,
            };
            if let Some(discriminator) = tagged {
                let values: Vec<String> = tags.iter().map(|tag| code_span(tag)).collect();
                if !docs.is_empty() {
                    docs.push(String::new());
                }
                docs.push(format!(
                    "{} is {}.",
                    code_span(&discriminator.property_name),
                    values.join(" or ")
                ));
            }
            variants.push(UnionVariant {
                ident,
                ty,
                tags,
                insert_tag,
                from_impl: false,
                docs,
            });
        }
        for index in 0..variants.len() {
            let ty = &variants[index].ty;
            variants[index].from_impl = variants.iter().filter(|v| &v.ty == ty).count() == 1;
        }
        let tagging = match (tagged, unknown_ident) {
            (Some(discriminator), Some(unknown_ident)) => Tagging::Discriminator {
                property: discriminator.property_name.clone(),
                unknown_ident,
            },
            _ => Tagging::Untagged,
        };
        Some(TypeKind::Union(UnionDef {
            variants,
            tagging,
            large_variants: false,
        }))
    }

    /// The values of a union whose members are all inline string enums: one enum of them all.
    fn string_enum_members(
        &self,
        members: &[(usize, &'a ReferenceOr<Schema>)],
    ) -> Option<Vec<String>> {
        let mut values: Vec<String> = Vec::new();
        for (_, member) in members {
            let ReferenceOr::Item(member) = member else {
                return None;
            };
            match shape(member) {
                Shape::String {
                    format: None,
                    values: listed,
                } if !listed.is_empty() => {
                    for value in listed {
                        if !values.contains(&value) {
                            values.push(value);
                        }
                    }
                }
                _ => return None,
            }
        }
        Some(values)
    }

    /// The name a union member's variant wants: the schema name of a `$ref`, else the
    /// member's title, else its kind.
    fn member_name(&self, member: &ReferenceOr<Schema>) -> String {
        let schema = match member {
            ReferenceOr::Reference { reference } => {
                return match reference.strip_prefix("#/components/schemas/") {
                    Some(name) => unescape(name),
                    None => "Variant".to_owned(),
                };
            }
            ReferenceOr::Item(schema) => schema,
        };
        if let Some(title) = &schema.schema_data.title {
            if !naming::words(title).is_empty() {
                return title.clone();
            }
        }
        match shape(schema) {
            Shape::String {
                format: Some("date-time"),
                ..
            } => "DateTime",
            Shape::String {
                format: Some("date"),
                ..
            } => "Date",
            Shape::String {
                format: Some("uuid"),
                ..
            } => "Uuid",
            Shape::String { .. } => "String",
            Shape::Integer { .. } => "Integer",
            Shape::Number(_) => "Number",
            Shape::Boolean => "Boolean",
            Shape::Array(_) => "Array",
            Shape::Object { properties, .. } if properties.is_empty() => "Map",
            Shape::Object { .. } | Shape::AllOf { .. } => "Object",
            Shape::OneOf(..) => "Union",
            Shape::MixedEnum | Shape::Null | Shape::Not | Shape::Any => "Value",
        }
        .to_owned()
    }

    /// The tags of each member of a discriminated union: the `mapping` keys that name it, in
    /// mapping order, else its schema name (the implicit mapping).
    fn discriminator_tags(
        &mut self,
        discriminator: &'a openapiv3::Discriminator,
        members: &[(usize, &'a ReferenceOr<Schema>)],
        pointer: &Pointer,
    ) -> Vec<Vec<String>> {
        let schema_name = |member: &ReferenceOr<Schema>| match member {
            ReferenceOr::Reference { reference } => reference
                .strip_prefix("#/components/schemas/")
                .map(unescape),
            ReferenceOr::Item(_) => None,
        };
        let names: Vec<Option<String>> = members.iter().map(|(_, m)| schema_name(m)).collect();
        let mut tags = vec![Vec::new(); members.len()];
        let mut taken: Vec<String> = Vec::new();
        for (tag, target) in &discriminator.mapping {
            let target_name = target
                .strip_prefix("#/components/schemas/")
                .map(unescape)
                .unwrap_or_else(|| target.clone());
            match names
                .iter()
                .position(|name| name.as_deref() == Some(target_name.as_str()))
            {
                Some(index) => {
                    tags[index].push(tag.clone());
                    taken.push(tag.clone());
                }
                None => self.warning(
                    &pointer.push("discriminator").push("mapping").push(tag),
                    format!("discriminator mapping `{tag}` names `{target}`, which is not a member of the union; ignored"),
                ),
            }
        }
        for (member_tags, name) in tags.iter_mut().zip(&names) {
            if let (true, Some(name)) = (member_tags.is_empty(), name) {
                if taken.contains(name) {
                    self.warning(
                        &pointer.push("discriminator"),
                        format!("the implicit discriminator value `{name}` is mapped to another member; that mapping wins"),
                    );
                } else {
                    member_tags.push(name.clone());
                    taken.push(name.clone());
                }
            }
        }
        tags
    }

    /// Whether an object schema declares `property` (so a union's variant carries its own
    /// tag). Non-objects count as declaring it: there is nowhere to add a tag.
    fn declares_property(&self, schema: SchemaRef<'a>, property: &str, depth: usize) -> bool {
        let Some(schema) = self.peek(schema) else {
            return true;
        };
        if depth > MAX_DEPTH {
            return true;
        }
        match shape(schema) {
            Shape::Object { properties, .. } => properties.contains_key(property),
            Shape::AllOf { members, own } => {
                own.is_some_and(|own| own.properties.contains_key(property))
                    || members
                        .iter()
                        .any(|member| self.declares_property(member.into(), property, depth + 1))
            }
            _ => true,
        }
    }

    /// A struct from (merged) object properties; fields in spec order, then the map of
    /// undeclared properties when `additionalProperties` allows them.
    fn struct_def(&mut self, owner: &str, parts: ObjectParts<'a>) -> StructDef {
        let mut scope = Scope::new(Case::Snake);
        let mut fields = Vec::with_capacity(parts.properties.len() + 1);
        for (wire_name, (schema, pointer)) in &parts.properties {
            scope.add(wire_name);
            let hint = format!("{owner}{}", naming::pascal(wire_name));
            let ty = self.type_in(*schema, pointer, &hint, true);
            let (docs, format, read_only, write_only) = match schema {
                SchemaRef::Inline(schema) => (
                    self.schema_docs(schema),
                    schema_format(schema),
                    schema.schema_data.read_only,
                    schema.schema_data.write_only,
                ),
                SchemaRef::Ref(_) => (Vec::new(), None, false, false),
            };
            // A required read-only property cannot be sent, a write-only one is never
            // returned: either way, one direction would be impossible if it were required.
            let required = parts.required.contains(wire_name) && !read_only && !write_only;
            let (ty, codec) = field_type(ty, required);
            let default = self.field_default(*schema, &ty, required);
            fields.push(Field {
                ident: String::new(),
                wire_name: wire_name.clone(),
                ty,
                rename: false,
                skip_if_none: !required,
                docs,
                secret: naming::is_secret(wire_name, format),
                codec,
                flatten: false,
                default,
            });
        }
        let additional = match &parts.additional {
            Additional::Any => Some(TypeRef::Json),
            Additional::Schema(schema, pointer) => {
                Some(self.type_of(*schema, pointer, &format!("{owner}Value")))
            }
            Additional::Unsaid | Additional::Forbidden => None,
        };
        if let Some(value) = additional {
            scope.add_wanted("", "additional_properties".to_owned());
            fields.push(Field {
                ident: String::new(),
                wire_name: String::new(),
                ty: TypeRef::Map(Box::new(value)),
                rename: false,
                skip_if_none: false,
                docs: vec![
                    "The properties the schema does not name (`additionalProperties`).".to_owned(),
                ],
                secret: false,
                codec: FieldCodec::Plain,
                flatten: true,
                default: Some(DefaultValue::TypeDefault),
            });
        }
        for (field, ident) in fields.iter_mut().zip(scope.settle()) {
            if field.flatten {
                field.wire_name = ident.clone();
            }
            field.rename = !field.flatten && ident != field.wire_name;
            field.ident = ident;
        }
        let derive_default = fields
            .iter()
            .all(|field| field.default.as_ref().is_some_and(is_type_default));
        let impl_default = !derive_default && fields.iter().all(|field| field.default.is_some());
        StructDef {
            redacted_debug: fields.iter().any(|field| field.secret),
            derive_default,
            impl_default,
            fields,
        }
    }

    /// A field's value in `Default`: `None` when optional, else its spec default if the
    /// field's type can spell it.
    fn field_default(
        &self,
        schema: SchemaRef<'a>,
        ty: &TypeRef,
        required: bool,
    ) -> Option<DefaultValue> {
        if !required {
            return Some(DefaultValue::None);
        }
        let resolved = self.peek(schema)?;
        let default = match schema {
            SchemaRef::Inline(schema) => schema.schema_data.default.as_ref(),
            SchemaRef::Ref(_) => resolved.schema_data.default.as_ref(),
        }?;
        Some(match (ty, default) {
            (TypeRef::Option(_), Value::Null) => DefaultValue::None,
            (TypeRef::Bool, Value::Bool(value)) => DefaultValue::Bool(*value),
            (TypeRef::I32, Value::Number(n))
                if n.as_i64().is_some_and(|n| i32::try_from(n).is_ok()) =>
            {
                integer_default(n)
            }
            (TypeRef::I64, Value::Number(n)) if n.is_i64() => integer_default(n),
            (TypeRef::U32, Value::Number(n))
                if n.as_u64().is_some_and(|n| u32::try_from(n).is_ok()) =>
            {
                integer_default(n)
            }
            (TypeRef::U64, Value::Number(n)) if n.is_u64() => integer_default(n),
            (TypeRef::F32 | TypeRef::F64, Value::Number(n)) => {
                DefaultValue::Number(format!("{:?}", n.as_f64()?))
            }
            (TypeRef::String, Value::String(text)) => DefaultValue::Str(text.clone()),
            (TypeRef::Vec(_), Value::Array(items)) if items.is_empty() => DefaultValue::TypeDefault,
            (TypeRef::Named(_), value) => {
                let def = enum_of(resolved)?;
                let wire = match value {
                    Value::String(text) => text.clone(),
                    Value::Number(n) if n.is_i64() => n.to_string(),
                    _ => return None,
                };
                let variant = def.variants.iter().find(|v| v.wire_name == wire)?;
                DefaultValue::Variant(variant.ident.clone())
            }
            _ => return None,
        })
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
                Additional::Any => TypeRef::Map(Box::new(TypeRef::Json)),
                Additional::Unsaid | Additional::Forbidden => TypeRef::Json,
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
            Shape::Null | Shape::Any => TypeRef::Json,
        }
    }

    /// Doc lines for a schema: title, description, then one paragraph of notes: default,
    /// allowed values, format, constraints, read/write-only, deprecation.
    pub(crate) fn schema_docs(&self, schema: &Schema) -> Vec<String> {
        self.docs_of(schema, true)
    }

    /// [`Lowerer::schema_docs`], with or without the title.
    fn docs_of(&self, schema: &Schema, title: bool) -> Vec<String> {
        let data = &schema.schema_data;
        let title = if title { data.title.as_ref() } else { None };
        let mut docs = Vec::new();
        for text in [title, data.description.as_ref()].into_iter().flatten() {
            if !docs.is_empty() {
                docs.push(String::new());
            }
            docs.extend(doc_lines(text));
        }
        let mut notes = Vec::new();
        match &data.default {
            Some(Value::String(default)) => {
                notes.push(format!("Defaults to {}.", code_span(default)));
            }
            Some(default) => {
                notes.push(format!("Defaults to {}.", code_span(&default.to_string())))
            }
            None => {}
        }
        notes.extend(value_notes(schema));
        notes.extend(format_note(schema));
        notes.extend(constraint_notes(schema));
        if data.read_only {
            notes.push("Read-only: set by the server, and left out of requests.".to_owned());
        }
        if data.write_only {
            notes.push("Write-only: sent in requests, never returned.".to_owned());
        }
        if data.deprecated {
            notes.push("Deprecated.".to_owned());
        }
        if !notes.is_empty() {
            if !docs.is_empty() {
                docs.push(String::new());
            }
            docs.push(notes.join(" "));
        }
        docs
    }
}

/// A field's type and serde helper from its schema's type (`Option` when nullable) and
/// whether it is required. See the module docs for the four cases.
fn field_type(ty: TypeRef, required: bool) -> (TypeRef, FieldCodec) {
    let base64 = ty.holds_base64();
    match (required, ty) {
        (true, TypeRef::Option(inner)) => {
            let codec = if base64 {
                FieldCodec::Base64
            } else {
                FieldCodec::RequiredNullable
            };
            (TypeRef::Option(inner), codec)
        }
        (true, ty) => {
            let codec = if base64 {
                FieldCodec::Base64
            } else {
                FieldCodec::Plain
            };
            (ty, codec)
        }
        // A JSON value holds `null` itself: `Some(Value::Null)` is a present null.
        (false, TypeRef::Option(inner)) if *inner == TypeRef::Json => {
            (TypeRef::Option(inner), FieldCodec::DoubleOption)
        }
        (false, TypeRef::Option(inner)) => {
            let codec = if base64 {
                FieldCodec::Base64DoubleOption
            } else {
                FieldCodec::DoubleOption
            };
            (TypeRef::Option(Box::new(TypeRef::Option(inner))), codec)
        }
        (false, ty) => {
            let codec = if base64 {
                FieldCodec::Base64
            } else {
                FieldCodec::Plain
            };
            (TypeRef::Option(Box::new(ty)), codec)
        }
    }
}

fn integer_default(n: &serde_json::Number) -> DefaultValue {
    DefaultValue::Number(n.to_string())
}

/// Whether a default is what the type's own `Default` gives, so that deriving it is the same.
fn is_type_default(value: &DefaultValue) -> bool {
    match value {
        DefaultValue::None | DefaultValue::TypeDefault => true,
        DefaultValue::Bool(value) => !value,
        DefaultValue::Number(text) => text
            .trim_start_matches('-')
            .trim_matches(['0', '.'])
            .is_empty(),
        DefaultValue::Str(text) => text.is_empty(),
        DefaultValue::Variant(_) => false,
    }
}

fn add_properties<'s>(
    parts: &mut ObjectParts<'s>,
    properties: &'s IndexMap<String, ReferenceOr<Box<Schema>>>,
    required: &'s [String],
    pointer: &Pointer,
) {
    let at = pointer.push("properties");
    for (name, schema) in properties {
        let schema = SchemaRef::from(schema);
        if is_unconstrained(schema) && parts.properties.contains_key(name) {
            continue;
        }
        parts
            .properties
            .insert(name.clone(), (schema, at.push(name)));
    }
    for name in required {
        if !parts.required.contains(name) {
            parts.required.push(name.clone());
        }
    }
}

/// `{}` (perhaps with a description): a schema that allows anything.
fn is_unconstrained(schema: SchemaRef<'_>) -> bool {
    match schema {
        SchemaRef::Ref(_) => false,
        SchemaRef::Inline(schema) => {
            matches!(&schema.schema_kind, SchemaKind::Any(any) if *any == openapiv3::AnySchema::default())
        }
    }
}

fn same_schema(a: SchemaRef<'_>, b: SchemaRef<'_>) -> bool {
    match (a, b) {
        (SchemaRef::Ref(a), SchemaRef::Ref(b)) => a == b,
        (SchemaRef::Inline(a), SchemaRef::Inline(b)) => a == b,
        _ => false,
    }
}

/// The enum a string or integer schema with listed values is; variant names may come from
/// `x-enum-varnames` (or `x-enumNames`) when it names every value.
/// The values in order, each kept the first time its `key` is seen (in n log n: an enum may have
/// a hundred thousand values).
fn first_of_each<T, K: Ord>(values: impl IntoIterator<Item = T>, key: impl Fn(&T) -> K) -> Vec<T> {
    let mut seen = BTreeSet::new();
    values
        .into_iter()
        .filter(|value| seen.insert(key(value)))
        .collect()
}

fn enum_of(schema: &Schema) -> Option<EnumDef> {
    let names: Vec<String> = ["x-enum-varnames", "x-enumNames"]
        .iter()
        .find_map(|key| schema.schema_data.extensions.get(*key))
        .and_then(Value::as_array)
        .map(|names| {
            names
                .iter()
                .filter_map(|n| n.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    let default = schema.schema_data.default.as_ref();
    match shape(schema) {
        Shape::String { values, .. } if !values.is_empty() => {
            let unique = first_of_each(values, |value| value.clone());
            Some(enum_def(
                EnumRepr::String,
                &unique,
                &names,
                default.and_then(Value::as_str),
            ))
        }
        Shape::Integer { values, .. } if !values.is_empty() => {
            let unique = first_of_each(values, |value| *value);
            let values: Vec<String> = unique.iter().map(i64::to_string).collect();
            let default = default.and_then(Value::as_i64).map(|n| n.to_string());
            Some(enum_def(
                EnumRepr::Integer,
                &values,
                &names,
                default.as_deref(),
            ))
        }
        Shape::MixedEnum => {
            let SchemaKind::Any(any) = &schema.schema_kind else {
                return None;
            };
            let values: Vec<String> = first_of_each(
                any.enumeration
                    .iter()
                    .filter(|v| !v.is_null())
                    .map(Value::to_string),
                |value| value.clone(),
            );
            let default = default.map(Value::to_string);
            Some(enum_def(
                EnumRepr::Mixed,
                &values,
                &names,
                default.as_deref(),
            ))
        }
        _ => None,
    }
}

fn enum_def(repr: EnumRepr, values: &[String], names: &[String], default: Option<&str>) -> EnumDef {
    let names = (names.len() == values.len()).then_some(names);
    let mut scope = Scope::new(Case::Pascal);
    for (index, value) in values.iter().enumerate() {
        match (names, repr) {
            (Some(names), _) if !naming::words(&names[index]).is_empty() => {
                scope.add(&names[index]);
            }
            (_, EnumRepr::Integer) => match value.strip_prefix('-') {
                Some(magnitude) => {
                    scope.add_wanted(value, naming::pascal(&format!("minus {magnitude}")));
                }
                None => {
                    scope.add(value);
                }
            },
            (_, EnumRepr::String) if value.chars().any(char::is_alphanumeric) => {
                scope.add(value);
            }
            (_, EnumRepr::String) => {
                scope.add_wanted(value, "Empty".to_owned());
            }
            // JSON text: a string keeps its words, a number reads as one (`V1`, `Minus1`).
            (_, EnumRepr::Mixed) => match value.strip_prefix('-') {
                Some(magnitude) => {
                    scope.add_wanted(value, naming::pascal(&format!("minus {magnitude}")));
                }
                None if value.chars().any(char::is_alphanumeric) => {
                    scope.add(value.trim_matches('"'));
                }
                None => {
                    scope.add_wanted(value, "Empty".to_owned());
                }
            },
        }
    }
    let unknown = scope.add_wanted("", "Unknown".to_owned());
    let mut idents = scope.settle();
    let unknown_ident = idents.remove(unknown);
    EnumDef {
        repr,
        variants: values
            .iter()
            .zip(idents)
            .map(|(wire_name, ident)| EnumVariant {
                ident,
                wire_name: wire_name.clone(),
            })
            .collect(),
        default: default.and_then(|default| values.iter().position(|value| value == default)),
        unknown_ident,
    }
}

fn schema_format(schema: &Schema) -> Option<&str> {
    match shape(schema) {
        Shape::String { format, .. } | Shape::Integer { format, .. } | Shape::Number(format) => {
            format
        }
        _ => None,
    }
}

/// The allowed values of a schema whose type does not list them (numbers, booleans).
fn value_notes(schema: &Schema) -> Option<String> {
    let values: Vec<String> = match &schema.schema_kind {
        SchemaKind::Type(Type::Number(n)) => n
            .enumeration
            .iter()
            .flatten()
            .map(|v| number_text(*v))
            .collect(),
        SchemaKind::Type(Type::Boolean(b)) => b
            .enumeration
            .iter()
            .flatten()
            .map(bool::to_string)
            .collect(),
        SchemaKind::Any(any)
            if !matches!(any_shape(any), Shape::String { .. } | Shape::Integer { .. }) =>
        {
            any.enumeration.iter().map(Value::to_string).collect()
        }
        _ => Vec::new(),
    };
    if values.is_empty() {
        return None;
    }
    // A doc line is for reading: a long list is cut short (the type has every value).
    const LISTED: usize = 30;
    let mut quoted: Vec<String> = values.iter().take(LISTED).map(|v| code_span(v)).collect();
    if values.len() > LISTED {
        quoted.push(format!("and {} more", values.len() - LISTED));
    }
    Some(format!("One of {}.", quoted.join(", ")))
}

/// What a format means when the Rust type does not say it.
fn format_note(schema: &Schema) -> Option<String> {
    let (string, format) = match shape(schema) {
        Shape::String { format, .. } => (true, format?),
        Shape::Integer { format, .. } | Shape::Number(format) => (false, format?),
        _ => return None,
    };
    let note = match (string, format) {
        (true, "date-time" | "date" | "uuid" | "password") => return None,
        (true, "byte") => "Bytes, base64-encoded on the wire (`format: byte`).".to_owned(),
        (true, "binary") => "Binary data (`format: binary`).".to_owned(),
        (true, "decimal" | "number" | "double" | "float" | "bigdecimal") => format!(
            "A decimal number written as a string (`format: {format}`), so that no precision is lost."
        ),
        (true, "int32" | "int64" | "uint32" | "uint64" | "integer" | "bigint") => {
            format!("An integer written as a string (`format: {format}`).")
        }
        (false, "int32" | "int64" | "uint32" | "uint64" | "float" | "double") => return None,
        (false, "decimal") => {
            "A decimal number (`format: decimal`); as `f64` it may be rounded.".to_owned()
        }
        (_, format) => format!("Format: {}.", code_span(format)),
    };
    Some(note)
}

/// Constraints as sentences: bounds, multiples, lengths, patterns, item and property counts.
fn constraint_notes(schema: &Schema) -> Vec<String> {
    let mut notes = Vec::new();
    let mut bounds = |minimum: Option<f64>,
                      exclusive_minimum: bool,
                      maximum: Option<f64>,
                      exclusive_maximum: bool,
                      multiple_of: Option<f64>| {
        if let Some(min) = minimum {
            let word = if exclusive_minimum {
                "Greater than"
            } else {
                "At least"
            };
            notes.push(format!("{word} {}.", number_text(min)));
        }
        if let Some(max) = maximum {
            let word = if exclusive_maximum {
                "Less than"
            } else {
                "At most"
            };
            notes.push(format!("{word} {}.", number_text(max)));
        }
        if let Some(step) = multiple_of {
            notes.push(format!("A multiple of {}.", number_text(step)));
        }
    };
    let (mut length, mut items, mut properties) = (None, None, None);
    match &schema.schema_kind {
        SchemaKind::Type(Type::Integer(i)) => bounds(
            i.minimum.map(|v| v as f64),
            i.exclusive_minimum,
            i.maximum.map(|v| v as f64),
            i.exclusive_maximum,
            i.multiple_of.map(|v| v as f64),
        ),
        SchemaKind::Type(Type::Number(n)) => bounds(
            n.minimum,
            n.exclusive_minimum,
            n.maximum,
            n.exclusive_maximum,
            n.multiple_of,
        ),
        SchemaKind::Type(Type::String(s)) => {
            length = Some((s.min_length, s.max_length, s.pattern.as_deref()));
        }
        SchemaKind::Type(Type::Array(a)) => {
            items = Some((a.min_items, a.max_items, a.unique_items))
        }
        SchemaKind::Type(Type::Object(o)) => {
            properties = Some((o.min_properties, o.max_properties))
        }
        SchemaKind::Any(any) => {
            bounds(
                any.minimum,
                any.exclusive_minimum.unwrap_or(false),
                any.maximum,
                any.exclusive_maximum.unwrap_or(false),
                any.multiple_of,
            );
            length = Some((any.min_length, any.max_length, any.pattern.as_deref()));
            items = Some((
                any.min_items,
                any.max_items,
                any.unique_items.unwrap_or(false),
            ));
            properties = Some((any.min_properties, any.max_properties));
        }
        _ => {}
    }
    if let Some((min, max, pattern)) = length {
        count_notes(&mut notes, min, max, "character", "characters");
        if let Some(pattern) = pattern {
            notes.push(format!("Matches {}.", code_span(pattern)));
        }
    }
    if let Some((min, max, unique)) = items {
        count_notes(&mut notes, min, max, "item", "items");
        if unique {
            notes.push("Items are unique.".to_owned());
        }
    }
    if let Some((min, max)) = properties {
        count_notes(&mut notes, min, max, "property", "properties");
    }
    if let Some(AdditionalProperties::Any(false)) = additional_properties(schema) {
        notes.push("No properties beyond those listed.".to_owned());
    }
    notes
}

/// `At least 1 item.`, `At most 3 characters.`, or `Exactly 3 characters.`
fn count_notes(
    notes: &mut Vec<String>,
    min: Option<usize>,
    max: Option<usize>,
    one: &str,
    many: &str,
) {
    let noun = |count: usize| if count == 1 { one } else { many };
    match (min, max) {
        (Some(min), Some(max)) if min == max => {
            notes.push(format!("Exactly {min} {}.", noun(min)));
        }
        _ => {
            if let Some(min) = min {
                notes.push(format!("At least {min} {}.", noun(min)));
            }
            if let Some(max) = max {
                notes.push(format!("At most {max} {}.", noun(max)));
            }
        }
    }
}

fn additional_properties(schema: &Schema) -> Option<&AdditionalProperties> {
    match &schema.schema_kind {
        SchemaKind::Type(Type::Object(object)) => object.additional_properties.as_ref(),
        SchemaKind::Any(any) => any.additional_properties.as_ref(),
        _ => None,
    }
}

/// clippy's `large_enum_variant` threshold: the size difference between variants it flags.
const LARGE_VARIANT: usize = 200;

/// Sets [`UnionDef::large_variants`] on the unions with a variant that may be
/// [`LARGE_VARIANT`] bytes or more. Runs once the types are final (boxed where recursive).
pub(super) fn mark_large_unions(types: &mut [TypeDef]) {
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
            TypeRef::Bytes => 32,
            // Never in a generated type; a generous bound all the same.
            TypeRef::Upload | TypeRef::ByteStream => 128,
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

/// A number as the spec would write it: `1`, not `1.0`.
fn number_text(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{}", value as i64)
    } else {
        format!("{value}")
    }
}

/// `Option<T>` for a field that may be absent; already-optional types stay as they are.
pub(crate) fn make_optional(ty: TypeRef) -> TypeRef {
    match ty {
        TypeRef::Option(_) => ty,
        ty => TypeRef::Option(Box::new(ty)),
    }
}

fn wrap_nullable(ty: TypeRef, nullable: bool) -> TypeRef {
    if nullable { make_optional(ty) } else { ty }
}

#[cfg(test)]
mod tests {
    use crate::Diagnostic;
    use crate::ir::{
        Api, DefaultValue, EnumRepr, Field, FieldCodec, StructDef, Tagging, TypeDef, TypeKind,
        TypeRef, UnionDef,
    };
    use crate::lower::lower;

    /// `text` without the indentation its lines share.
    fn dedent(text: &str) -> String {
        let indent = text
            .lines()
            .filter(|line| !line.trim().is_empty())
            .map(|line| line.len() - line.trim_start().len())
            .min()
            .unwrap_or(0);
        text.lines()
            .map(|line| line.get(indent..).unwrap_or(""))
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// A document with these component schemas and these paths (both YAML, any indent).
    fn document(schemas: &str, paths: &str) -> String {
        let indent = |text: &str, by: usize| {
            dedent(text)
                .lines()
                .map(|line| format!("{}{line}", " ".repeat(by)))
                .collect::<Vec<_>>()
                .join("\n")
        };
        let paths = if paths.trim().is_empty() {
            "paths: {}".to_owned()
        } else {
            format!("paths:\n{}", indent(paths, 2))
        };
        format!(
            "openapi: 3.0.3\ninfo:\n  title: t\n  version: '1'\n{paths}\ncomponents:\n  schemas:\n{}\n",
            indent(schemas, 4)
        )
    }

    fn lowered(schemas: &str, paths: &str) -> (Api, Vec<Diagnostic>) {
        let text = document(schemas, paths);
        let loaded = crate::load::load("t.yaml", text.as_bytes())
            .unwrap_or_else(|e| panic!("loads: {e:?}\n{text}"));
        lower("t.yaml", &loaded.document, &crate::Settings::new("t"))
            .unwrap_or_else(|e| panic!("lowers: {e:?}"))
    }

    fn api(schemas: &str) -> Api {
        let (api, warnings) = lowered(schemas, "");
        assert!(warnings.is_empty(), "{warnings:#?}");
        api
    }

    /// The generated file of type `name`.
    fn emitted(schemas: &str, module: &str) -> String {
        let settings = crate::Settings::new("t");
        let generated = crate::generate("t.yaml", document(schemas, "").as_bytes(), &settings)
            .expect("generates");
        let path = format!("src/types/{module}.rs");
        generated
            .files
            .into_iter()
            .find(|file| file.path == path)
            .unwrap_or_else(|| panic!("no {path}"))
            .contents
    }

    fn def<'a>(api: &'a Api, name: &str) -> &'a TypeDef {
        api.types
            .iter()
            .find(|def| def.ident == name)
            .unwrap_or_else(|| panic!("no type {name}"))
    }

    fn named(api: &Api, name: &str) -> TypeRef {
        let index = api.types.iter().position(|def| def.ident == name).unwrap();
        TypeRef::Named(crate::ir::TypeId(index))
    }

    fn struct_of<'a>(api: &'a Api, name: &str) -> &'a StructDef {
        match &def(api, name).kind {
            TypeKind::Struct(s) => s,
            other => panic!("{name} is not a struct: {other:?}"),
        }
    }

    fn union_of<'a>(api: &'a Api, name: &str) -> &'a UnionDef {
        match &def(api, name).kind {
            TypeKind::Union(u) => u,
            other => panic!("{name} is not a union: {other:?}"),
        }
    }

    fn alias_of(api: &Api, name: &str) -> Option<TypeRef> {
        match &def(api, name).kind {
            TypeKind::Alias(ty) => Some(ty.clone()),
            _ => None,
        }
    }

    fn field<'a>(api: &'a Api, owner: &str, name: &str) -> &'a Field {
        struct_of(api, owner)
            .fields
            .iter()
            .find(|f| f.ident == name)
            .unwrap_or_else(|| panic!("no field {owner}.{name}"))
    }

    fn option(ty: TypeRef) -> TypeRef {
        TypeRef::Option(Box::new(ty))
    }

    const PETS: &str = r##"
        Pet:
          oneOf:
            - $ref: "#/components/schemas/Cat"
            - $ref: "#/components/schemas/Dog"
            - $ref: "#/components/schemas/Lizard"
          discriminator:
            propertyName: petType
            mapping:
              dog: "#/components/schemas/Dog"
              cat: Cat
              doggo: "#/components/schemas/Dog"
        Cat:
          type: object
          required: [petType]
          properties:
            petType: {type: string}
        Dog:
          allOf:
            - type: object
              properties:
                petType: {type: string}
            - type: object
              properties:
                bark: {type: boolean}
        Lizard:
          type: object
          properties:
            scales: {type: integer}
    "##;

    #[test]
    fn discriminated_unions_use_the_mapping_then_schema_names() {
        let api = api(PETS);
        let pet = union_of(&api, "Pet");
        assert_eq!(
            pet.tagging,
            Tagging::Discriminator {
                property: "petType".to_owned(),
                unknown_ident: "Unknown".to_owned(),
            }
        );
        let summary: Vec<(&str, Vec<&str>, bool)> = pet
            .variants
            .iter()
            .map(|v| {
                let tags = v.tags.iter().map(String::as_str).collect();
                (v.ident.as_str(), tags, v.insert_tag)
            })
            .collect();
        assert_eq!(
            summary,
            vec![
                ("Cat", vec!["cat"], false),
                // Declared through allOf: no tag to add.
                ("Dog", vec!["dog", "doggo"], false),
                // Not in the mapping: its schema name; it does not declare the tag.
                ("Lizard", vec!["Lizard"], true),
            ]
        );
        assert_eq!(pet.variants[0].ty, named(&api, "Cat"));
        assert!(!pet.large_variants);
        assert!(
            api.dependencies.serde_json,
            "Unknown holds a serde_json::Value"
        );

        let text = emitted(PETS, "pet");
        assert!(text.contains("Unknown(::serde_json::Value)"), "{text}");
        assert!(text.contains("tagged::read("), "{text}");
        assert!(text.contains(r#""dog" | "doggo" =>"#), "{text}");
        assert!(text.contains("tagged::serialize_with_tag("), "{text}");
    }

    #[test]
    fn a_discriminator_over_inline_members_falls_back_to_untagged() {
        let (api, warnings) = lowered(
            r##"
            Either:
              oneOf:
                - $ref: "#/components/schemas/A"
                - type: object
                  properties:
                    kind: {type: string}
              discriminator:
                propertyName: kind
            A:
              type: object
              properties:
                kind: {type: string}
            "##,
            "",
        );
        assert_eq!(union_of(&api, "Either").tagging, Tagging::Untagged);
        assert_eq!(warnings.len(), 1, "{warnings:#?}");
        assert!(
            warnings[0]
                .message
                .contains("every oneOf member to be a $ref")
        );
        assert_eq!(
            warnings[0].pointer.as_deref(),
            Some("#/components/schemas/Either/discriminator")
        );
    }

    #[test]
    fn untagged_unions_keep_spec_order_and_name_variants_by_ref_or_type() {
        let api = api(r##"
            Mixed:
              anyOf:
                - $ref: "#/components/schemas/Zeta"
                - $ref: "#/components/schemas/Alpha"
                - type: string
                  format: date-time
                - type: integer
                  format: int32
                - type: string
                - type: array
                  items: {type: string}
                - type: object
                  properties:
                    x: {type: string}
            Zeta:
              type: object
              properties:
                z: {type: string}
            Alpha:
              type: object
              properties:
                a: {type: string}
            "##);
        let mixed = union_of(&api, "Mixed");
        assert_eq!(mixed.tagging, Tagging::Untagged);
        let idents: Vec<&str> = mixed.variants.iter().map(|v| v.ident.as_str()).collect();
        assert_eq!(
            idents,
            [
                "Zeta", "Alpha", "DateTime", "Integer", "String", "Array", "Object"
            ]
        );
        let types: Vec<&TypeRef> = mixed.variants.iter().map(|v| &v.ty).collect();
        assert_eq!(types[2], &TypeRef::DateTime);
        assert_eq!(types[3], &TypeRef::I32);
        assert_eq!(types[5], &TypeRef::Vec(Box::new(TypeRef::String)));
        // The inline object is named after the union and its variant.
        assert_eq!(types[6], &named(&api, "MixedObject"));
    }

    #[test]
    fn null_members_and_nullable_unions_become_options() {
        let api = api(r##"
            Holder:
              type: object
              required: [req]
              properties:
                # A null member: the union is nullable and has no variant for null.
                opt:
                  oneOf:
                    - type: string
                    - type: integer
                    - type: "null"
                # nullable: true on the union.
                req:
                  nullable: true
                  oneOf:
                    - type: string
                    - type: boolean
                # One member left once null is gone: that member, nullable.
                single:
                  anyOf:
                    - $ref: "#/components/schemas/Leaf"
                    - type: "null"
            Leaf:
              type: object
              properties:
                x: {type: string}
            "##);
        let opt = union_of(&api, "HolderOpt");
        assert_eq!(opt.variants.len(), 2);
        let f = field(&api, "Holder", "opt");
        assert_eq!(f.ty, option(option(named(&api, "HolderOpt"))));
        assert_eq!(f.codec, FieldCodec::DoubleOption);
        let f = field(&api, "Holder", "req");
        assert_eq!(f.ty, option(named(&api, "HolderReq")));
        assert_eq!(f.codec, FieldCodec::RequiredNullable);
        let f = field(&api, "Holder", "single");
        assert_eq!(f.ty, option(option(named(&api, "Leaf"))));
    }

    #[test]
    fn a_union_of_string_enums_is_one_enum() {
        let api = api(r##"
            Unit:
              oneOf:
                - type: string
                  enum: [mm, cm]
                - type: string
                  enum: [cm, m]
            "##);
        let TypeKind::Enum(e) = &def(&api, "Unit").kind else {
            panic!("not an enum");
        };
        let wires: Vec<&str> = e.variants.iter().map(|v| v.wire_name.as_str()).collect();
        assert_eq!(wires, ["mm", "cm", "m"]);
    }

    #[test]
    fn all_of_merges_takes_single_refs_and_falls_back_with_a_warning() {
        let (api, warnings) = lowered(
            r##"
            Base:
              type: object
              required: [id]
              properties:
                id: {type: string}
            Either:
              oneOf:
                - type: string
                - type: integer
            Holder:
              type: object
              properties:
                merged:
                  allOf:
                    - $ref: "#/components/schemas/Base"
                    - type: object
                      properties:
                        extra: {type: integer}
                annotated:
                  description: Only annotations beside the one member.
                  allOf:
                    - $ref: "#/components/schemas/Base"
                with_siblings:
                  allOf:
                    - $ref: "#/components/schemas/Base"
                  required: [note]
                  properties:
                    note: {type: string}
                with_union:
                  allOf:
                    - $ref: "#/components/schemas/Either"
                    - type: object
                      properties:
                        extra: {type: integer}
                conflicting:
                  allOf:
                    - type: object
                      properties:
                        x: {type: string}
                    - type: object
                      properties:
                        x: {type: integer}
            "##,
            "",
        );
        let merged: Vec<&str> = struct_of(&api, "HolderMerged")
            .fields
            .iter()
            .map(|f| f.ident.as_str())
            .collect();
        assert_eq!(merged, ["id", "extra"]);
        assert_eq!(
            field(&api, "Holder", "annotated").ty,
            option(named(&api, "Base"))
        );
        let siblings = struct_of(&api, "HolderWithSiblings");
        let names: Vec<(&str, bool)> = siblings
            .fields
            .iter()
            .map(|f| (f.ident.as_str(), f.skip_if_none))
            .collect();
        assert_eq!(names, [("id", false), ("note", false)]);
        assert_eq!(
            field(&api, "Holder", "with_union").ty,
            option(TypeRef::Json)
        );
        let messages: Vec<&str> = warnings.iter().map(|w| w.message.as_str()).collect();
        assert_eq!(messages.len(), 2, "{messages:#?}");
        assert!(
            messages
                .iter()
                .any(|m| m.contains("allOf with a oneOf/anyOf member"))
        );
        assert!(
            messages
                .iter()
                .any(|m| m.contains("disagree on property `x`"))
        );
    }

    #[test]
    fn integer_mixed_and_nullable_enums() {
        let (api, warnings) = lowered(
            r##"
            Priority:
              type: integer
              enum: [1, 2, 3]
              default: 2
              x-enum-varnames: [Low, Normal, High]
            Code:
              type: integer
              enum: [0, -1, 7, 7]
            Color:
              type: string
              enum: [red, null]
            Holder:
              type: object
              required: [color, mixed]
              properties:
                color:
                  $ref: "#/components/schemas/Color"
                mixed:
                  enum: [1, "one", true, 1]
                weight:
                  type: number
                  enum: [0.5, 2]
            "##,
            "",
        );
        let TypeKind::Enum(priority) = &def(&api, "Priority").kind else {
            panic!("not an enum");
        };
        assert_eq!(priority.repr, EnumRepr::Integer);
        let idents: Vec<&str> = priority.variants.iter().map(|v| v.ident.as_str()).collect();
        assert_eq!(idents, ["Low", "Normal", "High"]);
        assert_eq!(priority.default, Some(1));
        let TypeKind::Enum(code) = &def(&api, "Code").kind else {
            panic!("not an enum");
        };
        let variants: Vec<(&str, &str)> = code
            .variants
            .iter()
            .map(|v| (v.ident.as_str(), v.wire_name.as_str()))
            .collect();
        assert_eq!(variants, [("V0", "0"), ("Minus1", "-1"), ("V7", "7")]);
        // `null` among the values: nullable without `nullable: true`.
        let color = field(&api, "Holder", "color");
        assert_eq!(color.ty, option(named(&api, "Color")));
        assert_eq!(color.codec, FieldCodec::RequiredNullable);
        // Values of several JSON types: an enum over their JSON text, `null` making it optional.
        let mixed = field(&api, "Holder", "mixed");
        assert_eq!(mixed.ty, named(&api, "HolderMixed"));
        let TypeKind::Enum(mixed) = &def(&api, "HolderMixed").kind else {
            panic!("not an enum");
        };
        assert_eq!(mixed.repr, EnumRepr::Mixed);
        let variants: Vec<(&str, &str)> = mixed
            .variants
            .iter()
            .map(|v| (v.ident.as_str(), v.wire_name.as_str()))
            .collect();
        assert_eq!(
            variants,
            [("V1", "1"), ("One", "\"one\""), ("True", "true")]
        );
        let weight = field(&api, "Holder", "weight");
        assert_eq!(weight.ty, option(TypeRef::F64));
        assert_eq!(weight.docs, ["One of `0.5`, `2`."]);
        assert!(warnings.is_empty(), "{warnings:#?}");
    }

    #[test]
    fn additional_properties_beside_properties_are_a_flattened_map() {
        let api = api(r##"
            Typed:
              type: object
              properties:
                additional_properties: {type: string}
              additionalProperties:
                $ref: "#/components/schemas/Typed"
            Free:
              type: object
              properties:
                a: {type: string}
              additionalProperties: true
            Closed:
              type: object
              properties:
                a: {type: string}
              additionalProperties: false
            Alone:
              type: object
              additionalProperties:
                type: integer
                format: int32
            "##);
        let typed = struct_of(&api, "Typed");
        let flat = typed.fields.last().unwrap();
        assert!(flat.flatten && !flat.rename && !flat.skip_if_none);
        // The property spelled `additional_properties` keeps that name.
        assert_eq!(typed.fields[0].ident, "additional_properties");
        assert_eq!(flat.ident, "additional_properties_2");
        // A map of refs, even of the type itself, needs no Box.
        assert_eq!(flat.ty, TypeRef::Map(Box::new(named(&api, "Typed"))));
        assert!(typed.derive_default);
        let free = struct_of(&api, "Free").fields.last().unwrap();
        assert_eq!(free.ty, TypeRef::Map(Box::new(TypeRef::Json)));
        assert!(struct_of(&api, "Closed").fields.iter().all(|f| !f.flatten));
        assert_eq!(
            def(&api, "Closed").docs,
            ["No properties beyond those listed."]
        );
        assert_eq!(
            alias_of(&api, "Alone"),
            Some(TypeRef::Map(Box::new(TypeRef::I32)))
        );
        let text = emitted(
            "Free:\n  type: object\n  properties:\n    a: {type: string}\n  additionalProperties: true\n",
            "free",
        );
        assert!(text.contains("#[serde(flatten)]"), "{text}");
    }

    #[test]
    fn absent_and_null_are_kept_apart() {
        let api = api(r##"
            Record:
              type: object
              required: [req, req_null, req_bytes, ro, wo]
              properties:
                req: {type: string}
                req_null: {type: string, nullable: true}
                opt: {type: string}
                opt_null: {type: string, nullable: true}
                opt_json: {nullable: true}
                req_bytes: {type: string, format: byte}
                opt_null_bytes: {type: string, format: byte, nullable: true}
                byte_list:
                  type: array
                  items: {type: string, format: byte}
                ro: {type: string, readOnly: true}
                wo: {type: string, writeOnly: true}
            "##);
        let cases: Vec<(&str, TypeRef, FieldCodec, bool)> = vec![
            ("req", TypeRef::String, FieldCodec::Plain, false),
            (
                "req_null",
                option(TypeRef::String),
                FieldCodec::RequiredNullable,
                false,
            ),
            ("opt", option(TypeRef::String), FieldCodec::Plain, true),
            (
                "opt_null",
                option(option(TypeRef::String)),
                FieldCodec::DoubleOption,
                true,
            ),
            (
                "opt_json",
                option(TypeRef::Json),
                FieldCodec::DoubleOption,
                true,
            ),
            ("req_bytes", TypeRef::Base64, FieldCodec::Base64, false),
            (
                "opt_null_bytes",
                option(option(TypeRef::Base64)),
                FieldCodec::Base64DoubleOption,
                true,
            ),
            (
                "byte_list",
                option(TypeRef::Vec(Box::new(TypeRef::Base64))),
                FieldCodec::Base64,
                true,
            ),
            // Required, yet read-only or write-only: optional, so both directions work.
            ("ro", option(TypeRef::String), FieldCodec::Plain, true),
            ("wo", option(TypeRef::String), FieldCodec::Plain, true),
        ];
        for (name, ty, codec, skip) in cases {
            let f = field(&api, "Record", name);
            assert_eq!(
                (&f.ty, f.codec, f.skip_if_none),
                (&ty, codec, skip),
                "{name}"
            );
        }
        assert_eq!(
            field(&api, "Record", "ro").docs,
            ["Read-only: set by the server, and left out of requests."]
        );
    }

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
    fn formats_pick_number_types_and_document_the_rest() {
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
                i: {type: integer, minimum: 1, maximum: 9, exclusiveMaximum: true, multipleOf: 2}
                j: {type: array, items: {type: string}, minItems: 1, maxItems: 1, uniqueItems: true}
                k: {type: string, minLength: 2, maxLength: 5, pattern: "^a`b$"}
                l: {type: string, format: email, deprecated: true, default: x}
            "##);
        let types: Vec<TypeRef> = struct_of(&api, "F")
            .fields
            .iter()
            .take(8)
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
        let docs = |name: &str| field(&api, "F", name).docs.join("\n");
        assert!(docs("g").contains("decimal number written as a string"));
        assert!(docs("h").contains("Binary data"));
        assert_eq!(docs("i"), "At least 1. Less than 9. A multiple of 2.");
        assert_eq!(docs("j"), "Exactly 1 item. Items are unique.");
        assert_eq!(
            docs("k"),
            "At least 2 characters. At most 5 characters. Matches ``^a`b$``."
        );
        assert_eq!(docs("l"), "Defaults to `x`. Format: `email`. Deprecated.");
    }

    #[test]
    fn required_fields_with_defaults_give_a_default_impl() {
        let api = api(r##"
            Mode:
              type: string
              enum: [fast, careful]
              default: careful
            Settings:
              type: object
              required: [retries, mode, verbose, label, ratio]
              properties:
                retries: {type: integer, format: int32, default: 3}
                mode: {$ref: "#/components/schemas/Mode"}
                verbose: {type: boolean, default: false}
                label: {type: string, default: main}
                ratio: {type: number, default: 2}
                note: {type: string, default: hi}
            Zeros:
              type: object
              required: [count, on]
              properties:
                count: {type: integer, default: 0}
                on: {type: boolean, default: false}
            Missing:
              type: object
              required: [count]
              properties:
                count: {type: integer}
            "##);
        let settings = struct_of(&api, "Settings");
        assert!(settings.impl_default && !settings.derive_default);
        let defaults: Vec<Option<DefaultValue>> =
            settings.fields.iter().map(|f| f.default.clone()).collect();
        assert_eq!(
            defaults,
            [
                Some(DefaultValue::Number("3".to_owned())),
                // The referenced enum's default.
                Some(DefaultValue::Variant("Careful".to_owned())),
                Some(DefaultValue::Bool(false)),
                Some(DefaultValue::Str("main".to_owned())),
                Some(DefaultValue::Number("2.0".to_owned())),
                Some(DefaultValue::None),
            ]
        );
        // Every default is the type's own: derived.
        let zeros = struct_of(&api, "Zeros");
        assert!(zeros.derive_default && !zeros.impl_default);
        let missing = struct_of(&api, "Missing");
        assert!(!missing.derive_default && !missing.impl_default);
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

    #[test]
    fn field_codecs_become_serde_attributes() {
        let text = emitted(
            r##"
            Record:
              type: object
              required: [req_null, blob]
              properties:
                req_null: {type: string, nullable: true}
                opt_null: {type: integer, nullable: true}
                blob: {type: string, format: byte}
                avatar: {type: string, format: byte, nullable: true}
            "##,
            "record",
        );
        for expected in [
            r#"deserialize_with = "::apiforge_runtime::serde_helpers::nullable::deserialize""#,
            r#"deserialize_with = "::apiforge_runtime::serde_helpers::double_option::deserialize""#,
            r#"with = "::apiforge_runtime::serde_helpers::base64""#,
            r#"with = "::apiforge_runtime::serde_helpers::base64::double_option""#,
            "pub opt_null: Option<Option<i64>>,",
            "pub blob: Vec<u8>,",
        ] {
            assert!(text.contains(expected), "{expected} in\n{text}");
        }
    }
}
