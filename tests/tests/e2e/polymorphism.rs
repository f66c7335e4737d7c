//! The polymorphism spec (`specs/polymorphism.yaml`): a base schema with a discriminator that
//! others extend with `allOf` decodes each value into the subtype its discriminator names
//! (an unlisted one into `Unknown`), encodes the discriminator, and unions whose variants
//! take the same values were made distinguishable.

use polymorphism::types::{
    Animal, Cat, Circle, Filter, Level, Mode, Puppy, Shape, ShapeBase, Square, Threshold,
};
use serde_json::json;
use wiremock::ResponseTemplate;

use super::{assert_target, json_body, mount, only_request, start};

fn client(server: &wiremock::MockServer) -> polymorphism::Client {
    polymorphism::Client::builder()
        .base_url(server.uri())
        .build()
        .expect("polymorphism client")
}

#[tokio::test]
async fn each_animal_decodes_into_the_subtype_its_discriminator_names() {
    let server = start().await;
    let body = json!([
        {"className": "Dog", "name": "Rex", "breed": "collie",
         "friend": {"className": "Cat", "name": "Tom", "declawed": false}},
        {"className": "Cat", "name": "Tom", "color": "grey"},
        {"className": "Puppy", "name": "Bit", "breed": "pug", "ageWeeks": 9},
        {"className": "Animal", "name": "Generic"},
        {"className": "Lizard", "name": "Liz", "scales": 300}
    ]);
    mount(
        &server,
        "GET",
        "/animals",
        ResponseTemplate::new(200).set_body_json(&body),
    )
    .await;
    let animals = client(&server)
        .list_animals()
        .send()
        .await
        .expect("decodes");
    assert_eq!(animals.len(), 5);

    let Animal::Dog(dog) = &animals[0] else {
        panic!("not a dog: {:?}", animals[0]);
    };
    assert_eq!((dog.name.as_str(), dog.breed.as_str()), ("Rex", "collie"));
    // A subtype holds the base again: the friend is a cat, with the cat's own field.
    match dog.friend.as_deref() {
        Some(Animal::Cat(cat)) => assert_eq!(cat.declawed, Some(false)),
        other => panic!("friend is not a cat: {other:?}"),
    }
    let Animal::Cat(cat) = &animals[1] else {
        panic!("not a cat: {:?}", animals[1]);
    };
    assert_eq!(cat.color.as_deref(), Some("grey"));
    // A subtype of a subtype keeps its own and both ancestors' fields.
    let Animal::Puppy(puppy) = &animals[2] else {
        panic!("not a puppy: {:?}", animals[2]);
    };
    assert_eq!(
        (puppy.name.as_str(), puppy.breed.as_str(), puppy.age_weeks),
        ("Bit", "pug", Some(9))
    );
    // The base's own name gives the base's own fields.
    let Animal::Animal(base) = &animals[3] else {
        panic!("not the base: {:?}", animals[3]);
    };
    assert_eq!(base.name, "Generic");
    // An unlisted kind is kept as it came.
    assert_eq!(animals[4], Animal::Unknown(body[4].clone()));

    // The base's fields are reachable whatever the variant.
    let names: Vec<Option<&str>> = animals
        .iter()
        .map(|a| a.name().map(String::as_str))
        .collect();
    assert_eq!(
        names,
        [Some("Rex"), Some("Tom"), Some("Bit"), Some("Generic"), None]
    );
    assert_eq!(animals[1].color().map(String::as_str), Some("grey"));
    assert!(matches!(animals[0].friend(), Some(Animal::Cat(_))));
}

#[tokio::test]
async fn a_subtype_sent_as_the_base_carries_its_discriminator() {
    let server = start().await;
    mount(
        &server,
        "POST",
        "/animals",
        ResponseTemplate::new(201)
            .set_body_json(json!({"className": "Puppy", "name": "Bit", "breed": "pug"})),
    )
    .await;
    let puppy = Puppy {
        class_name: "Puppy".to_owned(),
        name: "Bit".to_owned(),
        color: None,
        friend: None,
        breed: "pug".to_owned(),
        age_weeks: Some(9),
        additional_properties: Default::default(),
    };
    let stored = client(&server)
        .add_animal(puppy)
        .send()
        .await
        .expect("decodes");
    assert!(matches!(stored, Animal::Puppy(ref p) if p.age_weeks.is_none()));
    let request = only_request(&server).await;
    assert_target(&request, "POST", "/animals");
    assert_eq!(
        json_body(&request),
        json!({"className": "Puppy", "name": "Bit", "breed": "pug", "ageWeeks": 9})
    );
}

