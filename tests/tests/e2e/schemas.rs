//! Schemas: every schema construct of `specs/schemas.yaml` over real HTTP. Requests are checked
//! as the JSON the server received; responses are raw JSON the client must decode: each union
//! kind (an unknown discriminator value and an unknown enum value included), absent versus
//! null, flattened additional properties, base64 bytes, and recursive types.

use std::collections::BTreeMap;

use apiforge_runtime::Error;
use chrono::{NaiveDate, TimeZone, Utc};
use schemas::types::{
    Adoption, AdoptionAdopter, Cat, Circle, Color, Dog, Employee, Expr, Formats, IdOrName, IdQuery,
    IdQueryFallback, IdQueryPreferred, Labels, Literal, Lizard, Manager, MeasurementUnit, Mode,
    Negation, Node, Pet, Priority, Profile, Rectangle, Settings, Shape, Sum, Task, TaskFlexible,
    TaskRetryCode, TaskWeight,
};
use serde_json::{Value, json};
use wiremock::{MockServer, ResponseTemplate};

use crate::{assert_target, json_body, mount, only_request, requests, start};

fn client(server: &MockServer) -> schemas::Client {
    schemas::Client::builder()
        .base_url(server.uri())
        .build()
        .expect("schemas client")
}

fn ok(status: u16, body: Value) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_json(body)
}

/// Checks that a response failed to decode (and was not, say, an HTTP error).
fn assert_decode_error<T: std::fmt::Debug>(result: Result<T, Error>) {
    match result {
        Err(Error::Decode(_)) => {}
        other => panic!("expected a decode error, got {other:?}"),
    }
}

// --- Discriminated unions ------------------------------------------------------------------

#[tokio::test]
async fn a_variant_without_the_tag_property_is_sent_with_it() {
    let server = start().await;
    mount(
        &server,
        "POST",
        "/pets",
        ok(
            201,
            json!({"petType": "doggo", "name": "Rex", "good": true}),
        ),
    )
    .await;

    let lizard = Lizard {
        name: "Iggy".to_owned(),
        scales: Some(120),
        additional_properties: Default::default(),
    };
    let stored = client(&server).create_pet(lizard).send().await;

    let request = only_request(&server).await;
    assert_target(&request, "POST", "/pets");
    // Lizard does not declare `petType`; its implicit tag is its schema name.
    assert_eq!(
        json_body(&request),
        json!({"name": "Iggy", "scales": 120, "petType": "Lizard"})
    );
    // `doggo` is a second mapping entry for Dog.
    assert_eq!(
        stored.expect("201 decodes"),
        Pet::Dog(Dog {
            pet_type: "doggo".to_owned(),
            name: "Rex".to_owned(),
            good: Some(true),
            additional_properties: Default::default(),
        })
    );
}

#[tokio::test]
async fn a_variant_that_declares_the_tag_is_sent_as_it_is() {
    let server = start().await;
    mount(
        &server,
        "POST",
        "/pets",
        ok(201, json!({"petType": "Lizard", "name": "Iggy"})),
    )
    .await;

    let cat = Cat {
        pet_type: "cat".to_owned(),
        name: "Tom".to_owned(),
        indoor: None,
        additional_properties: Default::default(),
    };
    let stored = client(&server).create_pet(cat).send().await;

    let request = only_request(&server).await;
    assert_eq!(
        json_body(&request),
        json!({"petType": "cat", "name": "Tom"})
    );
    assert_eq!(
        stored.expect("201 decodes"),
        Pet::Lizard(Lizard {
            name: "Iggy".to_owned(),
            scales: None,
            // Lizard does not declare its tag: it is kept with the undeclared properties, so
            // that a tag the mapping spells another way is sent back as it came.
            additional_properties: serde_json::Map::from_iter([(
                "petType".to_owned(),
                json!("Lizard")
            )]),
        })
    );
}

