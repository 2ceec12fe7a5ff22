//! Pushed Automerge changes: the request budget, then the merge into a new document and into a
//! stored report. Automerge's own panics are caught by the server (`merge_guarded`), so the
//! panic hook is silenced; a panic the server does not catch still aborts and is a crash.
#![no_main]

libfuzzer_sys::fuzz_target!(init: { std::panic::set_hook(Box::new(|_| {})); }, |data: &[u8]| {
    cgt_server::fuzzing::merge_changes(data);
});
