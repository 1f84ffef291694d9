//! Where the client mode's access key and Region come from, with the AWS CLI's precedence:
//!
//! - Credentials: with `--profile NAME`, that profile only (the shared credentials file, then
//!   the config file); without it, `AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY`
//!   (+ `AWS_SESSION_TOKEN`) first, then the profile `AWS_PROFILE` names (else `default`).
//! - Region (the SigV4 scope): `--region`, `AWS_REGION`, `AWS_DEFAULT_REGION`, the profile's
//!   `region` in the config file, else `us-east-1`.
//! - Files: `AWS_SHARED_CREDENTIALS_FILE` (else `~/.aws/credentials`, sections `[NAME]`) and
//!   `AWS_CONFIG_FILE` (else `~/.aws/config`, sections `[default]` and `[profile NAME]`).
//!
//! The files are INI as the AWS CLI writes them; the subset read here (sections, `key = value`,
//! `#`/`;` comment lines, indented sub-settings skipped) is small enough for the few lines below.
//! Profiles that get credentials some other way (roles, SSO, `credential_process`) are refused
//! with a message that says so.

use crate::errors::{CliError, CliResult};
use std::collections::BTreeMap;
use std::path::PathBuf;
use zeroize::Zeroizing;

/// The Region signed into the scope when nothing names one.
pub const DEFAULT_REGION: &str = "us-east-1";

/// An access key to sign with.
pub struct AccessKey {
    /// The access key id.
    pub id: String,
    /// The secret access key (wiped on drop).
    pub secret: Zeroizing<String>,
    /// A session token (temporary credentials), sent as `X-Amz-Security-Token`.
    pub token: Option<Zeroizing<String>>,
    /// Where it came from, for `--debug` and messages.
    pub source: String,
}

/// What the resolution reads: the environment (a function, so tests give their own).
pub struct Sources<'a> {
    /// An environment variable's value.
    pub env: &'a dyn Fn(&str) -> Option<String>,
}

impl Sources<'_> {
    fn var(&self, name: &str) -> Option<String> {
        (self.env)(name).filter(|v| !v.is_empty())
    }

    fn file(&self, var: &str, default: &str) -> Option<PathBuf> {
        self.var(var).map(PathBuf::from).or_else(|| {
            self.var("HOME")
                .map(|h| PathBuf::from(h).join(".aws").join(default))
        })
    }

    /// The profile in use: `--profile`, else `AWS_PROFILE`, else `default`.
    fn profile(&self, flag: Option<&str>) -> String {
        flag.map(str::to_string)
            .or_else(|| self.var("AWS_PROFILE"))
            .unwrap_or_else(|| "default".into())
    }
}

/// One INI file: section name to its settings. A missing file is empty.
type Ini = BTreeMap<String, BTreeMap<String, String>>;

fn read_ini(path: &std::path::Path) -> CliResult<Ini> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(parse_ini(&text)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Ini::new()),
        Err(e) => Err(CliError::io(path.display(), e)),
    }
}

fn parse_ini(text: &str) -> Ini {
    let mut ini = Ini::new();
    let mut section: Option<String> = None;
    for line in text.lines() {
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with(['#', ';']) {
            continue;
        }
        if let Some(name) = trimmed.strip_prefix('[').and_then(|s| s.strip_suffix(']')) {
            section = Some(name.trim().to_string());
            ini.entry(name.trim().to_string()).or_default();
            continue;
        }
        // Indented lines are a nested setting's sub-settings (`s3 =` blocks): not ours.
        if line.starts_with([' ', '\t']) {
            continue;
        }
        if let (Some(s), Some((k, v))) = (&section, trimmed.split_once('=')) {
            ini.entry(s.clone())
                .or_default()
                .insert(k.trim().to_string(), v.trim().to_string());
        }
    }
    ini
}