#[tokio::test]
async fn an_unknown_discriminator_value_is_kept_and_sent_back_unchanged() {
    let server = start().await;
    let parrot = json!({"petType": "parrot", "name": "Polly", "words": ["hello"]});
    mount(
        &server,
        "GET",
        "/pets",
        ok(
            200,
            json!([
                {"petType": "cat", "name": "Tom", "indoor": false},
                parrot.clone(),
                {"petType": "dog", "name": "Rex"},
            ]),
        ),
    )
    .await;
    mount(&server, "POST", "/pets", ok(201, parrot.clone())).await;
    let client = client(&server);

    let pets = client.list_pets().send().await.expect("200 decodes");

    assert_eq!(pets.len(), 3);
    assert!(matches!(&pets[0], Pet::Cat(cat) if cat.indoor == Some(false)));
    assert_eq!(pets[1], Pet::Unknown(parrot.clone()));
    assert!(matches!(&pets[2], Pet::Dog(dog) if dog.good.is_none()));

    // The unknown pet goes back to the server exactly as it came.
    let echoed = client.create_pet(pets[1].clone()).send().await;
    let sent = crate::requests(&server).await;
    assert_eq!(json_body(&sent[1]), parrot);
    assert_eq!(echoed.expect("201 decodes"), Pet::Unknown(parrot));
}

#[tokio::test]
async fn a_missing_discriminator_or_a_bad_variant_fails_to_decode() {
    for body in [
        json!({"name": "Tom"}),
        json!({"petType": 7, "name": "Tom"}),
        // Known tag, but the Cat lacks its required `name`.
        json!({"petType": "cat"}),
        json!("cat"),
    ] {
        let server = start().await;
        mount(&server, "POST", "/pets", ok(201, body.clone())).await;
        let cat = Cat {
            pet_type: "cat".to_owned(),
            name: "Tom".to_owned(),
            indoor: None,
            additional_properties: Default::default(),
        };
        let result = client(&server).create_pet(cat).send().await;
        assert!(
            matches!(result, Err(Error::Decode(_))),
            "{body}: {result:?}"
        );
    }
}

#[tokio::test]
async fn a_map_of_unions_decodes_each_value() {
    let server = start().await;
    mount(
        &server,
        "GET",
        "/pets/by-name",
        ok(
            200,
            json!({
                "Tom": {"petType": "cat", "name": "Tom"},
                "Iggy": {"petType": "Lizard", "name": "Iggy", "scales": 3},
                "Nemo": {"petType": "fish", "name": "Nemo"},
            }),
        ),
    )
    .await;

    let pets = client(&server)
        .pets_by_name()
        .send()
        .await
        .expect("decodes");

    let kinds: BTreeMap<&str, &str> = pets
        .iter()
        .map(|(name, pet)| {
            let kind = match pet {
                Pet::Cat(_) => "cat",
                Pet::Dog(_) => "dog",
                Pet::Lizard(_) => "lizard",
                Pet::Unknown(_) => "unknown",
            };
            (name.as_str(), kind)
        })
        .collect();
    assert_eq!(
        kinds,
        BTreeMap::from([("Iggy", "lizard"), ("Nemo", "unknown"), ("Tom", "cat")])
    );
}

// --- allOf ------------------------------------------------------------------------------------

