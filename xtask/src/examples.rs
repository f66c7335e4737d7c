//! `cargo xtask corpus --examples`: do the generated types fit what the documents say servers
//! send? Every example a document gives for a JSON body is judged against its schema (with a
//! JSON Schema validator, draft 4 as OpenAPI 3.0 is), decoded into the crate's type and encoded
//! again by a test written into the crate, and compared with the original.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use apiforge_generator::examples::{BodyExample, body_examples};
use apiforge_generator::{NoSources, Settings};
use serde_json::{Value, json};

use crate::fsx::io_error;

/// A crate of the corpus that compiled, and where its document is.
pub struct Compiled {
    /// The document's name in the report.
    pub name: String,
    /// The document.
    pub path: PathBuf,
    /// The crate's folder.
    pub folder: PathBuf,
    /// The settings it was generated with.
    pub settings: Settings,
}

/// What happened to one example.
#[derive(Debug, PartialEq, Eq)]
enum Verdict {
    /// Decoded, and encoded back to the same JSON.
    RoundTrip,
    /// Decoded, but encoded back to other JSON.
    Differs(String),
    /// Did not decode: the message.
    Undecodable(String),
}

/// Where an example stands against its own schema.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Validity {
    Valid,
    Invalid,
    /// The schema could not be read as JSON Schema, so the example was not judged.
    Unjudged,
}

struct Judged {
    document: String,
    /// The crate or its examples test did not build, so no example of it ran.
    not_built: bool,
    pointer: String,
    untyped: bool,
    validity: Validity,
    verdict: Option<Verdict>,
}

/// Judges, decodes and round-trips every example of `compiled`; returns the report, which
/// names each crate that did not build (with its first error) and counts its examples as not
/// run.
pub fn measure(compiled: &[Compiled], target_dir: &Path) -> Result<String, String> {
    let mut judged = Vec::new();
    let mut not_built = Vec::new();
    for document in compiled {
        let contents = fs::read(&document.path).map_err(|e| io_error(&document.path, &e))?;
        let Ok(found) = body_examples(&document.name, &contents, &document.settings, &NoSources)
        else {
            continue;
        };
        if found.examples.is_empty() {
            continue;
        }
        eprintln!("==> {}: {} examples", document.name, found.examples.len());
        let validity = judge(&found.component_schemas, &found.examples);
        let typed: Vec<&BodyExample> = found.examples.iter().filter(|e| !e.untyped).collect();
        let mut built = true;
        let verdicts = if typed.is_empty() {
            BTreeMap::new()
        } else {
            let (verdicts, build_error) = round_trip(document, &typed, target_dir)?;
            if let Some(error) = build_error {
                built = false;
                not_built.push(format!("- {}: {error}", document.name));
            }
            verdicts
        };
        let mut typed_index = 0;
        for (example, validity) in found.examples.iter().zip(validity) {
            let verdict = if example.untyped {
                // `serde_json::Value` holds any JSON as it is.
                Some(Verdict::RoundTrip)
            } else {
                typed_index += 1;
                verdicts
                    .get(&(typed_index - 1))
                    .cloned()
                    .map(Printed::into_verdict)
            };
            judged.push(Judged {
                document: document.name.clone(),
                not_built: !built,
                pointer: example.pointer.clone(),
                untyped: example.untyped,
                validity,
                verdict,
            });
        }
    }
    Ok(report(&judged, &not_built))
}

/// Each example judged against its schema, in order.
fn judge(component_schemas: &Value, examples: &[BodyExample]) -> Vec<Validity> {
    const BASE: &str = "https://apiforge.invalid/document";
    let bodies: Vec<Value> = examples.iter().map(|e| draft4(&e.schema)).collect();
    let root = json!({
        "$schema": "http://json-schema.org/draft-04/schema#",
        "components": {"schemas": schemas(component_schemas)},
        "bodies": bodies,
    });
    let registry = jsonschema::Registry::new()
        .add(BASE, root)
        .and_then(|registry| registry.prepare());
    let Ok(registry) = registry else {
        return vec![Validity::Unjudged; examples.len()];
    };
    examples
        .iter()
        .enumerate()
        .map(|(index, example)| {
            let reference = json!({ "$ref": format!("{BASE}#/bodies/{index}") });
            let validator = jsonschema::options()
                .with_draft(jsonschema::Draft::Draft4)
                .with_registry(&registry)
                .offline()
                .build(&reference);
            match validator {
                Ok(validator) if validator.is_valid(&example.value) => Validity::Valid,
                Ok(_) => Validity::Invalid,
                Err(_) => Validity::Unjudged,
            }
        })
        .collect()
}

