//! A certificate coming back signed (TTE): signatories sign the PDFs
//! bimtek issued with their own government tool (BSrE's), and bimtek takes
//! the signed files back. Here is what such a file shows without trusting
//! it: whether a signature covers the whole file, who signed and when (as
//! the signature dictionary states it), the identifiers bimtek wrote into
//! its metadata, and whether the file bimtek issued is its prefix.
//!
//! The check is of the file, not of the signer: a `/ByteRange` that covers
//! every byte but its own `/Contents` shows nothing was added after the
//! signature, and the digest the signature states for those bytes (CMS
//! `messageDigest`) shows none of them was changed. Whether the signature
//! over that digest is valid, and whom its certificate names, is the
//! signatory's tool's and the reader's business (any PDF reader shows it).
//!
//! A hand-written scan rather than a PDF library: `lopdf`, the MIT one,
//! always brings encryption (aes, cbc, ecb, md-5) and second major versions
//! of rand and sha2, none of which a feature leaves out; and the
//! little read here lies in the file's bytes as they are. A signature
//! dictionary is never compressed (its `/ByteRange` counts the file's own
//! bytes and its `/Contents` is the hex string in the gap), and the
//! metadata is the one bimtek wrote (krilla: plain objects, a plain XMP
//! stream), which an incremental update leaves in place byte for byte.
//! Objects are found by their `N G obj` headers, so a file with a broken
//! cross-reference table reads the same; metadata that a tool rewrote into
//! an object stream or a compressed stream is not read, and such a file
//! is no longer the issued file's continuation either.

use std::collections::HashMap;

use chrono::{DateTime, FixedOffset, NaiveDate, TimeZone, Utc};
use sha2::{Digest, Sha256, Sha384, Sha512};

/// Why an uploaded file is not taken as a signed certificate.
#[derive(Clone, Copy, Debug, thiserror::Error, PartialEq, Eq)]
pub enum Refusal {
    #[error("not a PDF file")]
    NotPdf,
    #[error("the PDF carries no electronic signature")]
    NoSignature,
    /// A `/ByteRange` that is not `[0 b c d]` around a hex string inside
    /// the file: no signing tool writes one.
    #[error("a signature in the PDF is damaged")]
    BrokenSignature,
    /// Bytes were added after the last signature (it no longer covers the
    /// file to its end), or a signed byte was changed (the digest the
    /// signature states no longer holds).
    #[error("the PDF was changed after it was signed")]
    ChangedAfterSigning,
}

/// What a signed PDF tells about itself.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignedPdf {
    /// In the order they appear in the file; one covers it whole.
    /// Document timestamps are not listed (they sign for no one) but must
    /// be sound too.
    pub signatures: Vec<Signature>,
    /// The document's titles and keywords, where bimtek writes the verify
    /// code: the information dictionary's `/Title` and `/Keywords` (newest
    /// revision first), then XMP's `dc:title` and `pdf:Keywords`; each text
    /// once.
    pub identifiers: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Signature {
    /// `/Name`: the signer as the signing tool wrote it, when it did.
    pub signer: Option<String>,
    /// `/M`: when the signing tool says it signed (without an offset in
    /// the date, taken as UTC).
    pub signed_at: Option<DateTime<Utc>>,
}

