//! The value each field has in the struct's `Default`: `None` when optional, else the spec's
//! `default` when the field's type can spell it.

use serde_json::Value;

use super::enums::enum_of;
use super::{Lowerer, SchemaRef};
use crate::ir::{DefaultValue, TypeRef};

impl<'a> Lowerer<'a> {
    /// A field's value in `Default`: `None` when optional, else its spec default if the
    /// field's type can spell it.
    pub(super) fn field_default(
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
            // The enum read this same default when it was built, whatever its values are.
            (TypeRef::Named(_), _) => {
                let def = enum_of(resolved)?;
                let variant = def.variants.get(def.default?)?;
                DefaultValue::Variant(variant.ident.clone())
            }
            _ => return None,
        })
    }
}

fn integer_default(n: &serde_json::Number) -> DefaultValue {
    DefaultValue::Number(n.to_string())
}

/// Whether a default is what the type's own `Default` gives, so that deriving it is the same.
pub(super) fn is_type_default(value: &DefaultValue) -> bool {
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

#[cfg(test)]
mod tests {
    use crate::ir::DefaultValue;
    use crate::lower::testing::{api, struct_of};

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
            Scaled:
              type: object
              required: [factor, level]
              properties:
                factor: {type: number, enum: [0.5, 1.5], default: 1.5}
                level: {enum: [low, 2], default: 2}
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
                // The map of undeclared properties starts empty.
                Some(DefaultValue::TypeDefault),
            ]
        );
        // Every default is the type's own: derived.
        let zeros = struct_of(&api, "Zeros");
        assert!(zeros.derive_default && !zeros.impl_default);
        let missing = struct_of(&api, "Missing");
        assert!(!missing.derive_default && !missing.impl_default);
        // Enums over JSON values take their defaults as string and integer enums do.
        let scaled: Vec<Option<DefaultValue>> = struct_of(&api, "Scaled")
            .fields
            .iter()
            .filter(|f| !f.flatten)
            .map(|f| f.default.clone())
            .collect();
        assert_eq!(
            scaled,
            [
                Some(DefaultValue::Variant("V1Point5".to_owned())),
                Some(DefaultValue::Variant("V2".to_owned())),
            ]
        );
    }
}