/// An OpenAPI 3.0 schema as JSON Schema draft 4: `nullable: true` becomes a `null` type (and
/// a `null` enum value), which is the one 3.0 keyword that changes what validates. Only the
/// keywords that hold schemas are walked: everything else (`example`, `enum`, `default`,
/// extensions) is data, whatever its keys are called.
fn draft4(schema: &Value) -> Value {
    let Value::Object(map) = schema else {
        return schema.clone();
    };
    let mut out: serde_json::Map<String, Value> = map
        .iter()
        .map(|(key, value)| {
            let value = match (key.as_str(), value) {
                ("properties" | "patternProperties" | "definitions", value) => schemas(value),
                ("items" | "allOf" | "anyOf" | "oneOf", Value::Array(items)) => {
                    Value::Array(items.iter().map(draft4).collect())
                }
                ("items" | "additionalProperties" | "not", value) => draft4(value),
                (_, value) => value.clone(),
            };
            (key.clone(), value)
        })
        .collect();
    if out.get("nullable") == Some(&Value::Bool(true)) {
        if let Some(Value::String(ty)) = out.get("type").cloned() {
            out.insert("type".to_owned(), json!([ty, "null"]));
        }
        if let Some(Value::Array(values)) = out.get_mut("enum") {
            values.push(Value::Null);
        }
    }
    Value::Object(out)
}

