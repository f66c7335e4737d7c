//! Which file under `types/` each type is written in. A type lowered from a schema written
//! inside another type's schema (its origin below the other's) goes in that type's file when
//! the two are compiled under the same features, so a schema's inline parts sit beside it and
//! a big API has half the files (GitHub's 2,868 types in 1,473). Every other type has a file
//! of its own, named after it.

use std::collections::HashMap;

use crate::ir::{TypeDef, TypeFile, TypeId};

/// The files of `types` (sorted by name), given the module each would have alone, in the
/// same order; sorted by module name.
pub(super) fn type_files(types: &[TypeDef], mut modules: Vec<String>) -> Vec<TypeFile> {
    let mut by_origin: HashMap<&str, usize> = HashMap::with_capacity(types.len());
    for (index, def) in types.iter().enumerate() {
        by_origin.entry(def.origin.as_str()).or_insert(index);
    }
    // The type each one is written beside: the nearest whose schema encloses its own, when
    // the two have the same gate (a type reached from elsewhere too has a wider one).
    let beside: Vec<Option<usize>> = types
        .iter()
        .map(|def| {
            enclosing(&def.origin)
                .find_map(|origin| by_origin.get(origin).copied())
                .filter(|&outer| types[outer].features == def.features)
        })
        .collect();
    // An enclosing origin is shorter, so a type's outer one is settled before it is.
    let mut by_depth: Vec<usize> = (0..types.len()).collect();
    by_depth.sort_by_key(|&index| types[index].origin.len());
    let mut file_of: Vec<usize> = (0..types.len()).collect();
    for index in by_depth {
        if let Some(outer) = beside[index] {
            file_of[index] = file_of[outer];
        }
    }
    let mut files: Vec<Option<TypeFile>> = (0..types.len()).map(|_| None).collect();
    for (index, &file) in file_of.iter().enumerate() {
        if file == index {
            files[index] = Some(TypeFile {
                module: std::mem::take(&mut modules[index]),
                types: vec![TypeId(index)],
            });
        }
    }
    // Then the others, by name (the order of `types`), after the schema's own.
    for (index, &file) in file_of.iter().enumerate() {
        if file != index
            && let Some(file) = &mut files[file]
        {
            file.types.push(TypeId(index));
        }
    }
    let mut files: Vec<TypeFile> = files.into_iter().flatten().collect();
    files.sort_by(|a, b| a.module.cmp(&b.module));
    files
}

/// The pointers that enclose `origin`, nearest first: `#/a/b` for `#/a/b/c`, then `#/a`.
fn enclosing(origin: &str) -> impl Iterator<Item = &str> {
    let mut rest = origin;
    std::iter::from_fn(move || {
        let end = rest.rfind('/')?;
        rest = &rest[..end];
        Some(rest)
    })
}

#[cfg(test)]
mod tests {
    use crate::ir::Api;
    use crate::lower::testing::lowered;

    /// Each file's module and the names of its types, in order.
    fn files(api: &Api) -> Vec<(&str, Vec<&str>)> {
        api.type_files
            .iter()
            .map(|file| {
                let names = file
                    .types
                    .iter()
                    .map(|&id| api.type_def(id).ident.as_str())
                    .collect();
                (file.module.as_str(), names)
            })
            .collect()
    }

    #[test]
    fn inline_types_share_their_schema_s_file_when_their_gates_match() {
        let (api, _) = lowered(
            r#"
            Pet:
              type: object
              properties:
                owner:
                  type: object
                  properties:
                    address:
                      type: object
                      properties:
                        street: {type: string}
                kind:
                  type: string
                  enum: [cat, dog]
                tag:
                  type: object
                  properties:
                    label: {type: string}
            Petting:
              type: object
              properties:
                note: {type: string}
            "#,
            r#"
            /pets:
              get:
                tags: [pets]
                responses:
                  '200':
                    description: ok
                    content:
                      application/json:
                        schema: {$ref: '#/components/schemas/Pet'}
            /tags:
              post:
                tags: [tags]
                requestBody:
                  content:
                    application/json:
                      schema:
                        type: object
                        properties:
                          label: {type: string}
                responses:
                  '204': {description: done}
            "#,
        );
        assert_eq!(
            files(&api),
            [
                ("pet", vec!["Pet", "PetKind", "PetOwner", "PetOwnerAddress"]),
                // The same as the body of `POST /tags`, so compiled for `tags` too.
                ("pet_tag", vec!["PetTag"]),
                // Named like `Pet`'s parts, but a schema of its own.
                ("petting", vec!["Petting"]),
            ]
        );
    }
}
