//! Schemas to Rust types: named structs and enums, aliases, and the plain types in between.

use indexmap::IndexMap;
use openapiv3::{
    AdditionalProperties, IntegerFormat, NumberFormat, ReferenceOr, Schema, SchemaKind,
    StringFormat, Type, VariantOrUnknownOrEmpty,
};

use super::Lowerer;
use super::docs::doc_lines;
use crate::diagnostic::{Diagnostic, Pointer};
use crate::ir::{EnumDef, EnumVariant, Field, StructDef, TypeId, TypeKind, TypeRef};
use crate::naming::{self, Case, Scope};

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
    Integer(Option<&'s str>),
    Number(Option<&'s str>),
    Boolean,
    AllOf(&'s [ReferenceOr<Schema>]),
    OneOf(&'s [ReferenceOr<Schema>], &'static str),
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
        SchemaKind::Type(Type::String(string)) => Shape::String {
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
            values: string.enumeration.iter().flatten().cloned().collect(),
        },
        SchemaKind::Type(Type::Integer(integer)) => Shape::Integer(match &integer.format {
            VariantOrUnknownOrEmpty::Item(IntegerFormat::Int32) => Some("int32"),
            VariantOrUnknownOrEmpty::Item(IntegerFormat::Int64) => Some("int64"),
            VariantOrUnknownOrEmpty::Unknown(format) => Some(format.as_str()),
            VariantOrUnknownOrEmpty::Empty => None,
        }),
        SchemaKind::Type(Type::Number(number)) => Shape::Number(match &number.format {
            VariantOrUnknownOrEmpty::Item(NumberFormat::Float) => Some("float"),
            VariantOrUnknownOrEmpty::Item(NumberFormat::Double) => Some("double"),
            VariantOrUnknownOrEmpty::Unknown(format) => Some(format.as_str()),
            VariantOrUnknownOrEmpty::Empty => None,
        }),
        SchemaKind::Type(Type::Boolean(_)) => Shape::Boolean,
        SchemaKind::AllOf { all_of } => Shape::AllOf(all_of),
        SchemaKind::OneOf { one_of } => Shape::OneOf(one_of, "oneOf"),
        SchemaKind::AnyOf { any_of } => Shape::OneOf(any_of, "anyOf"),
        SchemaKind::Not { .. } => Shape::Not,
        SchemaKind::Any(any) => match any.typ.as_deref() {
            _ if !any.all_of.is_empty() => Shape::AllOf(&any.all_of),
            _ if !any.one_of.is_empty() => Shape::OneOf(&any.one_of, "oneOf"),
            _ if !any.any_of.is_empty() => Shape::OneOf(&any.any_of, "anyOf"),
            Some("object") | None
                if !any.properties.is_empty() || any.additional_properties.is_some() =>
            {
                Shape::Object {
                    properties: &any.properties,
                    required: &any.required,
                    additional: any.additional_properties.as_ref(),
                }
            }
            Some("object") => Shape::Object {
                properties: &any.properties,
                required: &any.required,
                additional: None,
            },
            Some("array") => Shape::Array(any.items.as_ref()),
            None if any.items.is_some() => Shape::Array(any.items.as_ref()),
            Some("string") => Shape::String {
                format: any.format.as_deref(),
                values: string_values(&any.enumeration),
            },
            None if !any.enumeration.is_empty()
                && any.enumeration.iter().all(|v| v.is_string() || v.is_null()) =>
            {
                Shape::String {
                    format: any.format.as_deref(),
                    values: string_values(&any.enumeration),
                }
            }
            Some("integer") => Shape::Integer(any.format.as_deref()),
            Some("number") => Shape::Number(any.format.as_deref()),
            Some("boolean") => Shape::Boolean,
            _ => Shape::Any,
        },
    }
}

fn string_values(values: &[serde_json::Value]) -> Vec<String> {
    values
        .iter()
        .filter_map(|value| value.as_str().map(str::to_owned))
        .collect()
}

/// The properties of an object, possibly merged from `allOf` members, with their pointers.
#[derive(Default)]
struct ObjectParts<'s> {
    properties: IndexMap<String, (SchemaRef<'s>, Pointer)>,
    required: Vec<String>,
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

    /// The Rust type of a schema used in place (a field, parameter, item or body).
    ///
    /// Inline objects and enums become named types called `hint`; nullable schemas give
    /// `Option<T>`.
    pub(crate) fn type_of(
        &mut self,
        schema: SchemaRef<'a>,
        pointer: &Pointer,
        hint: &str,
    ) -> TypeRef {
        let ty = match schema {
            SchemaRef::Ref(reference) => {
                let Some((name, target)) = self.component_schema(reference, pointer) else {
                    return TypeRef::Json;
                };
                let id = self.components[name];
                let nullable = match target {
                    ReferenceOr::Item(schema) => schema.schema_data.nullable,
                    ReferenceOr::Reference { .. } => false,
                };
                return wrap_nullable(TypeRef::Named(id), nullable);
            }
            SchemaRef::Inline(schema) => match self.named_kind(schema, pointer, hint) {
                Some(kind) => {
                    let docs = self.schema_docs(schema);
                    TypeRef::Named(self.add_type(hint, pointer.clone(), 1, docs, kind))
                }
                None => self.plain_type(schema, pointer, hint),
            },
        };
        match schema {
            SchemaRef::Inline(schema) => wrap_nullable(ty, schema.schema_data.nullable),
            SchemaRef::Ref(_) => ty,
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
                    None => TypeKind::Alias(self.plain_type(schema, pointer, &name)),
                };
                (kind, self.schema_docs(schema))
            }
        };
        let pending = &mut self.types[id.0];
        pending.kind = Some(kind);
        pending.docs = docs;
    }

    /// The kind of named type a schema needs (struct or enum), or `None` when a plain type fits.
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
                if matches!(
                    additional,
                    Some(AdditionalProperties::Schema(_)) | Some(AdditionalProperties::Any(true))
                ) {
                    self.warning(
                        pointer,
                        "additionalProperties beside properties is not supported yet; extra properties are dropped",
                    );
                }
                let mut parts = ObjectParts::default();
                add_properties(&mut parts, properties, required, pointer);
                Some(TypeKind::Struct(self.struct_def(name, parts)))
            }
            Shape::String { values, .. } if !values.is_empty() => {
                let default = schema.schema_data.default.as_ref().and_then(|v| v.as_str());
                Some(TypeKind::Enum(enum_def(&values, default)))
            }
            Shape::AllOf(members) if members.len() > 1 => {
                let mut parts = ObjectParts::default();
                let all_objects = members.iter().enumerate().all(|(index, member)| {
                    self.collect_object(
                        member.into(),
                        &pointer.push("allOf").push(index),
                        &mut parts,
                        0,
                    )
                });
                if all_objects && !parts.properties.is_empty() {
                    Some(TypeKind::Struct(self.struct_def(name, parts)))
                } else {
                    None
                }
            }
            _ => None,
        }
    }

    /// Adds the properties of an `allOf` member to `parts`; `false` if it is not an object.
    fn collect_object(
        &mut self,
        schema: SchemaRef<'a>,
        pointer: &Pointer,
        parts: &mut ObjectParts<'a>,
        depth: usize,
    ) -> bool {
        if depth > MAX_DEPTH {
            self.error(pointer, "allOf nests too deeply (a reference cycle?)");
            return false;
        }
        let Some((schema, at)) = self.resolve(schema, pointer) else {
            return false;
        };
        match shape(schema) {
            Shape::Object {
                properties,
                required,
                ..
            } => {
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
                            format!(
                                "allOf members disagree on property `{name}`; the later one is used"
                            ),
                        )
                        .note(format!("the earlier one is at {previous_at}"));
                        self.diagnostics.push(diagnostic);
                    }
                }
                add_properties(parts, properties, required, &at);
                true
            }
            Shape::AllOf(members) => members.iter().enumerate().all(|(index, member)| {
                self.collect_object(
                    member.into(),
                    &at.push("allOf").push(index),
                    parts,
                    depth + 1,
                )
            }),
            Shape::Any => true,
            _ => false,
        }
    }

    /// A struct from (merged) object properties; fields in spec order.
    fn struct_def(&mut self, owner: &str, parts: ObjectParts<'a>) -> StructDef {
        let mut scope = Scope::new(Case::Snake);
        let mut fields = Vec::with_capacity(parts.properties.len());
        for (wire_name, (schema, pointer)) in &parts.properties {
            scope.add(wire_name);
            let hint = format!("{owner}{}", naming::pascal(wire_name));
            let ty = self.type_of(*schema, pointer, &hint);
            let required = parts.required.contains(wire_name);
            let (docs, format) = match schema {
                SchemaRef::Inline(schema) => (self.schema_docs(schema), schema_format(schema)),
                SchemaRef::Ref(_) => (Vec::new(), None),
            };
            let ty = if required { ty } else { make_optional(ty) };
            fields.push(Field {
                ident: String::new(),
                wire_name: wire_name.clone(),
                ty,
                rename: false,
                skip_if_none: !required,
                docs,
                secret: naming::is_secret(wire_name, format),
            });
        }
        for (field, ident) in fields.iter_mut().zip(scope.settle()) {
            field.rename = ident != field.wire_name;
            field.ident = ident;
        }
        StructDef {
            redacted_debug: fields.iter().any(|field| field.secret),
            derive_default: fields.iter().all(|field| field.skip_if_none),
            fields,
        }
    }

    /// Types that need no name of their own: scalars, arrays, maps and free-form values.
    fn plain_type(&mut self, schema: &'a Schema, pointer: &Pointer, hint: &str) -> TypeRef {
        match shape(schema) {
            Shape::Object { additional, .. } => match additional {
                Some(AdditionalProperties::Schema(value)) => {
                    let value: &'a ReferenceOr<Schema> = value;
                    TypeRef::Map(Box::new(self.type_of(
                        value.into(),
                        &pointer.push("additionalProperties"),
                        &format!("{hint}Value"),
                    )))
                }
                _ => TypeRef::Json,
            },
            Shape::Array(items) => {
                let item = match items {
                    Some(items) => {
                        self.type_of(items.into(), &pointer.push("items"), &format!("{hint}Item"))
                    }
                    None => TypeRef::Json,
                };
                TypeRef::Vec(Box::new(item))
            }
            Shape::String { format, .. } => match format {
                Some("date-time") => TypeRef::DateTime,
                Some("date") => TypeRef::Date,
                Some("uuid") => TypeRef::Uuid,
                _ => TypeRef::String,
            },
            Shape::Integer(format) => match format {
                Some("int32") => TypeRef::I32,
                _ => TypeRef::I64,
            },
            Shape::Number(format) => match format {
                Some("float") => TypeRef::F32,
                _ => TypeRef::F64,
            },
            Shape::Boolean => TypeRef::Bool,
            Shape::AllOf(members) if members.len() == 1 => {
                self.type_of((&members[0]).into(), &pointer.push("allOf").push(0), hint)
            }
            Shape::OneOf(members, _) if members.len() == 1 => {
                self.type_of((&members[0]).into(), &pointer.push("oneOf").push(0), hint)
            }
            Shape::AllOf(_) => {
                self.warning(pointer, "allOf whose members are not all objects is not supported yet; falls back to serde_json::Value");
                TypeRef::Json
            }
            Shape::OneOf(_, keyword) => {
                self.warning(
                    pointer,
                    format!("{keyword} is not supported yet; falls back to serde_json::Value"),
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
            Shape::Any => TypeRef::Json,
        }
    }

    /// Doc lines for a schema: title, description, default and constraints.
    pub(crate) fn schema_docs(&self, schema: &Schema) -> Vec<String> {
        let data = &schema.schema_data;
        let mut docs = Vec::new();
        for text in [&data.title, &data.description].into_iter().flatten() {
            if !docs.is_empty() {
                docs.push(String::new());
            }
            docs.extend(doc_lines(text));
        }
        let mut notes = Vec::new();
        match &data.default {
            Some(serde_json::Value::String(default)) => {
                notes.push(format!("Defaults to `{default}`."))
            }
            Some(default) => notes.push(format!("Defaults to `{default}`.")),
            None => {}
        }
        if let SchemaKind::Type(Type::String(string)) = &schema.schema_kind {
            if let Some(min) = string.min_length {
                notes.push(format!("At least {min} characters."));
            }
            if let Some(max) = string.max_length {
                notes.push(format!("At most {max} characters."));
            }
            if let Some(pattern) = &string.pattern {
                notes.push(format!("Matches `{}`.", pattern.replace('`', "'")));
            }
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

fn enum_def(values: &[String], default: Option<&str>) -> EnumDef {
    let mut scope = Scope::new(Case::Pascal);
    for value in values {
        if value.chars().any(char::is_alphanumeric) {
            scope.add(value);
        } else {
            scope.add_wanted(value, "Empty".to_owned());
        }
    }
    let unknown = scope.add_wanted("", "Unknown".to_owned());
    let mut idents = scope.settle();
    let unknown_ident = idents.remove(unknown);
    EnumDef {
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
        Shape::String { format, .. } | Shape::Integer(format) | Shape::Number(format) => format,
        _ => None,
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

/// Undoes JSON-pointer escaping in a `$ref` segment.
fn unescape(segment: &str) -> String {
    segment.replace("~1", "/").replace("~0", "~")
}
