//! Generates the Yat client into `OUT_DIR/yat.rs`, included by `src/lib.rs` inside `mod yat`.

fn main() {
    let generated = apiforge_project::build::Module::new("../../specs/yat.yaml")
        .module_path("crate::yat")
        .generate();
    if let Err(error) = generated {
        // A build script reports failure by panicking; the message is the rendered diagnostic.
        panic!("{error}");
    }
}
