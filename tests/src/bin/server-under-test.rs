//! The server binary, built inside this package so end-to-end tests can spawn and kill it.

fn main() -> anyhow::Result<()> {
    cgt_server::cli::run()
}
