//! A provider's secret (an API key, a webhook's signing secret), named in the
//! payments file and read from an environment variable or a file, so the file
//! itself holds no secret and can be kept with the brand's other settings.

/// Why a secret could not be read.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum SecretError {
    /// Neither of the secret's two sources is given.
    #[error("give `{0}_env` or `{0}_file`")]
    Missing(&'static str),
    /// Both of the secret's two sources are given.
    #[error("give only one of `{0}_env` and `{0}_file`")]
    Both(&'static str),
    /// The environment variable named is not set, or empty.
    #[error("the environment variable `{0}` is not set")]
    Env(String),
    /// The file named cannot be read, or is empty.
    #[error("cannot read `{0}`: {1}")]
    File(String, String),
}

/// The secret `name`, from the variable `from_env` names (read through `env`)
/// or the file `from_file` names, trimmed; an empty secret is refused.
pub fn read(
    name: &'static str,
    from_env: Option<&str>,
    from_file: Option<&str>,
    env: &impl Fn(&str) -> Option<String>,
) -> Result<String, SecretError> {
    let value = match (from_env, from_file) {
        (Some(_), Some(_)) => return Err(SecretError::Both(name)),
        (None, None) => return Err(SecretError::Missing(name)),
        (Some(var), None) => env(var).ok_or_else(|| SecretError::Env(var.into()))?,
        (None, Some(path)) => std::fs::read_to_string(path)
            .map_err(|e| SecretError::File(path.into(), e.to_string()))?,
    };
    let value = value.trim();
    if value.is_empty() {
        return Err(match (from_env, from_file) {
            (Some(var), _) => SecretError::Env(var.into()),
            (_, path) => SecretError::File(path.unwrap_or_default().into(), "empty".into()),
        });
    }
    Ok(value.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secret_comes_from_one_source_and_is_never_empty() {
        let env = |name: &str| match name {
            "KEY" => Some(" sk_1\n".to_owned()),
            "BLANK" => Some("  ".to_owned()),
            _ => None,
        };
        assert_eq!(read("key", Some("KEY"), None, &env), Ok("sk_1".into()));
        assert_eq!(
            read("key", None, None, &env),
            Err(SecretError::Missing("key"))
        );
        assert_eq!(
            read("key", Some("KEY"), Some("/f"), &env),
            Err(SecretError::Both("key"))
        );
        assert_eq!(
            read("key", Some("NOPE"), None, &env),
            Err(SecretError::Env("NOPE".into()))
        );
        assert_eq!(
            read("key", Some("BLANK"), None, &env),
            Err(SecretError::Env("BLANK".into()))
        );
        let dir = tempfile::tempdir().expect("a temporary folder");
        let file = dir.path().join("secret");
        std::fs::write(&file, "whsec_1\n").expect("written");
        let path = file.to_str().expect("a UTF-8 path");
        assert_eq!(read("key", None, Some(path), &env), Ok("whsec_1".into()));
        std::fs::write(&file, "\n").expect("written");
        assert!(matches!(
            read("key", None, Some(path), &env),
            Err(SecretError::File(..))
        ));
    }
}
