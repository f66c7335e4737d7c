//! What the caller's settings change in a generated crate, read off its files: operation
//! selection, type replacements, extra derives; and the names and re-exports every crate has
//! (the untagged module, file names Windows accepts, the crate root and `operations`).

use apiforge_generator::{
    Diagnostics, GeneratedFile, Layout, Runtime, Setting, Settings, UnknownProperties, generate,
};

/// Pets (one also tagged `admin`), stores with an inline query type, an untagged health check,
/// and `Pet` holding a `Money`.
const PET_STORE: &str = r#"
openapi: 3.0.3
info: {title: Pet Store, version: '1'}
paths:
  /pets:
    get:
      operationId: listPets
      tags: [pets]
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {type: array, items: {$ref: '#/components/schemas/Pet'}}
    post:
      operationId: createPet
      tags: [pets, admin]
      requestBody:
        required: true
        content:
          application/json:
            schema: {type: object, properties: {name: {type: string}}}
      responses:
        '201': {description: created}
        '400':
          description: refused
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Money'}
  /stores:
    get:
      operationId: listStores
      tags: [stores]
      parameters:
        - name: filter
          in: query
          style: deepObject
          schema: {type: object, properties: {open: {type: boolean}}}
      responses: {'204': {description: ok}}
  /health:
    get:
      operationId: health
      responses: {'204': {description: ok}}
components:
  schemas:
    Pet:
      type: object
      required: [price]
      properties:
        name: {type: string}
        price: {$ref: '#/components/schemas/Money'}
        tip: {$ref: '#/components/schemas/Money'}
    Money:
      type: object
      properties:
        amount: {type: string}
        currency: {type: string}
        change: {$ref: '#/components/schemas/Money'}
"#;

fn generated(document: &str, settings: &Settings) -> Vec<GeneratedFile> {
    match generate("api.yaml", document.as_bytes(), settings) {
        Ok(generated) => generated.files,
        Err(diagnostics) => panic!("does not generate:\n{diagnostics}"),
    }
}

fn errors(document: &str, settings: &Settings) -> Diagnostics {
    match generate("api.yaml", document.as_bytes(), settings) {
        Ok(_) => panic!("generates, but the settings are wrong"),
        Err(diagnostics) => diagnostics,
    }
}

fn file<'a>(files: &'a [GeneratedFile], path: &str) -> Option<&'a str> {
    files
        .iter()
        .find(|file| file.path == path)
        .map(|file| file.contents.as_str())
}

fn paths(files: &[GeneratedFile]) -> Vec<&str> {
    files.iter().map(|file| file.path.as_str()).collect()
}

/// Every `Client` method the crate defines.
fn methods(files: &[GeneratedFile]) -> Vec<String> {
    let mut methods: Vec<String> = files
        .iter()
        .filter(|file| file.path.starts_with("src/operations/"))
        .flat_map(|file| file.contents.split("    pub fn ").skip(1))
        .filter_map(|rest| rest.split_once(')'))
        .filter_map(|(signature, _)| signature.split_once('('))
        .filter(|(_, arguments)| arguments.trim_start().starts_with("&self"))
        .map(|(name, _)| name.to_owned())
        .collect();
    methods.sort();
    methods
}

#[test]
fn every_operation_is_kept_by_default() {
    let files = generated(PET_STORE, &Settings::new("x"));
    assert_eq!(
        methods(&files),
        ["create_pet", "health", "list_pets", "list_stores"]
    );
}

#[test]
fn include_lists_keep_what_they_name_by_tag_or_operation_id() {
    let mut settings = Settings::new("x");
    settings.operations.include_tags = vec!["pets".to_owned()];
    settings.operations.include_operations = vec!["health".to_owned()];
    let files = generated(PET_STORE, &settings);
    assert_eq!(methods(&files), ["create_pet", "health", "list_pets"]);
    let all = paths(&files);
    assert!(!all.contains(&"src/operations/stores.rs"), "{all:?}");
    // A dropped operation's inline types are never made; component schemas still are.
    assert!(
        !all.iter()
            .any(|path| path.starts_with("src/types/list_stores")),
        "{all:?}"
    );
    assert!(all.contains(&"src/types/pet.rs"), "{all:?}");
    let manifest = file(&files, "Cargo.toml").unwrap_or_default();
    assert!(!manifest.contains("stores"), "{manifest}");
}

