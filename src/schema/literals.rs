//! Typed literals as PostgreSQL stores them: a literal is converted to its type when a default
//! or a constraint is saved, and the catalog prints the converted value. `'12 months'::interval`
//! is stored as `'1 year'`, `'{"b":1, "a":2}'::jsonb` as `'{"a": 2, "b": 1}'`, `'0'::float8`
//! as `0`. Both sides of a comparison go through these functions, so equal values compare
//! equal whichever way they were written.

/// A literal after conversion to its type.
#[derive(Clone, Debug, PartialEq)]
pub enum Literal {
    /// An integer that fits `int4` (PostgreSQL's parser gives such a literal that type).
    Int(i32),
    /// Any other number, as written without a leading `+`.
    Number(String),
    /// `true` / `false`.
    Bool(bool),
    /// A string in its stored form.
    Text(String),
}

/// The stored form of string literal `text` converted to the (normalised) type `type_name`,
/// or `None` when the conversion is not one this module knows to be exact.
pub fn normalise_literal(type_name: &str, text: &str) -> Option<Literal> {
    // The modifier does not change the spelling (`timestamp(3)`, `numeric(10,2)`).
    let base = match (type_name.find('('), type_name.find(')')) {
        (Some(open), Some(close)) if open < close => {
            format!("{}{}", &type_name[..open], &type_name[close + 1..])
        }
        _ => type_name.to_string(),
    };
    match base.as_str() {
        "interval" => interval(text).map(Literal::Text),
        "jsonb" => jsonb(text).map(Literal::Text),
        "timestamp without time zone" => timestamp(text).map(Literal::Text),
        "smallint" | "integer" | "bigint" | "numeric" | "real" | "double precision" => number(text),
        "boolean" => boolean(text).map(Literal::Bool),
        _ => None,
    }
}

/// The scale of a `numeric(p,s)` type (`numeric(10,2)` is 2, `numeric(10)` is 0); `None` for
/// any other type, unconstrained `numeric` included (it keeps the scale of each value).
pub fn numeric_scale(type_name: &str) -> Option<u32> {
    let modifiers = type_name.strip_prefix("numeric(")?.strip_suffix(')')?;
    match modifiers.split_once(',') {
        Some((_, scale)) => scale.trim().parse().ok(),
        None => Some(0),
    }
}

/// A plain decimal number (`0`, `-1.5`, `12.345`) as `numeric` stores it at `scale`: padded
/// with zeros or rounded half away from zero, as `numeric`'s typmod coercion does (`0` is
/// `0.00` at scale 2, `1.005` is `1.01`). `None` for anything else (exponents included).
pub fn numeric_at_scale(text: &str, scale: u32) -> Option<String> {
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    if int.is_empty() || !int.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let scale = scale as usize;
    // All digits as one integer of `scale` decimals, rounded on the first dropped digit.
    let mut all: Vec<u8> = int.bytes().chain(frac.bytes().take(scale)).collect();
    all.extend(std::iter::repeat_n(b'0', scale.saturating_sub(frac.len())));
    if frac.as_bytes().get(scale).is_some_and(|d| *d >= b'5') {
        let mut i = all.len();
        loop {
            if i == 0 {
                all.insert(0, b'1');
                break;
            }
            i -= 1;
            if all[i] == b'9' {
                all[i] = b'0';
            } else {
                all[i] += 1;
                break;
            }
        }
    }
    let split = all.len() - scale;
    let whole = String::from_utf8_lossy(&all[..split])
        .trim_start_matches('0')
        .to_string();
    let whole = if whole.is_empty() {
        "0".to_string()
    } else {
        whole
    };
    let zero = all.iter().all(|d| *d == b'0');
    let sign = if negative && !zero { "-" } else { "" };
    Some(if scale == 0 {
        format!("{sign}{whole}")
    } else {
        format!("{sign}{whole}.{}", String::from_utf8_lossy(&all[split..]))
    })
}

/// A number as the parser would read it unquoted: `'42'` is `42`, `'-1.50'` is `-1.50`.
fn number(text: &str) -> Option<Literal> {
    let t = text.trim();
    let t = t.strip_prefix('+').unwrap_or(t);
    let digits = t.strip_prefix('-').unwrap_or(t);
    let valid = !digits.is_empty()
        && digits.chars().all(|c| c.is_ascii_digit() || c == '.')
        && digits.chars().filter(|c| *c == '.').count() <= 1
        && digits.chars().any(|c| c.is_ascii_digit());
    if !valid {
        return None;
    }
    match t.parse::<i32>() {
        Ok(i) => Some(Literal::Int(i)),
        Err(_) => Some(Literal::Number(t.to_string())),
    }
}

