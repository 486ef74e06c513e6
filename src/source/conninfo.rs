//! Connection strings as libpq users know them: a `postgres://` URL or `key=value` pairs, the
//! `PG*` environment variables for what they leave out, and `sslmode` / `sslrootcert` carried
//! out with rustls. A password is kept apart from everything that is ever printed: [`redact`]
//! and [`ConnInfo::describe`] are the only ways a connection string reaches a message.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, Error as TlsError, RootCertStore, SignatureScheme};

/// Why a connection string cannot be used. Never quotes a password: values are named by
/// their keyword, and only non-secret values (port, sslmode, paths) are shown.
#[derive(Debug, thiserror::Error)]
pub enum ConnInfoError {
    /// `sslmode` is not one libpq knows.
    #[error("sslmode `{0}` is not one of disable, prefer, require, verify-ca, verify-full")]
    SslMode(String),
    /// `port` is not a number.
    #[error("port `{0}` is not a number")]
    Port(String),
    /// `connect_timeout` is not a number.
    #[error("connect_timeout `{0}` is not a number")]
    ConnectTimeout(String),
    /// rustls refused the client configuration.
    #[error("TLS setup: {0}")]
    Tls(#[from] TlsError),
    /// rustls refused the certificate verifier.
    #[error("TLS setup: {0}")]
    Verifier(#[from] rustls::client::VerifierBuilderError),
    /// The `sslrootcert` file cannot be read or is not PEM.
    #[error("cannot read sslrootcert `{path}`: {source}")]
    RootCertUnreadable {
        /// The file.
        path: String,
        /// Why.
        source: rustls::pki_types::pem::Error,
    },
    /// The `sslrootcert` file holds no certificate.
    #[error("sslrootcert `{0}` holds no PEM certificate")]
    RootCertEmpty(String),
    /// A certificate in the `sslrootcert` file is not usable as a root.
    #[error("sslrootcert `{path}`: {source}")]
    RootCertInvalid {
        /// The file.
        path: String,
        /// Why.
        source: TlsError,
    },
    /// A `%` not followed by two hex digits.
    #[error("the URL has an invalid %-escape")]
    Escape,
    /// `%`-escapes that decode to bytes that are not UTF-8.
    #[error("the URL's %-escapes are not UTF-8")]
    EscapeNotUtf8,
    /// The password's escapes are bad (said without quoting the password).
    #[error("the URL's password has an invalid %-escape")]
    PasswordEscape,
    /// An IPv6 host without its `]`.
    #[error("the URL has an unclosed `[`")]
    UnclosedBracket,
    /// A query parameter's value has bad escapes.
    #[error("the URL's parameter `{0}` has an invalid %-escape")]
    ParameterEscape(String),
    /// A keyword without `=value`.
    #[error(
        "the connection string has `{0}` without `=value` (expected key=value pairs or a postgresql:// URL)"
    )]
    NoValue(String),
    /// A quoted value without its closing quote.
    #[error("the connection string's value of `{0}` has an unterminated quote")]
    UnterminatedQuote(String),
}

/// What `sslmode` asks for (libpq's meanings).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SslMode {
    /// Never TLS.
    Disable,
    /// TLS when the server offers it, without verifying the certificate (libpq's default).
    Prefer,
    /// TLS or fail; the certificate is verified like `verify-ca` when a root certificate is
    /// given (as libpq does), otherwise not.
    Require,
    /// TLS, the certificate chain verified against the root certificates; any host name.
    VerifyCa,
    /// TLS, the chain verified and the host name matched.
    VerifyFull,
}

impl SslMode {
    fn parse(text: &str) -> Result<SslMode, ConnInfoError> {
        Ok(match text {
            "disable" | "allow" => SslMode::Disable,
            "prefer" => SslMode::Prefer,
            "require" => SslMode::Require,
            "verify-ca" => SslMode::VerifyCa,
            "verify-full" => SslMode::VerifyFull,
            other => return Err(ConnInfoError::SslMode(other.to_string())),
        })
    }
}

/// Connection parameters by libpq keyword, after the environment filled the gaps. Its `Debug`
/// shows [`ConnInfo::describe`], never the password.
#[derive(Clone, Default)]
pub struct ConnInfo {
    params: Vec<(String, String)>,
}

impl std::fmt::Debug for ConnInfo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("ConnInfo").field(&self.describe()).finish()
    }
}