/// Reads `bytes` as a signed PDF: at least one signature, every signature
/// and document timestamp well formed, and the last covering the file to
/// its last byte.
pub fn read(bytes: &[u8]) -> Result<SignedPdf, Refusal> {
    if !bytes.starts_with(b"%PDF-") {
        return Err(Refusal::NotPdf);
    }
    let objects = Objects::scan(bytes);
    let mut ranges: Vec<[usize; 4]> = Vec::new();
    let mut signatures = Vec::new();
    for &start in &objects.headers {
        let Some(value) = Lexer::at(bytes, start).value(0) else {
            continue;
        };
        let mut found = Vec::new();
        signature_dicts(&value, &mut found, 0);
        for dict in found {
            let range = byte_range(dict, bytes).ok_or(Refusal::BrokenSignature)?;
            if ranges.contains(&range) {
                continue;
            }
            ranges.push(range);
            if !digest_holds(dict, bytes, range) {
                return Err(Refusal::ChangedAfterSigning);
            }
            if get(dict, b"Type") != Some(&Value::Name(b"DocTimeStamp".to_vec())) {
                signatures.push(Signature {
                    signer: text_of(dict, b"Name"),
                    signed_at: text_of(dict, b"M").as_deref().and_then(pdf_date),
                });
            }
        }
    }
    if signatures.is_empty() {
        return Err(Refusal::NoSignature);
    }
    if !ranges.iter().any(|[_, _, c, d]| c + d == bytes.len()) {
        return Err(Refusal::ChangedAfterSigning);
    }
    Ok(SignedPdf {
        signatures,
        identifiers: identifiers(bytes, &objects),
    })
}

/// Whether `signed` begins with the file bimtek issued, known by its
/// length and its SHA-256 in hex (as storage keys files): signing tools
/// append the signature as an incremental update and leave the signed
/// file's bytes before it untouched.
pub fn continues(signed: &[u8], original_len: u64, original_sha256_hex: &str) -> bool {
    usize::try_from(original_len)
        .ok()
        .and_then(|len| signed.get(..len))
        .is_some_and(|prefix| {
            format!("{:x}", Sha256::digest(prefix)).eq_ignore_ascii_case(original_sha256_hex)
        })
}

// ------------------------------------------------------------ signatures

/// Dictionaries that are signatures: `/Type /Sig` or `/DocTimeStamp`, or
/// (as some tools write a field's value) no type but a `/ByteRange` and
/// `/Contents`. Looked for inside the object too, where a field holds its
/// value directly.
fn signature_dicts<'v>(value: &'v Value, found: &mut Vec<&'v Dict>, depth: u8) {
    if depth > MAX_DEPTH {
        return;
    }
    match value {
        Value::Dict(dict) => {
            let kind = get(dict, b"Type");
            let typed = matches!(kind, Some(Value::Name(n)) if n == b"Sig" || n == b"DocTimeStamp");
            let untyped = kind.is_none()
                && get(dict, b"ByteRange").is_some()
                && get(dict, b"Contents").is_some();
            if typed || untyped {
                found.push(dict);
            } else {
                for (_, v) in dict {
                    signature_dicts(v, found, depth + 1);
                }
            }
        }
        Value::Array(items) => {
            for v in items {
                signature_dicts(v, found, depth + 1);
            }
        }
        _ => {}
    }
}

/// The dictionary's `/ByteRange` [a b c d] when it is sound: it starts at
/// the file's first byte, leaves out exactly one hex string (the signature
/// itself) and ends inside the file.
fn byte_range(dict: &Dict, bytes: &[u8]) -> Option<[usize; 4]> {
    let Some(Value::Array(items)) = get(dict, b"ByteRange") else {
        return None;
    };
    let numbers: Vec<usize> = items
        .iter()
        .map(|v| match v {
            Value::Int(n) => usize::try_from(*n).ok(),
            _ => None,
        })
        .collect::<Option<_>>()?;
    let [a, b, c, d] = <[usize; 4]>::try_from(numbers).ok()?;
    let gap = bytes.get(b..c)?;
    let sound = a == 0
        && a + b < c
        && c.checked_add(d)? <= bytes.len()
        && gap.len() >= 2
        && gap[0] == b'<'
        && gap[gap.len() - 1] == b'>'
        && gap[1..gap.len() - 1]
            .iter()
            .all(|&x| x.is_ascii_hexdigit() || is_white(x));
    sound.then_some([a, b, c, d])
}

