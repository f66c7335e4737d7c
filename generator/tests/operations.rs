//! Operation lowering decisions, read off the generated files: default body encoding, made-up
//! operation names, parameter ordering and placement, response enums, path suffixes.

use apiforge_generator::{Packaging, Settings, Target, generate};

fn operations_file(document: &str) -> String {
    let settings = Settings {
        target: Target {
            crate_name: "ops".to_owned(),
            crate_version: "0.1.0".to_owned(),
        },
        packaging: Packaging {
            runtime_path: "../runtime".to_owned(),
            standalone: true,
        },
    };
    let generated = generate("ops.yaml", document.as_bytes(), &settings).expect("generates");
    generated
        .files
        .iter()
        .filter(|f| f.path.starts_with("src/operations/") && !f.path.ends_with("mod.rs"))
        .map(|f| f.contents.clone())
        .collect::<Vec<_>>()
        .join("\n")
}

const HEAD: &str = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\n";

#[test]
fn json_is_the_default_body_encoding_and_others_are_builder_methods() {
    let text = operations_file(&format!(
        "{HEAD}paths:\n  /pets:\n    post:\n      operationId: addPet\n      requestBody:\n        required: true\n        content:\n          application/x-www-form-urlencoded: {{schema: {{type: object, properties: {{name: {{type: string}}}}}}}}\n          application/json: {{schema: {{type: object, properties: {{name: {{type: string}}}}}}}}\n      responses: {{'204': {{description: ok}}}}\n"
    ));
    assert!(
        text.contains("encoding: ::apiforge_runtime::BodyEncoding::Json,"),
        "{text}"
    );
    assert!(
        text.contains("pub fn form_urlencoded(mut self) -> Self"),
        "{text}"
    );
    assert!(
        text.contains("request.body(&self.body, self.encoding)?;"),
        "{text}"
    );
}

#[test]
fn missing_operation_ids_are_made_from_method_and_path() {
    let text = operations_file(&format!(
        "{HEAD}paths:\n  /users/{{id}}/keys:\n    parameters: [{{name: id, in: path, required: true, schema: {{type: integer}}}}]\n    get: {{responses: {{'204': {{description: ok}}}}}}\n  /users#2:\n    get: {{responses: {{'204': {{description: ok}}}}}}\n"
    ));
    assert!(
        text.contains("pub fn get_users_by_id_keys(&self, id: impl Into<i64>)"),
        "{text}"
    );
    assert!(text.contains("pub fn get_users_2(&self)"), "{text}");
    assert!(
        text.contains("let path = String::from(\"/users\");"),
        "the suffix is never sent: {text}"
    );
}

#[test]
fn several_successes_make_an_enum_and_errors_another() {
    let text = operations_file(&format!(
        "{HEAD}paths:\n  /jobs:\n    post:\n      operationId: startJob\n      responses:\n        '200': {{description: done, content: {{application/json: {{schema: {{type: string}}}}}}}}\n        '202': {{description: queued}}\n        '4XX': {{description: refused, content: {{text/plain: {{schema: {{type: string}}}}}}}}\n        default: {{description: other, content: {{application/json: {{schema: {{type: object}}}}}}}}\n"
    ));
    assert!(text.contains("pub enum StartJobResponse"), "{text}");
    assert!(
        text.contains("200 => response.json().map(|response| response.map(StartJobResponse::Ok))"),
        "{text}"
    );
    assert!(
        text.contains(".map(|response| response.map(|()| StartJobResponse::Accepted))"),
        "{text}"
    );
    assert!(
        text.contains("400..=499 => Err(response.error_text(StartJobError::ClientError))"),
        "{text}"
    );
    assert!(
        text.contains("_ => Err(response.error_json(StartJobError::Other))"),
        "{text}"
    );
}

#[test]
fn path_parameters_come_first_in_path_order_then_required_then_optional() {
    let text = operations_file(&format!(
        "{HEAD}paths:\n  /a/{{second}}/{{first}}:\n    get:\n      operationId: get\n      parameters:\n        - {{name: q, in: query, schema: {{type: string}}}}\n        - {{name: first, in: path, required: true, schema: {{type: string}}}}\n        - {{name: r, in: header, required: true, schema: {{type: string}}}}\n        - {{name: second, in: path, required: true, schema: {{type: string}}}}\n      responses: {{'204': {{description: ok}}}}\n"
    ));
    let signature = text
        .split("pub fn get(")
        .nth(1)
        .and_then(|rest| rest.split(')').next())
        .unwrap_or_default();
    let position = |name: &str| {
        signature
            .find(name)
            .unwrap_or_else(|| panic!("{name} missing: {signature}"))
    };
    assert!(position("second:") < position("first:"), "{signature}");
    assert!(position("first:") < position("r:"), "{signature}");
    assert!(
        !signature.contains("q:"),
        "optional parameters are builder methods: {signature}"
    );
}
