//! Multi-file documents: relative `$ref`s to other files and fragments inside them, resolved
//! against the referring file, with cycles ending and every failure located.

use std::collections::BTreeMap;

use apiforge_generator::load::{Loaded, load_with};
use apiforge_generator::{Diagnostics, Sources};
use openapiv3::{ReferenceOr, SchemaKind, Type};

/// Files in memory, by path.
struct Files(BTreeMap<&'static str, &'static str>);

impl Sources for Files {
    fn read(&self, path: &str) -> Result<Vec<u8>, String> {
        self.0
            .get(path)
            .map(|text| text.as_bytes().to_vec())
            .ok_or_else(|| "no such file".to_owned())
    }
}

fn load(root: &'static str, files: &[(&'static str, &'static str)]) -> Result<Loaded, Diagnostics> {
    let sources = Files(files.iter().copied().collect());
    let text = sources.0.get(root).copied().unwrap_or_default();
    load_with(root, text.as_bytes(), &sources)
}

const ROOT: &str = r##"
openapi: 3.0.3
info: {title: Pets, version: "1"}
paths:
  /pets/{id}:
    parameters:
      - $ref: "./common/parameters.yaml#/PetId"
    get:
      responses:
        "200":
          description: a pet
          content:
            application/json:
              schema:
                $ref: "./schemas/pet.yaml"
        default:
          $ref: "common/responses.json#/Problem"
components:
  schemas:
    Owner:
      type: object
      properties:
        name: {type: string}
"##;

const PET: &str = r##"
type: object
required: [id]
properties:
  id: {type: integer}
  owner:
    $ref: "../specs.yaml#/components/schemas/Owner"
  tags:
    type: array
    items:
      $ref: "#/definitions/Tag"
  parent:
    $ref: "./pet.yaml"
definitions:
  Tag:
    type: object
    properties:
      label: {type: string}
"##;

const PARAMETERS: &str = r##"
PetId:
  name: id
  in: path
  required: true
  schema: {type: string}
"##;

const RESPONSES: &str = r##"{"Problem": {"description": "a problem", "content": {"application/json": {"schema": {"$ref": "#/ProblemBody"}}}}, "ProblemBody": {"type": "object", "properties": {"detail": {"type": "string"}}}}"##;

fn files() -> Vec<(&'static str, &'static str)> {
    vec![
        ("specs.yaml", ROOT),
        ("schemas/pet.yaml", PET),
        ("common/parameters.yaml", PARAMETERS),
        ("common/responses.json", RESPONSES),
    ]
}

#[test]
fn other_files_are_brought_in_as_components() {
    let loaded = load("specs.yaml", &files()).expect("the document loads");
    let components = loaded.document.components.expect("components");
    let names: Vec<&str> = components.schemas.keys().map(String::as_str).collect();
    assert_eq!(names, ["Owner", "pet", "Tag", "ProblemBody"]);
    assert!(components.parameters.contains_key("PetId"));
    assert!(components.responses.contains_key("Problem"));

    let ReferenceOr::Item(pet) = &components.schemas["pet"] else {
        panic!("pet is inline");
    };
    let SchemaKind::Type(Type::Object(pet)) = &pet.schema_kind else {
        panic!("pet is an object");
    };
    let reference = |name: &str| match &pet.properties[name] {
        ReferenceOr::Reference { reference } => reference.clone(),
        ReferenceOr::Item(_) => panic!("{name} should be a reference"),
    };
    // Back into the root file, and the cycle through pet.yaml itself, end at local names.
    assert_eq!(reference("owner"), "#/components/schemas/Owner");
    assert_eq!(reference("parent"), "#/components/schemas/pet");
}

#[test]
fn a_multi_file_document_generates_a_crate() {
    let sources = Files(files().into_iter().collect());
    let settings = apiforge_generator::Settings::new("pets");
    let generated =
        apiforge_generator::generate_with("specs.yaml", ROOT.as_bytes(), &settings, &sources)
            .expect("generates");
    let pet = generated
        .files
        .iter()
        .find(|f| f.path == "src/types/pet.rs")
        .expect("pet.rs");
    assert!(
        pet.contents
            .contains("pub parent: Option<Box<crate::types::Pet>>"),
        "{}",
        pet.contents
    );
}

#[test]
fn a_missing_file_is_an_error_at_the_reference() {
    let mut files = files();
    files.retain(|(path, _)| *path != "common/parameters.yaml");
    let error = load("specs.yaml", &files).unwrap_err().to_string();
    assert!(
        error.contains("cannot read `common/parameters.yaml`"),
        "{error}"
    );
    assert!(
        error.contains("specs.yaml at #/paths/~1pets~1{id}/parameters/0"),
        "{error}"
    );
}

