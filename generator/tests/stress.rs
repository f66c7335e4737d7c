//! Pathological documents end in output or a clear error: no stack overflow, no hang, no
//! unbounded memory.

use apiforge_generator::{Generated, Settings, generate};

fn settings() -> Settings {
    apiforge_generator::Settings::new("stress")
}

fn run(document: &str) -> Result<Generated, String> {
    generate("stress.json", document.as_bytes(), &settings()).map_err(|d| d.to_string())
}

#[test]
fn reference_cycles_end_in_a_fallback_or_boxed_types() {
    let aliases = r##"{"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {},
        "components": {"schemas": {"A": {"$ref": "#/components/schemas/B"}, "B": {"$ref": "#/components/schemas/A"}}}}"##;
    let generated = run(aliases).expect("an alias cycle falls back to a JSON value");
    let a = generated
        .files
        .iter()
        .find(|f| f.path == "src/types/a.rs")
        .expect("a.rs");
    assert!(
        a.contents.contains("pub type A = ::serde_json::Value;"),
        "{}",
        a.contents
    );
    let warning = generated
        .warnings
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n");
    assert!(
        warning.contains("aliases form a cycle (A → B → A)"),
        "{warning}"
    );
    assert!(
        warning.contains("stress.json:2:"),
        "the warning is placed: {warning}"
    );

    let through_vec = r##"{"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {},
        "components": {"schemas": {"List": {"type": "array", "items": {"$ref": "#/components/schemas/List"}}}}}"##;
    let generated = run(through_vec).expect("an array of itself falls back too");
    let list = generated
        .files
        .iter()
        .find(|f| f.path == "src/types/list.rs")
        .expect("list.rs");
    assert!(
        list.contents
            .contains("pub type List = ::serde_json::Value;"),
        "{}",
        list.contents
    );

    let mutual = r##"{"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {},
        "components": {"schemas": {
            "Node": {"type": "object", "properties": {"next": {"$ref": "#/components/schemas/Edge"}}},
            "Edge": {"type": "object", "required": ["to"], "properties": {"to": {"$ref": "#/components/schemas/Node"}}}}}}"##;
    let generated = run(mutual).expect("mutually recursive objects generate");
    let edge = generated
        .files
        .iter()
        .find(|f| f.path == "src/types/edge.rs")
        .expect("edge.rs");
    assert!(
        edge.contents.contains("pub to: Box<crate::types::Node>"),
        "{}",
        edge.contents
    );
}

/// Found by `cargo xtask corpus` (AWS Timestream Query): properties written as `allOf` of a
/// `$ref` and a description, on mutually recursive schemas, once expanded without end.
#[test]
fn annotated_references_on_recursive_schemas_stay_references() {
    let document = r##"{"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {},
        "components": {"schemas": {
            "Type": {"type": "object", "properties": {
                "ArrayColumnInfo": {"allOf": [{"$ref": "#/components/schemas/ColumnInfo"}, {"description": "an array"}]}}},
            "ColumnInfo": {"type": "object", "required": ["Type"], "properties": {
                "Type": {"allOf": [{"$ref": "#/components/schemas/Type"}, {"description": "its type"}]}}}}}}"##;
    let generated = run(document).expect("generates");
    let column = generated
        .files
        .iter()
        .find(|f| f.path == "src/types/column_info.rs")
        .expect("column_info.rs");
    assert!(
        column
            .contents
            .contains("pub type_: Box<crate::types::Type>"),
        "{}",
        column.contents
    );
}

/// `allOf` merges that add properties copy the referenced fields; through recursion that
/// would go on forever, so it stops with a warning.
#[test]
fn recursive_merges_end() {
    let document = r##"{"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {},
        "components": {"schemas": {
            "A": {"type": "object", "properties": {
                "b": {"allOf": [{"$ref": "#/components/schemas/B"}, {"properties": {"x": {"type": "string"}}}]}}},
            "B": {"type": "object", "properties": {
                "a": {"allOf": [{"$ref": "#/components/schemas/A"}, {"properties": {"y": {"type": "string"}}}]}}}}}}"##;
    let generated = run(document).expect("generates");
    assert!(
        generated
            .warnings
            .iter()
            .any(|w| w.message.contains("nest too deeply")),
        "{:?}",
        generated.warnings
    );
}