#[tokio::test]
async fn all_of_merges_and_a_required_nullable_union_must_be_present() {
    let server = start().await;
    mount(
        &server,
        "POST",
        "/pets/adoptions",
        ok(
            200,
            json!({
                "pet": null,
                "adopter": {"id": "8d0c2f7e-0d3a-4a43-9c55-5b2b2c9f6a10", "since": "2024-02-29"},
                "previous_owner": {"id": "8d0c2f7e-0d3a-4a43-9c55-5b2b2c9f6a11", "phone": "555"},
                "pet_with_age": {"petType": "cat", "name": "Tom", "age": 3},
            }),
        ),
    )
    .await;
    let adopter = AdoptionAdopter {
        id: "8d0c2f7e-0d3a-4a43-9c55-5b2b2c9f6a10".parse().unwrap(),
        name: None,
        since: NaiveDate::from_ymd_opt(2024, 2, 29).unwrap(),
        additional_properties: Default::default(),
    };
    let adoption = Adoption {
        pet: Some(Pet::from(Dog {
            pet_type: "dog".to_owned(),
            name: "Rex".to_owned(),
            good: None,
            additional_properties: Default::default(),
        })),
        adopter,
        previous_owner: None,
        pet_with_age: None,
        additional_properties: Default::default(),
    };

    let recorded = client(&server).adopt_pet(adoption).send().await;

    let request = only_request(&server).await;
    assert_eq!(
        json_body(&request),
        json!({
            "pet": {"petType": "dog", "name": "Rex"},
            "adopter": {"id": "8d0c2f7e-0d3a-4a43-9c55-5b2b2c9f6a10", "since": "2024-02-29"},
        })
    );
    let recorded = recorded.expect("200 decodes");
    assert_eq!(recorded.pet, None);
    assert_eq!(
        recorded.previous_owner.map(|owner| owner.phone),
        Some(Some("555".to_owned()))
    );
    assert_eq!(recorded.pet_with_age.unwrap()["age"], json!(3));

    // `pet` is required (if nullable): without it, the body does not decode.
    let server = start().await;
    mount(
        &server,
        "POST",
        "/pets/adoptions",
        ok(
            200,
            json!({"adopter": {"id": "8d0c2f7e-0d3a-4a43-9c55-5b2b2c9f6a10", "since": "2024-02-29"}}),
        ),
    )
    .await;
    let adoption = Adoption {
        pet: None,
        adopter: AdoptionAdopter {
            id: uuid::Uuid::nil(),
            name: None,
            since: NaiveDate::from_ymd_opt(2024, 1, 1).unwrap(),
            additional_properties: Default::default(),
        },
        previous_owner: None,
        pet_with_age: None,
        additional_properties: Default::default(),
    };
    let result = client(&server).adopt_pet(adoption).send().await;
    // A required nullable field is sent as null.
    assert_eq!(json_body(&only_request(&server).await)["pet"], Value::Null);
    assert_decode_error(result);
}

// --- Untagged unions --------------------------------------------------------------------------

#[tokio::test]
async fn untagged_unions_decode_in_spec_order() {
    let server = start().await;
    mount(
        &server,
        "POST",
        "/shapes",
        ok(
            200,
            json!({"shape": {"radius": 2.0}, "area": 12.56, "unit": "furlong"}),
        ),
    )
    .await;
    let rectangle = Rectangle {
        width: 3.0,
        height: 4.0,
        additional_properties: Default::default(),
    };

    let measured = client(&server).measure_shape(rectangle).send().await;

    assert_eq!(
        json_body(&only_request(&server).await),
        json!({"width": 3.0, "height": 4.0})
    );
    let measured = measured.expect("200 decodes");
    assert_eq!(
        measured.shape,
        Shape::Circle(Circle {
            radius: 2.0,
            additional_properties: Default::default(),
        })
    );
    // A union of string enums is one enum, with the same catch-all.
    assert_eq!(
        measured.unit,
        Some(MeasurementUnit::Unknown("furlong".to_owned()))
    );

    let server = start().await;
    mount(
        &server,
        "POST",
        "/shapes",
        ok(
            200,
            json!({"shape": {"width": 1, "height": 2}, "area": 2, "unit": "km"}),
        ),
    )
    .await;
    let measured = client(&server)
        .measure_shape(Circle {
            radius: 1.0,
            additional_properties: Default::default(),
        })
        .send()
        .await
        .expect("200 decodes");
    assert_eq!(
        measured.shape,
        Shape::Rectangle(Rectangle {
            width: 1.0,
            height: 2.0,
            additional_properties: Default::default(),
        })
    );
    assert_eq!(measured.unit, Some(MeasurementUnit::Km));
}