/// Whether the bytes a signature covers still have the digest that its
/// signed attributes state. Only detached CMS signatures state that
/// digest of the file (a document timestamp's is of its token); one that
/// states none, or with a digest of another length than SHA-2's, is left
/// to its byte range.
fn digest_holds(dict: &Dict, bytes: &[u8], [a, b, c, d]: [usize; 4]) -> bool {
    let detached = matches!(get(dict, b"SubFilter"),
        Some(Value::Name(n)) if n == b"adbe.pkcs7.detached" || n == b"ETSI.CAdES.detached");
    let Some(Value::Str(cms)) = get(dict, b"Contents") else {
        return true;
    };
    let Some(stated) = detached.then(|| stated_digest(cms)).flatten() else {
        return true;
    };
    fn digest<D: Digest>(parts: [&[u8]; 2]) -> Vec<u8> {
        let mut hasher = D::new();
        for part in parts {
            hasher.update(part);
        }
        hasher.finalize().to_vec()
    }
    let parts = [&bytes[a..a + b], &bytes[c..c + d]];
    let actual = match stated.len() {
        32 => digest::<Sha256>(parts),
        48 => digest::<Sha384>(parts),
        64 => digest::<Sha512>(parts),
        _ => return true,
    };
    actual == stated
}

/// The CMS signed attribute `messageDigest` (OID 1.2.840.113549.1.9.4,
/// a SET of one OCTET STRING): the first in the signature is the
/// signer's, as the certificates before it carry none and the timestamp
/// tokens after it are unsigned attributes.
fn stated_digest(cms: &[u8]) -> Option<&[u8]> {
    const MESSAGE_DIGEST: [u8; 11] = [
        0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x04,
    ];
    let at = find(cms, &MESSAGE_DIGEST)? + MESSAGE_DIGEST.len();
    match cms.get(at..)? {
        [0x31, _, 0x04, len, rest @ ..] if *len < 0x80 => rest.get(..usize::from(*len)),
        _ => None,
    }
}

/// A PDF date, `D:YYYYMMDDHHmmSSOHH'mm'`, every part after the year
/// optional.
fn pdf_date(raw: &str) -> Option<DateTime<Utc>> {
    let raw = raw.trim();
    let raw = raw.strip_prefix("D:").unwrap_or(raw);
    let end = raw.find(|c: char| !c.is_ascii_digit()).unwrap_or(raw.len());
    let (digits, zone) = raw.split_at(end);
    if digits.len() < 4 || digits.len() > 14 || digits.len() % 2 != 0 {
        return None;
    }
    let part = |at: usize, absent: u32| match digits.get(at..at + 2) {
        Some(two) => two.parse().ok(),
        None => Some(absent),
    };
    let date = NaiveDate::from_ymd_opt(digits[..4].parse().ok()?, part(4, 1)?, part(6, 1)?)?;
    let local = date.and_hms_opt(part(8, 0)?, part(10, 0)?, part(12, 0)?)?;
    let offset = match zone.as_bytes().first() {
        None | Some(b'Z') => 0,
        Some(&sign @ (b'+' | b'-')) => {
            let zone: String = zone[1..].chars().filter(char::is_ascii_digit).collect();
            let hours: i32 = zone.get(..2)?.parse().ok()?;
            let minutes: i32 = zone.get(2..4).map_or(Some(0), |m| m.parse().ok())?;
            let seconds = hours * 3600 + minutes * 60;
            if sign == b'-' { -seconds } else { seconds }
        }
        Some(_) => return None,
    };
    let at = FixedOffset::east_opt(offset)?
        .from_local_datetime(&local)
        .single()?;
    Some(at.with_timezone(&Utc))
}

// ------------------------------------------------------------ metadata