/// A map of names to schemas (`properties`, the components), each as draft 4.
fn schemas(map: &Value) -> Value {
    match map {
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(name, schema)| (name.clone(), draft4(schema)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// What the crate's test printed for one example.
#[derive(Clone, Debug)]
enum Printed {
    Encoded(Value, Value),
    Undecodable(String),
}

impl Printed {
    fn into_verdict(self) -> Verdict {
        match self {
            Printed::Encoded(original, encoded) if equivalent(&original, &encoded) => {
                Verdict::RoundTrip
            }
            Printed::Encoded(original, encoded) => {
                Verdict::Differs(difference(&original, &encoded, "").unwrap_or_default())
            }
            Printed::Undecodable(message) => Verdict::Undecodable(message),
        }
    }
}

/// Writes a test into the crate that decodes each example into its type and encodes it again,
/// runs it, and reads what it printed, by example index; with the first error when it did not
/// build.
fn round_trip(
    document: &Compiled,
    examples: &[&BodyExample],
    target_dir: &Path,
) -> Result<(BTreeMap<usize, Printed>, Option<String>), String> {
    let tests = document.folder.join("tests");
    fs::create_dir_all(&tests).map_err(|e| io_error(&tests, &e))?;
    let values: Vec<&Value> = examples.iter().map(|e| &e.value).collect();
    let values_path = tests.join("examples.json");
    let values_text = serde_json::to_string(&values).map_err(|e| e.to_string())?;
    fs::write(&values_path, values_text).map_err(|e| io_error(&values_path, &e))?;
    let checks: String = examples
        .iter()
        .enumerate()
        .map(|(index, example)| {
            format!(
                "    check::<{}>({index}, &values[{index}]);\n",
                example.rust_type
            )
        })
        .collect();
    let test = format!(
        r#"//! Each example of the document decoded into its type and encoded again.

fn check<T: serde::de::DeserializeOwned + serde::Serialize>(index: usize, value: &serde_json::Value) {{
    match serde_json::from_value::<T>(value.clone()) {{
        Ok(decoded) => match serde_json::to_string(&decoded) {{
            Ok(encoded) => println!("EXAMPLE\t{{index}}\tencoded\t{{encoded}}"),
            Err(error) => println!("EXAMPLE\t{{index}}\tundecodable\tencoding failed: {{error}}"),
        }},
        Err(error) => println!("EXAMPLE\t{{index}}\tundecodable\t{{error}}"),
    }}
}}

#[test]
fn examples() {{
    let values: Vec<serde_json::Value> =
        serde_json::from_str(include_str!("examples.json")).expect("examples");
{checks}}}
"#
    );
    let test_path = tests.join("examples.rs");
    fs::write(&test_path, test).map_err(|e| io_error(&test_path, &e))?;
    let manifest = document.folder.join("Cargo.toml");
    let mut text = fs::read_to_string(&manifest).map_err(|e| io_error(&manifest, &e))?;
    if !text.contains("[dev-dependencies]") {
        text.push_str("\n[dev-dependencies]\nserde_json = \"1\"\n");
        fs::write(&manifest, text).map_err(|e| io_error(&manifest, &e))?;
    }
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let output = Command::new(cargo)
        .args(["test", "--quiet", "--test", "examples", "--", "--nocapture"])
        .current_dir(&document.folder)
        .env("CARGO_TARGET_DIR", target_dir)
        .output()
        .map_err(|e| format!("error: cannot run cargo test: {e}"))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let mut printed = BTreeMap::new();
    for line in stdout.lines() {
        let mut fields = line.splitn(4, '\t');
        let (Some("EXAMPLE"), Some(index), Some(kind), Some(rest)) =
            (fields.next(), fields.next(), fields.next(), fields.next())
        else {
            continue;
        };
        let Ok(index) = index.parse::<usize>() else {
            continue;
        };
        let Some(original) = examples.get(index) else {
            continue;
        };
        let entry = match (kind, serde_json::from_str::<Value>(rest)) {
            ("encoded", Ok(encoded)) => Printed::Encoded(original.value.clone(), encoded),
            _ => Printed::Undecodable(rest.to_owned()),
        };
        printed.insert(index, entry);
    }
    let mut build_error = None;
    if printed.is_empty() && !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let first = stderr
            .lines()
            .find(|line| line.starts_with("error"))
            .unwrap_or("the examples test did not build");
        eprintln!("    {}: {first}", document.name);
        build_error = Some(first.to_owned());
    }
    Ok((printed, build_error))
}

/// Whether `encoded` says what `original` says: keys in any order, `null` members as absent
/// ones (optional fields are left out when `None`), numbers equal by value (`1` is `1.0`), and
/// RFC 3339 date-times equal by the instant they name (`DateTime<Utc>` writes `+02:00` as the
/// same instant in `Z`, and a `.000` fraction as none).
fn equivalent(original: &Value, encoded: &Value) -> bool {
    difference(original, encoded, "").is_none()
}

/// Where `encoded` first says something else than `original` (by [`equivalent`]'s rules): the
/// JSON pointer and both values.
fn difference(original: &Value, encoded: &Value, at: &str) -> Option<String> {
    let differs = || Some(format!("at `{at}` {original} became {encoded}"));
    match (original, encoded) {
        (Value::Object(a), Value::Object(b)) => {
            let present = |map: &serde_json::Map<String, Value>| -> BTreeMap<String, Value> {
                map.iter()
                    .filter(|(_, value)| !value.is_null())
                    .map(|(key, value)| (key.clone(), value.clone()))
                    .collect()
            };
            let (a, b) = (present(a), present(b));
            let keys: std::collections::BTreeSet<&String> = a.keys().chain(b.keys()).collect();
            keys.into_iter().find_map(|key| {
                let at = format!("{at}/{key}");
                match (a.get(key), b.get(key)) {
                    (Some(a), Some(b)) => difference(a, b, &at),
                    (Some(a), None) => Some(format!("at `{at}` {a} was left out")),
                    (None, Some(b)) => Some(format!("at `{at}` {b} was added")),
                    (None, None) => None,
                }
            })
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => a
            .iter()
            .zip(b)
            .enumerate()
            .find_map(|(index, (a, b))| difference(a, b, &format!("{at}/{index}"))),
        (Value::Number(a), Value::Number(b)) if a == b || a.as_f64() == b.as_f64() => None,
        (Value::String(a), Value::String(b)) if same_instant(a, b) => None,
        (a, b) if a == b => None,
        _ => differs(),
    }
}

/// Whether both texts are RFC 3339 date-times that name the same instant.
fn same_instant(a: &str, b: &str) -> bool {
    let parse = chrono::DateTime::parse_from_rfc3339;
    matches!((parse(a), parse(b)), (Ok(a), Ok(b)) if a == b)
}

fn report(judged: &[Judged], not_built: &[String]) -> String {
    let count =
        |valid: Validity, untyped: Option<bool>, pass: &dyn Fn(&Option<Verdict>) -> bool| {
            judged
                .iter()
                .filter(|j| j.validity == valid && untyped.is_none_or(|u| j.untyped == u))
                .filter(|j| pass(&j.verdict))
                .count()
        };
    let any = |_: &Option<Verdict>| true;
    let decodes = |v: &Option<Verdict>| matches!(v, Some(Verdict::RoundTrip | Verdict::Differs(_)));
    let round_trips = |v: &Option<Verdict>| matches!(v, Some(Verdict::RoundTrip));
    let percent = |part: usize, whole: usize| {
        if whole == 0 {
            0.0
        } else {
            100.0 * part as f64 / whole as f64
        }
    };
    let mut out = String::new();
    out.push_str("| examples | against their schema | count | decode | round-trip equal |\n");
    out.push_str("| --- | --- | --- | --- | --- |\n");
    for (label, validity) in [
        ("valid", Validity::Valid),
        ("invalid", Validity::Invalid),
        ("not judged (schema unreadable)", Validity::Unjudged),
    ] {
        for (kind, untyped) in [("typed", Some(false)), ("serde_json::Value", Some(true))] {
            let total = count(validity, untyped, &any);
            let decoded = count(validity, untyped, &decodes);
            let equal = count(validity, untyped, &round_trips);
            out.push_str(&format!(
                "| {kind} | {label} | {total} | {decoded} ({:.1}%) | {equal} ({:.1}%) |\n",
                percent(decoded, total),
                percent(equal, total)
            ));
        }
    }
    // `serde_json::Value` takes any JSON, so only typed bodies say whether the types fit.
    let valid = count(Validity::Valid, Some(false), &any);
    let valid_equal = count(Validity::Valid, Some(false), &round_trips);
    out.push_str(&format!(
        "\nValid examples of typed bodies that decode and round-trip: {valid_equal} of {valid} ({:.2}%).\n",
        percent(valid_equal, valid)
    ));
    if !not_built.is_empty() {
        out.push_str(&format!(
            "\nCrates that did not build with their examples test ({}); their examples count as not run:\n\n",
            not_built.len()
        ));
        for line in not_built {
            out.push_str(line);
            out.push('\n');
        }
    }
    let mut causes: BTreeMap<String, usize> = BTreeMap::new();
    let mut failures = Vec::new();
    for j in judged
        .iter()
        .filter(|j| j.validity == Validity::Valid && !j.untyped)
    {
        let cause = match &j.verdict {
            Some(Verdict::RoundTrip) => continue,
            Some(Verdict::Differs(difference)) => {
                failures.push(format!("- {} {}: {difference}", j.document, j.pointer));
                format!(
                    "decodes, but encodes differently: {}",
                    crate::corpus::generalize(difference)
                )
            }
            Some(Verdict::Undecodable(message)) => {
                failures.push(format!("- {} {}: {message}", j.document, j.pointer));
                format!("does not decode: {}", crate::corpus::generalize(message))
            }
            None if j.not_built => {
                failures.push(format!("- {} {}: not built", j.document, j.pointer));
                "the crate or its examples test did not build".to_owned()
            }
            None => {
                failures.push(format!("- {} {}: not run", j.document, j.pointer));
                "the crate's examples test did not run".to_owned()
            }
        };
        *causes.entry(cause).or_default() += 1;
    }
    let mut ranked: Vec<(String, usize)> = causes.into_iter().collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    if !ranked.is_empty() {
        out.push_str("\nTop causes among valid examples:\n\n");
        for (cause, count) in ranked.iter().take(15) {
            out.push_str(&format!("- {count} × {cause}\n"));
        }
        out.push_str("\nValid examples that do not round-trip:\n\n");
        for failure in &failures {
            out.push_str(failure);
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equivalence_ignores_key_order_absent_nulls_and_number_spelling() {
        assert!(equivalent(
            &json!({"a": 1, "b": null, "c": [1.0, {"d": "x"}]}),
            &json!({"c": [1, {"d": "x"}], "a": 1.0})
        ));
        assert!(!equivalent(&json!({"a": 1}), &json!({"a": 2})));
        assert!(!equivalent(&json!({"a": 1}), &json!({"a": 1, "b": 2})));
        assert!(!equivalent(&json!([1, 2]), &json!([2, 1])));
    }

    #[test]
    fn date_times_are_equal_when_they_name_the_same_instant() {
        for (original, encoded) in [
            ("2020-01-01T00:00:00+00:00", "2020-01-01T00:00:00Z"),
            ("2020-01-01T02:30:00+02:30", "2020-01-01T00:00:00Z"),
            ("2020-01-01T00:00:00.000Z", "2020-01-01T00:00:00Z"),
            ("2020-01-01t00:00:00.5z", "2020-01-01T00:00:00.500Z"),
        ] {
            assert!(
                equivalent(&json!({ "at": original }), &json!({ "at": encoded })),
                "{original} {encoded}"
            );
        }
        for (original, encoded) in [
            // Another instant.
            ("2020-01-01T00:00:00+01:00", "2020-01-01T00:00:00Z"),
            ("2020-01-01T00:00:00.001Z", "2020-01-01T00:00:00Z"),
            // Only one side is a date-time, or neither is: text must match.
            ("2020-01-01", "2020-01-01T00:00:00Z"),
            ("2020-01-01T00:00:00", "2020-01-01T00:00:00Z"),
            ("a", "b"),
        ] {
            assert!(
                !equivalent(&json!(original), &json!(encoded)),
                "{original} {encoded}"
            );
        }
    }

    #[test]
    fn nullable_becomes_a_null_type_and_enum_value() {
        assert_eq!(
            draft4(
                &json!({"type": "string", "nullable": true, "enum": ["a"], "example": {"nullable": true}})
            ),
            json!({"type": ["string", "null"], "nullable": true, "enum": ["a", null], "example": {"nullable": true}})
        );
        // A property may be called like a keyword; it is still a schema.
        assert_eq!(
            draft4(&json!({"properties": {"example": {"type": "integer", "nullable": true}}})),
            json!({"properties": {"example": {"type": ["integer", "null"], "nullable": true}}})
        );
        assert_eq!(
            draft4(&json!({"default": {"type": "integer", "nullable": true}})),
            json!({"default": {"type": "integer", "nullable": true}})
        );
    }

    #[test]
    fn examples_are_judged_against_their_schema_and_references() {
        let components = json!({"Pet": {"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}}}});
        let example = |value: Value, schema: Value| BodyExample {
            pointer: String::new(),
            rust_type: String::new(),
            untyped: false,
            value,
            schema,
        };
        let verdicts = judge(
            &components,
            &[
                example(
                    json!({"name": "rex"}),
                    json!({"$ref": "#/components/schemas/Pet"}),
                ),
                example(
                    json!({"age": 3}),
                    json!({"$ref": "#/components/schemas/Pet"}),
                ),
                example(json!(null), json!({"type": "integer", "nullable": true})),
            ],
        );
        assert_eq!(
            verdicts,
            [Validity::Valid, Validity::Invalid, Validity::Valid]
        );
    }
}
