//! A minimal PostgreSQL wire-protocol client that sends statements as one extended-protocol
//! pipeline: Parse/Bind/Execute for each, and a single Sync at the end — what pgx's
//! `ExecBatch` sends (the Supabase CLI before 2.109 applied a migration file this way). The
//! `postgres` crate sends a Sync after every statement, so it cannot show how PostgreSQL treats
//! a pipeline: one implicit transaction, in which a statement that cannot run in a transaction
//! block is refused unless it comes first.
//!
//! Authentication: trust and cleartext password only (the throw-away test servers trust).

use std::io::{Read, Write};
use std::time::Duration;

use postgres::config::Host;

/// Any stream to the server (TCP or a Unix socket).
trait Stream: Read + Write {}
impl<T: Read + Write> Stream for T {}

/// Sends `statements` as one pipeline to the database of `config`; `Err` with the server's first
/// error message (and SQLSTATE) when it refuses one.
pub fn run_pipeline(config: &postgres::Config, statements: &[String]) -> Result<(), String> {
    let mut stream = connect(config)?;
    let user = config.get_user().unwrap_or("postgres");
    let db = config.get_dbname().unwrap_or(user);
    let mut startup = Vec::new();
    startup.extend(196_608i32.to_be_bytes());
    for (k, v) in [("user", user), ("database", db)] {
        cstr(&mut startup, k);
        cstr(&mut startup, v);
    }
    startup.push(0);
    let mut framed = ((startup.len() + 4) as i32).to_be_bytes().to_vec();
    framed.extend(startup);
    stream.write_all(&framed).map_err(io)?;
    // Authentication, then wait for ReadyForQuery.
    loop {
        let (tag, body) = read_message(&mut stream)?;
        match tag {
            b'R' => match i32::from_be_bytes(body[..4].try_into().unwrap()) {
                0 => {}
                3 => {
                    let password = config
                        .get_password()
                        .map(|p| String::from_utf8_lossy(p).into_owned())
                        .ok_or("the server asks for a password and none is configured")?;
                    let mut p = Vec::new();
                    cstr(&mut p, &password);
                    send(&mut stream, b'p', &p)?;
                }
                other => {
                    return Err(format!(
                        "the pipeline test client supports trust and password authentication only (server asked for method {other})"
                    ));
                }
            },
            b'E' => return Err(error_text(&body)),
            b'Z' => break,
            _ => {}
        }
    }
    for sql in statements {
        let mut parse = vec![0];
        cstr(&mut parse, sql);
        parse.extend(0i16.to_be_bytes());
        send(&mut stream, b'P', &parse)?;
        // Unnamed portal and statement, no parameters, default result formats.
        let mut bind = vec![0, 0];
        bind.extend([0u8; 6]);
        send(&mut stream, b'B', &bind)?;
        let mut execute = vec![0];
        execute.extend(0i32.to_be_bytes());
        send(&mut stream, b'E', &execute)?;
    }
    send(&mut stream, b'S', &[])?;
    let mut first_error = None;
    loop {
        let (tag, body) = read_message(&mut stream)?;
        match tag {
            b'E' if first_error.is_none() => first_error = Some(error_text(&body)),
            b'Z' => break,
            _ => {}
        }
    }
    let _ = send(&mut stream, b'X', &[]);
    first_error.map_or(Ok(()), Err)
}

fn connect(config: &postgres::Config) -> Result<Box<dyn Stream>, String> {
    let port = config.get_ports().first().copied().unwrap_or(5432);
    let timeout = Some(Duration::from_secs(30));
    match config.get_hosts().first() {
        Some(Host::Unix(dir)) => {
            let s = std::os::unix::net::UnixStream::connect(dir.join(format!(".s.PGSQL.{port}")))
                .map_err(io)?;
            s.set_read_timeout(timeout).map_err(io)?;
            Ok(Box::new(s))
        }
        Some(Host::Tcp(host)) => {
            let s = std::net::TcpStream::connect((host.as_str(), port)).map_err(io)?;
            s.set_read_timeout(timeout).map_err(io)?;
            Ok(Box::new(s))
        }
        None => Err("no host in the test conninfo".into()),
    }
}

fn io(e: std::io::Error) -> String {
    format!("pipeline client: {e}")
}

fn cstr(buf: &mut Vec<u8>, s: &str) {
    buf.extend(s.as_bytes());
    buf.push(0);
}

fn send(stream: &mut dyn Stream, tag: u8, body: &[u8]) -> Result<(), String> {
    let mut msg = vec![tag];
    msg.extend(((body.len() + 4) as i32).to_be_bytes());
    msg.extend(body);
    stream.write_all(&msg).map_err(io)
}

fn read_message(stream: &mut dyn Stream) -> Result<(u8, Vec<u8>), String> {
    let mut head = [0u8; 5];
    stream.read_exact(&mut head).map_err(io)?;
    let len = i32::from_be_bytes(head[1..5].try_into().unwrap()) as usize;
    let mut body = vec![0u8; len.saturating_sub(4)];
    stream.read_exact(&mut body).map_err(io)?;
    Ok((head[0], body))
}

/// `message (SQLSTATE code)` from an ErrorResponse body.
fn error_text(body: &[u8]) -> String {
    let mut message = String::new();
    let mut code = String::new();
    let mut rest = body;
    while let Some((&field, tail)) = rest.split_first() {
        if field == 0 {
            break;
        }
        let end = tail.iter().position(|b| *b == 0).unwrap_or(tail.len());
        let value = String::from_utf8_lossy(&tail[..end]).into_owned();
        match field {
            b'M' => message = value,
            b'C' => code = value,
            _ => {}
        }
        rest = tail.get(end + 1..).unwrap_or(&[]);
    }
    format!("{message} (SQLSTATE {code})")
}
