//! Harness for end-to-end tests and benchmarks: the real server (as a child process or
//! in-process), fault-injecting network proxies, and fixtures that make valid reports.

pub mod admin;
pub mod bench;
pub mod bombs;
pub mod browser;
pub mod centre;
pub mod conformance;
pub mod database;
pub mod fixtures;
pub mod inprocess;
pub mod open_cases;
pub mod proxy;
pub mod raw;
pub mod sample_docs;
pub mod server_process;
pub mod staff;
pub mod survey;