#[tokio::test]
async fn unions_of_primitives_and_nullable_unions() {
    let server = start().await;
    mount(
        &server,
        "POST",
        "/ids",
        ok(
            200,
            json!({"ids": ["seven", 7], "preferred": 5, "fallback": null}),
        ),
    )
    .await;
    let query = IdQuery {
        ids: vec![IdOrName::from("a".to_owned()), IdOrName::from(42)],
        preferred: Some(None),
        fallback: Some(Some(IdQueryFallback::Boolean(true))),
        additional_properties: Default::default(),
    };

    let resolved = client(&server).resolve_ids(query).send().await;

    assert_eq!(
        json_body(&only_request(&server).await),
        json!({"ids": ["a", 42], "preferred": null, "fallback": true})
    );
    let resolved = resolved.expect("200 decodes");
    assert_eq!(
        resolved.ids,
        [IdOrName::Name("seven".to_owned()), IdOrName::Id(7)]
    );
    assert_eq!(resolved.preferred, Some(Some(IdQueryPreferred::Integer(5))));
    // The `null` member made the union nullable: present null is Some(None).
    assert_eq!(resolved.fallback, Some(None));

    let server = start().await;
    mount(
        &server,
        "POST",
        "/ids",
        ok(200, json!({"ids": [], "fallback": 0.5})),
    )
    .await;
    let query = IdQuery {
        ids: Vec::new(),
        preferred: None,
        fallback: None,
        additional_properties: Default::default(),
    };
    let resolved = client(&server).resolve_ids(query).send().await;
    assert_eq!(json_body(&only_request(&server).await), json!({"ids": []}));
    let resolved = resolved.expect("200 decodes");
    assert_eq!(resolved.preferred, None);
    assert_eq!(resolved.fallback, Some(Some(IdQueryFallback::Number(0.5))));
}

// --- Absent versus null -----------------------------------------------------------------------

#[tokio::test]
async fn absent_and_null_round_trip_apart() {
    let server = start().await;
    mount(
        &server,
        "PUT",
        "/profiles/p1",
        ok(
            200,
            json!({
                "id": "p1",
                "email": "a@example.com",
                "bio": null,
                "nickname": null,
                "extra": null,
                "avatar": "AAEC/w==",
                "color": "purple",
            }),
        ),
    )
    .await;
    let profile = Profile {
        id: None,
        password: Some("hunter2".to_owned()),
        email: "a@example.com".to_owned(),
        bio: None,
        nickname: Some(None),
        age: None,
        extra: Some(Value::Null),
        avatar: Some(None),
        color: Some(Some(Color::Red)),
        additional_properties: Default::default(),
    };
    assert!(!format!("{profile:?}").contains("hunter2"));

    let updated = client(&server).update_profile("p1", profile).send().await;

    let request = only_request(&server).await;
    assert_target(&request, "PUT", "/profiles/p1");
    // Absent stays absent (id, age); null is sent as null (bio, nickname, extra, avatar).
    assert_eq!(
        json_body(&request),
        json!({
            "password": "hunter2",
            "email": "a@example.com",
            "bio": null,
            "nickname": null,
            "extra": null,
            "avatar": null,
            "color": "red",
        })
    );
    let updated = updated.expect("200 decodes");
    assert_eq!(updated.id.as_deref(), Some("p1"));
    assert_eq!(updated.password, None);
    assert_eq!(updated.bio, None);
    assert_eq!(updated.nickname, Some(None));
    assert_eq!(updated.age, None);
    assert_eq!(updated.extra, Some(Value::Null));
    assert_eq!(updated.avatar, Some(Some(vec![0, 1, 2, 255])));
    assert_eq!(
        updated.color,
        Some(Some(Color::Unknown("purple".to_owned())))
    );
}

