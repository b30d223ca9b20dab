//! Accounts: who may sign in to a brand's studio, and in which role.

use super::{passwords, Role};
use crate::db::Pool;
use crate::error::AppError;

/// A signed-in person.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct User {
    /// Row id.
    pub id: i64,
    /// Their brand.
    pub brand: String,
    /// Their sign-in email, lowercase.
    pub email: String,
    /// What they may do.
    pub role: Role,
}

/// Emails are compared as written by their owner's provider would: case aside.
pub fn normalize_email(email: &str) -> String {
    email.trim().to_lowercase()
}

/// Whether `email` looks like one (something@something), within 254 bytes (RFC 5321).
pub fn is_email(email: &str) -> bool {
    email.len() <= 254
        && email
            .split_once('@')
            .is_some_and(|(local, domain)| !local.is_empty() && domain.contains('.'))
        && !email.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// Adds `email` to `brand` as `role` with `password`, or, for an existing
/// account of that brand, sets its role and password. Creates the brand.
pub async fn upsert(
    pool: &Pool,
    brand: &str,
    email: &str,
    role: Role,
    password: &str,
) -> Result<User, String> {
    let email = normalize_email(email);
    if !is_email(&email) {
        return Err(format!("{email:?} is not an email address"));
    }
    if !crate::text::is_slug(brand) {
        return Err(format!(
            "brand {brand:?}: use 1 to 64 lowercase letters, digits and dashes"
        ));
    }
    let chars = password.chars().count();
    if !(passwords::MIN_LEN..=passwords::MAX_LEN).contains(&chars) {
        return Err(format!(
            "the password needs {} to {} characters",
            passwords::MIN_LEN,
            passwords::MAX_LEN
        ));
    }
    let hash = passwords::hash(password);
    let now = crate::clock::now_ms();
    let stored = async {
        let mut tx = pool.begin().await?;
        ensure_brand(&mut tx, brand).await?;
        let other: Option<(String,)> =
            sqlx::query_as("SELECT brand_id FROM users WHERE email = $1")
                .bind(&email)
                .fetch_optional(&mut *tx)
                .await?;
        if other.as_ref().is_some_and(|(b,)| b != brand) {
            return Ok(None);
        }
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO users (brand_id, email, role, password_hash, created_at_ms) \
             VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (email) DO UPDATE SET role = excluded.role, password_hash = excluded.password_hash \
             RETURNING id",
        )
        .bind(brand)
        .bind(&email)
        .bind(role.as_str())
        .bind(&hash)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok::<_, sqlx::Error>(Some(id))
    };
    match stored.await {
        Ok(Some(id)) => Ok(User {
            id,
            brand: brand.to_owned(),
            email,
            role,
        }),
        Ok(None) => Err(format!("{email} belongs to another brand")),
        Err(error) => Err(format!("database: {error}")),
    }
}

/// Creates `brand` if it is new.
pub async fn ensure_brand(conn: &mut crate::db::Conn, brand: &str) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO brands (id, created_at_ms) VALUES ($1, $2) ON CONFLICT DO NOTHING")
        .bind(brand)
        .bind(crate::clock::now_ms())
        .execute(conn)
        .await?;
    Ok(())
}

/// The account `email` signs in to with `password`, if they match. Takes as
/// long for an unknown email as for a wrong password.
pub async fn sign_in(pool: &Pool, email: &str, password: &str) -> Result<Option<User>, AppError> {
    let email = normalize_email(email);
    let row: Option<(i64, String, String, String)> =
        sqlx::query_as("SELECT id, brand_id, role, password_hash FROM users WHERE email = $1")
            .bind(&email)
            .fetch_optional(pool)
            .await?;
    // Hashing takes tens of ms of CPU: off the async workers.
    let password = password.to_owned();
    let hash = row.as_ref().map(|(_, _, _, hash)| hash.clone());
    let right = tokio::task::spawn_blocking(move || match hash {
        Some(hash) => passwords::verify(&password, &hash),
        None => {
            passwords::verify_nobody(&password);
            false
        }
    })
    .await
    .unwrap_or(false);
    let Some((id, brand, role, _)) = row.filter(|_| right) else {
        return Ok(None);
    };
    Ok(Some(User {
        id,
        brand,
        email,
        role: Role::parse(&role).unwrap_or(Role::Moderator),
    }))
}

/// The account with row id `id`.
pub async fn by_id(pool: &Pool, id: i64) -> Result<Option<User>, AppError> {
    let row: Option<(String, String, String)> =
        sqlx::query_as("SELECT brand_id, email, role FROM users WHERE id = $1")
            .bind(id)
            .fetch_optional(pool)
            .await?;
    Ok(row.map(|(brand, email, role)| User {
        id,
        brand,
        email,
        role: Role::parse(&role).unwrap_or(Role::Moderator),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_checked_and_compared_without_case() {
        assert_eq!(normalize_email("  Ayu@Batik.Example "), "ayu@batik.example");
        assert!(is_email("ayu@batik.example"));
        assert!(!is_email("ayu"));
        assert!(!is_email("@batik.example"));
        assert!(!is_email("ayu@localhost"));
        assert!(!is_email("a yu@batik.example"));
        assert!(!is_email(&format!("{}@x.example", "a".repeat(300))));
    }
}
