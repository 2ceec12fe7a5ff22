//! The 城管通 desktop binary; on Android the same library is loaded by the generated activity.

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    cgt_app::run();
}