/// `boolin`: `t`, `true`, `yes`, `on`, `1` and their opposites, any case.
fn boolean(text: &str) -> Option<bool> {
    match text.trim().to_ascii_lowercase().as_str() {
        "t" | "true" | "y" | "yes" | "on" | "1" => Some(true),
        "f" | "false" | "n" | "no" | "off" | "0" => Some(false),
        _ => None,
    }
}

/// A `timestamp` (without time zone) literal: the zone of the input is ignored, a date alone
/// is midnight, `T` separates as a space does: `'2024-01-01T00:00:00+00'` is
/// `'2024-01-01 00:00:00'`. Anything but `YYYY-MM-DD[ HH:MM[:SS[.frac]]][zone]` is left alone.
fn timestamp(text: &str) -> Option<String> {
    let t = text.trim();
    let (date, rest) = t.split_at(t.len().min(10));
    let d: Vec<&str> = date.split('-').collect();
    let date_ok = d.len() == 3
        && [4, 2, 2].iter().zip(&d).all(|(n, p)| p.len() == *n)
        && d.iter().all(|p| p.chars().all(|c| c.is_ascii_digit()));
    if !date_ok {
        return None;
    }
    let rest = rest.trim_start_matches([' ', 'T']);
    let time_end = rest
        .find(|c: char| !(c.is_ascii_digit() || c == ':' || c == '.'))
        .unwrap_or(rest.len());
    let (time, zone) = rest.split_at(time_end);
    let zone = zone.trim_start();
    let zone_ok = zone.is_empty()
        || zone == "Z"
        || zone.eq_ignore_ascii_case("utc")
        || ((zone.starts_with('+') || zone.starts_with('-'))
            && zone[1..].chars().all(|c| c.is_ascii_digit() || c == ':'));
    if !zone_ok {
        return None;
    }
    let parts: Vec<&str> = if time.is_empty() {
        vec!["00", "00"]
    } else {
        time.split(':').collect()
    };
    if parts.len() < 2 || parts.len() > 3 || parts.iter().any(|p| p.is_empty()) {
        return None;
    }
    let pad = |p: &str| {
        if p.len() == 1 {
            format!("0{p}")
        } else {
            p.to_string()
        }
    };
    let seconds = match parts.get(2) {
        Some(s) => {
            let (whole, frac) = s.split_once('.').unwrap_or((s, ""));
            let frac = frac.trim_end_matches('0');
            if frac.is_empty() {
                pad(whole)
            } else {
                format!("{}.{frac}", pad(whole))
            }
        }
        None => "00".into(),
    };
    Some(format!(
        "{date} {}:{}:{seconds}",
        pad(parts[0]),
        pad(parts[1])
    ))
}

