//! The cursed spec (`specs/cursed.yaml`): keywords, symbols, digits and collisions as names.
//! Every identifier compiled (that is the first test); here every wire name must arrive as the
//! spec wrote it, and every odd property and enum value must decode.

use apiforge_runtime::Auth;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn client(server: &MockServer) -> cursed::Client {
    cursed::Client::builder()
        .base_url(server.uri())
        .auth(Auth::bearer("unused"))
        .build()
        .expect("cursed client")
}

#[tokio::test]
async fn keyword_parameters_keep_their_wire_names() {
    let server = MockServer::start().await;
    let body = serde_json::json!({
        "type": "t", "Type": "T", "$ref": "r", "@type": "at", "": "empty", "1st": 1, "✓": true,
        "match": "a b", "result": {"String": "b392efa9-1f26-4e79-9cd5-41ab283e9c76"}
    });
    Mock::given(method("GET"))
        .and(path("/r%2Ff/t/7"))
        .respond_with(ResponseTemplate::new(200).set_body_json(&body))
        .mount(&server)
        .await;
    let thing = client(&server)
        .type_("r/f", "t", 7)
        .if_("i")
        .in_("n")
        .use_(true)
        .self_("s")
        .self_2("S")
        .send_2("x")
        .client_2("c")
        .x_request_id("q")
        .x_request_id_2("h")
        .gen_("g")
        .send()
        .await
        .expect("decodes");

    let received = server.received_requests().await.expect("recording");
    let request = &received[0];
    let query: Vec<(String, String)> = request
        .url
        .query_pairs()
        .map(|(k, v)| (k.into(), v.into()))
        .collect();
    let expected = [
        ("if", "i"),
        ("in", "n"),
        ("use", "true"),
        ("self", "s"),
        ("Self", "S"),
        ("send", "x"),
        ("client", "c"),
        ("x_request_id", "q"),
    ];
    assert_eq!(query, expected.map(|(k, v)| (k.to_owned(), v.to_owned())));
    assert_eq!(request.headers["x-request-id"], "h");
    assert_eq!(request.headers["cookie"], "gen=g");
    assert!(
        request.headers.get("authorization").is_none(),
        "no security declared"
    );

    assert_eq!((thing.type_.as_str(), thing.type_2.as_str()), ("t", "T"));
    assert_eq!(thing.ref_.as_deref(), Some("r"));
    assert_eq!(thing.type_3.as_deref(), Some("at"));
    assert_eq!(thing.n.as_deref(), Some("empty"));
    assert_eq!(thing.one_st, Some(1));
    assert_eq!(thing.n_2, Some(true));
    assert_eq!(thing.match_, Some(cursed::types::Option2::AB));
    let id = thing.result.and_then(|r| r.string).expect("a uuid");
    assert_eq!(id.to_string(), "b392efa9-1f26-4e79-9cd5-41ab283e9c76");
}

#[test]
fn odd_enum_values_round_trip() {
    use cursed::types::Option2;
    let values = [
        "",
        "-",
        "a b",
        "A",
        "a",
        "1",
        "true",
        "Unknown",
        "self",
        "brand new",
    ];
    for value in values {
        let decoded: Option2 = serde_json::from_value(serde_json::json!(value)).expect("decodes");
        assert_eq!(decoded.as_str(), value);
        assert_eq!(
            serde_json::to_value(&decoded).expect("encodes"),
            serde_json::json!(value)
        );
    }
    let listed: Option2 = serde_json::from_value(serde_json::json!("Unknown")).expect("decodes");
    assert_eq!(
        listed,
        Option2::Unknown,
        "a listed value named `Unknown` keeps its variant"
    );
    let new: Option2 = serde_json::from_value(serde_json::json!("brand new")).expect("decodes");
    assert_eq!(new, Option2::Unknown2("brand new".to_owned()));
}

#[tokio::test]
async fn the_same_name_in_path_and_query_are_two_parameters() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/items/p1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!([{"n": 1}])))
        .mount(&server)
        .await;
    let items = client(&server)
        .get_items("p1", "q1")
        .send()
        .await
        .expect("decodes");
    assert_eq!(items.len(), 1);
    let received = server.received_requests().await.expect("recording");
    assert_eq!(received[0].url.query(), Some("id=q1"));
}

#[tokio::test]
async fn a_body_built_with_constructors_and_setters_is_sent_as_set() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/items/i1"))
        .respond_with(ResponseTemplate::new(201).set_body_json(serde_json::json!({"o": 1})))
        .mount(&server)
        .await;
    // `MyType3` has no required field: it derives `Default`, and has setters. `Wide` has
    // eight required fields (one `new` argument each) and optional fields named `new` and
    // `add`, whose setters take a suffix, and `is_active`, `to_date`, `from` and `clone`.
    let wide = cursed::types::Wide::new(1, 2, 3, 4, 5, 6, 7, 8)
        .new_2("n")
        .add_2(9)
        .is_active(true)
        .to_date(chrono::NaiveDate::from_ymd_opt(2024, 2, 29).expect("a date"))
        .from("f")
        .clone("c");
    let body = cursed::types::MyType3::default().m(10).wide(wide);
    client(&server)
        .post_items_by_id_2("i1", body)
        .send()
        .await
        .expect("201 decodes");
    let received = server.received_requests().await.expect("recording");
    let sent: serde_json::Value = serde_json::from_slice(&received[0].body).expect("JSON");
    assert_eq!(
        sent,
        serde_json::json!({
            "m": 10,
            "wide": {
                "a": 1, "b": 2, "c": 3, "d": 4, "e": 5, "f": 6, "g": 7, "h": 8,
                "new": "n", "add": 9, "is_active": true, "to_date": "2024-02-29",
                "from": "f", "clone": "c",
            },
        })
    );
}
