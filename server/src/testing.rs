//! What the unit tests of several modules share.
use lapak_protocol::Viewer;

/// Viewer `id` with the name the server would generate.
pub fn viewer(id: u64) -> Viewer {
    Viewer {
        id,
        name: format!("user{id:06}"),
        ..Viewer::default()
    }
}

/// A new, migrated database for a unit test: a PostgreSQL database of its own
/// on PostgreSQL runs (`LAPAK_TEST_POSTGRES`), else an SQLite file in `dir`.
pub async fn database(dir: &std::path::Path) -> crate::db::Pool {
    use sqlx::Connection;
    let location = match std::env::var("LAPAK_TEST_POSTGRES") {
        Ok(cluster) => {
            let cluster = cluster.trim_end_matches('/');
            let name = format!("unit_{}_{}", std::process::id(), rand::random::<u32>());
            let mut admin = sqlx::PgConnection::connect(&format!("{cluster}/postgres"))
                .await
                .unwrap();
            sqlx::Executor::execute(&mut admin, format!("CREATE DATABASE {name}").as_str())
                .await
                .unwrap();
            crate::db::Location::Postgres(format!("{cluster}/{name}"))
        }
        Err(_) => crate::db::Location::Sqlite(dir.join("unit.db")),
    };
    crate::db::open(&location).await.unwrap()
}
