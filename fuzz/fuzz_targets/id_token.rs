#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| konnect_stub::fuzzing::id_token(data));