fn identifiers(bytes: &[u8], objects: &Objects) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    let mut add = |text: String| {
        let text = text.trim().to_string();
        if !text.is_empty() && !found.contains(&text) {
            found.push(text);
        }
    };
    for info in information_dicts(bytes, objects) {
        for key in [b"Title".as_slice(), b"Keywords"] {
            if let Some(text) = text_of(&info, key) {
                add(text);
            }
        }
    }
    for packet in between(bytes, b"<x:xmpmeta", b"</x:xmpmeta>") {
        let packet = String::from_utf8_lossy(packet);
        for title in between(packet.as_bytes(), b"<dc:title", b"</dc:title>") {
            for item in between(title, b"<rdf:li", b"</rdf:li>") {
                // The item's text follows the end of its start tag.
                if let Some(end) = item.iter().position(|&b| b == b'>') {
                    add(xml_text(&item[end + 1..]));
                }
            }
        }
        for element in between(packet.as_bytes(), b"<pdf:Keywords>", b"</pdf:Keywords>") {
            add(xml_text(element));
        }
        for attribute in between(packet.as_bytes(), b"pdf:Keywords=\"", b"\"") {
            add(xml_text(attribute));
        }
    }
    found
}

/// The information dictionaries the trailers (and cross-reference
/// streams) name, the newest revision's first: an incremental update
/// appends its trailer after the ones before.
fn information_dicts(bytes: &[u8], objects: &Objects) -> Vec<Dict> {
    let mut trailers: Vec<(usize, Dict)> = Vec::new();
    for at in positions(bytes, b"trailer") {
        if let Some(Value::Dict(dict)) = Lexer::at(bytes, at + b"trailer".len()).value(0) {
            trailers.push((at, dict));
        }
    }
    for &start in &objects.headers {
        if let Some(Value::Dict(dict)) = Lexer::at(bytes, start).value(0)
            && get(&dict, b"Type") == Some(&Value::Name(b"XRef".to_vec()))
        {
            trailers.push((start, dict));
        }
    }
    trailers.sort_by_key(|(at, _)| std::cmp::Reverse(*at));
    trailers
        .iter()
        .filter_map(|(_, trailer)| match get(trailer, b"Info")? {
            Value::Dict(dict) => Some(dict.clone()),
            Value::Ref(number) => match Lexer::at(bytes, *objects.latest.get(number)?).value(0) {
                Some(Value::Dict(dict)) => Some(dict),
                _ => None,
            },
            _ => None,
        })
        .collect()
}

