//! Objects to structs: properties to fields (with the four cases of required and nullable),
//! and the properties a schema does not declare (`additionalProperties`, or not saying it) to
//! a flattened map.

use indexmap::IndexMap;
use openapiv3::{AdditionalProperties, ReferenceOr, Schema};

use super::defaults::is_type_default;
use super::shape::{is_unconstrained, schema_format};
use super::{Lowerer, SchemaRef};
use crate::ir::{DefaultValue, Field, FieldCodec, StructDef, TypeRef};
use crate::naming::{self, Case, Scope};
use crate::pointer::Pointer;
use crate::settings::UnknownProperties;

/// The doc of the map a schema's `additionalProperties` (`true` or a schema) gives.
const ADDITIONAL_DOC: &str = "The properties the schema does not name (`additionalProperties`).";

/// The doc of the map that keeps what a schema without `additionalProperties` does not name.
const UNDECLARED_DOC: &str = "The properties the schema does not name, kept as they came so that encoding a decoded value loses nothing.";

/// `additionalProperties`, as a struct or map needs it.
#[derive(Clone)]
pub(super) enum Additional<'s> {
    /// Not said: any extra properties, kept as JSON values unless the settings drop them
    /// ([`UnknownProperties`]).
    Unsaid,
    /// `false`.
    Forbidden,
    /// `true` or `{}`: any values.
    Any,
    /// Values of this schema.
    Schema(SchemaRef<'s>, Pointer),
}

impl<'s> Additional<'s> {
    /// What `additionalProperties` (of the object at `pointer`) says; `{}` is any values.
    pub(super) fn of(additional: Option<&'s AdditionalProperties>, pointer: &Pointer) -> Self {
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
pub(super) struct ObjectParts<'s> {
    pub(super) properties: IndexMap<String, (SchemaRef<'s>, Pointer)>,
    pub(super) required: Vec<String>,
    pub(super) additional: Additional<'s>,
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

impl<'a> Lowerer<'a> {
    /// A struct from (merged) object properties; fields in spec order, then the map of
    /// undeclared properties when `additionalProperties` allows them (not saying it allows
    /// any, unless the settings drop them). The map is named `additional_properties`, or the
    /// smallest free suffix of it when a property takes that name.
    pub(super) fn struct_def(&mut self, owner: &str, parts: ObjectParts<'a>) -> StructDef {
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
                skip_if_none: !required,
                docs,
                secret: naming::is_secret(wire_name, format),
                codec,
                flatten: false,
                default,
            });
        }
        // JSON Schema allows any undeclared property unless `additionalProperties` says
        // otherwise; keeping them (as `true` does) makes decoding and encoding lossless.
        let keep_unknown = self.settings.unknown_properties == UnknownProperties::Keep;
        let additional = match &parts.additional {
            Additional::Any => Some((TypeRef::Map(Box::new(TypeRef::Json)), ADDITIONAL_DOC)),
            Additional::Unsaid if keep_unknown => Some((TypeRef::JsonObject, UNDECLARED_DOC)),
            Additional::Schema(schema, pointer) => Some((
                TypeRef::Map(Box::new(self.type_of(
                    *schema,
                    pointer,
                    &format!("{owner}Value"),
                ))),
                ADDITIONAL_DOC,
            )),
            Additional::Unsaid | Additional::Forbidden => None,
        };
        if let Some((ty, doc)) = additional {
            scope.add_wanted("", "additional_properties".to_owned());
            fields.push(Field {
                ident: String::new(),
                wire_name: String::new(),
                ty,
                skip_if_none: false,
                docs: vec![doc.to_owned()],
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
            // Decided once every request body is known (`lower::constructors`).
            constructor: None,
        }
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

/// Adds an object's properties (with their pointers under `pointer`) and required names to
/// `parts`; a property already there stays when the new one is `{}`, which adds nothing.
pub(super) fn add_properties<'s>(
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

#[cfg(test)]
mod tests {
    use crate::ir::{DefaultValue, FieldCodec, TypeRef};
    use crate::lower::testing::{
        alias_of, api, def, emitted, field, lowered_with, named, option, struct_of,
    };

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
        assert!(flat.flatten && !flat.skip_if_none);
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
            r##"
            Free:
              type: object
              properties:
                a: {type: string}
              additionalProperties: true
            "##,
            "free",
        );
        assert!(
            text.contains("        ..\n        /// ")
                && text.contains("pub additional_properties:"),
            "{text}"
        );
    }

    #[test]
    fn undeclared_properties_are_kept_unless_the_settings_drop_them() {
        let schemas = r##"
            Open:
              type: object
              properties:
                additional_properties: {type: string}
            Merged:
              allOf:
                - $ref: "#/components/schemas/Open"
                - type: object
                  properties:
                    b: {type: integer}
            Closed:
              type: object
              properties:
                a: {type: string}
              additionalProperties: false
            Typed:
              type: object
              properties:
                a: {type: string}
              additionalProperties: {type: integer}
            "##;
        let api = api(schemas);
        for owner in ["Open", "Merged"] {
            let kept = struct_of(&api, owner).fields.last().unwrap();
            assert!(kept.flatten, "{owner}");
            assert_eq!(kept.ty, TypeRef::JsonObject, "{owner}");
            assert!(kept.docs[0].contains("encoding a decoded value loses nothing"));
            assert_eq!(kept.default, Some(DefaultValue::TypeDefault));
        }
        // A property already spelled like the map keeps its name; the map takes a suffix.
        assert_eq!(
            field(&api, "Open", "additional_properties").ty,
            option(TypeRef::String)
        );
        assert_eq!(
            struct_of(&api, "Open").fields.last().unwrap().ident,
            "additional_properties_2"
        );
        // The map leaves `Default` derivable.
        assert!(struct_of(&api, "Open").derive_default);
        assert!(struct_of(&api, "Closed").fields.iter().all(|f| !f.flatten));

        let mut settings = crate::Settings::new("t");
        settings.unknown_properties = crate::UnknownProperties::Drop;
        let (dropped, warnings) = lowered_with(schemas, "", &settings);
        assert!(warnings.is_empty(), "{warnings:#?}");
        for owner in ["Open", "Merged", "Closed"] {
            assert!(
                struct_of(&dropped, owner).fields.iter().all(|f| !f.flatten),
                "{owner}"
            );
        }
        // What `additionalProperties` says is kept whatever the settings.
        let typed = struct_of(&dropped, "Typed").fields.last().unwrap();
        assert!(typed.flatten);
        assert_eq!(typed.ty, TypeRef::Map(Box::new(TypeRef::I64)));
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
    fn field_codecs_become_field_kinds() {
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
            r#"pub req_null: Option<String> = required("req_null"),"#,
            r#"pub opt_null: Option<Option<i64>> = optional_nullable("opt_null"),"#,
            r#"pub blob: Vec<u8> = base64("blob"),"#,
            r#"pub avatar: Option<Option<Vec<u8>>> = optional_nullable_base64("avatar"),"#,
        ] {
            assert!(text.contains(expected), "{expected} in\n{text}");
        }
    }
}
