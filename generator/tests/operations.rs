//! How emitted operations spell what lowering decided (the decisions themselves are tested
//! beside `lower/operation/` and `lower/token.rs`).

use apiforge_generator::{Settings, generate};

/// The generated files whose paths start with `prefix`, joined.
fn generated(document: &str, prefix: &str) -> String {
    let generated =
        generate("ops.yaml", document.as_bytes(), &Settings::new("ops")).expect("generates");
    let text: Vec<&str> = generated
        .files
        .iter()
        .filter(|f| f.path.starts_with(prefix))
        .map(|f| f.contents.as_str())
        .collect();
    assert!(!text.is_empty(), "no {prefix}");
    text.join("\n")
}

#[test]
fn a_request_builder_sends_what_lowering_decided() {
    let text = generated(
        r#"
openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /jobs/{id}#start:
    post:
      operationId: startJob
      x-idempotent: true
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
        - {name: timeout, in: query, schema: {type: integer}}
      responses:
        '200': {description: done, content: {application/json: {schema: {type: string}}}}
        '202': {description: queued}
        '4XX': {description: refused, content: {text/plain: {schema: {type: string}}}}
"#,
        "src/operations/",
    );
    for expected in [
        "pub fn start_job(&self, id: impl Into<String>) -> StartJob<'_>",
        // The sent path, without the key's `#start`, is the template the parameter fills.
        "Request::for_operation(\n            Method::POST,\n            \"startJob\",\n            \"/jobs/{id}\",\n",
        "request.path_param(\"id\", &self.id);",
        "request.retry_safe();",
        "pub fn timeout(mut self, timeout: ::std::time::Duration) -> Self",
        // The optional parameter's setters, which do not take the builder's `timeout`.
        "setters! {\n    StartJob {\n        timeout_2: i64 = set_timeout_2,\n",
        // Named in two arms, the success enum is imported under a short name; the error enum,
        // in one that fits on a line, keeps its own.
        "use StartJobResponse as Output;",
        "200 => response.json().map(|response| response.map(Output::Ok))",
        ".map(|response| response.map(|()| Output::Accepted))",
        "400..=499 => Err(response.error_text(StartJobError::ClientError))",
        "_ => Err(response.unexpected()),",
        // The members and methods every builder has are written once, in the macros each
        // builder invokes.
        "builder! {\n",
        "    StartJob => StartJobResponse, (), StartJobError {\n        id: String,\n        timeout_2: Option<i64>,\n    }\n}",
        "request_methods!($builder, $output, $headers, $error);",
        "#[cfg(feature = \"blocking\")]\n        impl $builder<'_> {\n",
        "pub fn send_blocking(",
    ] {
        assert!(text.contains(expected), "missing {expected}:\n{text}");
    }
}

#[test]
fn the_readme_shows_the_token_example_the_crate_docs_compile() {
    let document = r#"
openapi: 3.0.3
info: {title: t, version: '1'}
components:
  securitySchemes:
    bearer: {type: http, scheme: bearer}
security: [{bearer: []}]
paths:
  /login:
    post:
      operationId: login
      security: []
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [user, kind]
              properties:
                user: {type: string}
                kind: {type: string, enum: [password, mfa]}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {type: object, required: [jwt], properties: {jwt: {type: string}}}
  /me:
    get:
      operationId: me
      responses: {'204': {description: ok}}
"#;
    let lib = generated(document, "src/lib.rs");
    for expected in [
        "//! # Getting a token",
        "`login` hands out tokens",
        // The body is built by its constructor, from its required fields.
        "ops::types::LoginRequest::new(",
        "ops::types::LoginRequestKind::Password,",
        ".map(|response| Token::new(response.jwt))",
        "let result = client.me().send().await?;",
    ] {
        assert!(lib.contains(expected), "missing {expected}:\n{lib}");
    }
    let code: String = lib
        .lines()
        .skip_while(|line| *line != "//! ```no_run")
        .skip(1)
        .take_while(|line| *line != "//! ```")
        .map(|line| line.strip_prefix("//! ").unwrap_or("").to_owned() + "\n")
        .collect();
    let readme = generated(document, "README.md");
    assert!(
        readme.contains(&format!("```rust,no_run\n{code}```")),
        "the README shows the doctest's code:\n{code}\n{readme}"
    );
}
