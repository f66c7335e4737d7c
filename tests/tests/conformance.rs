//! Conformance: every operation of every generated client, sent to Prism serving the same
//! spec with request validation on (`prism mock --errors`). Prism, not our own code, judges
//! whether each request matches its spec; any violation fails the test.
//!
//! Prism routes by the real path, so operations whose path keys differ only by a `#...`
//! suffix (NetSapiens `/jwt`, `/jwt#1`, `/jwt#2`) would be validated against each other's
//! schemas. Each spec is therefore served as views, in each of which every operation is the
//! only one on its real path and method: one Prism per view.
//!
//! Run by `cargo xtask test`, which installs the pinned Prism and sets `APIFORGE_PRISM`.

use std::collections::BTreeMap;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use apiforge_runtime::{Auth, Error, Response};
use serde_yaml::{Mapping, Value};

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// One running `prism mock`; killed on drop.
struct Prism {
    child: Child,
    base_url: String,
}

impl Drop for Prism {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A spec served as views: which Prism serves each `(path key, method)`.
struct Served {
    prisms: Vec<Prism>,
    routes: BTreeMap<(String, String), usize>,
}

impl Served {
    /// The base URL of the Prism that serves `method path_key`.
    fn base_url(&self, path_key: &str, method: &str) -> &str {
        let index = self.routes[&(path_key.to_owned(), method.to_owned())];
        &self.prisms[index].base_url
    }
}

fn prism_binary() -> PathBuf {
    match std::env::var_os("APIFORGE_PRISM") {
        Some(path) => PathBuf::from(path),
        None => panic!("APIFORGE_PRISM is not set: run these tests with `cargo xtask test`"),
    }
}

fn spec_path(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../specs")
        .join(name)
}

/// Splits a spec into views in which no two operations share a real path and method.
fn views(spec: &Value) -> Vec<(Value, Vec<(String, String)>)> {
    let mut by_route: BTreeMap<(String, String), Vec<(String, String)>> = BTreeMap::new();
    let paths = spec["paths"].as_mapping().cloned().unwrap_or_default();
    for (key, item) in &paths {
        let key = key.as_str().unwrap_or_default().to_owned();
        let real = key.split('#').next().unwrap_or_default().to_owned();
        for method in METHODS {
            if item.get(method).is_some() {
                by_route
                    .entry((real.clone(), method.to_owned()))
                    .or_default()
                    .push((key.clone(), method.to_owned()));
            }
        }
    }
    let count = by_route.values().map(Vec::len).max().unwrap_or(1);
    (0..count)
        .map(|view| {
            let mut view_paths = Mapping::new();
            let mut served = Vec::new();
            for ((real, method), operations) in &by_route {
                let Some((key, _)) = operations.get(view) else {
                    continue;
                };
                let item = &paths[&Value::from(key.as_str())];
                let entry = view_paths
                    .entry(Value::from(real.as_str()))
                    .or_insert_with(|| {
                        let mut shared = Mapping::new();
                        if let Some(parameters) = item.get("parameters") {
                            shared.insert("parameters".into(), parameters.clone());
                        }
                        Value::Mapping(shared)
                    });
                if let Value::Mapping(entry) = entry {
                    entry.insert(method.as_str().into(), item[method.as_str()].clone());
                }
                served.push((key.clone(), method.clone()));
            }
            let mut document = spec.clone();
            document["paths"] = Value::Mapping(view_paths);
            json_for_any_response(&mut document);
            untyped_event_streams(&mut document);
            (document, served)
        })
        .collect()
}

/// Prism cannot mock an object body for a `*/*` response ("Cannot serialise complex objects
/// as text"), so views declare such responses as JSON. A Swagger 2.0 document that names no
/// `consumes`/`produces` (Yat) gets the JSON media type apiforge assumes for it: without
/// one, Prism refuses every request body ("No supported content types") and has no media
/// type to answer with. Only media types change; request bodies, parameters and security are
/// validated against the spec as written.
fn json_for_any_response(value: &mut Value) {
    match value {
        Value::Mapping(mapping) => {
            if mapping.get("swagger").and_then(Value::as_str) == Some("2.0") {
                for key in ["consumes", "produces"] {
                    if !mapping.contains_key(key) {
                        let json = Value::Sequence(vec!["application/json".into()]);
                        mapping.insert(key.into(), json);
                    }
                }
            }
            if let Some(Value::Mapping(responses)) = mapping.get_mut("responses") {
                for (_, response) in responses.iter_mut() {
                    if let Some(Value::Mapping(content)) = response.get_mut("content") {
                        if let Some(any) = content.remove("*/*") {
                            content.insert("application/json".into(), any);
                        }
                    }
                }
            }
            for (_, child) in mapping.iter_mut() {
                json_for_any_response(child);
            }
        }
        Value::Sequence(items) => items.iter_mut().for_each(json_for_any_response),
        _ => {}
    }
}

/// Prism cannot mock events ("Cannot serialise complex objects as text" for a typed
/// `text/event-stream`), so views leave event streams untyped: Prism then answers with an
/// empty stream, and judges the request as written. The events themselves are checked by the
/// e2e tests (`tests/e2e/events.rs`).
fn untyped_event_streams(value: &mut Value) {
    match value {
        Value::Mapping(mapping) => {
            if let Some(Value::Mapping(events)) = mapping.get_mut("text/event-stream") {
                events.remove("schema");
                events.remove("itemSchema");
            }
            for (_, child) in mapping.iter_mut() {
                untyped_event_streams(child);
            }
        }
        Value::Sequence(items) => items.iter_mut().for_each(untyped_event_streams),
        _ => {}
    }
}

fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind an ephemeral port on loopback");
    listener.local_addr().expect("local address").port()
}