#[tokio::test]
async fn absent_optional_nullable_fields_decode_as_none() {
    let server = start().await;
    mount(
        &server,
        "PUT",
        "/profiles/p2",
        ok(
            200,
            json!({"email": "b@example.com", "bio": "hi", "nickname": "Bee", "extra": {"k": 1}, "color": null}),
        ),
    )
    .await;
    let profile = Profile {
        id: None,
        password: None,
        email: "b@example.com".to_owned(),
        bio: Some("hi".to_owned()),
        nickname: Some(Some("Bee".to_owned())),
        age: Some(30),
        extra: None,
        avatar: Some(Some(b"hi".to_vec())),
        color: None,
        additional_properties: Default::default(),
    };

    let updated = client(&server).update_profile("p2", profile).send().await;

    assert_eq!(
        json_body(&only_request(&server).await),
        json!({"email": "b@example.com", "bio": "hi", "nickname": "Bee", "age": 30, "avatar": "aGk="})
    );
    let updated = updated.expect("200 decodes");
    assert_eq!(updated.nickname, Some(Some("Bee".to_owned())));
    assert_eq!(updated.extra, Some(json!({"k": 1})));
    assert_eq!(updated.avatar, None);
    assert_eq!(updated.color, Some(None));

    // `bio` is required and nullable: absent, the body does not decode.
    let server = start().await;
    mount(
        &server,
        "PUT",
        "/profiles/p3",
        ok(200, json!({"email": "c@example.com"})),
    )
    .await;
    let profile = Profile {
        id: None,
        password: None,
        email: "c@example.com".to_owned(),
        bio: None,
        nickname: None,
        age: None,
        extra: None,
        avatar: None,
        color: None,
        additional_properties: Default::default(),
    };
    assert_decode_error(client(&server).update_profile("p3", profile).send().await);
}

// --- Maps -------------------------------------------------------------------------------------

#[tokio::test]
async fn additional_properties_round_trip_through_the_flattened_map() {
    let server = start().await;
    mount(
        &server,
        "POST",
        "/labels",
        ok(
            200,
            json!({
                "labels": {"name": "web", "env": "prod", "tier": "1"},
                "metadata": {"version": 2, "owner": {"team": "core"}, "tags": [1, 2]},
                "strict": {"a": "x", "b": "dropped"},
                "counts": {"hits": 10, "misses": 0},
            }),
        ),
    )
    .await;
    let labels = Labels {
        name: "web".to_owned(),
        additional_properties: BTreeMap::from([
            ("env".to_owned(), "prod".to_owned()),
            ("region".to_owned(), "eu".to_owned()),
        ]),
    };

    let report = client(&server).put_labels(labels).send().await;

    assert_eq!(
        json_body(&only_request(&server).await),
        json!({"name": "web", "env": "prod", "region": "eu"})
    );
    let report = report.expect("200 decodes");
    assert_eq!(report.labels.name, "web");
    assert_eq!(
        report.labels.additional_properties,
        BTreeMap::from([
            ("env".to_owned(), "prod".to_owned()),
            ("tier".to_owned(), "1".to_owned()),
        ])
    );
    assert_eq!(report.metadata.version, Some(2));
    assert_eq!(
        report.metadata.additional_properties,
        BTreeMap::from([
            ("owner".to_owned(), json!({"team": "core"})),
            ("tags".to_owned(), json!([1, 2])),
        ])
    );
    assert_eq!(report.strict.a.as_deref(), Some("x"));
    assert_eq!(
        report.counts,
        BTreeMap::from([("hits".to_owned(), 10), ("misses".to_owned(), 0)])
    );

    // Values of the wrong type for `additionalProperties` do not decode.
    let server = start().await;
    mount(
        &server,
        "POST",
        "/labels",
        ok(
            200,
            json!({"labels": {"name": "web", "env": 5}, "metadata": {}, "strict": {}, "counts": {}}),
        ),
    )
    .await;
    let labels = Labels {
        name: "web".to_owned(),
        additional_properties: BTreeMap::new(),
    };
    assert_decode_error(client(&server).put_labels(labels).send().await);
}

