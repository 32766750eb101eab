//! The fuzz targets' committed seeds and regressions (`fuzz/corpus/<target>/seed-*`,
//! `fuzz/regressions/<target>/`), replayed through the same entry points the targets call.

use std::path::Path;

use mock_okta::fuzzing;
use server_kit::fuzz_replay::replay;

fn fuzz_dir() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../fuzz"))
}

#[test]
fn filter_inputs_found_by_fuzzing_stay_fixed() {
    replay(fuzz_dir(), "filter", fuzzing::filter);
}

#[test]
fn params_inputs_found_by_fuzzing_stay_fixed() {
    replay(fuzz_dir(), "params", fuzzing::params);
}

#[test]
fn authorize_inputs_found_by_fuzzing_stay_fixed() {
    replay(fuzz_dir(), "authorize", fuzzing::authorize);
}
