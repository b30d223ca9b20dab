//! `lapak-server`: runs the reference server until interrupted.
use clap::Parser;
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    let config = lapak_server::Config::parse();
    match lapak_server::start(config).await {
        Ok(running) => {
            // Scripts read this line to find the port.
            println!("Lapak is live at http://{}/", running.addr);
            tokio::select! {
                _ = running.wait() => {}
                _ = tokio::signal::ctrl_c() => {}
            }
            std::process::ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("lapak-server: {error}");
            std::process::ExitCode::FAILURE
        }
    }
}