/// The libpq environment variables read for parameters the connection string leaves out.
const ENV: &[(&str, &str)] = &[
    ("host", "PGHOST"),
    ("hostaddr", "PGHOSTADDR"),
    ("port", "PGPORT"),
    ("user", "PGUSER"),
    ("password", "PGPASSWORD"),
    ("dbname", "PGDATABASE"),
    ("sslmode", "PGSSLMODE"),
    ("sslrootcert", "PGSSLROOTCERT"),
    ("connect_timeout", "PGCONNECT_TIMEOUT"),
    ("options", "PGOPTIONS"),
];

impl ConnInfo {
    /// Parses a URL or key=value conninfo. Errors never quote the text (it may hold a
    /// password).
    pub fn parse(text: &str) -> Result<ConnInfo, ConnInfoError> {
        let text = text.trim();
        let params = if text.starts_with("postgres://") || text.starts_with("postgresql://") {
            parse_url(text)?
        } else if text.is_empty() {
            Vec::new()
        } else {
            parse_keywords(text)?
        };
        Ok(ConnInfo { params })
    }

    /// Fills parameters the string left out from `PG*` variables (read through `env`).
    pub fn with_env(mut self, env: impl Fn(&str) -> Option<String>) -> ConnInfo {
        for (key, var) in ENV {
            if self.get(key).is_none()
                && let Some(v) = env(var).filter(|v| !v.is_empty())
            {
                self.params.push((key.to_string(), v));
            }
        }
        self
    }

