//! Polymorphism by `allOf`: a component schema with a `discriminator` that other component
//! schemas extend (`allOf: [{$ref: base}, ...]`) is, wherever it is referenced, an enum over
//! itself and every schema that extends it, directly or through others, chosen by the
//! discriminator, with an `Unknown` variant for a value it does not list.
//!
//! The base's own fields are a struct of their own, `{Base}Base`: the variant of a value
//! whose discriminator names the base itself. Each subtype stays the struct it is, the
//! base's fields merged in (`all_of`), and is that struct wherever it is referenced.
//! `mapping` is honoured first, then each schema's name (the implicit mapping).

use std::collections::{BTreeMap, BTreeSet};

use openapiv3::{ReferenceOr, Schema};

use super::Lowerer;
use super::shape::{Shape, is_unconstrained, shape};
use super::union::tag_doc;
use crate::ir::{Tagging, TypeId, TypeKind, TypeRef, UnionDef, UnionVariant};
use crate::lower::resolve::{MAX_DEPTH, component_name};
use crate::naming::{Case, Scope};
use crate::pointer::Pointer;

impl<'a> Lowerer<'a> {
    /// Whether the component schema `name` is a polymorphic base: it has a `discriminator`,
    /// is an object (not a `oneOf`/`anyOf`, whose discriminator `union` reads), and another
    /// component schema extends it with `allOf`.
    pub(super) fn is_polymorphic_base(&self, name: &str) -> bool {
        let Some(ReferenceOr::Item(schema)) = self.component_schema(name) else {
            return false;
        };
        let object = match shape(schema) {
            Shape::Object { properties, .. } => !properties.is_empty(),
            Shape::AllOf { .. } => true,
            _ => false,
        };
        schema.schema_data.discriminator.is_some()
            && object
            && self
                .extensions()
                .get(name)
                .is_some_and(|children| children.iter().any(|child| *child != name))
    }

    /// The kind of the polymorphic base `name` (registered as `id`): the enum over it and
    /// its subtypes. Its own fields go to the struct [`Lowerer::base_struct`] gives. `None`
    /// when its fields do not make a struct (an `allOf` that falls back): then it is what it
    /// would be without subtypes, with a warning.
    pub(super) fn polymorphic_kind(
        &mut self,
        id: TypeId,
        name: &'a str,
        schema: &'a Schema,
        pointer: &Pointer,
    ) -> Option<TypeKind> {
        let discriminator = schema.schema_data.discriminator.as_ref()?;
        let base_id = self.base_struct(name);
        let fields = match self.named_kind(schema, pointer, name) {
            Some(TypeKind::Struct(fields)) => fields,
            other => {
                self.warning(
                    &pointer.push("discriminator"),
                    "the schemas that extend this one are not decoded by its discriminator: its fields do not make a struct",
                );
                if let Some(base) = self.pending_mut(base_id) {
                    base.kind = Some(TypeKind::Alias(TypeRef::Named(id)));
                }
                return other;
            }
        };
        let mut docs = self.schema_docs(schema);
        if !docs.is_empty() {
            docs.push(String::new());
        }
        docs.push(
            "The schema's own fields, which every schema that extends it has too: a value whose discriminator names the schema itself.".to_owned(),
        );
        if let Some(base) = self.pending_mut(base_id) {
            base.kind = Some(TypeKind::Struct(fields));
            base.docs = docs;
        }

        // The base, its subtypes in spec order, then schemas only the mapping names.
        let mut members: Vec<&'a str> = vec![name];
        members.extend(self.subtypes(name));
        let components = self.doc.components.as_ref();
        for target in discriminator.mapping.values() {
            let target = component_name::<Schema>(target).unwrap_or_else(|| target.clone());
            if let Some((known, _)) = components.and_then(|c| c.schemas.get_key_value(&target)) {
                if !members.contains(&known.as_str()) {
                    members.push(known);
                }
            }
        }
        let names: Vec<Option<String>> = members.iter().map(|m| Some((*m).to_owned())).collect();
        let tags = self.discriminator_tags(discriminator, &names, pointer);

        let mut scope = Scope::new(Case::Pascal);
        for member in &members {
            scope.add(member);
        }
        let unknown = scope.add_wanted("", "Unknown".to_owned());
        let mut idents = scope.settle();
        let unknown_ident = idents.remove(unknown);

        let property = &discriminator.property_name;
        let mut variants = Vec::with_capacity(members.len());
        for ((member, ident), tags) in members.iter().zip(idents).zip(tags) {
            let ty = if *member == name {
                TypeRef::Named(base_id)
            } else {
                self.subtype_payload(member, 0)
            };
            let insert_tag = match self.component_schema(member) {
                Some(schema) => !self.requires_property(schema.into(), property, 0),
                None => true,
            };
            let docs = vec![tag_doc(property, &tags)];
            variants.push(UnionVariant {
                ident,
                ty,
                tags,
                insert_tag,
                from_impl: false,
                docs,
            });
        }
        Some(TypeKind::Union(UnionDef {
            variants,
            tagging: Tagging::Discriminator {
                property: property.clone(),
                unknown_ident,
            },
            large_variants: false,
            base: Some(base_id),
            // Decided once recursive fields are boxed (`passes`).
            accessors: Vec::new(),
        }))
    }

