//! `enum` values to Rust enums: string, integer, number and mixed values, variant names
//! (from `x-enum-varnames` when given), and the `Unknown` catch-all.

use std::collections::BTreeSet;

use openapiv3::{Schema, SchemaKind, Type};
use serde_json::Value;

use super::shape::{Shape, shape};
use crate::ir::{EnumDef, EnumRepr, EnumVariant};
use crate::naming::{self, Case, Scope};

/// The values in order, each kept the first time its `key` is seen (in n log n: an enum may have
/// a hundred thousand values).
fn first_of_each<T, K: Ord>(values: impl IntoIterator<Item = T>, key: impl Fn(&T) -> K) -> Vec<T> {
    let mut seen = BTreeSet::new();
    values
        .into_iter()
        .filter(|value| seen.insert(key(value)))
        .collect()
}

/// The enum a string, integer, number or mixed schema with listed values is; variant names
/// may come from `x-enum-varnames` (or `x-enumNames`) when it names every value.
pub(super) fn enum_of(schema: &Schema) -> Option<EnumDef> {
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
            let (values, default): (Vec<String>, Option<String>) = match &schema.schema_kind {
                SchemaKind::Any(any) => (
                    any.enumeration
                        .iter()
                        .filter(|v| !v.is_null())
                        .map(Value::to_string)
                        .collect(),
                    default.map(Value::to_string),
                ),
                // The typed model read these as `f64`: spelled again, the default alike.
                SchemaKind::Type(Type::Number(number)) => (
                    number
                        .enumeration
                        .iter()
                        .flatten()
                        .map(|n| number_text(*n))
                        .collect(),
                    default.and_then(Value::as_f64).map(number_text),
                ),
                _ => return None,
            };
            let values = first_of_each(values, |value| value.clone());
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

/// A number as the JSON text of an enum value: an integer as one (so that it equals the `2`
/// a server sends, and fits the `i32` a bare literal is), anything else as `serde_json`
/// writes it (`1.1`, `1e20`).
fn number_text(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() <= f64::from(i32::MAX) {
        // Whole and within `i32`: the conversion is exact.
        (value as i32).to_string()
    } else {
        // Never NaN or infinite: the value came from JSON.
        serde_json::Number::from_f64(value).map_or_else(|| value.to_string(), |n| n.to_string())
    }
}

/// An enum of `values` (wire text, in order): variant names from `names` when it names every
/// value, else from the values; `default` is the value `Default` gives, if listed.
pub(super) fn enum_def(
    repr: EnumRepr,
    values: &[String],
    names: &[String],
    default: Option<&str>,
) -> EnumDef {
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
            // JSON text: a string keeps its words, a number reads as one (`V1`, `Minus1`,
            // `V1Point5`).
            (_, EnumRepr::Mixed) if value.parse::<f64>().is_ok() => {
                let spelled = value.replace('.', " point ");
                let words = match spelled.strip_prefix('-') {
                    Some(magnitude) => format!("minus {magnitude}"),
                    None => format!("v{spelled}"),
                };
                scope.add_wanted(value, naming::pascal(&words));
            }
            (_, EnumRepr::Mixed) if value.chars().any(char::is_alphanumeric) => {
                scope.add(value.trim_matches('"'));
            }
            (_, EnumRepr::Mixed) => {
                scope.add_wanted(value, "Empty".to_owned());
            }
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

#[cfg(test)]
mod tests {
    use crate::ir::{EnumRepr, FieldCodec, TypeKind};
    use crate::lower::testing::{def, field, lowered, named, option};

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
        // Numbers that are not all integers: an enum over their JSON values, named as numbers.
        let weight = field(&api, "Holder", "weight");
        assert_eq!(weight.ty, option(named(&api, "HolderWeight")));
        let TypeKind::Enum(weight) = &def(&api, "HolderWeight").kind else {
            panic!("not an enum");
        };
        assert_eq!(weight.repr, EnumRepr::Mixed);
        let variants: Vec<(&str, &str)> = weight
            .variants
            .iter()
            .map(|v| (v.ident.as_str(), v.wire_name.as_str()))
            .collect();
        assert_eq!(variants, [("V0Point5", "0.5"), ("V2", "2")]);
        assert!(warnings.is_empty(), "{warnings:#?}");
    }
}