// --- Formats ----------------------------------------------------------------------------------

#[tokio::test]
async fn bytes_travel_as_base64_and_numbers_keep_their_width() {
    let server = start().await;
    mount(
        &server,
        "POST",
        "/formats",
        ok(
            200,
            json!({
                "created_at": "2024-05-01T12:00:00Z",
                // URL-safe and unpadded base64 decode too.
                "blob": "-_8",
                "thumbnails": ["AA==", "AQI"],
                "huge": 18446744073709551615u64,
                "unsigned": 4294967295u32,
                "price": "19.99",
                "counter": "9007199254740993",
            }),
        ),
    )
    .await;
    let created_at = Utc.with_ymd_and_hms(2024, 5, 1, 12, 0, 0).unwrap();
    let formats = Formats {
        created_at,
        birthday: NaiveDate::from_ymd_opt(1990, 1, 31),
        uuid: None,
        blob: b"hello\xff".to_vec(),
        thumbnails: Some(vec![vec![], vec![0xfb, 0xff]]),
        attachment: None,
        small: Some(-2),
        big: Some(i64::MIN),
        unsigned: Some(u32::MAX),
        huge: Some(u64::MAX),
        ratio: Some(0.5),
        precise: None,
        price: Some("0.10".to_owned()),
        amount: Some(2.5),
        counter: None,
        tags: None,
        code: None,
        additional_properties: Default::default(),
    };

    let echoed = client(&server).echo_formats(formats).send().await;

    assert_eq!(
        json_body(&only_request(&server).await),
        json!({
            "created_at": "2024-05-01T12:00:00Z",
            "birthday": "1990-01-31",
            "blob": "aGVsbG//",
            "thumbnails": ["", "+/8="],
            "small": -2,
            "big": i64::MIN,
            "unsigned": u32::MAX,
            "huge": u64::MAX,
            "ratio": 0.5,
            "price": "0.10",
            "amount": 2.5,
        })
    );
    let echoed = echoed.expect("200 decodes");
    assert_eq!(echoed.created_at, created_at);
    assert_eq!(echoed.blob, vec![0xfb, 0xff]);
    assert_eq!(echoed.thumbnails, Some(vec![vec![0], vec![1, 2]]));
    assert_eq!(echoed.huge, Some(u64::MAX));
    assert_eq!(echoed.unsigned, Some(u32::MAX));
    assert_eq!(echoed.price.as_deref(), Some("19.99"));
    assert_eq!(echoed.counter.as_deref(), Some("9007199254740993"));

    // Not base64: a decode error, not garbage bytes.
    let server = start().await;
    mount(
        &server,
        "POST",
        "/formats",
        ok(
            200,
            json!({"created_at": "2024-05-01T12:00:00Z", "blob": "not base64!"}),
        ),
    )
    .await;
    let formats = Formats {
        blob: Vec::new(),
        thumbnails: None,
        ..echoed
    };
    assert_decode_error(client(&server).echo_formats(formats).send().await);
}

// --- Enums and defaults -----------------------------------------------------------------------