/// XML character data with its five entities and numeric references.
fn xml_text(raw: &[u8]) -> String {
    let raw = String::from_utf8_lossy(raw);
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw.as_ref();
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let Some(semicolon) = rest.find(';') else {
            break;
        };
        let entity = &rest[1..semicolon];
        let decoded = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => entity
                .strip_prefix("#x")
                .map(|hex| u32::from_str_radix(hex, 16))
                .or_else(|| entity.strip_prefix('#').map(str::parse))
                .and_then(Result::ok)
                .and_then(char::from_u32),
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[semicolon + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Every stretch of `bytes` between `open` (and its end) and the next
/// `close`.
fn between<'b>(bytes: &'b [u8], open: &[u8], close: &[u8]) -> Vec<&'b [u8]> {
    let mut found = Vec::new();
    let mut at = 0;
    while let Some(start) = find(&bytes[at..], open).map(|i| at + i + open.len()) {
        let Some(end) = find(&bytes[start..], close).map(|i| start + i) else {
            break;
        };
        found.push(&bytes[start..end]);
        at = end + close.len();
    }
    found
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn positions<'b>(bytes: &'b [u8], needle: &'b [u8]) -> impl Iterator<Item = usize> + 'b {
    bytes
        .windows(needle.len())
        .enumerate()
        .filter(move |(_, w)| *w == needle)
        .map(|(i, _)| i)
}

/// A text string: UTF-16BE or UTF-8 after their byte-order marks, or
/// else PDFDocEncoding.
fn text_of(dict: &Dict, key: &[u8]) -> Option<String> {
    let Some(Value::Str(bytes)) = get(dict, key) else {
        return None;
    };
    Some(if let Some(utf16) = bytes.strip_prefix(&[0xfe, 0xff]) {
        let units = utf16
            .chunks_exact(2)
            .map(|pair| u16::from_be_bytes([pair[0], pair[1]]));
        char::decode_utf16(units)
            .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
            .collect()
    } else if let Some(utf8) = bytes.strip_prefix(b"\xef\xbb\xbf") {
        String::from_utf8_lossy(utf8).into_owned()
    } else {
        bytes.iter().map(|&b| pdf_doc_char(b)).collect()
    })
}

/// PDFDocEncoding: Latin-1 but for a few accents below the space and the
/// typographic marks in 0x80–0xA0.
fn pdf_doc_char(byte: u8) -> char {
    const LOW: [char; 8] = ['˘', 'ˇ', 'ˆ', '˙', '˝', '˛', '˚', '˜'];
    const HIGH: [char; 33] = [
        '•', '†', '‡', '…', '—', '–', 'ƒ', '⁄', '‹', '›', '−', '‰', '„', '“', '”', '‘', '’', '‚',
        '™', 'ﬁ', 'ﬂ', 'Ł', 'Œ', 'Š', 'Ÿ', 'Ž', 'ı', 'ł', 'œ', 'š', 'ž', '\u{fffd}', '€',
    ];
    match byte {
        0x18..=0x1f => LOW[usize::from(byte - 0x18)],
        0x80..=0xa0 => HIGH[usize::from(byte - 0x80)],
        _ => char::from(byte),
    }
}

// ------------------------------------------------------------ objects

/// Where the file's indirect objects begin, found by their `N G obj`
/// headers in the bytes.
struct Objects {
    /// Each object's value, in file order (every revision's).
    headers: Vec<usize>,
    /// Object number to its newest definition: a later revision's
    /// overrides an earlier one.
    latest: HashMap<u32, usize>,
}

impl Objects {
    fn scan(bytes: &[u8]) -> Objects {
        let mut headers = Vec::new();
        let mut latest = HashMap::new();
        for at in positions(bytes, b"obj") {
            let after = at + 3;
            if bytes
                .get(after)
                .is_some_and(|&b| !is_white(b) && !is_delimiter(b))
            {
                continue;
            }
            if let Some(number) = object_number(&bytes[..at]) {
                headers.push(after);
                latest.insert(number, after);
            }
        }
        Objects { headers, latest }
    }
}

/// The object number of an `N G ` that `before` ends with.
fn object_number(before: &[u8]) -> Option<u32> {
    let mut end = before.len();
    let mut numbers = [0u32; 2];
    for number in numbers.iter_mut().rev() {
        let white = before[..end]
            .iter()
            .rev()
            .take_while(|&&b| is_white(b))
            .count();
        if white == 0 {
            return None;
        }
        end -= white;
        let digits = before[..end]
            .iter()
            .rev()
            .take_while(|b| b.is_ascii_digit())
            .count();
        if digits == 0 || digits > 10 {
            return None;
        }
        *number = std::str::from_utf8(&before[end - digits..end])
            .ok()?
            .parse()
            .ok()?;
        end -= digits;
    }
    let starts_token = end == 0 || is_white(before[end - 1]) || is_delimiter(before[end - 1]);
    starts_token.then_some(numbers[0])
}

type Dict = Vec<(Vec<u8>, Value)>;

#[derive(Clone, Debug, PartialEq)]
enum Value {
    /// `true`, `false`, `null` or a real number: never needed here.
    Other,
    Int(i64),
    Name(Vec<u8>),
    Str(Vec<u8>),
    Array(Vec<Value>),
    Dict(Dict),
    /// An indirect reference, by object number (generations are 0 in
    /// every file that matters here).
    Ref(u32),
}

fn get<'d>(dict: &'d Dict, key: &[u8]) -> Option<&'d Value> {
    dict.iter().find(|(k, _)| k == key).map(|(_, v)| v)
}

/// Nesting deeper than this is no document's; it bounds the recursion.
const MAX_DEPTH: u8 = 32;

fn is_white(byte: u8) -> bool {
    matches!(byte, 0 | b'\t' | b'\n' | 0x0c | b'\r' | b' ')
}

fn is_delimiter(byte: u8) -> bool {
    b"()<>[]{}/%".contains(&byte)
}

