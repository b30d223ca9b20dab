//! `lapak-server`: runs the reference server until interrupted.
use clap::{Parser, Subcommand};
use tracing_subscriber::EnvFilter;

/// The server's flags, and what to do instead of serving.
#[derive(Parser)]
#[command(
    name = "lapak-server",
    about = "Lapak's reference server: the demo show, carts, WebSockets, live video"
)]
struct Cli {
    #[command(flatten)]
    config: lapak_server::Config,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Prints the show's stream key, the secret of the host's RTMP address
    /// (`rtmp://HOST:PORT/live/<key>`); `--rotate` replaces it first, which
    /// stops the old key working for new publishes at once.
    StreamKey {
        /// Replace the key with a new one.
        #[arg(long)]
        rotate: bool,
    },
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    let Cli { config, command } = Cli::parse();
    if let Some(Command::StreamKey { rotate }) = command {
        return match lapak_server::stream_key(&config, rotate).await {
            Ok(key) => {
                println!("{key}");
                std::process::ExitCode::SUCCESS
            }
            Err(error) => {
                eprintln!("lapak-server: {error}");
                std::process::ExitCode::FAILURE
            }
        };
    }
    match lapak_server::start(config).await {
        Ok(running) => {
            // Scripts read this line to find the port.
            println!("Lapak is live at http://{}/", running.addr);
            if let Some(rtmp) = running.rtmp_addr {
                eprintln!("RTMP ingest at rtmp://{rtmp}/live/<stream key>");
            }
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