    /// The value of a keyword (the last one given wins, as in libpq).
    pub fn get(&self, key: &str) -> Option<&str> {
        self.params
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// The password, if any: only for connecting and for scrubbing messages.
    pub fn password(&self) -> Option<&str> {
        self.get("password").filter(|p| !p.is_empty())
    }

    /// The requested `sslmode` (libpq's default `prefer`).
    pub fn ssl_mode(&self) -> Result<SslMode, ConnInfoError> {
        SslMode::parse(self.get("sslmode").unwrap_or("prefer"))
    }

    fn hosts(&self) -> Vec<String> {
        match self.get("host").or(self.get("hostaddr")) {
            Some(h) => h.split(',').map(str::to_string).collect(),
            None => vec![default_host()],
        }
    }

    fn user(&self) -> String {
        self.get("user")
            .map(str::to_string)
            .or_else(|| std::env::var("USER").ok())
            .unwrap_or_else(|| "postgres".to_string())
    }

    /// The target for messages: `postgresql://user@host:port/db?sslmode=…`, never a password.
    pub fn describe(&self) -> String {
        let hosts = self.hosts();
        let ports: Vec<&str> = self.get("port").unwrap_or("5432").split(',').collect();
        let user = self.user();
        let db = self.get("dbname").map_or(user.clone(), str::to_string);
        let endpoints: Vec<String> = hosts
            .iter()
            .enumerate()
            .map(|(i, h)| {
                let port = ports.get(i).or(ports.last()).copied().unwrap_or("5432");
                if h.starts_with('/') {
                    format!("{h} (socket, port {port})")
                } else {
                    format!("{h}:{port}")
                }
            })
            .collect();
        let mut s = format!("postgresql://{user}@{}/{db}", endpoints.join(","));
        if let Some(m) = self.get("sslmode") {
            s.push_str("?sslmode=");
            s.push_str(m);
        }
        s
    }

    /// The `postgres` configuration: hosts, ports, user, password, database, timeouts,
    /// `application_name = driftlint`, and the TLS mode.
    pub fn config(&self, connect_timeout: Duration) -> Result<postgres::Config, ConnInfoError> {
        let mut config = postgres::Config::new();
        for h in self.hosts() {
            if h.starts_with('/') {
                config.host_path(h);
            } else {
                config.host(&h);
            }
        }
        if let Some(ports) = self.get("port") {
            for p in ports.split(',') {
                let port: u16 = p
                    .trim()
                    .parse()
                    .map_err(|_| ConnInfoError::Port(p.to_string()))?;
                config.port(port);
            }
        }
        config.user(&self.user());
        if let Some(p) = self.password() {
            config.password(p);
        }
        if let Some(db) = self.get("dbname") {
            config.dbname(db);
        }
        if let Some(o) = self.get("options") {
            config.options(o);
        }
        let timeout = match self.get("connect_timeout") {
            Some(t) => match t.trim().parse::<u64>() {
                Ok(0) => connect_timeout,
                Ok(s) => Duration::from_secs(s.max(2)),
                Err(_) => return Err(ConnInfoError::ConnectTimeout(t.to_string())),
            },
            None => connect_timeout,
        };
        config.connect_timeout(timeout);
        config.application_name("driftlint");
        config.ssl_mode(match self.ssl_mode()? {
            SslMode::Disable => postgres::config::SslMode::Disable,
            SslMode::Prefer => postgres::config::SslMode::Prefer,
            _ => postgres::config::SslMode::Require,
        });
        Ok(config)
    }

    /// The rustls connector for the requested `sslmode` and `sslrootcert`.
    pub fn tls(&self) -> Result<tokio_postgres_rustls::MakeRustlsConnect, ConnInfoError> {
        let mode = self.ssl_mode()?;
        let rootcert = self.get("sslrootcert").filter(|p| !p.is_empty());
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let builder = rustls::ClientConfig::builder_with_provider(provider.clone())
            .with_safe_default_protocol_versions()?;
        // libpq: `require` with a root certificate file verifies like `verify-ca`.
        let verify = match mode {
            SslMode::VerifyFull => Some(true),
            SslMode::VerifyCa => Some(false),
            SslMode::Require if rootcert.is_some() => Some(false),
            _ => None,
        };
        let config = match verify {
            None => builder
                .dangerous()
                .with_custom_certificate_verifier(Arc::new(NoVerification(provider)))
                .with_no_client_auth(),
            Some(check_host) => {
                let roots = Arc::new(root_store(rootcert)?);
                let webpki = rustls::client::WebPkiServerVerifier::builder_with_provider(
                    roots,
                    provider.clone(),
                )
                .build()?;
                if check_host {
                    builder.with_webpki_verifier(webpki).with_no_client_auth()
                } else {
                    builder
                        .dangerous()
                        .with_custom_certificate_verifier(Arc::new(ChainOnly(webpki)))
                        .with_no_client_auth()
                }
            }
        };
        Ok(tokio_postgres_rustls::MakeRustlsConnect::new(config))
    }
}

/// libpq's default host: the usual Unix socket directories, else localhost.
fn default_host() -> String {
    for dir in ["/var/run/postgresql", "/tmp"] {
        if Path::new(dir).join(".s.PGSQL.5432").exists() {
            return dir.to_string();
        }
    }
    "localhost".to_string()
}

/// Root certificates: the `sslrootcert` file (PEM, one or more certificates), `system` or
/// none given for the bundled Mozilla roots.
fn root_store(rootcert: Option<&str>) -> Result<RootCertStore, ConnInfoError> {
    let mut store = RootCertStore::empty();
    match rootcert {
        None | Some("system") => {
            store.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
        }
        Some(path) => {
            let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(path)
                .and_then(|it| it.collect::<Result<Vec<_>, _>>())
                .map_err(|source| ConnInfoError::RootCertUnreadable {
                    path: path.to_string(),
                    source,
                })?;
            if certs.is_empty() {
                return Err(ConnInfoError::RootCertEmpty(path.to_string()));
            }
            for c in certs {
                store
                    .add(c)
                    .map_err(|source| ConnInfoError::RootCertInvalid {
                        path: path.to_string(),
                        source,
                    })?;
            }
        }
    }
    Ok(store)
}

/// `sslmode=prefer/require` without a root certificate: encryption without authentication,
/// as libpq does. Signatures are still checked so that the handshake itself is sound.
#[derive(Debug)]
struct NoVerification(Arc<rustls::crypto::CryptoProvider>);

impl ServerCertVerifier for NoVerification {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, TlsError> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, TlsError> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, TlsError> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

/// `sslmode=verify-ca`: the chain must lead to a trusted root; the host name is not checked.
#[derive(Debug)]
struct ChainOnly(Arc<rustls::client::WebPkiServerVerifier>);

impl ServerCertVerifier for ChainOnly {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, TlsError> {
        match self
            .0
            .verify_server_cert(end_entity, intermediates, server_name, ocsp, now)
        {
            Err(TlsError::InvalidCertificate(rustls::CertificateError::NotValidForName))
            | Err(TlsError::InvalidCertificate(
                rustls::CertificateError::NotValidForNameContext { .. },
            )) => Ok(ServerCertVerified::assertion()),
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, TlsError> {
        self.0.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, TlsError> {
        self.0.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.supported_verify_schemes()
    }
}

/// Whether `text` names a database rather than a path: a `postgres://` / `postgresql://` URL
/// or a key=value conninfo.
pub fn is_conninfo(text: &str) -> bool {
    let t = text.trim_start();
    t.starts_with("postgres://")
        || t.starts_with("postgresql://")
        || (t.contains('=')
            && t.split_whitespace().next().is_some_and(|first| {
                first.split_once('=').is_some_and(|(k, _)| {
                    !k.is_empty() && k.chars().all(|c| c.is_ascii_lowercase() || c == '_')
                })
            }))
}

/// `text` with any password in it replaced by `***`: the userinfo password of a URL, a
/// `password=` query parameter or keyword.
pub fn redact(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    // URLs anywhere in the text.
    while let Some(i) = ["postgresql://", "postgres://"]
        .iter()
        .filter_map(|s| rest.find(s).map(|i| (i, s.len())))
        .min()
    {
        let (start, scheme_len) = i;
        out.push_str(&rest[..start + scheme_len]);
        let after = &rest[start + scheme_len..];
        let end = after
            .find(|c: char| c.is_whitespace() || c == '\'' || c == '"' || c == '`')
            .unwrap_or(after.len());
        let url = &after[..end];
        let (authority_end, tail) = match url.find(['/', '?']) {
            Some(i) => (i, &url[i..]),
            None => (url.len(), ""),
        };
        let authority = &url[..authority_end];
        match authority.rfind('@') {
            Some(at) => {
                let userinfo = &authority[..at];
                match userinfo.split_once(':') {
                    Some((user, _)) => {
                        out.push_str(user);
                        out.push_str(":***");
                    }
                    None => out.push_str(userinfo),
                }
                out.push_str(&authority[at..]);
            }
            None => out.push_str(authority),
        }
        out.push_str(&redact_keywords(tail, '&'));
        rest = &after[end..];
    }
    out.push_str(&redact_keywords(rest, ' '));
    out
}

/// Replaces the value of every `password=` in `text` (keyword pairs separated by `sep` or
/// whitespace; a quoted value as a whole).
fn redact_keywords(text: &str, sep: char) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find("password") {
        let before = &rest[..i];
        let boundary = before
            .chars()
            .last()
            .is_none_or(|c| c.is_whitespace() || c == sep || c == '?' || c == '&');
        let after = &rest[i + "password".len()..];
        let trimmed = after.trim_start();
        if !boundary || !trimmed.starts_with('=') {
            out.push_str(&rest[..i + "password".len()]);
            rest = after;
            continue;
        }
        out.push_str(&rest[..i]);
        out.push_str("password=***");
        let value = trimmed[1..].trim_start();
        let len = if let Some(q) = value.strip_prefix('\'') {
            // A quoted value ends at the first unescaped quote.
            let mut escaped = false;
            let mut end = q.len();
            for (j, c) in q.char_indices() {
                if escaped {
                    escaped = false;
                } else if c == '\\' {
                    escaped = true;
                } else if c == '\'' {
                    end = j + 1;
                    break;
                }
            }
            1 + end
        } else {
            value
                .find(|c: char| c.is_whitespace() || c == sep || c == '&')
                .unwrap_or(value.len())
        };
        rest = &value[len..];
    }
    out.push_str(rest);
    out
}

/// Decodes the URL's `%XX` escapes.
fn percent_decode(s: &str) -> Result<String, ConnInfoError> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .ok_or(ConnInfoError::Escape)?;
            out.push(hex);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| ConnInfoError::EscapeNotUtf8)
}

/// `postgresql://[user[:password]@][host][:port][,…][/dbname][?key=value&…]`.
fn parse_url(text: &str) -> Result<Vec<(String, String)>, ConnInfoError> {
    let rest = text
        .strip_prefix("postgresql://")
        .or_else(|| text.strip_prefix("postgres://"))
        .unwrap_or(text);
    let (main, query) = match rest.split_once('?') {
        Some((m, q)) => (m, Some(q)),
        None => (rest, None),
    };
    let (authority, path) = match main.split_once('/') {
        Some((a, p)) => (a, Some(p)),
        None => (main, None),
    };
    let mut params = Vec::new();
    let hostport = match authority.rsplit_once('@') {
        Some((userinfo, hp)) => {
            let (user, password) = match userinfo.split_once(':') {
                Some((u, p)) => (u, Some(p)),
                None => (userinfo, None),
            };
            if !user.is_empty() {
                params.push(("user".to_string(), percent_decode(user)?));
            }
            if let Some(p) = password {
                params.push((
                    "password".to_string(),
                    percent_decode(p).map_err(|_| ConnInfoError::PasswordEscape)?,
                ));
            }
            hp
        }
        None => authority,
    };
    let mut hosts = Vec::new();
    let mut ports = Vec::new();
    for hp in hostport.split(',').filter(|s| !s.is_empty()) {
        let (host, port) = if let Some(v6) = hp.strip_prefix('[') {
            let (h, after) = v6.split_once(']').ok_or(ConnInfoError::UnclosedBracket)?;
            (h.to_string(), after.strip_prefix(':').map(str::to_string))
        } else {
            match hp.rsplit_once(':') {
                Some((h, p)) => (percent_decode(h)?, Some(p.to_string())),
                None => (percent_decode(hp)?, None),
            }
        };
        if !host.is_empty() {
            hosts.push(host);
        }
        if let Some(p) = port.filter(|p| !p.is_empty()) {
            ports.push(p);
        }
    }
    if !hosts.is_empty() {
        params.push(("host".to_string(), hosts.join(",")));
    }
    if !ports.is_empty() {
        params.push(("port".to_string(), ports.join(",")));
    }
    if let Some(db) = path.filter(|p| !p.is_empty()) {
        params.push(("dbname".to_string(), percent_decode(db)?));
    }
    for pair in query.into_iter().flat_map(|q| q.split('&')) {
        if pair.is_empty() {
            continue;
        }
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let key = percent_decode(k)?;
        let value = percent_decode(v).map_err(|_| ConnInfoError::ParameterEscape(key.clone()))?;
        params.push((key, value));
    }
    Ok(params)
}

/// `host=… port=… password='a b\'c'`: values may be single-quoted with backslash escapes.
fn parse_keywords(text: &str) -> Result<Vec<(String, String)>, ConnInfoError> {
    let mut params = Vec::new();
    let mut chars = text.chars().peekable();
    loop {
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        if chars.peek().is_none() {
            break;
        }
        let mut key = String::new();
        while let Some(&c) = chars.peek() {
            if c == '=' || c.is_whitespace() {
                break;
            }
            key.push(c);
            chars.next();
        }
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        if chars.next() != Some('=') {
            return Err(ConnInfoError::NoValue(key));
        }
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        let mut value = String::new();
        if chars.peek() == Some(&'\'') {
            chars.next();
            let mut closed = false;
            while let Some(c) = chars.next() {
                match c {
                    '\\' => value.extend(chars.next()),
                    '\'' => {
                        closed = true;
                        break;
                    }
                    c => value.push(c),
                }
            }
            if !closed {
                return Err(ConnInfoError::UnterminatedQuote(key));
            }
        } else {
            while let Some(&c) = chars.peek() {
                if c.is_whitespace() {
                    break;
                }
                if c == '\\' {
                    chars.next();
                    value.extend(chars.next());
                    continue;
                }
                value.push(c);
                chars.next();
            }
        }
        params.push((key, value));
    }
    Ok(params)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_env(_: &str) -> Option<String> {
        None
    }

    #[test]
    fn parses_urls() {
        let c = ConnInfo::parse(
            "postgresql://app:s3cr%40t@db.example.com:6543/prod?sslmode=verify-full&sslrootcert=/r.pem",
        )
        .unwrap();
        assert_eq!(c.get("user"), Some("app"));
        assert_eq!(c.password(), Some("s3cr@t"));
        assert_eq!(c.get("host"), Some("db.example.com"));
        assert_eq!(c.get("port"), Some("6543"));
        assert_eq!(c.get("dbname"), Some("prod"));
        assert_eq!(c.ssl_mode().unwrap(), SslMode::VerifyFull);
        assert_eq!(c.get("sslrootcert"), Some("/r.pem"));
        assert_eq!(
            c.describe(),
            "postgresql://app@db.example.com:6543/prod?sslmode=verify-full"
        );
        let socket = ConnInfo::parse("postgres:///db?host=%2Ftmp%2Fx&port=5433").unwrap();
        assert_eq!(socket.get("host"), Some("/tmp/x"));
        let v6 = ConnInfo::parse("postgres://u@[::1]:5433,h2/db").unwrap();
        assert_eq!(v6.get("host"), Some("::1,h2"));
        assert_eq!(v6.get("port"), Some("5433"));
    }

    #[test]
    fn parses_keywords_with_quotes() {
        let c = ConnInfo::parse("host=/tmp port=5432 password='a b\\'c' dbname = x").unwrap();
        assert_eq!(c.password(), Some("a b'c"));
        assert_eq!(c.get("dbname"), Some("x"));
        assert!(ConnInfo::parse("host").is_err());
        let err = ConnInfo::parse("password='hunter2")
            .unwrap_err()
            .to_string();
        assert!(!err.contains("hunter2"), "{err}");
    }

    #[test]
    fn environment_fills_only_gaps() {
        let env = |k: &str| match k {
            "PGHOST" => Some("envhost".to_string()),
            "PGPASSWORD" => Some("envpw".to_string()),
            "PGUSER" => Some("envuser".to_string()),
            _ => None,
        };
        let c = ConnInfo::parse("postgres://given@h/db")
            .unwrap()
            .with_env(env);
        assert_eq!(c.get("host"), Some("h"));
        assert_eq!(c.get("user"), Some("given"));
        assert_eq!(c.password(), Some("envpw"));
        assert!(!c.describe().contains("envpw"));
        let c = ConnInfo::parse("").unwrap().with_env(no_env);
        assert!(c.get("host").is_none());
    }

    #[test]
    fn redacts_passwords_everywhere() {
        for (text, secret) in [
            ("postgresql://app:hunter2@db:5432/prod", "hunter2"),
            ("postgres://app:hunter2@db/prod?sslmode=require", "hunter2"),
            (
                "postgres://app@db/prod?password=hunter2&sslmode=require",
                "hunter2",
            ),
            ("host=db password=hunter2 dbname=prod", "hunter2"),
            ("host=db password = 'hun ter2' dbname=prod", "hun ter2"),
            (
                "error connecting to postgres://a:hunter2@h/d: refused",
                "hunter2",
            ),
        ] {
            let r = redact(text);
            assert!(!r.contains(secret), "{text} -> {r}");
            assert!(r.contains("***"), "{text} -> {r}");
        }
        assert_eq!(
            redact("postgresql://app:pw@db:5432/prod"),
            "postgresql://app:***@db:5432/prod"
        );
        assert_eq!(redact("host=db dbname=prod"), "host=db dbname=prod");
        let c = ConnInfo::parse("host=db password=hunter2").unwrap();
        assert!(!format!("{c:?}").contains("hunter2"));
        let o = crate::source::database::ConnectOptions::new("postgres://a:hunter2@h/d");
        assert!(!format!("{o:?}").contains("hunter2"));
        assert_eq!(redact("mypassword_column"), "mypassword_column");
    }

    #[test]
    fn recognises_conninfo_and_paths() {
        assert!(is_conninfo("postgres://h/db"));
        assert!(is_conninfo("postgresql://h/db"));
        assert!(is_conninfo("host=/tmp dbname=x"));
        assert!(!is_conninfo("migrations"));
        assert!(!is_conninfo("drizzle:./out"));
        assert!(!is_conninfo("./a=b/migrations"));
    }

    #[test]
    fn sslmodes() {
        for (m, want) in [
            ("disable", SslMode::Disable),
            ("prefer", SslMode::Prefer),
            ("require", SslMode::Require),
            ("verify-ca", SslMode::VerifyCa),
            ("verify-full", SslMode::VerifyFull),
        ] {
            let c = ConnInfo::parse(&format!("host=h sslmode={m}")).unwrap();
            assert_eq!(c.ssl_mode().unwrap(), want);
            assert!(c.tls().is_ok() || m.starts_with("verify"));
        }
        assert!(
            ConnInfo::parse("sslmode=bogus")
                .unwrap()
                .ssl_mode()
                .is_err()
        );
        let missing = ConnInfo::parse("sslmode=verify-full sslrootcert=/nonexistent/root.pem")
            .unwrap()
            .tls()
            .err()
            .unwrap()
            .to_string();
        assert!(missing.contains("/nonexistent/root.pem"), "{missing}");
    }
}