/// `interval_out` (IntervalStyle `postgres`) of an interval literal in the verbose input
/// syntax (`'12 months'`, `'1 day 2 hours'`, `'@ 3 days ago'`, `'01:30:00'`). ISO 8601 and
/// fractional months or years are left alone.
fn interval(text: &str) -> Option<String> {
    let mut months: i64 = 0;
    let mut days: i64 = 0;
    let mut micros: i128 = 0;
    let lower = text.trim().to_ascii_lowercase();
    let mut tokens: Vec<&str> = lower.split_whitespace().collect();
    if tokens.first() == Some(&"@") {
        tokens.remove(0);
    }
    let ago = tokens.last() == Some(&"ago");
    if ago {
        tokens.pop();
    }
    if tokens.is_empty() {
        return None;
    }
    let mut i = 0;
    while i < tokens.len() {
        let tok = tokens[i];
        if tok.contains(':') {
            micros += clock(tok)?;
            i += 1;
            continue;
        }
        // `1day` and `1 day` alike.
        let split = tok
            .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-' || c == '+'))
            .unwrap_or(tok.len());
        let (num, unit) = if split < tok.len() {
            (&tok[..split], &tok[split..])
        } else {
            i += 1;
            (tok, *tokens.get(i)?)
        };
        let value: f64 = num.parse().ok()?;
        let whole = value.fract() == 0.0;
        match unit.trim_end_matches(',') {
            "millennium" | "millennia" | "millenniums" if whole => months += value as i64 * 12000,
            "century" | "centuries" if whole => months += value as i64 * 1200,
            "decade" | "decades" if whole => months += value as i64 * 120,
            "y" | "yr" | "yrs" | "year" | "years" if whole => months += value as i64 * 12,
            "mon" | "mons" | "month" | "months" if whole => months += value as i64,
            "w" | "week" | "weeks" if whole => days += value as i64 * 7,
            "d" | "day" | "days" if whole => days += value as i64,
            "h" | "hr" | "hrs" | "hour" | "hours" => micros += (value * 3.6e9).round() as i128,
            "m" | "min" | "mins" | "minute" | "minutes" => micros += (value * 6e7).round() as i128,
            "s" | "sec" | "secs" | "second" | "seconds" => micros += (value * 1e6).round() as i128,
            "ms" | "msec" | "msecs" | "millisecond" | "milliseconds" => {
                micros += (value * 1e3).round() as i128
            }
            "us" | "usec" | "usecs" | "microsecond" | "microseconds" => {
                micros += value.round() as i128
            }
            _ => return None,
        }
        i += 1;
    }
    if ago {
        months = -months;
        days = -days;
        micros = -micros;
    }
    Some(interval_out(months, days, micros))
}

/// `HH:MM[:SS[.frac]]` in microseconds, with an optional sign.
fn clock(tok: &str) -> Option<i128> {
    let (sign, t) = match tok.strip_prefix('-') {
        Some(t) => (-1, t),
        None => (1, tok.strip_prefix('+').unwrap_or(tok)),
    };
    let parts: Vec<&str> = t.split(':').collect();
    if parts.len() < 2 || parts.len() > 3 {
        return None;
    }
    let h: i128 = parts[0].parse().ok()?;
    let m: i128 = parts[1].parse().ok()?;
    let s: f64 = parts.get(2).map_or(Ok(0.0), |s| s.parse()).ok()?;
    Some(sign * (h * 3_600_000_000 + m * 60_000_000 + (s * 1e6).round() as i128))
}

/// The text `interval_out` prints for the three fields of an interval.
fn interval_out(months: i64, days: i64, micros: i128) -> String {
    let mut parts: Vec<String> = Vec::new();
    let unit = |n: i64, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    let (years, mons) = (months / 12, months % 12);
    if years != 0 {
        parts.push(unit(years, "year"));
    }
    if mons != 0 {
        parts.push(unit(mons, "mon"));
    }
    if days != 0 {
        parts.push(unit(days, "day"));
    }
    if micros != 0 || parts.is_empty() {
        let negative = micros < 0;
        let m = micros.abs();
        let (h, rest) = (m / 3_600_000_000, m % 3_600_000_000);
        let (min, rest) = (rest / 60_000_000, rest % 60_000_000);
        let (s, frac) = (rest / 1_000_000, rest % 1_000_000);
        let sign = if negative {
            "-"
        } else if parts.iter().any(|p| p.starts_with('-')) {
            "+"
        } else {
            ""
        };
        let mut clock = format!("{sign}{h:02}:{min:02}:{s:02}");
        if frac != 0 {
            clock.push_str(format!(".{frac:06}").trim_end_matches('0'));
        }
        parts.push(clock);
    }
    parts.join(" ")
}

/// `jsonb_out`: object keys in jsonb's order (shorter first, then bytewise), a later duplicate
/// key winning, `", "` and `": "` as separators.
fn jsonb(text: &str) -> Option<String> {
    let value: serde_json::Value = serde_json::from_str(text).ok()?;
    let mut out = String::new();
    write_jsonb(&value, &mut out);
    Some(out)
}