#[tokio::test]
async fn an_optional_discriminator_is_written_from_the_mapping() {
    let server = start().await;
    mount(&server, "POST", "/shapes", ResponseTemplate::new(204)).await;
    let circle = Circle {
        kind: None,
        label: Some("sun".to_owned()),
        radius: 2.5,
        additional_properties: Default::default(),
    };
    client(&server)
        .add_shape(circle)
        .send()
        .await
        .expect("sent");
    let request = only_request(&server).await;
    // `kind` was left out of the struct; the mapping's value for `Circle` is written.
    assert_eq!(
        json_body(&request),
        json!({"kind": "circle", "label": "sun", "radius": 2.5})
    );

    // A tag the value carries stays.
    let shape = Shape::Shape(ShapeBase {
        kind: Some("Shape".to_owned()),
        label: None,
        additional_properties: Default::default(),
    });
    assert_eq!(
        serde_json::to_value(&shape).unwrap(),
        json!({"kind": "Shape"})
    );
    let square = Shape::from(Square {
        kind: None,
        label: None,
        side: 1.0,
        additional_properties: Default::default(),
    });
    assert_eq!(
        serde_json::to_value(&square).unwrap(),
        json!({"kind": "sq", "side": 1.0})
    );
}

#[tokio::test]
async fn mapped_values_decode_where_the_base_is_a_field_or_an_item() {
    let server = start().await;
    let body = json!({
        "shapes": [
            {"kind": "circle", "radius": 1.0},
            {"kind": "sq", "side": 2.0, "label": "box"},
            {"kind": "Square", "side": 3.0},
            {"kind": "Shape", "label": "plain"}
        ],
        "highlight": {"kind": "circle", "radius": 4.0},
        "frame": {"kind": "sq", "side": 5.0}
    });
    mount(
        &server,
        "GET",
        "/drawings/d1",
        ResponseTemplate::new(200).set_body_json(&body),
    )
    .await;
    let drawing = client(&server)
        .get_drawing("d1")
        .send()
        .await
        .expect("decodes");
    assert!(matches!(&drawing.shapes[0], Shape::Circle(c) if c.radius == 1.0));
    assert!(matches!(&drawing.shapes[1], Shape::Square(s) if s.side == 2.0));
    assert_eq!(drawing.shapes[1].label().map(String::as_str), Some("box"));
    // With a mapping for `Square`, its schema name is not one of its values.
    assert_eq!(drawing.shapes[2], Shape::Unknown(body["shapes"][2].clone()));
    assert!(matches!(&drawing.shapes[3], Shape::Shape(_)));
    assert!(matches!(drawing.highlight, Some(Shape::Circle(ref c)) if c.radius == 4.0));
    // A subtype referenced directly is its plain struct.
    let frame: Option<Square> = drawing.frame;
    assert_eq!(frame.map(|f| f.side), Some(5.0));
}

#[tokio::test]
async fn union_variants_that_take_the_same_values_are_told_apart() {
    let server = start().await;
    mount(
        &server,
        "GET",
        "/networks/n1",
        ResponseTemplate::new(200).set_body_json(json!({
            "address": "fd00::/8",
            "mode": "high",
            "threshold": 3,
            "filter": {"field": "name", "op": "eq"}
        })),
    )
    .await;
    let network = client(&server)
        .get_network("n1")
        .send()
        .await
        .expect("decodes");
    // Two aliases of one string type are that type.
    let address: String = network.address;
    assert_eq!(address, "fd00::/8");
    // The string was merged into the enum, whose `Unknown` keeps other strings.
    assert_eq!(network.mode, Mode::Level(Level::High));
    // The integer is tried before the number, and the stricter object before the looser.
    assert_eq!(network.threshold, Threshold::Integer(3));
    assert!(matches!(network.filter, Filter::Strict(ref s) if s.op == "eq"));

    let other: Mode = serde_json::from_value(json!("medium")).unwrap();
    assert_eq!(other, Mode::Level(Level::Unknown("medium".to_owned())));
    let loose: Filter = serde_json::from_value(json!({"field": "x"})).unwrap();
    assert!(matches!(loose, Filter::Loose(_)));
    let fraction: Threshold = serde_json::from_value(json!(0.5)).unwrap();
    assert_eq!(fraction, Threshold::Number(0.5));
    // Cat stays usable on its own.
    let _ = Cat {
        class_name: "Cat".to_owned(),
        name: "Tom".to_owned(),
        color: None,
        friend: None,
        declawed: None,
        additional_properties: Default::default(),
    };
}
