//! The `cgt-server` binary: see [`cgt_server::cli`].

fn main() -> anyhow::Result<()> {
    cgt_server::cli::run()
}
