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
        /// The show (its id); the first show that ingests without it.
        #[arg(long = "of")]
        of: Option<String>,
        /// Replace the key with a new one.
        #[arg(long)]
        rotate: bool,
    },
    /// Adds a person to a brand's team (or sets an existing one's role and
    /// password), so they can sign in to the studio API (docs/api.md). The
    /// password comes from LAPAK_PASSWORD or, without it, the first line of
    /// standard input.
    AddUser {
        /// Their sign-in email.
        #[arg(long)]
        email: String,
        /// What they may do.
        #[arg(long, value_parser = role)]
        role: lapak_server::access::Role,
        /// Their brand; the show file's brand without it.
        #[arg(long)]
        brand: Option<String>,
    },
}

/// `--role`: owner, host or moderator.
fn role(name: &str) -> Result<lapak_server::access::Role, String> {
    lapak_server::access::Role::parse(name)
        .ok_or_else(|| format!("{name}: the role is owner, host or moderator"))
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
    let done = match command {
        None => return serve(config).await,
        Some(Command::StreamKey { of, rotate }) => {
            lapak_server::stream_key(&config, of.as_deref(), rotate)
                .await
                .map_err(|e| e.to_string())
        }
        Some(Command::AddUser { email, role, brand }) => match password() {
            Ok(password) => {
                lapak_server::add_user(&config, brand.as_deref(), &email, role, &password).await
            }
            Err(error) => Err(error),
        },
    };
    match done {
        Ok(said) => {
            println!("{said}");
            std::process::ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("lapak-server: {error}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// The new password: `LAPAK_PASSWORD`, or the first line of standard input
/// (so it is not left in the shell's history or the process list).
fn password() -> Result<String, String> {
    if let Ok(password) = std::env::var("LAPAK_PASSWORD") {
        return Ok(password);
    }
    let mut line = String::new();
    std::io::stdin()
        .read_line(&mut line)
        .map_err(|e| format!("cannot read the password: {e}"))?;
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}

/// Runs the server until interrupted.
async fn serve(config: lapak_server::Config) -> std::process::ExitCode {
    match lapak_server::start(config).await {
        Ok(running) => {
            // Scripts read this line to find the port.
            println!("Lapak is live at http://{}/", running.addr);
            for show in running.show_ids().iter().skip(1) {
                println!("Show {show}: http://{}/?show={show}", running.addr);
            }
            if let Some(rtmp) = running.rtmp_addr {
                eprintln!("RTMP ingest at rtmp://{rtmp}/live/<stream key>");
            }
            running.until_stopped().await;
            std::process::ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("lapak-server: {error}");
            std::process::ExitCode::FAILURE
        }
    }
}