    /// The struct of the polymorphic base `name`'s own fields, registered the first time it
    /// is asked for (its kind is set when the base is lowered). It is named after the base,
    /// after the component schemas pick their names.
    pub(super) fn base_struct(&mut self, name: &str) -> TypeId {
        if let Some(&id) = self.base_structs.get(name) {
            return id;
        }
        let origin = Pointer::root()
            .push("components")
            .push("schemas")
            .push(name);
        let id = self.add_type(
            &format!("{name}Base"),
            origin,
            1,
            Vec::new(),
            TypeKind::Alias(TypeRef::Json),
        );
        self.base_structs.insert(name.to_owned(), id);
        id
    }

    /// What a subtype's variant holds: the subtype's struct. A subtype that is a polymorphic
    /// base itself gives its base struct (its own enum would hold this variant again), and one
    /// that adds nothing to the schema it extends is that schema's payload.
    fn subtype_payload(&mut self, name: &str, depth: usize) -> TypeRef {
        if depth > MAX_DEPTH {
            return TypeRef::Json;
        }
        if self.is_polymorphic_base(name) {
            return TypeRef::Named(self.base_struct(name));
        }
        if let Some(ReferenceOr::Item(schema)) = self.component_schema(name) {
            if let Shape::AllOf { members, own } = shape(schema) {
                let adds_properties =
                    own.is_some_and(|own| !own.properties.is_empty() || own.additional.is_some());
                let mut typed = members.iter().filter(|m| !is_unconstrained((*m).into()));
                if let (Some(ReferenceOr::Reference { reference }), None, false) =
                    (typed.next(), typed.next(), adds_properties)
                {
                    if let Some(target) = component_name::<Schema>(reference) {
                        return self.subtype_payload(&target, depth + 1);
                    }
                }
            }
        }
        match (
            self.settings.type_replacements.get(name),
            self.components.get(name),
        ) {
            (Some(path), _) => TypeRef::External(path.trim().to_owned()),
            (None, Some(&id)) => TypeRef::Named(id),
            (None, None) => TypeRef::Json,
        }
    }