#[test]
fn ten_thousand_levels_of_nesting_are_refused_cleanly() {
    let depth = 10_000;
    let mut schema = String::new();
    for _ in 0..depth {
        schema.push_str(r#"{"type": "object", "properties": {"a": "#);
    }
    schema.push_str(r#"{"type": "string"}"#);
    for _ in 0..depth {
        schema.push_str("}}");
    }
    let json = format!(
        r#"{{"openapi": "3.0.3", "info": {{"title": "t", "version": "1"}}, "paths": {{}}, "components": {{"schemas": {{"Deep": {schema}}}}}}}"#
    );
    let error = run(&json).expect_err("too deep to parse");
    assert!(error.contains("recursion limit"), "{error}");

    let yaml = format!(
        "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths: {}\n",
        "[".repeat(depth)
    );
    let error = generate("stress.yaml", yaml.as_bytes(), &settings())
        .expect_err("too deep to parse")
        .to_string();
    assert!(error.contains("stress.yaml"), "{error}");
}

#[test]
fn fifty_megabytes_load_and_generate() {
    let blob = "x".repeat(1 << 20);
    let chunks: Vec<String> = (0..50).map(|_| format!("\"{blob}\"")).collect();
    let json = format!(
        r#"{{"openapi": "3.0.3", "info": {{"title": "t", "version": "1"}}, "x-blob": [{}],
            "paths": {{"/a": {{"get": {{"operationId": "getA", "responses": {{"204": {{"description": "none"}}}}}}}}}}}}"#,
        chunks.join(",")
    );
    assert!(json.len() > 50 << 20);
    let generated = run(&json).expect("a large document generates");
    assert_eq!(generated.operations, 1);
}

#[test]
fn two_thousand_operations_generate() {
    let paths: Vec<String> = (0..1000)
        .map(|i| {
            format!(
                r#""/items{i}/{{id}}": {{"parameters": [{{"name": "id", "in": "path", "required": true, "schema": {{"type": "integer"}}}}],
                    "get": {{"tags": ["t{tag}"], "responses": {{"200": {{"description": "ok", "content": {{"application/json": {{"schema": {{"type": "object", "properties": {{"n": {{"type": "integer"}}}}}}}}}}}}}}}},
                    "delete": {{"tags": ["t{tag}"], "responses": {{"204": {{"description": "gone"}}}}}}}}"#,
                tag = i % 20
            )
        })
        .collect();
    let json = format!(
        r#"{{"openapi": "3.0.3", "info": {{"title": "t", "version": "1"}}, "paths": {{{}}}}}"#,
        paths.join(",")
    );
    let generated = run(&json).expect("many operations generate");
    assert_eq!(generated.operations, 2000);
    let modules = generated
        .files
        .iter()
        .filter(|f| f.path.starts_with("src/operations/t"))
        .count();
    assert_eq!(modules, 20, "one module per tag");
}

#[path = "support/pathological.rs"]
mod pathological;

/// Each shape that once took minutes ends, in a crate or a located error; `cargo xtask bench
/// --stress` has their times.
#[test]
fn pathological_shapes_end() {
    let generate = |document: &str| {
        generate("stress.yaml", document.as_bytes(), &settings()).map_err(|d| d.to_string())
    };
    let shapes = pathological::shapes();
    let [diamonds, nested, chain, big] = [0, 1, 2, 3].map(|i| generate(&shapes[i].1));
    let diamonds = diamonds.expect("diamonds merge");
    let s0 = diamonds
        .files
        .iter()
        .find(|f| f.path == "src/types/s0.rs")
        .expect("s0.rs");
    assert!(s0.contents.contains("pub p0:") && s0.contents.contains("pub p39:"));

    let nested = nested.expect_err("too deep");
    assert!(nested.contains("nest more than 128 deep"), "{nested}");
    assert!(nested.contains("stress.yaml:17:144"), "located: {nested}");

    let chain = chain.expect("a long chain of aliases");
    assert!(chain.files.iter().any(|f| f.path == "src/types/s19999.rs"));

    let big = big.expect("a big enum");
    let s0 = big
        .files
        .iter()
        .find(|f| f.path == "src/types/s0.rs")
        .expect("s0.rs");
    assert!(s0.contents.contains("V99999"), "every value is a variant");
}

/// `allOf` nested beyond the merge's depth limit is an error at its place, not a hang.
#[test]
fn all_of_nesting_is_limited_with_a_located_error() {
    let error = generate(
        "stress.yaml",
        pathological::all_of_diamonds(100).as_bytes(),
        &settings(),
    )
    .expect_err("too deep");
    let text = error.to_string();
    assert!(text.contains("allOf nests too deeply"), "{text}");
    assert!(
        text.contains("stress.yaml:") && text.contains(" at #/components/schemas/"),
        "{text}"
    );
}
