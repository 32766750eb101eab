//! Replays the fuzz targets' committed inputs (`fuzz/corpus/<target>/seed-*` and every file in
//! `fuzz/regressions/<target>/`) through a crate's fuzzing entry point in a plain `cargo test`,
//! so a crash found once stays fixed without cargo-fuzz.

use std::path::{Path, PathBuf};

/// The committed inputs of `target` under the repository's `fuzz/` directory, sorted.
pub fn inputs(fuzz_dir: &Path, target: &str) -> Vec<PathBuf> {
    let files = |dir: PathBuf, keep: fn(&str) -> bool| {
        std::fs::read_dir(dir)
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.path())
            .filter(move |p| {
                p.is_file() && p.file_name().and_then(|n| n.to_str()).is_some_and(keep)
            })
    };
    let mut out: Vec<PathBuf> = files(fuzz_dir.join("corpus").join(target), |n| {
        n.starts_with("seed-")
    })
    .chain(files(fuzz_dir.join("regressions").join(target), |n| {
        !n.starts_with('.')
    }))
    .collect();
    out.sort();
    out
}

/// Runs every committed input of `target` through `entry`, naming the file that fails; fails
/// when the target has no committed input at all (a renamed directory must not pass silently).
pub fn replay(fuzz_dir: &Path, target: &str, entry: fn(&[u8])) {
    let inputs = inputs(fuzz_dir, target);
    assert!(
        !inputs.is_empty(),
        "no committed inputs for fuzz target {target} in {}",
        fuzz_dir.display()
    );
    for path in inputs {
        let data = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        if let Err(panic) = std::panic::catch_unwind(|| entry(&data)) {
            eprintln!("fuzz input {} fails", path.display());
            std::panic::resume_unwind(panic);
        }
    }
}
