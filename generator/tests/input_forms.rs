//! Input forms: Swagger 2.0 is upgraded and OpenAPI 3.1 downgraded to the OpenAPI 3.0 model.
//!
//! The seed specs are kept in the forms their vendors published (Lumminary and Yat as Swagger
//! 2.0, NetSapiens as OpenAPI 3.1); their OpenAPI 3.0 forms live in `fixtures/openapi30/`. Both
//! forms must give byte-identical crates. The focused tests below check each construct of the
//! upgrade and the lowering on small documents, through the public `load`.

use std::path::Path;

use apiforge_generator::load::{Loaded, load};
use apiforge_generator::{Diagnostic, generate};
use openapiv3::{
    APIKeyLocation, OpenAPI, Operation, Parameter, ParameterSchemaOrContent, QueryStyle,
    ReferenceOr, SchemaKind, SecurityScheme, Type,
};
use serde_json::{Value, json};

fn read(relative: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(relative);
    std::fs::read(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}

/// Generates `bytes` as `specs/<name>.yaml` with the settings `cargo xtask gen` uses.
fn crate_files(name: &str, bytes: &[u8]) -> apiforge_generator::Generated {
    let settings = apiforge_generator::Settings::new(name);
    let display = format!("specs/{name}.yaml");
    generate(&display, bytes, &settings).unwrap_or_else(|e| panic!("{display}:\n{e}"))
}

#[test]
fn published_forms_generate_the_crates_of_their_openapi30_forms() {
    for name in ["lumminary", "yat", "netsapiens"] {
        let original = crate_files(name, &read(&format!("../specs/{name}.yaml")));
        let fixture = crate_files(
            name,
            &read(&format!("tests/fixtures/openapi30/{name}.yaml")),
        );
        let paths = |files: &[apiforge_generator::GeneratedFile]| {
            files.iter().map(|f| f.path.clone()).collect::<Vec<_>>()
        };
        assert_eq!(
            paths(&original.files),
            paths(&fixture.files),
            "{name}: the file lists differ"
        );
        for (ours, theirs) in original.files.iter().zip(&fixture.files) {
            assert!(
                ours.contents == theirs.contents,
                "{name}: {} differs between specs/{name}.yaml and its OpenAPI 3.0 fixture",
                ours.path
            );
        }
        // Nothing was lost on the way: the upgrade or lowering noted nothing.
        assert_eq!(
            original.warnings, fixture.warnings,
            "{name}: the warnings differ"
        );
    }
}

fn loaded(document: &str) -> Loaded {
    load("test.yaml", document.as_bytes()).unwrap_or_else(|e| panic!("{e}"))
}

/// The loaded document as JSON, to compare whole nodes at once.
fn as_json(document: &OpenAPI) -> Value {
    serde_json::to_value(document).expect("the model serializes")
}

fn operation<'d>(document: &'d OpenAPI, path: &str, method: &str) -> &'d Operation {
    let item = document.paths.paths[path]
        .as_item()
        .unwrap_or_else(|| panic!("{path} is a reference"));
    item.iter()
        .find(|(m, _)| *m == method)
        .map(|(_, op)| op)
        .unwrap_or_else(|| panic!("no {method} {path}"))
}

fn parameter<'d>(operation: &'d Operation, name: &str) -> &'d Parameter {
    operation
        .parameters
        .iter()
        .filter_map(ReferenceOr::as_item)
        .find(|p| p.parameter_data_ref().name == name)
        .unwrap_or_else(|| panic!("no parameter {name}"))
}

fn warnings_at(warnings: &[Diagnostic]) -> Vec<(&str, &str)> {
    warnings
        .iter()
        .map(|w| (w.pointer.as_deref().unwrap_or_default(), w.message.as_str()))
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Swagger 2.0

#[test]
fn swagger_form_data_with_a_file_becomes_a_multipart_object_body() {
    let loaded = loaded(
        r#"
swagger: "2.0"
info: {title: t, version: "1"}
paths:
  /pets/{id}/photo:
    post:
      parameters:
        - {name: id, in: path, required: true, type: string}
        - {name: zeta, in: formData, type: string, required: true, description: first}
        - {name: file, in: formData, type: file, required: true}
        - {name: alpha, in: formData, type: integer, format: int32}
      responses:
        "204": {description: done}
  /login:
    post:
      parameters:
        - {name: user, in: formData, type: string, required: true}
        - {name: tags, in: formData, type: array, items: {type: string}, collectionFormat: pipes}
      responses:
        "204": {description: done}
"#,
    );
    let document = as_json(&loaded.document);
    let upload = &document["paths"]["/pets/{id}/photo"]["post"];
    assert_eq!(upload["parameters"].as_array().map(Vec::len), Some(1));
    assert_eq!(
        upload["requestBody"],
        json!({
            "required": true,
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "properties": {
                            "zeta": {"type": "string", "description": "first"},
                            "file": {"type": "string", "format": "binary"},
                            "alpha": {"type": "integer", "format": "int32"},
                        },
                        "required": ["zeta", "file"],
                    }
                }
            }
        })
    );
    // Properties keep the parameters' order.
    let properties: Vec<&String> =
        upload["requestBody"]["content"]["multipart/form-data"]["schema"]["properties"]
            .as_object()
            .expect("properties")
            .keys()
            .collect();
    assert_eq!(properties, ["zeta", "file", "alpha"]);

    let login = operation(&loaded.document, "/login", "post");
    let Some(ReferenceOr::Item(body)) = &login.request_body else {
        panic!("no request body for /login");
    };
    let media: Vec<&String> = body.content.keys().collect();
    assert_eq!(media, ["application/x-www-form-urlencoded"]);
    let form = &body.content["application/x-www-form-urlencoded"];
    let tags = &form.encoding["tags"];
    assert_eq!(
        (tags.style.clone(), tags.explode),
        (Some(QueryStyle::PipeDelimited), false)
    );
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
}

