//! Arbitrary bytes through load, lower and emit: an error is fine, a panic is a bug.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = apiforge_generator::generate("fuzz.yaml", data, &apiforge_fuzz_settings());
});

fn apiforge_fuzz_settings() -> apiforge_generator::Settings {
    apiforge_generator::Settings {
        target: apiforge_generator::Target {
            crate_name: "fuzz".to_owned(),
            crate_version: "0.1.0".to_owned(),
        },
        packaging: apiforge_generator::Packaging {
            runtime_path: "../runtime".to_owned(),
            standalone: true,
        },
    }
}