/// The access key to sign with (see the module's precedence).
pub fn access_key(src: &Sources<'_>, profile_flag: Option<&str>) -> CliResult<AccessKey> {
    if profile_flag.is_none()
        && let (Some(id), Some(secret)) = (
            src.var("AWS_ACCESS_KEY_ID"),
            src.var("AWS_SECRET_ACCESS_KEY"),
        )
    {
        return Ok(AccessKey {
            id,
            secret: Zeroizing::new(secret),
            token: src.var("AWS_SESSION_TOKEN").map(Zeroizing::new),
            source: "environment (AWS_ACCESS_KEY_ID)".into(),
        });
    }
    let profile = src.profile(profile_flag);
    let mut tried = Vec::new();
    let files = [
        (
            "AWS_SHARED_CREDENTIALS_FILE",
            "credentials",
            profile.clone(),
        ),
        (
            "AWS_CONFIG_FILE",
            "config",
            if profile == "default" {
                profile.clone()
            } else {
                format!("profile {profile}")
            },
        ),
    ];
    let mut profile_seen = false;
    for (var, default, section) in files {
        let Some(path) = src.file(var, default) else {
            continue;
        };
        tried.push(path.display().to_string());
        let mut ini = read_ini(&path)?;
        let Some(mut s) = ini.remove(&section) else {
            continue;
        };
        profile_seen = true;
        let secret = s.remove("aws_secret_access_key").map(Zeroizing::new);
        if let (Some(id), Some(secret)) = (s.remove("aws_access_key_id"), secret) {
            return Ok(AccessKey {
                id,
                secret,
                token: s.remove("aws_session_token").map(Zeroizing::new),
                source: format!("profile {profile} in {}", path.display()),
            });
        }
        let other = [
            "role_arn",
            "sso_session",
            "sso_start_url",
            "credential_process",
            "web_identity_token_file",
        ];
        if let Some(k) = other.iter().find(|k| s.contains_key(**k)) {
            return Err(CliError::BadInput(format!(
                "profile {profile} in {} gets its credentials through {k}, which strongroom does \
                 not support; give it aws_access_key_id and aws_secret_access_key",
                path.display()
            )));
        }
    }
    let why = if profile_flag.is_some() && !profile_seen {
        format!("the config profile ({profile}) could not be found")
    } else {
        format!("no access key in the environment or in profile {profile}")
    };
    Err(CliError::BadInput(format!(
        "Unable to locate credentials: {why} (read: {}); set AWS_ACCESS_KEY_ID and \
         AWS_SECRET_ACCESS_KEY, or give the profile aws_access_key_id and aws_secret_access_key",
        if tried.is_empty() {
            "no file: HOME is not set".to_string()
        } else {
            tried.join(", ")
        }
    )))
}

