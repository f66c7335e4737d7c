//! What a schema is, however the spec spelled it: typed or untyped, `enum` with or without
//! `type`, `nullable` or a `null` member. Everything else asks [`shape`] rather than reading
//! the model's variants.

use indexmap::IndexMap;
use openapiv3::{
    AdditionalProperties, IntegerFormat, NumberFormat, ReferenceOr, Schema, SchemaKind,
    StringFormat, Type, VariantOrUnknownOrEmpty,
};
use serde_json::Value;

use super::SchemaRef;

/// The object keywords written beside an `allOf`.
#[derive(Clone, Copy)]
pub(super) struct Own<'s> {
    pub(super) properties: &'s IndexMap<String, ReferenceOr<Box<Schema>>>,
    pub(super) required: &'s [String],
    pub(super) additional: Option<&'s AdditionalProperties>,
}

/// What a schema is, whichever way the spec spelled it (`type` present or not).
pub(super) enum Shape<'s> {
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
    /// A number without listed values (listed ones make a [`Shape::MixedEnum`]).
    Number(Option<&'s str>),
    Boolean,
    AllOf {
        members: &'s [ReferenceOr<Schema>],
        own: Option<Own<'s>>,
    },
    OneOf(&'s [ReferenceOr<Schema>], &'static str),
    /// `enum` values kept as JSON values: of several JSON types, or numbers that are not all
    /// integers (`[1.1, -1.2]`), which no Rust literal pattern can match.
    MixedEnum,
    /// Only `null` (`type: "null"`, or `enum: [null]`).
    Null,
    Not,
    Any,
}

/// What `schema` is; see [`Shape`].
pub(super) fn shape(schema: &Schema) -> Shape<'_> {
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
        SchemaKind::Type(Type::Number(number)) if !number.enumeration.is_empty() => {
            if number.enumeration.iter().all(Option::is_none) {
                Shape::Null
            } else {
                Shape::MixedEnum
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
pub(super) fn any_shape(any: &openapiv3::AnySchema) -> Shape<'_> {
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
        Some("number") if enum_kind == EnumKind::None => Shape::Number(any.format.as_deref()),
        Some("boolean") if matches!(enum_kind, EnumKind::None | EnumKind::Booleans) => {
            Shape::Boolean
        }
        None => match enum_kind {
            EnumKind::None if any.not.is_some() => Shape::Not,
            EnumKind::None => Shape::Any,
            EnumKind::Strings => Shape::String {
                format: any.format.as_deref(),
                values: string_values(&any.enumeration),
            },
            EnumKind::Integers => Shape::Integer {
                format: any.format.as_deref(),
                values: any.enumeration.iter().filter_map(Value::as_i64).collect(),
            },
            EnumKind::Booleans => Shape::Boolean,
            EnumKind::OnlyNull => Shape::Null,
            EnumKind::Numbers | EnumKind::Mixed => Shape::MixedEnum,
        },
        Some(_) if enum_kind == EnumKind::OnlyNull => Shape::Null,
        Some(_) if !any.enumeration.is_empty() => Shape::MixedEnum,
        _ => Shape::Any,
    }
}

/// The `type` names a schema may have (`null` comes from OpenAPI 3.1).
const TYPE_NAMES: [&str; 7] = [
    "object", "array", "string", "integer", "number", "boolean", "null",
];

/// The `type` of a schema when it names no JSON type (`strng`): the typed model keeps such a
/// schema untyped, so its other keywords decide what it is, or nothing does.
pub(super) fn unknown_type(schema: &Schema) -> Option<&str> {
    match &schema.schema_kind {
        SchemaKind::Any(any) => any.typ.as_deref().filter(|name| !TYPE_NAMES.contains(name)),
        _ => None,
    }
}

/// Whether a `not` sits beside keywords that make the schema something else (`type: string`
/// with `not: {enum: [root]}`): the type cannot exclude what `not` excludes.
pub(super) fn ignores_not(schema: &Schema) -> bool {
    matches!(&schema.schema_kind, SchemaKind::Any(any) if any.not.is_some())
        && !matches!(shape(schema), Shape::Not)
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
pub(super) fn is_nullable(schema: &Schema) -> bool {
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
pub(super) fn is_null_member(member: &ReferenceOr<Schema>) -> bool {
    matches!(member, ReferenceOr::Item(schema) if matches!(shape(schema), Shape::Null))
}

/// `{}` (perhaps with a description): a schema that allows anything.
pub(super) fn is_unconstrained(schema: SchemaRef<'_>) -> bool {
    match schema {
        SchemaRef::Ref(_) => false,
        SchemaRef::Inline(schema) => {
            matches!(&schema.schema_kind, SchemaKind::Any(any) if *any == openapiv3::AnySchema::default())
        }
    }
}

/// The `format` of a string or number schema.
pub(super) fn schema_format(schema: &Schema) -> Option<&str> {
    match shape(schema) {
        Shape::String { format, .. } | Shape::Integer { format, .. } | Shape::Number(format) => {
            format
        }
        _ => None,
    }
}