#[test]
fn swagger_body_parameters_and_media_types_follow_consumes_and_produces() {
    let loaded = loaded(
        r##"
swagger: "2.0"
info: {title: t, version: "1"}
consumes: [application/json, application/xml]
produces: [application/json]
paths:
  /global:
    post:
      parameters:
        - {name: pet, in: body, required: true, description: the pet, schema: {$ref: "#/definitions/Pet"}}
      responses:
        "200": {description: ok, schema: {$ref: "#/definitions/Pet"}}
  /own:
    put:
      consumes: [text/plain]
      produces: [application/xml, application/json]
      parameters:
        - {name: note, in: body, schema: {type: string}}
      responses:
        "200": {description: ok, schema: {type: string}}
        "404": {description: missing}
definitions:
  Pet: {type: object, properties: {name: {type: string}}}
"##,
    );
    let document = as_json(&loaded.document);
    let global = &document["paths"]["/global"]["post"];
    assert_eq!(
        global["requestBody"],
        json!({
            "description": "the pet",
            "required": true,
            "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/Pet"}},
                "application/xml": {"schema": {"$ref": "#/components/schemas/Pet"}},
            }
        })
    );
    assert!(global.get("parameters").is_none(), "{global}");
    assert_eq!(
        global["responses"]["200"]["content"],
        json!({"application/json": {"schema": {"$ref": "#/components/schemas/Pet"}}})
    );
    let own = &document["paths"]["/own"]["put"];
    assert_eq!(
        own["requestBody"],
        json!({"content": {"text/plain": {"schema": {"type": "string"}}}})
    );
    let media: Vec<&String> = own["responses"]["200"]["content"]
        .as_object()
        .expect("content")
        .keys()
        .collect();
    assert_eq!(media, ["application/xml", "application/json"]);
    assert!(own["responses"]["404"].get("content").is_none());
}

