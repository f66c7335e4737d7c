//! `oneOf`/`anyOf` to unions: variant names, discriminators and their tags, and the
//! shortcuts (a union of string enums is one enum).

use std::collections::BTreeSet;

use openapiv3::{ReferenceOr, Schema};

use super::enums::enum_def;
use super::shape::{Shape, is_null_member, shape};
use super::{Lowerer, SchemaRef};
use crate::ir::{EnumRepr, Tagging, TypeKind, TypeRef, UnionDef, UnionVariant};
use crate::lower::docs::code_span;
use crate::lower::resolve::{MAX_DEPTH, component_name};
use crate::naming::{self, Case, Scope};
use crate::pointer::Pointer;

impl<'a> Lowerer<'a> {
    /// A union over the members of a `oneOf`/`anyOf`; `None` when fewer than two members
    /// are left once `null` is taken out (the schema is then that member, or anything).
    pub(super) fn union_kind(
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
            Some(discriminator) => {
                let names: Vec<Option<String>> = members
                    .iter()
                    .map(|(_, member)| match member {
                        ReferenceOr::Reference { reference } => component_name::<Schema>(reference),
                        ReferenceOr::Item(_) => None,
                    })
                    .collect();
                self.discriminator_tags(discriminator, &names, pointer)
            }
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
                    !self.requires_property((*member).into(), &discriminator.property_name, 0)
                }
                None => false,
            };
            if let Some(discriminator) = tagged {
                if !docs.is_empty() {
                    docs.push(String::new());
                }
                docs.push(tag_doc(&discriminator.property_name, &tags));
            }
            variants.push(UnionVariant {
                ident,
                ty,
                tags,
                insert_tag,
                // Decided once aliases can be expanded (`passes`).
                from_impl: false,
                docs,
            });
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
            base: None,
            accessors: Vec::new(),
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
                return component_name::<Schema>(reference).unwrap_or_else(|| "Variant".to_owned());
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

    /// The tags of each member of a discriminated union, given the member's schema name
    /// (`None` for an inline one): the `mapping` keys that name it, in mapping order, else
    /// its schema name (the implicit mapping).
    pub(super) fn discriminator_tags(
        &mut self,
        discriminator: &'a openapiv3::Discriminator,
        names: &[Option<String>],
        pointer: &Pointer,
    ) -> Vec<Vec<String>> {
        let mut tags = vec![Vec::new(); names.len()];
        let mut taken: Vec<String> = Vec::new();
        for (tag, target) in &discriminator.mapping {
            let target_name = component_name::<Schema>(target).unwrap_or_else(|| target.clone());
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
        for (member_tags, name) in tags.iter_mut().zip(names) {
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

    /// Whether an object schema declares `property` as required (so a union's variant always
    /// carries its own tag, and encoding need not add it). Non-objects count as requiring it:
    /// there is nowhere to add a tag.
    pub(super) fn requires_property(
        &self,
        schema: SchemaRef<'a>,
        property: &str,
        depth: usize,
    ) -> bool {
        let mut visited = BTreeSet::new();
        let (declared, required) =
            self.property_presence(schema, property, depth, false, &mut visited);
        declared && required
    }

    /// Whether an object schema (its `allOf` members merged) declares `property`, and whether
    /// it lists it as required. A schema that is not an object counts as both at the top, and
    /// as neither inside an `allOf` (`{description: x}`, a `oneOf` or a scalar there only
    /// annotates or constrains the object the other members make).
    ///
    /// `visited` holds the schemas already looked at: one reached again (a diamond of
    /// `allOf`s, or a cycle) adds nothing new, and following it again would make the work
    /// grow exponentially with the depth.
    fn property_presence(
        &self,
        schema: SchemaRef<'a>,
        property: &str,
        depth: usize,
        in_all_of: bool,
        visited: &mut BTreeSet<*const Schema>,
    ) -> (bool, bool) {
        let not_an_object = if in_all_of {
            (false, false)
        } else {
            (true, true)
        };
        let Some(schema) = self.peek(schema) else {
            return not_an_object;
        };
        if depth > MAX_DEPTH || !visited.insert(std::ptr::from_ref(schema)) {
            return (false, false);
        }
        let lists = |required: &[String]| required.iter().any(|name| name == property);
        match shape(schema) {
            Shape::Object {
                properties,
                required,
                ..
            } => (properties.contains_key(property), lists(required)),
            Shape::AllOf { members, own } => {
                let mut declared = own.is_some_and(|own| own.properties.contains_key(property));
                let mut required = own.is_some_and(|own| lists(own.required));
                for member in members {
                    let (d, r) =
                        self.property_presence(member.into(), property, depth + 1, true, visited);
                    declared |= d;
                    required |= r;
                }
                (declared, required)
            }
            _ => not_an_object,
        }
    }
}

/// A tagged variant's doc line: the discriminator values that select it.
pub(super) fn tag_doc(property: &str, tags: &[String]) -> String {
    let values: Vec<String> = tags.iter().map(|tag| code_span(tag)).collect();
    format!("{} is {}.", code_span(property), values.join(" or "))
}

#[cfg(test)]
mod tests {
    use crate::ir::{FieldCodec, Tagging, TypeKind, TypeRef};
    use crate::lower::testing::{api, def, emitted, field, lowered, named, option, union_of};

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
                // Declared and required: the value carries its tag.
                ("Cat", vec!["cat"], false),
                // Declared through allOf but optional: encoding fills it in if missing.
                ("Dog", vec!["dog", "doggo"], true),
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
              required: [kind]
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
                  required: [x]
                  properties:
                    x: {type: string}
            Zeta:
              type: object
              required: [z]
              properties:
                z: {type: string}
            Alpha:
              type: object
              required: [a]
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

    /// Each variant's name and whether encoding adds its tag.
    fn insert_tags(api: &crate::ir::Api, union: &str) -> Vec<(String, bool)> {
        union_of(api, union)
            .variants
            .iter()
            .map(|v| (v.ident.clone(), v.insert_tag))
            .collect()
    }

    #[test]
    fn allof_cycles_and_diamonds_under_a_discriminator_are_looked_at_once() {
        // `Looped` names itself twice in its allOf, and `D0` is a chain of diamonds 40 deep:
        // followed member by member, each would take 2^40 steps and more.
        let mut schemas = [
            "Pet:",
            "  oneOf:",
            "    - $ref: \"#/components/schemas/Looped\"",
            "    - $ref: \"#/components/schemas/D0\"",
            "  discriminator: {propertyName: kind}",
            "Looped:",
            "  allOf:",
            "    - $ref: \"#/components/schemas/Looped\"",
            "    - $ref: \"#/components/schemas/Looped\"",
            "",
        ]
        .join("\n");
        for level in 0..40 {
            let next = format!("D{}", level + 1);
            schemas.push_str(&format!(
                "D{level}:\n  allOf:\n    - $ref: \"#/components/schemas/{next}\"\n    - $ref: \"#/components/schemas/{next}\"\n"
            ));
        }
        schemas.push_str(
            "D40:\n  type: object\n  required: [kind]\n  properties:\n    kind: {type: string}\n",
        );
        let started = std::time::Instant::now();
        let (api, _) = lowered(&schemas, "");
        assert!(started.elapsed().as_secs() < 10, "{:?}", started.elapsed());
        assert_eq!(
            insert_tags(&api, "Pet"),
            [
                // Nothing declares the tag: encoding adds it.
                ("Looped".to_owned(), true),
                // The diamonds' bottom requires it: the value carries it.
                ("D0".to_owned(), false),
            ]
        );
    }

    #[test]
    fn allof_members_that_only_annotate_do_not_make_the_tag_required() {
        let (api, _) = lowered(
            r##"
            Animal:
              oneOf:
                - $ref: "#/components/schemas/Cat"
                - $ref: "#/components/schemas/Dog"
                - $ref: "#/components/schemas/Bird"
              discriminator:
                propertyName: petType
            Pet:
              type: object
              properties:
                petType: {type: string}
                name: {type: string}
            # A description beside the base: the tag is still optional.
            Cat:
              allOf:
                - $ref: "#/components/schemas/Pet"
                - description: a cat
            # A scalar $ref beside the base adds no object, so no requirement either.
            Dog:
              allOf:
                - $ref: "#/components/schemas/Pet"
                - $ref: "#/components/schemas/Label"
                - type: object
                  properties:
                    bark: {type: boolean}
            # An object member that requires the tag does make it required.
            Bird:
              allOf:
                - $ref: "#/components/schemas/Pet"
                - type: object
                  required: [petType]
                  properties:
                    wings: {type: integer}
            Label:
              description: only words
            "##,
            "",
        );
        assert_eq!(
            insert_tags(&api, "Animal"),
            [
                ("Cat".to_owned(), true),
                ("Dog".to_owned(), true),
                ("Bird".to_owned(), false),
            ]
        );
    }
}