#[test]
fn exclude_lists_drop_an_operation_named_by_any_of_its_tags() {
    let mut settings = Settings::new("x");
    settings.operations.exclude_tags = vec!["admin".to_owned()];
    settings.operations.exclude_operations = vec!["listStores".to_owned()];
    let files = generated(PET_STORE, &settings);
    assert_eq!(methods(&files), ["health", "list_pets"]);
    // Excluding wins over including.
    settings.operations.include_operations = vec!["createPet".to_owned(), "listPets".to_owned()];
    assert_eq!(methods(&generated(PET_STORE, &settings)), ["list_pets"]);
}

#[test]
fn names_that_match_nothing_are_errors_that_list_the_valid_ones() {
    let mut settings = Settings::new("x");
    settings.operations.include_tags = vec!["pet".to_owned()];
    settings.operations.exclude_operations = vec!["listpets".to_owned()];
    let diagnostics = errors(PET_STORE, &settings);
    let messages: Vec<&str> = diagnostics.iter().map(|d| d.message.as_str()).collect();
    assert_eq!(
        messages,
        [
            "no operation has the tag `pet`; tags: admin, pets, stores",
            "no operation has the operationId `listpets`; operationIds: createPet, health, listPets, listStores",
        ]
    );
    assert!(diagnostics.iter().all(|d| d.pointer.is_none()));
    let settings_named: Vec<Option<Setting>> = diagnostics.iter().map(|d| d.setting).collect();
    assert_eq!(
        settings_named,
        [Some(Setting::IncludeTags), Some(Setting::ExcludeOperations)],
        "each error names the setting, for the front end to point at"
    );
}