#[tokio::test]
async fn integer_enums_send_numbers_and_keep_unknown_values() {
    let server = start().await;
    mount(
        &server,
        "POST",
        "/tasks",
        ok(
            201,
            json!({
                "title": "t",
                "priority": 9,
                "retry_code": -1,
                "color": null,
                "weight": 2.5,
                "flexible": "one",
                "mode": "reckless",
            }),
        ),
    )
    .await;
    // Built with the constructor (the required fields, `&str` taken for `String`) and the
    // chainable setters; `color` is optional and nullable, and its setter sends the value.
    let task = Task::new("t", Priority::High)
        .retry_code(TaskRetryCode::Minus1)
        .color(Color::Green)
        .weight(TaskWeight::V0Point5)
        .flexible(TaskFlexible::True)
        .mode(Mode::Careful);
    assert_eq!(task.color, Some(Some(Color::Green)));

    let created = client(&server).create_task(task).send().await;

    assert_eq!(
        json_body(&only_request(&server).await),
        json!({
            "title": "t",
            "priority": 3,
            "retry_code": -1,
            "color": "green",
            "weight": 0.5,
            "flexible": true,
            "mode": "careful",
        })
    );
    let created = created.expect("201 decodes");
    assert_eq!(created.priority, Priority::Unknown(9));
    assert_eq!(created.priority.value(), 9);
    assert_eq!(created.retry_code, Some(TaskRetryCode::Minus1));
    assert_eq!(created.color, Some(None));
    assert_eq!(created.weight, Some(TaskWeight::V2Point5));
    assert_eq!(created.flexible, Some(TaskFlexible::One));
    assert_eq!(
        TaskFlexible::from(json!(2)),
        TaskFlexible::Unknown(json!(2)),
        "a value the spec does not list is kept"
    );
    assert_eq!(TaskFlexible::V1.value(), json!(1));
    assert_eq!(created.mode, Some(Mode::Unknown("reckless".to_owned())));
    assert_eq!(Priority::default(), Priority::Normal);
    assert_eq!(i64::from(Priority::Low), 1);
    assert_eq!(Priority::from(2), Priority::Normal);
}

#[tokio::test]
async fn required_fields_with_defaults_give_default() {
    let defaults = Settings::default();
    assert_eq!(defaults.retries, 3);
    assert_eq!(defaults.mode, Mode::Fast);
    assert!(!defaults.verbose);
    assert_eq!(defaults.label, "main");
    assert_eq!(defaults.scale, 1.5);
    assert_eq!(defaults.note, None);

    let server = start().await;
    mount(
        &server,
        "GET",
        "/settings",
        ok(
            200,
            json!({"retries": 3, "mode": "fast", "verbose": false, "label": "main", "scale": 1.5}),
        ),
    )
    .await;
    let settings = client(&server)
        .get_settings()
        .send()
        .await
        .expect("decodes");
    assert_eq!(settings, defaults);
}

// --- Recursion --------------------------------------------------------------------------------

#[tokio::test]
async fn recursive_types_round_trip() {
    let server = start().await;
    let tree = json!({
        "value": 1,
        "children": [{"value": 2, "children": [{"value": 3}]}],
        "parent": {"value": 0, "parent": {"value": -1}},
        "named": {"leaf": {"value": 4}},
    });
    mount(&server, "POST", "/trees", ok(200, tree.clone())).await;
    let node = Node {
        value: 1,
        children: Some(vec![Node {
            value: 2,
            children: Some(vec![Node {
                value: 3,
                children: None,
                parent: None,
                named: None,
                additional_properties: Default::default(),
            }]),
            parent: None,
            named: None,
            additional_properties: Default::default(),
        }]),
        parent: Some(Box::new(Node {
            value: 0,
            children: None,
            parent: Some(Box::new(Node {
                value: -1,
                children: None,
                parent: None,
                named: None,
                additional_properties: Default::default(),
            })),
            named: None,
            additional_properties: Default::default(),
        })),
        named: Some(BTreeMap::from([(
            "leaf".to_owned(),
            Node {
                value: 4,
                children: None,
                parent: None,
                named: None,
                additional_properties: Default::default(),
            },
        )])),
        additional_properties: Default::default(),
    };

    let echoed = client(&server).echo_tree(node.clone()).send().await;

    assert_eq!(json_body(&only_request(&server).await), tree);
    assert_eq!(echoed.expect("200 decodes"), node);
}

