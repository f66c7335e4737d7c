//! A document's inputs are every file it was read from, so a `build.rs` reruns when any of
//! them changes.

use std::fs;

#[test]
fn inputs_are_the_document_and_every_file_its_refs_read() {
    let dir = tempfile::tempdir().expect("temp dir");
    fs::create_dir_all(dir.path().join("specs/parts")).expect("mkdir");
    fs::write(
        dir.path().join("specs/pets.yaml"),
        "openapi: 3.0.3\ninfo: {title: Pets, version: '1'}\npaths:\n  /pets:\n    get:\n      operationId: listPets\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {$ref: './parts/pet.yaml#/Pet'}\n",
    )
    .expect("root");
    fs::write(
        dir.path().join("specs/parts/pet.yaml"),
        "Pet:\n  type: object\n  properties:\n    name: {type: string}\n",
    )
    .expect("part");
    let settings = apiforge_generator::Settings::new("pets");
    let output = apiforge_project::generate_api(dir.path(), "specs/pets.yaml", &settings, &[])
        .expect("generates");
    let inputs: Vec<String> = output
        .inputs
        .iter()
        .map(|path| {
            path.strip_prefix(dir.path())
                .expect("inside")
                .to_string_lossy()
                .replace('\\', "/")
        })
        .collect();
    assert_eq!(inputs, ["specs/pets.yaml", "specs/parts/pet.yaml"]);
    assert!(
        output
            .generated
            .files
            .iter()
            .any(|file| file.path == "src/types/pet.rs"),
        "the referenced schema is generated"
    );
}