fn start_prism(spec_file: &Path, log_file: &Path) -> Prism {
    let port = free_port();
    let log = std::fs::File::create(log_file).expect("create the Prism log");
    let child = Command::new(prism_binary())
        .args([
            "mock",
            "--errors",
            "-h",
            "127.0.0.1",
            "-p",
            &port.to_string(),
        ])
        .arg(spec_file)
        .stdout(Stdio::from(log.try_clone().expect("clone the log handle")))
        .stderr(Stdio::from(log))
        .spawn()
        .expect("start Prism");
    let mut prism = Prism {
        child,
        base_url: format!("http://127.0.0.1:{port}"),
    };
    let deadline = Instant::now() + Duration::from_secs(90);
    // Ready when Prism says so: a connection alone can be the probe meeting itself (Linux
    // may give a loopback connect the very port it dials when nothing listens there), after
    // which the first request found no server.
    let listening = format!("Prism is listening on http://127.0.0.1:{port}");
    while !std::fs::read_to_string(log_file).is_ok_and(|log| log.contains(&listening))
        || TcpStream::connect(("127.0.0.1", port)).is_err()
    {
        if let Ok(Some(status)) = prism.child.try_wait() {
            let log = std::fs::read_to_string(log_file).unwrap_or_default();
            panic!("Prism exited ({status}) before listening:\n{log}");
        }
        assert!(
            Instant::now() < deadline,
            "Prism did not start listening on port {port}"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    prism
}

/// Serves `specs/<name>` as views, each from its own Prism.
fn serve(name: &str) -> Served {
    let text = std::fs::read_to_string(spec_path(name)).expect("read the spec");
    let spec: Value = serde_yaml::from_str(&text).expect("parse the spec");
    let dir = std::env::temp_dir().join(format!("apiforge-conformance-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("create the views directory");
    let mut prisms = Vec::new();
    let mut routes = BTreeMap::new();
    for (index, (document, served)) in views(&spec).into_iter().enumerate() {
        let file = dir.join(format!("{name}.view{index}.yaml"));
        let yaml = serde_yaml::to_string(&document).expect("print the view");
        std::fs::write(&file, yaml).expect("write the view");
        prisms.push(start_prism(
            &file,
            &dir.join(format!("{name}.view{index}.log")),
        ));
        for route in served {
            routes.insert(route, index);
        }
    }
    Served { prisms, routes }
}

/// Fails with what Prism said unless the call succeeded without validation violations.
fn conforms<T, H, E: std::fmt::Debug>(what: &str, result: Result<Response<T, H>, Error<E>>) {
    match result {
        Ok(response) => {
            assert!(
                response.status().is_success(),
                "{what}: status {}",
                response.status()
            );
            let violations = response.headers().get("sl-violations");
            assert!(
                violations.is_none(),
                "{what}: Prism reported violations: {violations:?}"
            );
        }
        Err(error) => {
            let body = error
                .response()
                .map(|r| String::from_utf8_lossy(r.body()).into_owned())
                .unwrap_or_default();
            panic!("{what}: {error}\n{body}");
        }
    }
}

#[tokio::test]
#[ignore = "needs Prism: run by `cargo xtask test`"]
async fn lumminary_conforms() {
    let served = serve("lumminary.yaml");
    let client = lumminary::Client::builder()
        .base_url(served.base_url("/auth/jwt", "post"))
        .auth(Auth::bearer("token"))
        .build()
        .expect("client");
    let call = || client.post_jwt_auth("me@example.com", "secret", "role_product");
    conforms("post_jwt_auth (url-encoded)", call().send_with_info().await);
    conforms(
        "post_jwt_auth (url-encoded, all fields)",
        call()
            .two_fa_token("123456")
            .x_fields("access_token")
            .send_with_info()
            .await,
    );
    conforms(
        "post_jwt_auth (multipart)",
        call()
            .two_fa_token("123456")
            .multipart()
            .send_with_info()
            .await,
    );
}

#[tokio::test]
#[ignore = "needs Prism: run by `cargo xtask test`"]
async fn verbit_conforms() {
    use verbit::types::{AuthPayload, AuthRequest};
    let served = serve("verbit.yaml");
    let client = verbit::Client::builder()
        .base_url(served.base_url("/auth", "post"))
        .auth(Auth::bearer("token"))
        .build()
        .expect("client");
    let body = AuthRequest {
        payload: AuthPayload {
            api_key: "key-123".to_owned(),
            additional_properties: Default::default(),
        },
        additional_properties: Default::default(),
    };
    conforms("auth", client.auth(body.clone()).send_with_info().await);
    let timestamp = chrono::DateTime::parse_from_rfc3339("2021-07-30T21:00:00Z")
        .expect("timestamp")
        .to_utc();
    let tracing_id = uuid::Uuid::parse_str("b392efa9-1f26-4e79-9cd5-41ab283e9c76").expect("uuid");
    conforms(
        "auth (with headers)",
        client
            .auth(body)
            .x_tracing_id(tracing_id)
            .x_request_timestamp(timestamp)
            .send_with_info()
            .await,
    );
}

#[tokio::test]
#[ignore = "needs Prism: run by `cargo xtask test`"]
async fn netsapiens_conforms() {
    use netsapiens::types::{
        AuthRequest, AuthRequestGrantType, AuthRequestMfa, AuthRequestMfaGrantType,
        AuthRequestMfaNsIdType, DeletegateRequest,
    };
    let served = serve("netsapiens.yaml");
    let client = |path: &str, method: &str| {
        netsapiens::Client::builder()
            .base_url(served.base_url(path, method))
            .auth(Auth::bearer("token"))
            .build()
            .expect("client")
    };
    let login = AuthRequest {
        grant_type: AuthRequestGrantType::Password,
        client_id: "client".to_owned(),
        client_secret: "secret".to_owned(),
        username: "1000@example".to_owned(),
        password: "hunter2".to_owned(),
        additional_properties: Default::default(),
    };
    conforms(
        "jwt_post",
        client("/jwt", "post")
            .jwt_post()
            .body(login)
            .send_with_info()
            .await,
    );
    let delegate = DeletegateRequest {
        user: "1000".to_owned(),
        domain: "example".to_owned(),
        additional_properties: Default::default(),
    };
    conforms(
        "jwt1_post",
        client("/jwt#1", "post")
            .jwt1_post()
            .body(delegate)
            .send_with_info()
            .await,
    );
    let mfa = AuthRequestMfa {
        grant_type: AuthRequestMfaGrantType::Mfa,
        client_id: "client".to_owned(),
        client_secret: "secret".to_owned(),
        username: "1000@example".to_owned(),
        password: "hunter2".to_owned(),
        mfa_type: "authenticator".to_owned(),
        mfa_vendor: "google".to_owned(),
        ns_id_type: AuthRequestMfaNsIdType::Subscriber,
        passcode: "371706".to_owned(),
        access_token: "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.e30.sig".to_owned(),
        additional_properties: Default::default(),
    };
    conforms(
        "jwt2_post",
        client("/jwt#2", "post")
            .jwt2_post()
            .body(mfa)
            .send_with_info()
            .await,
    );
    conforms(
        "jwt_get",
        client("/jwt", "get").jwt_get().send_with_info().await,
    );
    conforms(
        "revoke_my_jwt",
        client("/jwt", "delete")
            .revoke_my_jwt()
            .send_with_info()
            .await,
    );
    conforms(
        "revoke_jwt_by_uid",
        client("/jwt/{uid}", "delete")
            .revoke_jwt_by_uid("1000@example")
            .send_with_info()
            .await,
    );
    conforms(
        "revoke_jwt_by_jti",
        client("/jwt/{jti}#1", "delete")
            .revoke_jwt_by_jti("109832ae46e3ec69b4d57e2398eafe8b034b312c")
            .send_with_info()
            .await,
    );
}

#[tokio::test]
#[ignore = "needs Prism: run by `cargo xtask test`"]
async fn events_conforms() {
    let served = serve("events.yaml");
    let client = |path: &str| {
        events::Client::builder()
            .base_url(served.base_url(path, "get"))
            .auth(Auth::bearer("token"))
            .build()
            .expect("client")
    };
    let symbols = vec!["ACME".to_owned(), "XYZ".to_owned()];
    conforms(
        "stream_quotes",
        client("/quotes")
            .stream_quotes(symbols)
            .send_with_info()
            .await,
    );
    let path = "/jobs/{jobId}/progress";
    conforms(
        "watch_job",
        client(path)
            .watch_job("j 1")
            .verbose(true)
            .send_with_info()
            .await,
    );
    conforms(
        "tail_logs",
        client("/logs").tail_logs().send_with_info().await,
    );
}

#[tokio::test]
#[ignore = "needs Prism: run by `cargo xtask test`"]
async fn yat_conforms() {
    use yat::types::{Confirm2Fa, LoginRequest, MagicLinkLoginRequest, RefreshRequest};
    let served = serve("yat.yaml");
    let client = yat::Client::builder()
        .base_url(served.base_url("/auth/token", "post"))
        .auth(Auth::bearer("token"))
        .build()
        .expect("client");
    let confirm = Confirm2Fa {
        code: "123456".to_owned(),
        refresh_token: "refresh".to_owned(),
        additional_properties: Default::default(),
    };
    conforms(
        "auth2fa_post",
        client.auth2fa_post(confirm).send_with_info().await,
    );
    let magic = MagicLinkLoginRequest {
        email: Some("me@example.com".to_owned()),
        ..Default::default()
    };
    conforms(
        "auth_magic_link_post",
        client.auth_magic_link_post(magic).send_with_info().await,
    );
    let login = LoginRequest {
        email: "me@example.com".to_owned(),
        g_recaptcha_response: Some("captcha".to_owned()),
        password: "hunter2".to_owned(),
        additional_properties: Default::default(),
    };
    conforms(
        "auth_token_post",
        client.auth_token_post(login).send_with_info().await,
    );
    let refresh = RefreshRequest {
        refresh_token: "refresh".to_owned(),
        additional_properties: Default::default(),
    };
    conforms(
        "auth_token_refresh_post",
        client
            .auth_token_refresh_post(refresh)
            .send_with_info()
            .await,
    );
}

/// The harness is only worth something if Prism really refuses bad requests.
#[tokio::test]
#[ignore = "needs Prism: run by `cargo xtask test`"]
async fn pagination_conforms() {
    use pagination::types::ListIssuesState;
    let served = serve("pagination.yaml");
    let client = |path: &str| {
        pagination::Client::builder()
            .base_url(served.base_url(path, "get"))
            .auth(Auth::bearer("token"))
            .build()
            .expect("client")
    };
    // Each operation once, with the parameters a later page would carry set.
    let widgets = client("/widgets");
    let widgets = widgets.list_widgets().cursor("c2").limit(10).color("red");
    conforms(
        "list_widgets",
        widgets.x_tenant("acme").send_with_info().await,
    );
    let customers = client("/customers");
    let customers = customers.list_customers().starting_after("cus_1").limit(3);
    conforms("list_customers", customers.send_with_info().await);
    let issues = client("/repos/{owner}/issues");
    let issues = issues.list_issues("octo").state(ListIssuesState::Open);
    conforms(
        "list_issues",
        issues.per_page(50).page(2).send_with_info().await,
    );
    let records = client("/records");
    let records = records.search_records("x").page(2).per_page(20);
    conforms("search_records", records.send_with_info().await);
    let events = client("/events");
    let events = events.list_events().offset(40).limit(20).kind("deploy");
    conforms("list_events", events.send_with_info().await);
    let projects = client("/projects");
    let projects = projects.list_projects().page_token("t").limit(5);
    conforms("list_projects", projects.send_with_info().await);
    let tasks = client("/tasks");
    conforms(
        "list_tasks",
        tasks.list_tasks().after("t1").send_with_info().await,
    );
    let logs = client("/logs");
    conforms(
        "list_logs",
        logs.list_logs().page(1).per_page(10).send_with_info().await,
    );
}

#[test]
#[ignore = "needs Prism: run by `cargo xtask test`"]
fn prism_refuses_a_request_that_breaks_the_spec() {
    use std::io::{Read, Write};
    let served = serve("lumminary.yaml");
    let address = served
        .base_url("/auth/jwt", "post")
        .trim_start_matches("http://")
        .to_owned();
    let body = "username=me&role=role_product";
    let request = format!(
        "POST /auth/jwt HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let mut stream = TcpStream::connect(&address).expect("connect to Prism");
    stream.write_all(request.as_bytes()).expect("send");
    let mut answer = String::new();
    stream.read_to_string(&mut answer).expect("read");
    assert!(answer.starts_with("HTTP/1.1 422"), "{answer}");
    assert!(answer.contains("password"), "{answer}");
}

#[test]
fn views_separate_operations_that_share_a_real_path() {
    let text = std::fs::read_to_string(spec_path("netsapiens.yaml")).expect("read the spec");
    let spec: Value = serde_yaml::from_str(&text).expect("parse the spec");
    let views = views(&spec);
    assert_eq!(views.len(), 3, "POST /jwt has three operations");
    let total: usize = views.iter().map(|(_, served)| served.len()).sum();
    assert_eq!(total, 7, "every operation is served exactly once");
    for (document, served) in &views {
        let keys: Vec<&str> = document["paths"]
            .as_mapping()
            .expect("paths")
            .keys()
            .filter_map(Value::as_str)
            .collect();
        assert!(keys.iter().all(|key| !key.contains('#')), "{keys:?}");
        let mut routes: Vec<(String, &str)> = served
            .iter()
            .map(|(key, method)| {
                (
                    key.split('#').next().unwrap_or_default().to_owned(),
                    method.as_str(),
                )
            })
            .collect();
        routes.sort();
        routes.dedup();
        assert_eq!(
            routes.len(),
            served.len(),
            "a view serves one operation per route"
        );
    }
}