#[tokio::test]
async fn a_recursive_discriminated_union_round_trips() {
    let server = start().await;
    let expression = json!({
        "op": "add",
        "left": {"op": "lit", "value": 1.5},
        "right": {"op": "neg", "operand": {"op": "mul", "by": 2}},
    });
    mount(&server, "POST", "/expressions", ok(200, expression.clone())).await;
    let sum = Expr::Sum(Sum {
        op: "add".to_owned(),
        left: Box::new(Expr::Literal(Literal {
            op: "lit".to_owned(),
            value: 1.5,
            additional_properties: Default::default(),
        })),
        right: Box::new(Expr::Negation(Negation {
            op: "neg".to_owned(),
            operand: Box::new(Expr::Unknown(json!({"op": "mul", "by": 2}))),
            additional_properties: Default::default(),
        })),
        additional_properties: Default::default(),
    });

    let echoed = client(&server).evaluate(sum.clone()).send().await;

    assert_eq!(json_body(&only_request(&server).await), expression);
    assert_eq!(echoed.expect("200 decodes"), sum);
}

#[tokio::test]
async fn mutually_recursive_types_decode() {
    let server = start().await;
    mount(
        &server,
        "GET",
        "/org",
        ok(
            200,
            json!({
                "name": "Ada",
                "reports": [{"name": "Bob", "manager": {"name": "Ada", "reports": []}}],
                "assistant": {"name": "Cy"},
            }),
        ),
    )
    .await;

    let top = client(&server).get_org().send().await.expect("decodes");

    assert_eq!(
        top,
        Manager {
            name: "Ada".to_owned(),
            reports: vec![Employee {
                name: "Bob".to_owned(),
                manager: Some(Box::new(Manager {
                    name: "Ada".to_owned(),
                    reports: Vec::new(),
                    assistant: None,
                    additional_properties: Default::default(),
                })),
                additional_properties: Default::default(),
            }],
            assistant: Some(Box::new(Employee {
                name: "Cy".to_owned(),
                manager: None,
                additional_properties: Default::default(),
            })),
            additional_properties: Default::default(),
        }
    );
}

#[test]
fn string_enums_are_read_from_text_and_keep_unlisted_values() {
    assert_eq!("green".parse::<Color>(), Ok(Color::Green));
    assert_eq!(Color::from("red"), Color::Red);
    // `TryFrom<&str>`, as generic code that takes any such type calls it.
    fn try_from_text<T: TryFrom<&'static str>>(text: &'static str) -> Result<T, T::Error> {
        T::try_from(text)
    }
    assert_eq!(
        try_from_text::<Color>("teal"),
        Ok(Color::Unknown("teal".to_owned()))
    );
    // What is read from text is what is sent.
    let teal: Color = "teal".parse().unwrap_or(Color::Red);
    assert_eq!(teal.as_str(), "teal");
    assert_eq!(
        serde_json::to_value(Color::from("blue")).ok(),
        Some(json!("blue"))
    );
}

#[tokio::test]
async fn undeclared_properties_are_kept_and_sent_back_unchanged() {
    let server = start().await;
    // `Task` declares neither `labels` nor `meta`, nor a `null`; it says nothing of
    // `additionalProperties`, which therefore allows them.
    let stored = json!({
        "title": "t",
        "priority": 1,
        "labels": ["a", "b"],
        "meta": {"owner": {"id": 7, "tags": []}},
        "cleared": null,
    });
    mount(&server, "POST", "/tasks", ok(201, stored.clone())).await;
    let client = client(&server);

    let task = client
        .create_task(Task::new("t", Priority::Low))
        .send()
        .await
        .expect("201 decodes");
    assert_eq!(task.additional_properties["labels"], json!(["a", "b"]));
    assert_eq!(task.additional_properties["cleared"], Value::Null);
    assert_eq!(task.additional_properties.len(), 3);
    assert_eq!(serde_json::to_value(&task).unwrap(), stored);

    // Sent back, the value is what the server sent: nothing dropped, nothing added.
    client.create_task(task).send().await.expect("201 decodes");
    let sent = requests(&server).await;
    assert_eq!(sent.len(), 2);
    assert_eq!(json_body(&sent[1]), stored);
}