    /// Every schema that extends `name`, directly or through others, in spec order.
    fn subtypes(&self, name: &str) -> Vec<&'a str> {
        let extensions = self.extensions();
        let mut found: BTreeSet<&'a str> = BTreeSet::new();
        let mut queue = vec![name];
        while let Some(parent) = queue.pop() {
            for &child in extensions.get(parent).into_iter().flatten() {
                if child != name && found.insert(child) {
                    queue.push(child);
                }
            }
        }
        let Some(components) = &self.doc.components else {
            return Vec::new();
        };
        components
            .schemas
            .keys()
            .map(String::as_str)
            .filter(|key| found.contains(key))
            .collect()
    }

    /// For each component schema, the component schemas that name it as an `allOf` member,
    /// in spec order.
    fn extensions(&self) -> BTreeMap<String, Vec<&'a str>> {
        let mut extensions: BTreeMap<String, Vec<&'a str>> = BTreeMap::new();
        let Some(components) = &self.doc.components else {
            return extensions;
        };
        for (child, schema) in &components.schemas {
            let ReferenceOr::Item(schema) = schema else {
                continue;
            };
            let Shape::AllOf { members, .. } = shape(schema) else {
                continue;
            };
            for member in members {
                if let ReferenceOr::Reference { reference } = member {
                    if let Some(parent) = component_name::<Schema>(reference) {
                        let children = extensions.entry(parent).or_default();
                        if !children.contains(&child.as_str()) {
                            children.push(child);
                        }
                    }
                }
            }
        }
        extensions
    }

    /// The component schema called `name`, as written (perhaps a `$ref`).
    fn component_schema(&self, name: &str) -> Option<&'a ReferenceOr<Schema>> {
        self.doc.components.as_ref()?.schemas.get(name)
    }
}

#[cfg(test)]
mod tests {
    use crate::ir::{Tagging, TypeRef};
    use crate::lower::testing::{
        alias_of, api, emitted, field, lowered, named, option, struct_of, union_of,
    };

    const ZOO: &str = r##"
        Animal:
          type: object
          required: [className]
          discriminator:
            propertyName: className
          properties:
            className: {type: string}
            friend: {$ref: "#/components/schemas/Animal"}
        Dog:
          allOf:
            - $ref: "#/components/schemas/Animal"
            - type: object
              properties:
                bark: {type: boolean}
        Puppy:
          allOf:
            - $ref: "#/components/schemas/Dog"
            - type: object
              properties:
                age: {type: integer}
        Stray:
          allOf:
            - $ref: "#/components/schemas/Animal"
        Kennel:
          type: object
          properties:
            resident: {$ref: "#/components/schemas/Dog"}
            any: {$ref: "#/components/schemas/Animal"}
    "##;