#[test]
fn a_replaced_schema_has_no_type_and_every_reference_uses_the_path() {
    let mut settings = Settings::new("x");
    settings
        .type_replacements
        .insert("Money".to_owned(), "::rust_decimal::Decimal".to_owned());
    let files = generated(PET_STORE, &settings);
    let all = paths(&files);
    assert!(!all.contains(&"src/types/money.rs"), "{all:?}");
    let types_mod = file(&files, "src/types/mod.rs").unwrap_or_default();
    assert!(!types_mod.contains("Money"), "{types_mod}");
    let pet = file(&files, "src/types/pet.rs").unwrap_or_default();
    // Never boxed, although `Money` refers to itself in the document.
    assert!(
        pet.contains(r#"pub price: ::rust_decimal::Decimal = required("price"),"#),
        "{pet}"
    );
    assert!(
        pet.contains(r#"pub tip: Option<::rust_decimal::Decimal> = optional("tip"),"#),
        "{pet}"
    );
    // Only `Debug`, `Clone` and serde are assumed of the caller's type.
    assert!(pet.contains("#[derive(Clone, Debug)]"), "{pet}");
    let pets = file(&files, "src/operations/pets.rs").unwrap_or_default();
    assert!(
        pets.contains("BadRequest(::rust_decimal::Decimal)"),
        "{pets}"
    );
    assert!(pets.contains("#[derive(Clone, Debug)]\n"), "{pets}");
    let readme = file(&files, "README.md").unwrap_or_default();
    assert!(!readme.contains("`Money`"), "{readme}");
}

#[test]
fn extra_derives_follow_the_generated_ones_and_skip_those_already_there() {
    let mut settings = Settings::new("x");
    settings.extra_derives = vec![
        "PartialEq".to_owned(),
        "Eq".to_owned(),
        "schemars::JsonSchema".to_owned(),
    ];
    let files = generated(PET_STORE, &settings);
    let money = file(&files, "src/types/money.rs").unwrap_or_default();
    assert!(
        money.contains("#[derive(Clone, Debug, Default, PartialEq, Eq, schemars::JsonSchema)]"),
        "{money}"
    );
    // Listing `PartialEq` says the replacement can be compared, so its holders are again.
    settings
        .type_replacements
        .insert("Money".to_owned(), "my_crate::Money".to_owned());
    let files = generated(PET_STORE, &settings);
    let pet = file(&files, "src/types/pet.rs").unwrap_or_default();
    assert!(pet.contains(" PartialEq,"), "{pet}");
    let pets = file(&files, "src/operations/pets.rs").unwrap_or_default();
    assert!(
        pets.contains("#[derive(Clone, Debug, PartialEq)]"),
        "{pets}"
    );
}

#[test]
fn replacements_and_derives_that_are_not_rust_are_errors() {
    let mut settings = Settings::new("x");
    settings
        .type_replacements
        .insert("money".to_owned(), "::rust_decimal::Decimal".to_owned());
    settings
        .type_replacements
        .insert("Pet".to_owned(), "&str".to_owned());
    settings.extra_derives = vec!["Partial Eq".to_owned(), "Hash".to_owned()];
    let diagnostics = errors(PET_STORE, &settings);
    let messages: Vec<&str> = diagnostics.iter().map(|d| d.message.as_str()).collect();
    assert_eq!(
        messages,
        [
            "`&str` (for `Pet`) is not a Rust type such as `::rust_decimal::Decimal`",
            "the schema `money` is not under #/components/schemas; did you mean `Money`",
            "`Partial Eq` is not a derive path such as `PartialEq` or `schemars::JsonSchema`",
        ]
    );
}

#[test]
fn untagged_operations_have_a_module_whose_name_never_changes() {
    let files = generated(PET_STORE, &Settings::new("x"));
    let untagged = file(&files, "src/operations/untagged.rs").unwrap_or_default();
    assert!(untagged.contains("pub fn health(&self)"), "{untagged}");
    assert!(
        untagged.starts_with("// Generated") && untagged.contains("//! Operations without a tag."),
        "{untagged}"
    );
    let manifest = file(&files, "Cargo.toml").unwrap_or_default();
    assert!(manifest.contains("\nuntagged = []\n"), "{manifest}");

    // A tag of that name, or its absence, leaves the untagged module where it is.
    let tagged = PET_STORE.replace("tags: [stores]", "tags: [untagged]");
    let files = generated(&tagged, &Settings::new("x"));
    let stores = file(&files, "src/operations/untagged_2.rs").unwrap_or_default();
    assert!(stores.contains("pub fn list_stores(&self)"), "{stores}");
    assert!(
        file(&files, "src/operations/untagged.rs").is_some_and(|f| f.contains("pub fn health")),
        "{:?}",
        paths(&files)
    );
    let mut settings = Settings::new("x");
    settings.operations.exclude_operations = vec!["health".to_owned()];
    let files = generated(&tagged, &settings);
    assert!(
        file(&files, "src/operations/untagged_2.rs").is_some(),
        "{:?}",
        paths(&files)
    );
}

#[test]
fn module_files_are_never_named_as_windows_devices() {
    let document = PET_STORE
        .replace("tags: [stores]", "tags: [CON]")
        .replace("    Pet:\n", "    Aux:\n")
        .replace("schemas/Pet'", "schemas/Aux'");
    let files = generated(&document, &Settings::new("x"));
    let all = paths(&files);
    for path in ["src/operations/con_2.rs", "src/types/aux_2.rs"] {
        assert!(all.contains(&path), "{path}: {all:?}");
    }
    assert!(
        !all.iter()
            .any(|path| path.ends_with("/con.rs") || path.ends_with("/aux.rs")),
        "{all:?}"
    );
    let types_mod = file(&files, "src/types/mod.rs").unwrap_or_default();
    assert!(types_mod.contains(" aux_2::Aux,\n"), "{types_mod}");
}

#[test]
fn operations_re_exports_every_operation_type_flat() {
    let files = generated(PET_STORE, &Settings::new("x"));
    let operations = file(&files, "src/operations/mod.rs").unwrap_or_default();
    for line in [
        "#[cfg(feature = \"pets\")]\npub use self::pets::{CreatePet, CreatePetError, ListPets};",
        "#[cfg(feature = \"stores\")]\npub use self::stores::ListStores;",
        "#[cfg(feature = \"untagged\")]\npub use self::untagged::Health;",
    ] {
        assert!(operations.contains(line), "{line}\n{operations}");
    }
}

#[test]
fn operation_types_of_different_tags_never_share_a_name() {
    let document = r#"
openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /a:
    get:
      operationId: get-item
      tags: [alpha]
      responses:
        '200': {description: ok, headers: {X-Rate: {schema: {type: integer}}}}
        '404': {description: missing}
  /b:
    get:
      operationId: getItem
      tags: [beta]
      responses:
        '200': {description: ok, headers: {X-Rate: {schema: {type: integer}}}}
        '404': {description: missing}
  /c:
    get:
      operationId: result
      tags: [gamma]
      responses: {'204': {description: ok}}
"#;
    let files = generated(document, &Settings::new("x"));
    let operations = file(&files, "src/operations/mod.rs").unwrap_or_default();
    let mut names: Vec<&str> = operations
        .lines()
        .filter_map(|line| line.strip_prefix("pub use self::"))
        .filter_map(|line| line.split_once("::"))
        .flat_map(|(_, items)| items.trim_matches(['{', '}', ';']).split(", "))
        .collect();
    assert_eq!(names.len(), 7, "{operations}");
    names.sort_unstable();
    let count = names.len();
    names.dedup();
    assert_eq!(names.len(), count, "{operations}");
    assert!(
        operations.contains("pub use self::alpha::{GetItem, GetItemError, GetItemHeaders};"),
        "{operations}"
    );
    assert!(
        operations.contains("pub use self::beta::{GetItem2, GetItem2Error, GetItem2Headers};"),
        "{operations}"
    );
    // The prelude's names stay the prelude's in the module that uses them.
    assert!(
        operations.contains("pub use self::gamma::Result2;"),
        "{operations}"
    );
}

#[test]
fn the_crate_root_re_exports_the_runtime_and_the_crates_its_types_expose() {
    let files = generated(PET_STORE, &Settings::new("x"));
    let lib = file(&files, "src/lib.rs").unwrap_or_default();
    for item in [
        "    ApiError,",
        " Auth,",
        " ByteStream,",
        " Middleware,",
        " RetryPolicy,",
        " TokenProvider,",
        " Upload,",
        "pub use client::{Client, ClientBuilder};",
        "pub use ::apiforge_runtime as runtime;",
    ] {
        assert!(lib.contains(item), "{item}\n{lib}");
    }
    // Its structs keep undeclared properties as JSON: serde_json is exposed.
    assert!(lib.contains("pub use ::serde_json;"), "{lib}");
    // Structs that drop them need neither serde_json, chrono nor uuid for this document.
    let mut dropping = Settings::new("x");
    dropping.unknown_properties = UnknownProperties::Drop;
    let lib = file(&generated(PET_STORE, &dropping), "src/lib.rs")
        .unwrap_or_default()
        .to_owned();
    assert!(!lib.contains("pub use ::serde_json;"), "{lib}");
    assert!(!lib.contains("pub use ::chrono;"), "{lib}");

    let dated = PET_STORE.replace(
        "currency: {type: string}",
        "currency: {type: string, format: date-time}\n        extra: {type: object}",
    );
    let lib = file(&generated(&dated, &Settings::new("x")), "src/lib.rs")
        .unwrap_or_default()
        .to_owned();
    assert!(lib.contains("pub use ::serde_json;"), "{lib}");
    assert!(lib.contains("pub use ::chrono;"), "{lib}");

    // Inlined, the runtime is the crate's own module, reached at the same path.
    let mut settings = Settings::new("x");
    settings.runtime = Runtime::Inline;
    let lib = file(&generated(PET_STORE, &settings), "src/lib.rs")
        .unwrap_or_default()
        .to_owned();
    assert!(lib.contains("pub mod runtime;"), "{lib}");
    assert!(!lib.contains("as runtime;"), "{lib}");
    assert!(lib.contains("pub use crate::runtime::{"), "{lib}");
    assert!(lib.contains("pub use ::serde_json;"), "{lib}");
}

#[test]
fn a_module_file_re_exports_without_feature_gates() {
    for (root_path, runtime, runtime_item) in [
        (
            "crate",
            Runtime::Version("0.1".to_owned()),
            "pub use ::apiforge_runtime as runtime;",
        ),
        (
            "crate::api",
            Runtime::Version("0.1".to_owned()),
            "pub use ::apiforge_runtime as runtime;",
        ),
    ] {
        let mut settings = Settings::new("x");
        settings.layout = Layout::Module {
            root_path: root_path.to_owned(),
        };
        settings.runtime = runtime;
        let files = generated(PET_STORE, &settings);
        let [module] = files.as_slice() else {
            panic!("{:?}", paths(&files));
        };
        let text = &module.contents;
        assert!(text.contains("pub use self::untagged::Health;"), "{text}");
        assert!(!text.contains("cfg(feature = \"untagged"), "{text}");
        assert!(text.contains(runtime_item), "{text}");
    }
}

#[test]
fn a_module_file_can_carry_the_runtime_inside_it() {
    let mut settings = Settings::new("x");
    settings.layout = Layout::Module {
        root_path: "crate::api".to_owned(),
    };
    settings.runtime = Runtime::Inline;
    let files = generated(PET_STORE, &settings);
    let [module] = files.as_slice() else {
        panic!("{:?}", paths(&files));
    };
    let text = &module.contents;
    assert!(
        text.contains("pub mod runtime {"),
        "the runtime is a module of the file"
    );
    assert!(
        text.contains("crate::api::runtime::"),
        "the runtime's paths start at the module"
    );
    assert!(
        !text.contains("crate::runtime::") && !text.contains("::apiforge_runtime"),
        "no path escapes the module"
    );
    assert!(
        !text.contains("mod blocking") && !text.contains("cfg(feature"),
        "a module file has no cargo features, so no blocking calls"
    );
    assert!(
        !text.contains("mod tests"),
        "the runtime's unit tests stay behind"
    );
}

#[test]
fn the_runtime_dependency_takes_the_chosen_form() {
    let forms = [
        (
            Runtime::Version("0.1".to_owned()),
            "apiforge-runtime = \"0.1\"\n",
        ),
        (
            Runtime::Path("../../runtime".to_owned()),
            "apiforge-runtime = { version = \"0.1\", path = \"../../runtime\" }\n",
        ),
        (
            Runtime::Git {
                url: "https://example.com/apiforge.git".to_owned(),
                rev: "v0.1.0".to_owned(),
            },
            "apiforge-runtime = { git = \"https://example.com/apiforge.git\", rev = \"v0.1.0\" }\n",
        ),
    ];
    for (runtime, line) in forms {
        let mut settings = Settings::new("x");
        settings.runtime = runtime;
        let files = generated(PET_STORE, &settings);
        let manifest = file(&files, "Cargo.toml").expect("Cargo.toml");
        assert!(manifest.contains(line), "{manifest}");
        assert!(
            manifest.contains("blocking = [\"apiforge-runtime/blocking\"]"),
            "{manifest}"
        );
        assert!(!paths(&files).iter().any(|p| p.starts_with("src/runtime/")));
    }
    let mut settings = Settings::new("x");
    settings.runtime = Runtime::Inline;
    let files = generated(PET_STORE, &settings);
    let manifest = file(&files, "Cargo.toml").expect("Cargo.toml");
    assert!(!manifest.contains("apiforge-runtime"), "{manifest}");
    assert!(
        manifest.contains("blocking = [\"tokio/rt-multi-thread\"]"),
        "{manifest}"
    );
    assert!(file(&files, "src/runtime/mod.rs").is_some());
    let lib = file(&files, "src/lib.rs").expect("lib.rs");
    assert!(lib.contains("pub mod runtime;"), "{lib}");
}

#[test]
fn outside_text_reaches_preambles_on_one_line() {
    let mut settings = Settings::new("x");
    settings.source = "specs/evil\nname.yaml".to_owned();
    settings.regenerate_command = "apiforge generate\r\n[workspace]".to_owned();
    let files = generated(PET_STORE, &settings);
    for file in &files {
        let head = file.contents.lines().take(2).collect::<Vec<_>>().join("\n");
        assert!(
            head.contains("`specs/evil\\nname.yaml`")
                && head.contains("`apiforge generate\\r\\n[workspace]`"),
            "{}: {head}",
            file.path
        );
    }
    let manifest = file(&files, "Cargo.toml").expect("Cargo.toml");
    assert_eq!(manifest.matches("[workspace]\n").count(), 1, "{manifest}");
}
