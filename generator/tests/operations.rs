//! Operation lowering decisions, read off the generated files: default body encoding, made-up
//! operation names, parameter ordering and placement, response enums, path suffixes.

use apiforge_generator::generate;

fn operations_file(document: &str) -> String {
    let settings = apiforge_generator::Settings::new("ops");
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

/// The file at `path` (or, for `src/operations/`, every operation file) and the warnings.
fn generated_file(document: &str, path: &str) -> (String, Vec<String>) {
    let settings = apiforge_generator::Settings::new("ops");
    let generated = generate("ops.yaml", document.as_bytes(), &settings).expect("generates");
    let warnings = generated.warnings.iter().map(|w| w.to_string()).collect();
    let text: Vec<&str> = generated
        .files
        .iter()
        .filter(|f| f.path == path || (path.ends_with('/') && f.path.starts_with(path)))
        .map(|f| f.contents.as_str())
        .collect();
    assert!(!text.is_empty(), "no {path}");
    (text.join("\n"), warnings)
}

#[test]
fn every_request_names_its_operation_and_route() {
    let text = operations_file(&format!(
        "{HEAD}paths:\n  /jwt/{{jti}}#1:\n    delete:\n      operationId: revokeJwtByJti\n      parameters: [{{name: jti, in: path, required: true, schema: {{type: string}}}}]\n      responses: {{'204': {{description: ok}}}}\n  /ping:\n    get: {{responses: {{'204': {{description: ok}}}}}}\n"
    ));
    assert!(
        text.contains("request.operation(\"revokeJwtByJti\", \"/jwt/{jti}\");"),
        "the route drops the key's suffix: {text}"
    );
    assert!(
        text.contains("request.operation(\"get_ping\", \"/ping\");"),
        "a made-up id is reported: {text}"
    );
    assert!(!text.contains("retry_safe"), "{text}");
}

#[test]
fn retry_safe_extensions_mark_the_request() {
    let (text, warnings) = generated_file(
        &format!(
            "{HEAD}paths:\n  /jobs:\n    post:\n      operationId: createJob\n      x-apiforge-retry-safe: true\n      responses: {{'204': {{description: ok}}}}\n  /runs:\n    post:\n      operationId: startRun\n      x-idempotent: true\n      responses: {{'204': {{description: ok}}}}\n  /other:\n    post:\n      operationId: other\n      x-idempotent: 'yes'\n      x-apiforge-retry-safe: false\n      responses: {{'204': {{description: ok}}}}\n"
        ),
        "src/operations/",
    );
    assert_eq!(
        text.matches("request.retry_safe();").count(),
        2,
        "createJob and startRun only: {text}"
    );
    let other = text
        .split("pub async fn send_with_info")
        .last()
        .expect("three operations");
    assert!(!other.contains("retry_safe"), "{other}");
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("`x-idempotent` must be `true` or `false`")),
        "{warnings:?}"
    );
}

#[test]
fn builder_names_win_over_parameters_named_like_them() {
    let text = operations_file(&format!(
        "{HEAD}paths:\n  /wait:\n    get:\n      operationId: wait\n      parameters:\n        - {{name: timeout, in: query, schema: {{type: integer}}}}\n        - {{name: send_blocking, in: query, schema: {{type: integer}}}}\n      responses: {{'204': {{description: ok}}}}\n"
    ));
    assert!(
        text.contains("pub fn timeout(mut self, timeout: ::std::time::Duration) -> Self"),
        "{text}"
    );
    assert!(
        text.contains("pub fn timeout_2(mut self, value: impl Into<i64>) -> Self"),
        "{text}"
    );
    assert!(
        text.contains("\"timeout\",\n                &self.timeout_2,"),
        "{text}"
    );
    assert!(text.contains("pub fn send_blocking_2("), "{text}");
    assert!(
        text.contains("#[cfg(feature = \"blocking\")]\n    pub fn send_blocking(self)"),
        "{text}"
    );
}

const TOKEN_SPEC: &str = "components:\n  securitySchemes:\n    bearer: {type: http, scheme: bearer}\n  schemas:\n    Login:\n      type: object\n      required: [user, kind]\n      properties:\n        user: {type: string}\n        kind: {type: string, enum: [password, mfa]}\n        note: {type: string}\n    Refresh:\n      type: object\n      required: [refresh_token]\n      properties:\n        refresh_token: {type: string}\n    Tokens:\n      type: object\n      required: [data]\n      properties:\n        data:\n          type: object\n          required: [jwt]\n          properties:\n            jwt: {type: string}\nsecurity: [{bearer: []}]\npaths:\n  /refresh:\n    post:\n      operationId: refresh\n      security: []\n      requestBody: {required: true, content: {application/json: {schema: {$ref: '#/components/schemas/Refresh'}}}}\n      responses: {'200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Tokens'}}}}}\n  /login:\n    post:\n      operationId: login\n      security: []\n      requestBody: {required: true, content: {application/json: {schema: {$ref: '#/components/schemas/Login'}}}}\n      responses: {'200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Tokens'}}}}}\n  /me:\n    get:\n      operationId: me\n      responses: {'204': {description: ok}}\n";

#[test]
fn the_token_flow_is_the_login_not_the_refresh() {
    let (lib, _) = generated_file(&format!("{HEAD}{TOKEN_SPEC}"), "src/lib.rs");
    assert!(lib.contains("//! # Getting a token"), "{lib}");
    assert!(lib.contains("//! ```no_run"), "{lib}");
    assert!(lib.contains("`login` hands out tokens"), "{lib}");
    assert!(lib.contains(".login(ops::types::Login {"), "{lib}");
    assert!(
        lib.contains("kind: ops::types::LoginKind::Password,"),
        "{lib}"
    );
    assert!(lib.contains("note: None,"), "{lib}");
    assert!(
        lib.contains(".map(|response| Token::new(response.data.jwt))"),
        "{lib}"
    );
    assert!(
        lib.contains("let result = client.me().send().await?;"),
        "{lib}"
    );
    let (readme, _) = generated_file(&format!("{HEAD}{TOKEN_SPEC}"), "README.md");
    let code = lib
        .lines()
        .skip_while(|line| *line != "//! ```no_run")
        .skip(1)
        .take_while(|line| *line != "//! ```")
        .map(|line| line.strip_prefix("//! ").unwrap_or("").to_owned() + "\n")
        .collect::<String>();
    assert!(
        readme.contains(&format!("```rust,no_run\n{code}```")),
        "the README shows the doctest's code:\n{code}\n{readme}"
    );
}

#[test]
fn no_token_flow_without_a_clear_token_operation() {
    // Only a refresh (which takes a token) hands out tokens.
    let spec = TOKEN_SPEC.replace("  /login:\n", "  /login_unused:\n").replace(
        "$ref: '#/components/schemas/Login'}}}}\n      responses: {'200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Tokens'}}}}}",
        "$ref: '#/components/schemas/Login'}}}}\n      responses: {'204': {description: ok}}",
    );
    let (lib, _) = generated_file(&format!("{HEAD}{spec}"), "src/lib.rs");
    assert!(!lib.contains("Getting a token"), "{lib}");
}