    #[test]
    fn a_base_with_subtypes_is_an_enum_over_them_by_schema_name() {
        let api = api(ZOO);
        let animal = union_of(&api, "Animal");
        assert_eq!(
            animal.tagging,
            Tagging::Discriminator {
                property: "className".to_owned(),
                unknown_ident: "Unknown".to_owned(),
            }
        );
        let summary: Vec<(&str, Vec<&str>, bool)> = animal
            .variants
            .iter()
            .map(|v| {
                let tags = v.tags.iter().map(String::as_str).collect();
                (v.ident.as_str(), tags, v.insert_tag)
            })
            .collect();
        // The base itself, then every subtype (a subtype's subtype too), in spec order; each
        // requires the tag through the base.
        assert_eq!(
            summary,
            [
                ("Animal", vec!["Animal"], false),
                ("Dog", vec!["Dog"], false),
                ("Puppy", vec!["Puppy"], false),
                ("Stray", vec!["Stray"], false),
            ]
        );
        let types: Vec<&TypeRef> = animal.variants.iter().map(|v| &v.ty).collect();
        assert_eq!(types[0], &named(&api, "AnimalBase"));
        assert_eq!(types[1], &named(&api, "Dog"));
        assert_eq!(types[2], &named(&api, "Puppy"));
        // A subtype that adds nothing holds the base's fields, not the enum again.
        assert_eq!(types[3], &named(&api, "AnimalBase"));
        let TypeRef::Named(base) = named(&api, "AnimalBase") else {
            panic!("not a named type");
        };
        assert_eq!(animal.base, Some(base));

        // Subtypes are their structs, the base's fields merged in.
        let puppy: Vec<&str> = struct_of(&api, "Puppy")
            .fields
            .iter()
            .map(|f| f.ident.as_str())
            .collect();
        assert_eq!(
            puppy,
            [
                "class_name",
                "friend",
                "bark",
                "age",
                "additional_properties"
            ]
        );
        assert_eq!(
            field(&api, "Kennel", "resident").ty,
            option(named(&api, "Dog"))
        );
        assert_eq!(
            field(&api, "Kennel", "any").ty,
            option(named(&api, "Animal"))
        );
        // A subtype holding the base is on a cycle through the enum: boxed.
        let boxed = option(TypeRef::Boxed(Box::new(named(&api, "Animal"))));
        assert_eq!(field(&api, "Dog", "friend").ty, boxed);
        assert_eq!(field(&api, "AnimalBase", "friend").ty, boxed);

        // Every variant has the base's fields: one accessor each, seeing through the box.
        let accessors: Vec<(&str, bool, bool)> = animal
            .accessors
            .iter()
            .map(|a| (a.ident.as_str(), a.optional, a.boxed))
            .collect();
        assert_eq!(
            accessors,
            [("class_name", false, false), ("friend", true, true)]
        );

        let text = emitted(ZOO, "animal");
        assert!(text.contains("Animal(crate::types::AnimalBase),"), "{text}");
        assert!(text.contains(r#""Puppy" => {"#), "{text}");
        assert!(
            text.contains("pub fn friend(&self) -> Option<&crate::types::Animal> {"),
            "{text}"
        );
        assert!(
            text.contains("Animal::Dog(value) => value.friend.as_deref(),"),
            "{text}"
        );
        assert!(text.contains("Animal::Unknown(_) => None,"), "{text}");
    }

    #[test]
    fn the_mapping_names_values_and_an_optional_tag_is_written() {
        let api = api(r##"
            Shape:
              type: object
              discriminator:
                propertyName: kind
                mapping:
                  circle: "#/components/schemas/Circle"
                  sq: Square
                  blob: Blob
              properties:
                kind: {type: string}
                clone: {type: string}
            Circle:
              allOf:
                - $ref: "#/components/schemas/Shape"
                - properties:
                    radius: {type: number}
            Square:
              allOf:
                - $ref: "#/components/schemas/Shape"
                - properties:
                    side: {type: number}
            Blob:
              type: object
              properties:
                kind: {type: string}
                clone: {type: string}
                goo: {type: boolean}
            "##);
        let shape = union_of(&api, "Shape");
        let summary: Vec<(&str, Vec<&str>, bool)> = shape
            .variants
            .iter()
            .map(|v| {
                let tags = v.tags.iter().map(String::as_str).collect();
                (v.ident.as_str(), tags, v.insert_tag)
            })
            .collect();
        // A schema only the mapping names is a variant too; the tag is optional, so
        // encoding adds it.
        assert_eq!(
            summary,
            [
                ("Shape", vec!["Shape"], true),
                ("Circle", vec!["circle"], true),
                ("Square", vec!["sq"], true),
                ("Blob", vec!["blob"], true),
            ]
        );
        // `clone` would read as `Clone::clone` to clippy: the accessor takes a suffix.
        let idents: Vec<(&str, &str)> = shape
            .accessors
            .iter()
            .map(|a| (a.ident.as_str(), a.field.as_str()))
            .collect();
        assert_eq!(idents, [("kind", "kind"), ("clone_2", "clone")]);
    }

    #[test]
    fn a_discriminator_without_subtypes_or_on_a_union_changes_nothing() {
        let (api, warnings) = lowered(
            r##"
            Lonely:
              type: object
              discriminator:
                propertyName: kind
              properties:
                kind: {type: string}
            Pet:
              oneOf:
                - $ref: "#/components/schemas/Cat"
              discriminator:
                propertyName: kind
            Cat:
              allOf:
                - $ref: "#/components/schemas/Pet"
                - properties:
                    meow: {type: boolean}
            "##,
            "",
        );
        let lonely = struct_of(&api, "Lonely");
        assert_eq!(lonely.fields.iter().filter(|f| !f.flatten).count(), 1);
        // The cycle through a `oneOf` base is today's fallback, with its located warning.
        assert_eq!(alias_of(&api, "Cat"), Some(TypeRef::Json));
        let placed: Vec<Option<&str>> = warnings.iter().map(|w| w.pointer.as_deref()).collect();
        assert_eq!(placed, [Some("#/components/schemas/Cat")], "{warnings:#?}");
    }
}