/// Reads one PDF object from a position: enough of the syntax for
/// dictionaries, their strings and references; a stream's data is not
/// read, only its dictionary.
struct Lexer<'b> {
    bytes: &'b [u8],
    at: usize,
}

impl<'b> Lexer<'b> {
    fn at(bytes: &'b [u8], at: usize) -> Lexer<'b> {
        Lexer { bytes, at }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    fn skip_space(&mut self) {
        while let Some(b) = self.peek() {
            if is_white(b) {
                self.at += 1;
            } else if b == b'%' {
                while self.peek().is_some_and(|b| b != b'\n' && b != b'\r') {
                    self.at += 1;
                }
            } else {
                break;
            }
        }
    }

    fn value(&mut self, depth: u8) -> Option<Value> {
        if depth > MAX_DEPTH {
            return None;
        }
        self.skip_space();
        match self.peek()? {
            b'<' if self.bytes.get(self.at + 1) == Some(&b'<') => {
                self.at += 2;
                let mut dict = Dict::new();
                loop {
                    self.skip_space();
                    if self.bytes[self.at..].starts_with(b">>") {
                        self.at += 2;
                        return Some(Value::Dict(dict));
                    }
                    let Value::Name(key) = self.value(depth + 1)? else {
                        return None;
                    };
                    let value = self.value(depth + 1)?;
                    dict.push((key, value));
                }
            }
            b'<' => self.hex_string(),
            b'(' => self.literal_string(),
            b'[' => {
                self.at += 1;
                let mut items = Vec::new();
                loop {
                    self.skip_space();
                    if self.peek()? == b']' {
                        self.at += 1;
                        return Some(Value::Array(items));
                    }
                    items.push(self.value(depth + 1)?);
                }
            }
            b'/' => {
                self.at += 1;
                Some(Value::Name(self.name()))
            }
            b'0'..=b'9' | b'+' | b'-' | b'.' => self.number(),
            _ => {
                let word = self.word();
                matches!(word, b"true" | b"false" | b"null").then_some(Value::Other)
            }
        }
    }

    /// The bytes up to the next white space or delimiter.
    fn word(&mut self) -> &'b [u8] {
        let start = self.at;
        while self
            .peek()
            .is_some_and(|b| !is_white(b) && !is_delimiter(b))
        {
            self.at += 1;
        }
        &self.bytes[start..self.at]
    }

    /// A name after its slash, `#xx` escapes decoded.
    fn name(&mut self) -> Vec<u8> {
        let raw = self.word();
        let mut name = Vec::with_capacity(raw.len());
        let mut i = 0;
        while i < raw.len() {
            let escaped = (raw[i] == b'#')
                .then(|| raw.get(i + 1..i + 3))
                .flatten()
                .and_then(|hex| u8::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok());
            match escaped {
                Some(byte) => {
                    name.push(byte);
                    i += 3;
                }
                None => {
                    name.push(raw[i]);
                    i += 1;
                }
            }
        }
        name
    }

    /// A number, or `N G R`: a reference.
    fn number(&mut self) -> Option<Value> {
        let word = std::str::from_utf8(self.word()).ok()?;
        let Ok(int) = word.parse::<i64>() else {
            return word.parse::<f64>().ok().map(|_| Value::Other);
        };
        let back = self.at;
        let reference = (|| {
            let number = u32::try_from(int).ok()?;
            self.skip_space();
            let generation = std::str::from_utf8(self.word()).ok()?;
            generation.parse::<u16>().ok()?;
            self.skip_space();
            (self.word() == b"R").then_some(Value::Ref(number))
        })();
        if reference.is_none() {
            self.at = back;
        }
        Some(reference.unwrap_or(Value::Int(int)))
    }

    fn hex_string(&mut self) -> Option<Value> {
        self.at += 1;
        let mut digits = Vec::new();
        loop {
            let b = self.peek()?;
            self.at += 1;
            match b {
                b'>' => break,
                _ if is_white(b) => {}
                _ => digits.push(char::from(b).to_digit(16)? as u8),
            }
        }
        if digits.len() % 2 == 1 {
            digits.push(0);
        }
        Some(Value::Str(
            digits.chunks_exact(2).map(|p| p[0] << 4 | p[1]).collect(),
        ))
    }

    fn literal_string(&mut self) -> Option<Value> {
        self.at += 1;
        let mut text = Vec::new();
        let mut open = 0usize;
        loop {
            let b = self.peek()?;
            self.at += 1;
            match b {
                b'(' => {
                    open += 1;
                    text.push(b);
                }
                b')' if open == 0 => return Some(Value::Str(text)),
                b')' => {
                    open -= 1;
                    text.push(b);
                }
                b'\\' => {
                    let escaped = self.peek()?;
                    self.at += 1;
                    match escaped {
                        b'n' => text.push(b'\n'),
                        b'r' => text.push(b'\r'),
                        b't' => text.push(b'\t'),
                        b'b' => text.push(0x08),
                        b'f' => text.push(0x0c),
                        b'0'..=b'7' => {
                            let mut code = u32::from(escaped - b'0');
                            for _ in 0..2 {
                                match self.peek() {
                                    Some(d @ b'0'..=b'7') => {
                                        code = code * 8 + u32::from(d - b'0');
                                        self.at += 1;
                                    }
                                    _ => break,
                                }
                            }
                            text.push(code as u8);
                        }
                        // A backslash at a line's end continues the line.
                        b'\r' => {
                            if self.peek() == Some(b'\n') {
                                self.at += 1;
                            }
                        }
                        b'\n' => {}
                        other => text.push(other),
                    }
                }
                _ => text.push(b),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Made as tests/api/support/fixtures/signed-pdf/README.md says.
    macro_rules! fixture {
        ($name:literal) => {
            include_bytes!(concat!(
                "../../tests/api/support/fixtures/signed-pdf/",
                $name
            ))
            .as_slice()
        };
    }
    const UNSIGNED: &[u8] = fixture!("unsigned-id.pdf");
    const ANOTHER: &[u8] = fixture!("unsigned-en.pdf");
    const SIGNED: &[u8] = fixture!("signed-id.pdf");
    const SIGNED_TWICE: &[u8] = fixture!("signed-twice-id.pdf");
    const APPENDED: &[u8] = fixture!("appended-after-signing-id.pdf");
    const TAMPERED: &[u8] = fixture!("tampered-id.pdf");

    fn at(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> Option<DateTime<Utc>> {
        Utc.with_ymd_and_hms(y, mo, d, h, mi, s).single()
    }

    fn hex_sha256(bytes: &[u8]) -> String {
        format!("{:x}", Sha256::digest(bytes))
    }

    #[test]
    fn a_signed_certificate_shows_its_signer_its_time_and_its_verify_code() {
        let pdf = read(SIGNED).unwrap();
        assert_eq!(
            pdf.signatures,
            [Signature {
                signer: Some("Drs. H. Meri Sasdi, M.Pd.".into()),
                signed_at: at(2026, 12, 6, 20, 36, 0),
            }]
        );
        // The signing tool's information dictionary (PDFDocEncoding, its
        // em dash as \204) says what bimtek's (UTF-16) said; XMP keeps the
        // keywords as an attribute and the title as an element.
        let title = "SERTIFIKAT K7M2-Q9XD-4HPA — Dra. Hj. Siti Rahmawati, S.IP., M.Hum.";
        let keywords = "K7M2-Q9XD-4HPA, https://bimtek.example.id/verify/K7M2-Q9XD-4HPA";
        assert_eq!(pdf.identifiers, [title, keywords]);
    }

    #[test]
    fn two_signatories_one_after_the_other_are_both_shown() {
        let pdf = read(SIGNED_TWICE).unwrap();
        let signers: Vec<_> = pdf.signatures.iter().map(|s| s.signer.as_deref()).collect();
        assert_eq!(
            signers,
            [
                Some("Drs. H. Meri Sasdi, M.Pd."),
                Some("Dr. Adin Bondar, S.Sos., M.Si.")
            ]
        );
    }

    #[test]
    fn an_unsigned_certificate_is_refused_for_having_no_signature() {
        assert_eq!(read(UNSIGNED), Err(Refusal::NoSignature));
        assert_eq!(read(b"PK\x03\x04 not a pdf"), Err(Refusal::NotPdf));
    }

    #[test]
    fn a_certificate_changed_after_signing_is_refused() {
        // Saved again after signing: an update appended past the signature.
        assert_eq!(read(APPENDED), Err(Refusal::ChangedAfterSigning));
        // One byte of the signed part changed in place.
        assert_eq!(read(TAMPERED), Err(Refusal::ChangedAfterSigning));
        // A byte added at the end.
        let mut longer = SIGNED.to_vec();
        longer.push(b'\n');
        assert_eq!(read(&longer), Err(Refusal::ChangedAfterSigning));
    }

    #[test]
    fn a_byte_range_that_does_not_frame_the_signature_is_refused_as_damaged() {
        let range = b"/ByteRange [0 59349 64045 587]";
        let at = find(SIGNED, range).expect("the fixture's byte range");
        let mut shifted = SIGNED.to_vec();
        shifted[at..at + range.len()].copy_from_slice(b"/ByteRange [0 59348 64045 587]");
        assert_eq!(read(&shifted), Err(Refusal::BrokenSignature));
        let mut not_from_the_start = SIGNED.to_vec();
        not_from_the_start[at..at + range.len()].copy_from_slice(b"/ByteRange [1 59349 64045 587]");
        assert_eq!(read(&not_from_the_start), Err(Refusal::BrokenSignature));
    }

    #[test]
    fn the_issued_file_is_known_as_the_prefix_of_its_signed_copy() {
        let len = UNSIGNED.len() as u64;
        assert!(continues(SIGNED, len, &hex_sha256(UNSIGNED)));
        assert!(continues(SIGNED, len, &hex_sha256(UNSIGNED).to_uppercase()));
        assert!(continues(SIGNED_TWICE, len, &hex_sha256(UNSIGNED)));
        // Another certificate with the same code but other bytes.
        assert!(!continues(
            SIGNED,
            ANOTHER.len() as u64,
            &hex_sha256(ANOTHER)
        ));
        assert!(!continues(SIGNED, len + 1, &hex_sha256(UNSIGNED)));
        assert!(!continues(
            UNSIGNED,
            SIGNED.len() as u64,
            &hex_sha256(SIGNED)
        ));
    }

    #[test]
    fn pdf_dates_are_read_with_their_offset() {
        assert_eq!(pdf_date("D:20261206201544Z"), at(2026, 12, 6, 20, 15, 44));
        assert_eq!(
            pdf_date("D:20261207031544+07'00'"),
            at(2026, 12, 6, 20, 15, 44)
        );
        assert_eq!(pdf_date("D:202612062015-03'30"), at(2026, 12, 6, 23, 45, 0));
        assert_eq!(pdf_date("D:2026"), at(2026, 1, 1, 0, 0, 0));
        assert_eq!(pdf_date("D:20261332"), None);
        assert_eq!(pdf_date("yesterday"), None);
    }

    #[test]
    fn literal_strings_keep_their_escapes_and_nesting() {
        let value = Lexer::at(
            br"<</T (a\(b\) (c) \101\
d)/R 12 0 R/N -3>>",
            0,
        )
        .value(0);
        let Some(Value::Dict(dict)) = value else {
            panic!("a dictionary: {value:?}");
        };
        assert_eq!(get(&dict, b"T"), Some(&Value::Str(b"a(b) (c) Ad".to_vec())));
        assert_eq!(get(&dict, b"R"), Some(&Value::Ref(12)));
        assert_eq!(get(&dict, b"N"), Some(&Value::Int(-3)));
    }
}
