//! The fuzz targets' committed seeds and regressions (`fuzz/corpus/<target>/seed-*`,
//! `fuzz/regressions/<target>/`), replayed through the same entry points the targets call.

use std::path::Path;

use konnect_stub::fuzzing;
use server_kit::fuzz_replay::replay;

fn fuzz_dir() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../fuzz"))
}

#[test]
fn discovery_inputs_found_by_fuzzing_stay_fixed() {
    replay(fuzz_dir(), "discovery", fuzzing::discovery);
}

#[test]
fn jwks_inputs_found_by_fuzzing_stay_fixed() {
    replay(fuzz_dir(), "jwks", fuzzing::jwks);
}

#[test]
fn id_token_inputs_found_by_fuzzing_stay_fixed() {
    replay(fuzz_dir(), "id_token", fuzzing::id_token);
}

#[test]
fn callback_inputs_found_by_fuzzing_stay_fixed() {
    replay(fuzz_dir(), "callback", fuzzing::callback);
}