fn write_jsonb(value: &serde_json::Value, out: &mut String) {
    match value {
        serde_json::Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort_by(|a, b| a.len().cmp(&b.len()).then_with(|| a.cmp(b)));
            out.push('{');
            for (i, k) in keys.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                out.push_str(&serde_json::Value::String((*k).clone()).to_string());
                out.push_str(": ");
                write_jsonb(&map[*k], out);
            }
            out.push('}');
        }
        serde_json::Value::Array(items) => {
            out.push('[');
            for (i, v) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_jsonb(v, out);
            }
            out.push(']');
        }
        other => out.push_str(&other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(t: &str, v: &str) -> Option<String> {
        match normalise_literal(t, v)? {
            Literal::Text(s) => Some(s),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn intervals_print_as_interval_out() {
        for (input, stored) in [
            ("12 months", "1 year"),
            ("1 year", "1 year"),
            ("14 mons", "1 year 2 mons"),
            ("1 day", "1 day"),
            ("2 weeks", "14 days"),
            ("1 hour", "01:00:00"),
            ("90 minutes", "01:30:00"),
            ("1 day 02:00:00", "1 day 02:00:00"),
            ("@ 3 days ago", "-3 days"),
            ("1.5 seconds", "00:00:01.5"),
            ("-1 days", "-1 days"),
        ] {
            assert_eq!(text("interval", input).as_deref(), Some(stored), "{input}");
        }
        assert_eq!(text("interval", "P1Y"), None);
        assert_eq!(text("interval", "1.5 years"), None);
    }

    #[test]
    fn jsonb_orders_keys_and_spaces_as_stored() {
        assert_eq!(
            text("jsonb", r#"{"bb":1,"a":[1,2],"c":{"z":null}}"#).as_deref(),
            Some(r#"{"a": [1, 2], "c": {"z": null}, "bb": 1}"#)
        );
        assert_eq!(text("jsonb", "not json"), None);
        // json (not jsonb) keeps its text.
        assert_eq!(normalise_literal("json", "{}"), None);
    }

    #[test]
    fn timestamps_drop_the_zone_and_pad_the_time() {
        for (input, stored) in [
            ("2024-01-01 00:00:00+00", "2024-01-01 00:00:00"),
            ("2024-01-01T08:30:00Z", "2024-01-01 08:30:00"),
            ("2020-01-02 03:04:05 +00:00", "2020-01-02 03:04:05"),
            ("2024-01-01", "2024-01-01 00:00:00"),
            ("2024-01-01 08:30:00.500", "2024-01-01 08:30:00.5"),
        ] {
            assert_eq!(
                text("timestamp without time zone", input).as_deref(),
                Some(stored)
            );
        }
        assert_eq!(text("timestamp without time zone", "now"), None);
        assert_eq!(
            text(
                "timestamp(3) without time zone",
                "2020-01-02 03:04:05 +00:00"
            )
            .as_deref(),
            Some("2020-01-02 03:04:05")
        );
    }

    #[test]
    fn numbers_and_booleans_read_as_unquoted() {
        assert_eq!(normalise_literal("integer", "42"), Some(Literal::Int(42)));
        assert_eq!(normalise_literal("bigint", "-1"), Some(Literal::Int(-1)));
        assert_eq!(
            normalise_literal("numeric", "1.50"),
            Some(Literal::Number("1.50".into()))
        );
        assert_eq!(
            normalise_literal("bigint", "9999999999"),
            Some(Literal::Number("9999999999".into()))
        );
        assert_eq!(normalise_literal("integer", "4x"), None);
        assert_eq!(normalise_literal("boolean", "t"), Some(Literal::Bool(true)));
        assert_eq!(normalise_literal("boolean", "maybe"), None);
    }

    #[test]
    fn numbers_at_a_numeric_scale() {
        assert_eq!(numeric_scale("numeric(10,2)"), Some(2));
        assert_eq!(numeric_scale("numeric(10)"), Some(0));
        assert_eq!(numeric_scale("numeric"), None);
        assert_eq!(numeric_scale("integer"), None);
        for (text, scale, stored) in [
            ("0", 2, "0.00"),
            ("0.5", 2, "0.50"),
            ("1.005", 2, "1.01"),
            ("-1.004", 2, "-1.00"),
            ("9.999", 2, "10.00"),
            ("-0.001", 2, "0.00"),
            ("12.5", 0, "13"),
            ("007.10", 1, "7.1"),
        ] {
            assert_eq!(
                numeric_at_scale(text, scale).as_deref(),
                Some(stored),
                "{text}"
            );
        }
        for text in ["1e3", "now()", "'0'", "-", ".5x", ""] {
            assert_eq!(numeric_at_scale(text, 2), None, "{text}");
        }
    }
}