/// The Region signed into the credential scope (see the module's precedence).
pub fn region(
    src: &Sources<'_>,
    region_flag: Option<&str>,
    profile_flag: Option<&str>,
) -> CliResult<String> {
    if let Some(r) = region_flag
        .map(str::to_string)
        .or_else(|| src.var("AWS_REGION"))
        .or_else(|| src.var("AWS_DEFAULT_REGION"))
    {
        return Ok(r);
    }
    let profile = src.profile(profile_flag);
    let section = if profile == "default" {
        profile
    } else {
        format!("profile {profile}")
    };
    if let Some(path) = src.file("AWS_CONFIG_FILE", "config")
        && let Some(r) = read_ini(&path)?
            .get(&section)
            .and_then(|s| s.get("region"))
            .filter(|r| !r.is_empty())
    {
        return Ok(r.clone());
    }
    Ok(DEFAULT_REGION.into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    struct Env(HashMap<String, String>, tempfile::TempDir);

    /// A scratch HOME with the given credentials and config files, and these variables.
    fn env(credentials: &str, config: &str, vars: &[(&str, &str)]) -> Env {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join(".aws")).unwrap();
        std::fs::write(dir.path().join(".aws/credentials"), credentials).unwrap();
        std::fs::write(dir.path().join(".aws/config"), config).unwrap();
        let mut map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        map.insert("HOME".into(), dir.path().display().to_string());
        Env(map, dir)
    }

    fn key(e: &Env, profile: Option<&str>) -> CliResult<(String, String, Option<String>)> {
        let f = |n: &str| e.0.get(n).cloned();
        let k = access_key(&Sources { env: &f }, profile)?;
        Ok((k.id, k.secret.to_string(), k.token.map(|t| t.to_string())))
    }

    fn reg(e: &Env, flag: Option<&str>, profile: Option<&str>) -> String {
        let f = |n: &str| e.0.get(n).cloned();
        region(&Sources { env: &f }, flag, profile).unwrap()
    }

    const CREDS: &str = "# comment\n[default]\naws_access_key_id = DEF\naws_secret_access_key = def/secret\n\n\
        [dev]\naws_access_key_id=DEV\naws_secret_access_key=dev+secret\naws_session_token = tok\n\
        s3 =\n  max_concurrent_requests = 2\n";
    const CONFIG: &str = "[default]\nregion = eu-west-1\n[profile dev]\nregion = ap-south-1\n\
        [profile cfg]\naws_access_key_id = CFG\naws_secret_access_key = cfg\n\
        [profile role]\nrole_arn = arn:aws:iam::1:role/x\nsource_profile = default\n";

    #[test]
    fn environment_first_unless_a_profile_is_named() {
        let e = env(
            CREDS,
            CONFIG,
            &[
                ("AWS_ACCESS_KEY_ID", "ENV"),
                ("AWS_SECRET_ACCESS_KEY", "env"),
            ],
        );
        assert_eq!(key(&e, None).unwrap(), ("ENV".into(), "env".into(), None));
        // --profile skips the environment's key, as the AWS CLI does.
        assert_eq!(
            key(&e, Some("dev")).unwrap(),
            ("DEV".into(), "dev+secret".into(), Some("tok".into()))
        );
        // Half a key in the environment is no key.
        let e = env(CREDS, CONFIG, &[("AWS_ACCESS_KEY_ID", "ENV")]);
        assert_eq!(key(&e, None).unwrap().0, "DEF");
    }

    #[test]
    fn profiles_from_files() {
        let e = env(CREDS, CONFIG, &[("AWS_PROFILE", "dev")]);
        assert_eq!(key(&e, None).unwrap().0, "DEV");
        assert_eq!(key(&e, Some("default")).unwrap().0, "DEF");
        // The config file's keys, below the credentials file's.
        assert_eq!(key(&e, Some("cfg")).unwrap().0, "CFG");
        let missing = key(&e, Some("nope")).unwrap_err().message();
        assert!(missing.contains("could not be found"), "{missing}");
        let role = key(&e, Some("role")).unwrap_err().message();
        assert!(role.contains("role_arn"), "{role}");
        // AWS_SHARED_CREDENTIALS_FILE replaces ~/.aws/credentials.
        let other = e.1.path().join("other");
        std::fs::write(
            &other,
            "[default]\naws_access_key_id=OTHER\naws_secret_access_key=o\n",
        )
        .unwrap();
        let mut e2 = env("", "", &[]);
        e2.0.insert(
            "AWS_SHARED_CREDENTIALS_FILE".into(),
            other.display().to_string(),
        );
        assert_eq!(key(&e2, None).unwrap().0, "OTHER");
        let none = key(&env("", "", &[]), None).unwrap_err();
        assert!(none.message().starts_with("Unable to locate credentials"));
    }

    #[test]
    fn region_precedence() {
        let e = env(
            CREDS,
            CONFIG,
            &[("AWS_REGION", "r1"), ("AWS_DEFAULT_REGION", "r2")],
        );
        assert_eq!(reg(&e, Some("flag"), None), "flag");
        assert_eq!(reg(&e, None, None), "r1");
        let e = env(CREDS, CONFIG, &[("AWS_DEFAULT_REGION", "r2")]);
        assert_eq!(reg(&e, None, None), "r2");
        let e = env(CREDS, CONFIG, &[]);
        assert_eq!(reg(&e, None, None), "eu-west-1");
        assert_eq!(reg(&e, None, Some("dev")), "ap-south-1");
        assert_eq!(reg(&e, None, Some("cfg")), DEFAULT_REGION);
        assert_eq!(reg(&env("", "", &[]), None, None), DEFAULT_REGION);
    }
}