#[test]
fn swagger_without_consumes_or_produces_sends_json_and_accepts_anything() {
    let loaded = loaded(
        r##"
swagger: "2.0"
info: {title: t, version: "1"}
paths:
  /token:
    post:
      parameters:
        - {in: body, name: body, required: true, schema: {$ref: "#/definitions/Login"}}
      responses:
        "200":
          description: OK
          schema: {$ref: "#/definitions/Token"}
          headers:
            X-Rate-Limit: {type: integer, format: int32, description: calls left}
        "500": {description: oops}
  /download:
    get:
      responses:
        "200": {description: the file, schema: {type: file}}
definitions:
  Login: {properties: {email: {type: string}}}
  Token: {properties: {access_token: {type: string}}}
"##,
    );
    let document = as_json(&loaded.document);
    let token = &document["paths"]["/token"]["post"];
    let body: Vec<&String> = token["requestBody"]["content"]
        .as_object()
        .expect("content")
        .keys()
        .collect();
    assert_eq!(body, ["application/json"]);
    assert_eq!(
        token["responses"]["200"]["content"],
        json!({"*/*": {"schema": {"$ref": "#/components/schemas/Token"}}})
    );
    assert_eq!(
        token["responses"]["200"]["headers"]["X-Rate-Limit"],
        json!({
            "description": "calls left",
            "style": "simple",
            "schema": {"type": "integer", "format": "int32"},
        })
    );
    assert_eq!(
        document["paths"]["/download"]["get"]["responses"]["200"]["content"],
        json!({"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}})
    );
    assert!(loaded.document.servers.is_empty());
}

#[test]
fn swagger_collection_formats_become_styles() {
    let loaded = loaded(
        r#"
swagger: "2.0"
info: {title: t, version: "1"}
paths:
  /search:
    get:
      parameters:
        - {name: plain, in: query, type: array, items: {type: string}}
        - {name: csv, in: query, type: array, items: {type: string}, collectionFormat: csv}
        - {name: ssv, in: query, type: array, items: {type: string}, collectionFormat: ssv}
        - {name: pipes, in: query, type: array, items: {type: string}, collectionFormat: pipes}
        - {name: multi, in: query, type: array, items: {type: integer}, collectionFormat: multi}
        - {name: tsv, in: query, type: array, items: {type: string}, collectionFormat: tsv}
        - {name: limit, in: query, type: integer, minimum: 1, maximum: 100, default: 10}
        - {name: X-Ids, in: header, type: array, items: {type: string}, collectionFormat: csv}
      responses:
        "204": {description: done}
"#,
    );
    let search = operation(&loaded.document, "/search", "get");
    let style = |name: &str| match parameter(search, name) {
        Parameter::Query {
            parameter_data,
            style,
            ..
        } => (style.clone(), parameter_data.explode),
        other => panic!("{name} is not a query parameter: {other:?}"),
    };
    assert_eq!(style("plain"), (QueryStyle::Form, Some(false)));
    assert_eq!(style("csv"), (QueryStyle::Form, Some(false)));
    assert_eq!(style("ssv"), (QueryStyle::SpaceDelimited, Some(false)));
    assert_eq!(style("pipes"), (QueryStyle::PipeDelimited, Some(false)));
    assert_eq!(style("multi"), (QueryStyle::Form, Some(true)));
    assert_eq!(style("tsv"), (QueryStyle::Form, Some(false)));
    assert_eq!(style("limit"), (QueryStyle::Form, None));
    let ParameterSchemaOrContent::Schema(schema) =
        &parameter(search, "limit").parameter_data_ref().format
    else {
        panic!("limit has no schema");
    };
    assert_eq!(
        serde_json::to_value(schema).expect("schema"),
        json!({"type": "integer", "minimum": 1, "maximum": 100, "default": 10})
    );
    assert!(matches!(
        parameter(search, "X-Ids"),
        Parameter::Header { .. }
    ));
    assert_eq!(
        warnings_at(&loaded.warnings),
        [(
            "#/paths/~1search/get/parameters/5/collectionFormat",
            "`collectionFormat: tsv` has no OpenAPI 3.0 equivalent; csv is used"
        )]
    );
}

#[test]
fn swagger_x_nullable_becomes_nullable() {
    let loaded = loaded(
        r##"
swagger: "2.0"
info: {title: t, version: "1"}
paths:
  /pets:
    get:
      parameters:
        - {name: since, in: query, type: string, format: date-time, x-nullable: true}
      responses:
        "200": {description: ok, schema: {type: array, items: {$ref: "#/definitions/Pet"}}}
definitions:
  Owner: {type: object, properties: {name: {type: string}}}
  Pet:
    type: object
    properties:
      nickname: {type: string, x-nullable: true}
      owner: {$ref: "#/definitions/Owner", x-nullable: true, description: who}
      photo: {type: file}
"##,
    );
    let document = as_json(&loaded.document);
    let pet = &document["components"]["schemas"]["Pet"]["properties"];
    assert_eq!(pet["nickname"], json!({"type": "string", "nullable": true}));
    assert_eq!(
        pet["owner"],
        json!({
            "allOf": [{"$ref": "#/components/schemas/Owner"}],
            "nullable": true,
            "description": "who",
        })
    );
    assert_eq!(pet["photo"], json!({"type": "string", "format": "binary"}));
    assert_eq!(
        document["paths"]["/pets"]["get"]["parameters"][0]["schema"],
        json!({"type": "string", "format": "date-time", "nullable": true})
    );
}

#[test]
fn swagger_security_definitions_become_security_schemes() {
    let loaded = loaded(
        r#"
swagger: "2.0"
info: {title: t, version: "1"}
paths: {}
security:
  - basic: []
securityDefinitions:
  basic: {type: basic, description: user and password}
  key: {type: apiKey, in: query, name: api_key}
  implicit: {type: oauth2, flow: implicit, authorizationUrl: "https://a.example/auth", scopes: {read: read things}}
  password: {type: oauth2, flow: password, tokenUrl: "https://a.example/token", scopes: {}}
  application: {type: oauth2, flow: application, tokenUrl: "https://a.example/token"}
  accessCode: {type: oauth2, flow: accessCode, authorizationUrl: "https://a.example/auth", tokenUrl: "https://a.example/token", scopes: {}}
"#,
    );
    let components = loaded.document.components.as_ref().expect("components");
    let scheme = |name: &str| {
        components.security_schemes[name]
            .as_item()
            .unwrap_or_else(|| panic!("{name} is a reference"))
    };
    assert!(matches!(
        scheme("basic"),
        SecurityScheme::HTTP { scheme, description, .. }
            if scheme == "basic" && description.as_deref() == Some("user and password")
    ));
    assert!(matches!(
        scheme("key"),
        SecurityScheme::APIKey { location: APIKeyLocation::Query, name, .. } if name == "api_key"
    ));
    let flows = |name: &str| match scheme(name) {
        SecurityScheme::OAuth2 { flows, .. } => flows.clone(),
        other => panic!("{name} is not oauth2: {other:?}"),
    };
    let implicit = flows("implicit").implicit.expect("implicit flow");
    assert_eq!(implicit.authorization_url, "https://a.example/auth");
    assert_eq!(implicit.scopes["read"], "read things");
    assert!(flows("password").password.is_some());
    assert_eq!(
        flows("application")
            .client_credentials
            .expect("clientCredentials flow")
            .token_url,
        "https://a.example/token"
    );
    assert!(flows("accessCode").authorization_code.is_some());
    let security = loaded.document.security.as_ref().expect("security");
    assert!(security[0].contains_key("basic"));
}

#[test]
fn swagger_servers_come_from_host_base_path_and_schemes() {
    let servers = |head: &str| {
        let document =
            format!("swagger: \"2.0\"\ninfo: {{title: t, version: \"1\"}}\npaths: {{}}\n{head}");
        let loaded = loaded(&document);
        let urls: Vec<String> = loaded
            .document
            .servers
            .iter()
            .map(|s| s.url.clone())
            .collect();
        (urls, warnings_at(&loaded.warnings).len())
    };
    assert_eq!(
        servers("host: api.example.com\nbasePath: /v2/\nschemes: [https, http]\n"),
        (
            vec![
                "https://api.example.com/v2".to_owned(),
                "http://api.example.com/v2".to_owned()
            ],
            0
        )
    );
    assert_eq!(servers("basePath: /v2\n"), (vec!["/v2".to_owned()], 0));
    assert_eq!(servers(""), (Vec::new(), 0));
    // No schemes: https is assumed, and said.
    assert_eq!(
        servers("host: api.example.com\n"),
        (vec!["https://api.example.com".to_owned()], 1)
    );
    // x-servers, the 3.0 server list in a 2.0 document, takes precedence.
    let loaded = loaded(
        "swagger: \"2.0\"\ninfo: {title: t, version: \"1\"}\npaths: {}\nhost: a.example\nx-servers:\n  - {url: \"https://b.example\", description: B}\n",
    );
    assert_eq!(loaded.document.servers.len(), 1);
    assert_eq!(loaded.document.servers[0].description.as_deref(), Some("B"));
}

#[test]
fn swagger_refs_point_at_components_and_shared_bodies_are_inlined() {
    let loaded = loaded(
        r##"
swagger: "2.0"
info: {title: t, version: "1"}
x-owner: kept
tags: [{name: pets, description: Pets}]
paths:
  /pets/{id}:
    parameters:
      - $ref: "#/parameters/id"
      - {name: source, in: formData, type: string}
    put:
      operationId: putPet
      tags: [pets]
      deprecated: true
      x-internal: true
      parameters:
        - $ref: "#/parameters/name"
      responses:
        "404": {$ref: "#/responses/NotFound"}
  /pets:
    post:
      parameters:
        - $ref: "#/parameters/pet"
      responses:
        default: {$ref: "#/responses/NotFound"}
parameters:
  id: {name: id, in: path, required: true, type: string}
  name: {name: name, in: formData, type: string, required: true}
  pet: {name: pet, in: body, schema: {$ref: "#/definitions/Pet"}}
responses:
  NotFound: {description: not found, schema: {$ref: "#/definitions/Error"}}
definitions:
  Pet: {type: object, properties: {error: {$ref: "#/definitions/Error"}}}
  Error: {type: object}
"##,
    );
    let document = as_json(&loaded.document);
    let item = &document["paths"]["/pets/{id}"];
    assert_eq!(
        item["parameters"],
        json!([{"$ref": "#/components/parameters/id"}])
    );
    let put = &item["put"];
    assert_eq!(put["operationId"], json!("putPet"));
    assert_eq!(put["deprecated"], json!(true));
    assert_eq!(put["x-internal"], json!(true));
    assert_eq!(
        put["requestBody"]["content"]["application/x-www-form-urlencoded"]["schema"],
        json!({
            "type": "object",
            "properties": {"source": {"type": "string"}, "name": {"type": "string"}},
            "required": ["name"],
        })
    );
    assert_eq!(
        put["responses"]["404"],
        json!({"$ref": "#/components/responses/NotFound"})
    );
    assert_eq!(
        document["paths"]["/pets"]["post"]["requestBody"]["content"]["application/json"]["schema"],
        json!({"$ref": "#/components/schemas/Pet"})
    );
    let components = &document["components"];
    let parameters: Vec<&String> = components["parameters"]
        .as_object()
        .expect("parameters")
        .keys()
        .collect();
    assert_eq!(
        parameters,
        ["id"],
        "body and formData parameters are inlined"
    );
    assert_eq!(
        components["schemas"]["Pet"]["properties"]["error"],
        json!({"$ref": "#/components/schemas/Error"})
    );
    assert_eq!(
        components["responses"]["NotFound"]["content"]["*/*"]["schema"],
        json!({"$ref": "#/components/schemas/Error"})
    );
    assert_eq!(document["x-owner"], json!("kept"));
    assert_eq!(document["tags"][0]["description"], json!("Pets"));
    assert_eq!(loaded.document.openapi, "3.0.3");
}

#[test]
fn swagger_documents_that_cannot_be_upgraded_are_errors_with_pointers() {
    let errors = load(
        "bad.yaml",
        b"swagger: \"2.0\"\ninfo: {title: t, version: \"1\"}\npaths: [nope]\n",
    )
    .unwrap_err();
    let pointers: Vec<_> = errors.iter().map(|e| e.pointer.as_deref()).collect();
    assert_eq!(pointers, [Some("#/paths")], "{errors}");

    let errors = load(
        "bad.yaml",
        br#"
swagger: "2.0"
info: {title: t, version: "1"}
paths:
  /a:
    get:
      parameters:
        - {name: q, in: cookie, type: string}
      responses: {"204": {description: done}}
securityDefinitions:
  o: {type: oauth2, flow: magic, scopes: {}}
"#,
    )
    .unwrap_err();
    let found: Vec<_> = errors
        .iter()
        .map(|e| (e.pointer.clone().unwrap_or_default(), e.message.clone()))
        .collect();
    assert_eq!(
        found,
        [
            (
                "#/paths/~1a/get/parameters/0/in".to_owned(),
                "unknown parameter location `in: cookie`".to_owned()
            ),
            (
                "#/securityDefinitions/o/flow".to_owned(),
                "unknown OAuth2 flow `magic`".to_owned()
            ),
        ],
        "{errors}"
    );
}

#[test]
fn a_swagger_part_that_cannot_be_upgraded_is_one_error_not_two() {
    let errors = generate(
        "bad.yaml",
        br#"
swagger: "2.0"
info: {title: t, version: "1"}
paths:
  /item: 5
  /op:
    get: [not, an, operation]
    put: {responses: {"204": {description: done}}}
  /responses:
    get: {responses: 7}
  /response:
    get:
      responses:
        "200": 5
        "404": {$ref: 9}
        "500": {description: failed, headers: {X-Id: 3}}
securityDefinitions:
  o: {type: oauth2, flow: magic, scopes: {}}
"#,
        &apiforge_generator::Settings::new("bad"),
    )
    .unwrap_err();
    let found: Vec<_> = errors
        .iter()
        .map(|e| (e.pointer.clone().unwrap_or_default(), e.message.clone()))
        .collect();
    let expected = [
        ("#/paths/~1item", "a path item is not a mapping"),
        ("#/paths/~1op/get", "an operation is not a mapping"),
        (
            "#/paths/~1responses/get/responses",
            "`responses` is not a mapping",
        ),
        (
            "#/paths/~1response/get/responses/200",
            "a response is not a mapping",
        ),
        (
            "#/paths/~1response/get/responses/404/$ref",
            "`$ref` is not a string",
        ),
        (
            "#/paths/~1response/get/responses/500/headers/X-Id",
            "a header is not a mapping",
        ),
        (
            "#/securityDefinitions/o/flow",
            "unknown OAuth2 flow `magic`",
        ),
    ];
    let expected: Vec<_> = expected
        .iter()
        .map(|(at, message)| ((*at).to_owned(), (*message).to_owned()))
        .collect();
    assert_eq!(found, expected, "{errors}");
}

// ---------------------------------------------------------------------------------------------
// OpenAPI 3.1

const HEAD_31: &str = "openapi: 3.1.0\ninfo: {title: t, version: \"1\", license: {name: MIT, identifier: MIT}}\njsonSchemaDialect: \"https://json-schema.org/draft/2020-12/schema\"\n";

#[test]
fn openapi31_type_lists_const_and_examples() {
    let loaded = loaded(&format!(
        r#"{HEAD_31}
paths:
  /things:
    get:
      parameters:
        - name: kind
          in: query
          schema: {{const: big}}
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  email: {{type: [string, "null"]}}
                  id: {{type: [integer, string]}}
                  nothing: {{type: "null"}}
                  tag: {{type: string, examples: [a, b]}}
              examples:
                first: {{value: {{email: null}}}}
"#
    ));
    assert_eq!(loaded.document.openapi, "3.0.3");
    let document = as_json(&loaded.document);
    let get = &document["paths"]["/things"]["get"];
    assert_eq!(get["parameters"][0]["schema"], json!({"enum": ["big"]}));
    let media = &get["responses"]["200"]["content"]["application/json"];
    let properties = &media["schema"]["properties"];
    assert_eq!(
        properties["email"],
        json!({"type": "string", "nullable": true})
    );
    assert_eq!(
        properties["id"],
        json!({"anyOf": [{"type": "integer"}, {"type": "string"}]})
    );
    assert_eq!(properties["nothing"], json!({"nullable": true}));
    assert_eq!(properties["tag"], json!({"type": "string", "example": "a"}));
    // A media type's `examples` is a map of examples, not a schema keyword: left alone.
    assert_eq!(media["examples"]["first"]["value"], json!({"email": null}));
    assert_eq!(
        warnings_at(&loaded.warnings),
        [(
            "#/paths/~1things/get/responses/200/content/application~1json/schema/properties/nothing/type",
            "`type: null` alone has no OpenAPI 3.0 equivalent; read as a nullable value of any type"
        )]
    );
    let license = loaded.document.info.license.as_ref().expect("license");
    assert_eq!(license.name, "MIT");
}

#[test]
fn openapi31_refs_with_siblings() {
    let loaded = loaded(&format!(
        r##"{HEAD_31}
components:
  schemas:
    Pet: {{type: object, properties: {{name: {{type: string}}}}}}
    Annotated: {{$ref: "#/components/schemas/Pet", description: a pet, x-note: n}}
    Constrained: {{$ref: "#/components/schemas/Pet", required: [name]}}
    Nullable:
      anyOf:
        - $ref: "#/components/schemas/Pet"
        - type: "null"
"##
    ));
    let document = as_json(&loaded.document);
    let schemas = &document["components"]["schemas"];
    assert_eq!(
        schemas["Annotated"],
        json!({"$ref": "#/components/schemas/Pet"})
    );
    assert_eq!(
        schemas["Constrained"],
        json!({"allOf": [{"$ref": "#/components/schemas/Pet"}], "required": ["name"]})
    );
    assert_eq!(
        schemas["Nullable"],
        json!({"allOf": [{"$ref": "#/components/schemas/Pet"}], "nullable": true})
    );
    // 3.1 makes `paths` optional; 3.0 needs it.
    assert!(loaded.document.paths.paths.is_empty());
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
}

#[test]
fn openapi31_numeric_exclusive_bounds_become_flags() {
    let loaded = loaded(&format!(
        r#"{HEAD_31}
components:
  schemas:
    Ratio: {{type: number, exclusiveMinimum: 0, exclusiveMaximum: 1}}
    Count: {{type: integer, minimum: 5, exclusiveMinimum: 1}}
"#
    ));
    let number = |name: &str| {
        let schema = &loaded
            .document
            .components
            .as_ref()
            .expect("components")
            .schemas[name];
        match schema.as_item().map(|s| &s.schema_kind) {
            Some(SchemaKind::Type(Type::Number(number))) => (
                number.minimum,
                number.exclusive_minimum,
                number.maximum,
                number.exclusive_maximum,
            ),
            Some(SchemaKind::Type(Type::Integer(integer))) => (
                integer.minimum.map(|m| m as f64),
                integer.exclusive_minimum,
                integer.maximum.map(|m| m as f64),
                integer.exclusive_maximum,
            ),
            other => panic!("{name} is not numeric: {other:?}"),
        }
    };
    assert_eq!(number("Ratio"), (Some(0.0), true, Some(1.0), true));
    // An inclusive minimum that is already stricter wins.
    assert_eq!(number("Count"), (Some(5.0), false, None, false));
}

#[test]
fn openapi31_constructs_without_an_equivalent_are_dropped_with_notes() {
    let loaded = loaded(&format!(
        r#"{HEAD_31}
paths: {{}}
webhooks:
  newPet:
    post:
      responses:
        "200": {{description: ok}}
components:
  pathItems:
    shared: {{get: {{responses: {{"200": {{description: ok}}}}}}}}
  schemas:
    Blob:
      $id: "https://example.com/blob"
      type: string
      contentEncoding: base64
      if: {{minLength: 1}}
      then: {{maxLength: 9}}
    Pair:
      type: array
      prefixItems: [{{type: string}}, {{type: integer}}]
"#
    ));
    assert_eq!(
        warnings_at(&loaded.warnings),
        [
            (
                "#/webhooks",
                "webhooks have no OpenAPI 3.0 equivalent; dropped"
            ),
            (
                "#/components/pathItems",
                "components.pathItems have no OpenAPI 3.0 equivalent; dropped"
            ),
            (
                "#/components/schemas/Blob/$id",
                "`$id` has no OpenAPI 3.0 equivalent; dropped"
            ),
            (
                "#/components/schemas/Blob/contentEncoding",
                "`contentEncoding` has no OpenAPI 3.0 equivalent; dropped"
            ),
            (
                "#/components/schemas/Blob/if",
                "`if` has no OpenAPI 3.0 equivalent; dropped"
            ),
            (
                "#/components/schemas/Blob/then",
                "`then` has no OpenAPI 3.0 equivalent; dropped"
            ),
            (
                "#/components/schemas/Pair/prefixItems",
                "`prefixItems` with different item schemas has no OpenAPI 3.0 equivalent; the items are left untyped"
            ),
        ]
    );
    let document = as_json(&loaded.document);
    assert_eq!(
        document["components"]["schemas"]["Blob"],
        json!({"type": "string"})
    );
    assert_eq!(
        document["components"]["schemas"]["Pair"],
        json!({"type": "array", "items": {}})
    );
    assert!(document.get("webhooks").is_none());
    assert!(document.get("jsonSchemaDialect").is_none());
}

// ---------------------------------------------------------------------------------------------
// Literal data

/// Examples, defaults and extensions keep a `$ref` key as data in every input form: nothing
/// follows it, so a reference to nothing is no error and generation goes through.
#[test]
fn references_inside_examples_and_extensions_stay_literal_in_every_form() {
    let literal = json!({"$ref": "#/components/schemas/Nope"});
    let swagger = r##"
swagger: "2.0"
info: {title: t, version: "1"}
paths:
  /pets:
    get:
      x-trace: {$ref: "#/definitions/Nope"}
      responses:
        "200":
          description: ok
          schema: {$ref: "#/definitions/Pet"}
          examples:
            application/json: {$ref: "#/components/schemas/Nope"}
definitions:
  Pet:
    type: object
    example: {$ref: "#/components/schemas/Nope"}
    properties:
      name: {type: string, default: {$ref: "./nowhere.yaml"}}
"##;
    let openapi31 = format!(
        r##"{HEAD_31}
paths:
  /pets:
    get:
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {{$ref: "#/components/schemas/Pet"}}
              examples:
                one: {{value: {{$ref: "#/components/schemas/Nope"}}}}
components:
  schemas:
    Pet:
      type: object
      examples: [{{$ref: "#/components/schemas/Nope"}}]
      x-vendor: {{$ref: "./nowhere.yaml"}}
      properties:
        name: {{type: string, const: {{$ref: "./nowhere.yaml"}}}}
"##
    );
    for (form, document) in [("2.0", swagger), ("3.1", openapi31.as_str())] {
        let generated = generate(
            "literal.yaml",
            document.as_bytes(),
            &apiforge_generator::Settings::new("literal"),
        )
        .unwrap_or_else(|e| panic!("{form}: literal data was followed:\n{e}"));
        assert!(
            generated.files.iter().any(|f| f.path == "src/types/pet.rs"),
            "{form}"
        );
        let document = as_json(&loaded(document).document);
        let pet = &document["components"]["schemas"]["Pet"];
        assert_eq!(pet["example"], literal, "{form}: {pet}");
    }
}

// ---------------------------------------------------------------------------------------------
// OpenAPI 3.2

/// `specs/openapi32.yaml` generates (its crate is golden in `generated/openapi32`), with one
/// located warning for each construct a client cannot honour, and none for what it supports.
#[test]
fn openapi32_constructs_are_supported_or_warned_about_where_they_are() {
    let generated = crate_files("openapi32", &read("../specs/openapi32.yaml"));
    let events = "#/paths/~1events/get/responses/200/content/text~1event-stream";
    let mut expected = vec![
        ("#/$self".to_owned(), "`$self` is not used"),
        ("#/paths/~1pets/query".to_owned(), "HTTP QUERY method"),
        (
            "#/paths/~1pets/additionalOperations/PURGE".to_owned(),
            "custom HTTP method `PURGE`",
        ),
        (format!("{events}/itemEncoding"), "`itemEncoding`"),
        (
            "#/components/schemas/Adoption/discriminator/defaultMapping".to_owned(),
            "`defaultMapping`",
        ),
    ];
    let mut found: Vec<(String, &str)> = generated
        .warnings
        .iter()
        .map(|w| (w.pointer.clone().unwrap_or_default(), w.message.as_str()))
        .collect();
    found.sort();
    expected.sort();
    assert_eq!(found.len(), expected.len(), "{found:#?}");
    for ((at, message), (want_at, want)) in found.iter().zip(&expected) {
        assert_eq!(at, want_at);
        assert!(message.contains(want), "{message} should say {want}");
    }
    for warning in &generated.warnings {
        assert!(warning.position.is_some(), "{warning}");
    }
    let pets = generated
        .files
        .iter()
        .find(|f| f.path == "src/operations/pets.rs")
        .expect("pets.rs");
    assert!(
        pets.contents.contains("pub fn list_pets"),
        "{}",
        pets.contents
    );
    assert!(!pets.contents.contains("search_pets"), "QUERY is skipped");
    assert!(!pets.contents.contains("purge"), "PURGE is skipped");
}

/// A path-level `in: querystring` parameter that is not a form goes with every operation of
/// its path item, each with a located warning; the other paths generate.
#[test]
fn openapi32_a_path_level_querystring_that_is_not_a_form_skips_its_operations() {
    let generated = crate_files(
        "querystring",
        br#"
openapi: 3.2.0
info: {title: t, version: "1"}
paths:
  /search:
    parameters:
      - name: q
        in: querystring
        content: {application/json: {schema: {type: object}}}
    get:
      operationId: search
      responses: {"204": {description: done}}
  /pets:
    get:
      operationId: listPets
      responses: {"204": {description: done}}
"#,
    );
    let found: Vec<(String, &str)> = generated
        .warnings
        .iter()
        .map(|w| (w.pointer.clone().unwrap_or_default(), w.message.as_str()))
        .collect();
    let at: Vec<&str> = found.iter().map(|(at, _)| at.as_str()).collect();
    assert_eq!(
        at,
        ["#/paths/~1search/parameters/0/in", "#/paths/~1search/get"],
        "{found:#?}"
    );
    assert!(found[1].1.starts_with("operation skipped"), "{found:#?}");
    for warning in &generated.warnings {
        assert!(warning.position.is_some(), "{warning}");
    }
    assert_eq!(generated.operations, 1);
}

#[test]
fn openapi32_media_type_references_and_item_schemas_survive_loading() {
    let loaded = loaded(
        r##"
openapi: 3.2.0
info: {title: t, version: "1"}
paths:
  /stream:
    get:
      responses:
        "200":
          content:
            application/jsonl:
              $ref: "#/components/mediaTypes/Lines"
components:
  schemas:
    Line: {type: object, properties: {n: {type: [integer, "null"]}}}
  mediaTypes:
    Lines:
      itemSchema: {$ref: "#/components/schemas/Line"}
"##,
    );
    let document = as_json(&loaded.document);
    let response = &document["paths"]["/stream"]["get"]["responses"]["200"];
    assert_eq!(response["description"], "");
    assert_eq!(
        response["content"]["application/jsonl"]["x-apiforge-item-schema"],
        json!({"$ref": "#/components/schemas/Line"})
    );
    assert_eq!(
        document["components"]["schemas"]["Line"]["properties"]["n"],
        json!({"type": "integer", "nullable": true})
    );
}

// ---------------------------------------------------------------------------------------------
// Every error at once

/// Three independent mistakes, two in the document's shape and one found by lowering, are all
/// reported in one run, in the order of their lines, each with its place.
#[test]
fn every_error_of_a_document_is_reported_at_once_in_order() {
    let document = r##"openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /a:
    get:
      responses: 7
  /b:
    get:
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Missing"}
  /c:
    get:
      responses:
        "204": {description: fine}
components:
  schemas:
    Bad:
      required: yes
    Good: {type: string}
"##;
    let errors = generate(
        "three.yaml",
        document.as_bytes(),
        &apiforge_generator::Settings::new("three"),
    )
    .expect_err("three mistakes");
    let found: Vec<(Option<(usize, usize)>, &str)> = errors
        .iter()
        .map(|d| (d.position, d.pointer.as_deref().unwrap_or_default()))
        .collect();
    assert_eq!(
        found,
        [
            (Some((6, 7)), "#/paths/~1a/get/responses"),
            (
                Some((14, 15)),
                "#/paths/~1b/get/responses/200/content/application~1json/schema"
            ),
            (Some((21, 5)), "#/components/schemas/Bad"),
        ],
        "{errors}"
    );
    assert!(errors.to_string().contains("dangling $ref"), "{errors}");
    assert_eq!(errors.summary(), "3 errors");
}

/// Lowering goes on past an error: each dangling reference, of every kind, is reported once.
#[test]
fn lowering_reports_every_dangling_reference_once() {
    let document = r##"openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /a:
    get:
      parameters:
        - $ref: "#/components/parameters/Nope"
      responses:
        "200": {$ref: "#/components/responses/Nope"}
  /b:
    post:
      requestBody: {$ref: "#/components/requestBodies/Nope"}
      responses:
        "200":
          description: ok
          headers:
            X-A: {$ref: "#/components/headers/Nope"}
          content:
            application/json:
              schema:
                properties:
                  a: {$ref: "#/components/schemas/Nope"}
"##;
    let errors = generate(
        "refs.yaml",
        document.as_bytes(),
        &apiforge_generator::Settings::new("refs"),
    )
    .expect_err("five dangling references");
    let lines: Vec<usize> = errors
        .iter()
        .filter_map(|d| d.position.map(|(line, _)| line))
        .collect();
    assert_eq!(lines, [7, 9, 12, 17, 22], "{errors}");
}

/// Past the first fifty errors the rest are counted, not shown.
#[test]
fn errors_past_the_cap_are_counted() {
    let mut document = "openapi: 3.0.3\ninfo: {title: t, version: \"1\"}\npaths:\n".to_owned();
    for index in 0..60 {
        document.push_str(&format!("  /p{index}:\n    get:\n      responses: 7\n"));
    }
    let errors = generate(
        "many.yaml",
        document.as_bytes(),
        &apiforge_generator::Settings::new("many"),
    )
    .expect_err("sixty mistakes");
    assert_eq!(errors.errors(), 60);
    let rendered = errors.to_string();
    assert_eq!(rendered.matches("\nerror: ").count() + 1, 51, "{rendered}");
    assert!(
        rendered.contains("many.yaml:6:7 at #/paths/~1p0/get/responses"),
        "{rendered}"
    );
    assert!(
        rendered.ends_with("error: 10 more errors not shown"),
        "{rendered}"
    );
}