#[test]
fn a_dangling_fragment_names_the_file_and_pointer() {
    let mut files = files();
    files.push(("broken.yaml", "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    A:\n      $ref: './schemas/pet.yaml#/definitions/Nope'\n"));
    let error = load("broken.yaml", &files).unwrap_err().to_string();
    assert!(
        error.contains("dangling $ref `./schemas/pet.yaml#/definitions/Nope`"),
        "{error}"
    );
    assert!(
        error.contains("broken.yaml at #/components/schemas/A"),
        "{error}"
    );
    assert!(
        error.contains("`schemas/pet.yaml` has nothing at #/definitions/Nope"),
        "{error}"
    );
}

#[test]
fn remote_references_are_refused_not_fetched() {
    let files = vec![(
        "remote.yaml",
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    A:\n      $ref: 'https://example.com/a.yaml'\n",
    )];
    let error = load("remote.yaml", &files).unwrap_err().to_string();
    assert!(
        error.contains("remote $ref `https://example.com/a.yaml` is not fetched"),
        "{error}"
    );
}

#[test]
fn a_single_file_loader_refuses_other_files() {
    let error = apiforge_generator::load::load("specs.yaml", ROOT.as_bytes())
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("cannot read `common/parameters.yaml`"),
        "{error}"
    );
}

/// Spotify's spec keeps vendor data under `components/x-spotify-policy` and points at it from
/// other extensions; those `$ref`s are the vendor's, and a property named `x-…` is still a name.
#[test]
fn references_inside_extensions_are_left_alone() {
    const VENDOR: &str = r##"
openapi: 3.0.3
info: {title: Vendor, version: "1"}
paths: {}
components:
  x-policy:
    Download: {description: may download}
    lists:
      - $ref: "#/components/x-policy/Download"
  schemas:
    Track:
      type: object
      x-policy-list:
        $ref: "#/components/x-policy/lists"
      properties:
        x-id:
          $ref: "./id.yaml"
"##;
    let loaded = load(
        "vendor.yaml",
        &[("vendor.yaml", VENDOR), ("id.yaml", "type: string\n")],
    )
    .expect("the document loads");
    let components = loaded.document.components.expect("components");
    let names: Vec<&str> = components.schemas.keys().map(String::as_str).collect();
    assert_eq!(names, ["Track", "id"]);
}

/// Examples, defaults and extensions are data: a `$ref` key inside them is text, whatever it
/// names, and a real reference beside them is still followed.
#[test]
fn references_inside_literal_data_are_left_alone() {
    const LITERAL: &str = r##"
openapi: 3.0.3
info: {title: Literal, version: "1"}
paths:
  /pets:
    get:
      parameters:
        - name: q
          in: query
          schema: {type: string}
          example: {$ref: "./missing.yaml#/Q"}
      responses:
        "200":
          description: ok
          x-sample: {$ref: "./missing.yaml#/Sample"}
          content:
            application/json:
              schema:
                $ref: "./pet.yaml"
              example: {$ref: "./missing.yaml#/Pet"}
              examples:
                literal:
                  value: {$ref: "#/components/schemas/Nope"}
                shared:
                  $ref: "./examples.yaml#/One"
components:
  schemas:
    Box:
      type: object
      default: {$ref: "./missing.yaml#/Default"}
      properties:
        example:
          $ref: "./pet.yaml"
"##;
    const EXAMPLES: &str = "One:\n  value: {$ref: './missing.yaml#/Inside'}\n";
    let loaded = load(
        "literal.yaml",
        &[
            ("literal.yaml", LITERAL),
            (
                "pet.yaml",
                "type: object\nexample: {$ref: './missing.yaml#/X'}\n",
            ),
            ("examples.yaml", EXAMPLES),
        ],
    )
    .unwrap_or_else(|error| panic!("literal data is not followed:\n{error}"));
    let document = serde_json::to_value(&loaded.document).expect("serializes");
    let media =
        &document["paths"]["/pets"]["get"]["responses"]["200"]["content"]["application/json"];
    assert_eq!(
        media["example"],
        serde_json::json!({"$ref": "./missing.yaml#/Pet"})
    );
    assert_eq!(
        media["examples"]["literal"]["value"],
        serde_json::json!({"$ref": "#/components/schemas/Nope"})
    );
    // The Example Object behind a real `$ref` is brought in, its value left as written.
    assert_eq!(
        media["examples"]["shared"],
        serde_json::json!({"$ref": "#/components/examples/One"})
    );
    let components = &document["components"];
    assert_eq!(
        components["examples"]["One"]["value"],
        serde_json::json!({"$ref": "./missing.yaml#/Inside"})
    );
    assert_eq!(
        components["schemas"]["pet"]["example"],
        serde_json::json!({"$ref": "./missing.yaml#/X"})
    );
    // A property called `example` is a schema, and its reference is followed.
    assert_eq!(
        components["schemas"]["Box"]["properties"]["example"],
        serde_json::json!({"$ref": "#/components/schemas/pet"})
    );
}
