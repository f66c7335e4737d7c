//! Small documents that once took minutes or were refused only after quadratic work, shared by
//! the stress tests (`generator/tests/stress.rs`, which check each ends) and
//! `cargo xtask bench --stress` (which times them, in release).

/// Each shape, named, with the document that shows it.
pub fn shapes() -> Vec<(&'static str, String)> {
    vec![
        ("allOf diamond chain, 40 levels", all_of_diamonds(40)),
        ("flow collections nested 50,000 deep", nested_flow(50_000)),
        ("$ref chain of 20,000 aliases", ref_chain(20_000)),
        ("enum of 100,000 values", big_enum(100_000)),
    ]
}

const HEAD: &str = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /x:\n    get:\n      operationId: getX\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {$ref: '#/components/schemas/S0'}\ncomponents:\n  schemas:\n";

/// `S0` is `allOf` of `S1` twice and a property of its own, `S1` of `S2` twice, ...: every
/// level doubles the ways down, which a merge that does not remember what it merged follows.
pub fn all_of_diamonds(levels: usize) -> String {
    let mut out = HEAD.to_owned();
    for i in 0..levels {
        let next = i + 1;
        out.push_str(&format!(
            "    S{i}:\n      allOf:\n        - $ref: '#/components/schemas/S{next}'\n        - $ref: '#/components/schemas/S{next}'\n        - type: object\n          properties:\n            p{i}: {{type: string}}\n"
        ));
    }
    out.push_str(&format!(
        "    S{levels}:\n      type: object\n      properties:\n        last: {{type: string}}\n"
    ));
    out
}

/// An example of `depth` nested flow sequences.
pub fn nested_flow(depth: usize) -> String {
    format!(
        "{HEAD}    S0:\n      type: object\n      example: {}{}\n",
        "[".repeat(depth),
        "]".repeat(depth)
    )
}

/// `S0` is `S1`, `S1` is `S2`, ... `S<len>` is a string.
pub fn ref_chain(len: usize) -> String {
    let mut out = HEAD.to_owned();
    for i in 0..len {
        out.push_str(&format!(
            "    S{i}: {{$ref: '#/components/schemas/S{}'}}\n",
            i + 1
        ));
    }
    out.push_str(&format!("    S{len}: {{type: string}}\n"));
    out
}

/// A string enum of `values` values.
pub fn big_enum(values: usize) -> String {
    let mut out = format!("{HEAD}    S0:\n      type: string\n      enum:\n");
    for i in 0..values {
        out.push_str(&format!("        - v{i}\n"));
    }
    out
}
