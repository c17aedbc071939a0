//! Typed errors: what can be wrong with a profile's bytes ([`DecodeError`]),
//! with its wire format ([`Malformed`]) and with its contents ([`Invalid`],
//! pprof's `CheckValid` rules, also returned by
//! [`check_valid`](super::check::check_valid) for profiles built in
//! memory). Tests match on the variants; the CLI prints them after the file
//! name, so each `Display` is one line that says what is wrong.

use std::fmt;

#[derive(Debug)]
pub enum DecodeError {
    /// The input has no bytes at all (or a gzip stream with no content).
    Empty,
    /// The gzip stream is corrupt or ends early.
    Gzip(String),
    /// The decompressed (or raw) input is larger than the configured cap.
    TooLarge { limit: u64 },
    /// The bytes are not profile.proto and no other format recognized them.
    NotAProfile(String),
    /// profile.proto wire-format error (truncation, bad varint, bad tag).
    Malformed(Malformed),
    /// Well-formed protobuf whose contents break the profile's rules
    /// (pprof's CheckValid): dangling ids, indices out of range, etc.
    Invalid(Invalid),
    /// A legacy text profile whose header was recognized but whose line
    /// `line` (1-based) is wrong.
    BadLine { line: usize, message: String },
    /// An I/O error while reading the input.
    Io(std::io::Error),
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DecodeError::Empty => write!(f, "empty input file"),
            DecodeError::Gzip(m) => write!(f, "bad gzip data: {m}"),
            DecodeError::TooLarge { limit } => write!(
                f,
                "decompressed profile exceeds the size limit of {limit} bytes (raise it with --max-input-size)"
            ),
            DecodeError::NotAProfile(m) => write!(f, "not a profile: {m}"),
            DecodeError::Malformed(m) => write!(f, "malformed profile.proto: {m}"),
            DecodeError::Invalid(m) => write!(f, "invalid profile: {m}"),
            DecodeError::BadLine { line, message } => {
                write!(f, "invalid profile: line {line}: {message}")
            }
            DecodeError::Io(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for DecodeError {}

impl From<Malformed> for DecodeError {
    fn from(e: Malformed) -> Self {
        DecodeError::Malformed(e)
    }
}

impl From<Invalid> for DecodeError {
    fn from(e: Invalid) -> Self {
        DecodeError::Invalid(e)
    }
}

/// A profile.proto wire-format error: the bytes are not a well-formed
/// protobuf message of the profile's shape.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Malformed {
    /// A varint inside a message ends with its message.
    TruncatedVarint,
    /// A varint at the top level ends with the input.
    TruncatedVarintAtEnd,
    /// A varint's tenth byte carries bits past 64.
    VarintOverflow,
    /// A varint with more than 10 bytes.
    VarintTooLong,
    /// A field key with no value before the end of input.
    TruncatedField,
    /// A top-level field declares more bytes than the input holds.
    TruncatedInput { declared: u64, available: u64 },
    /// A skipped top-level field runs past the end of input.
    FieldPastEnd,
    /// A field inside a message declares more bytes than remain in it.
    TruncatedMessage { declared: u64, remaining: u64 },
    /// A fixed32/fixed64 field cut short.
    TruncatedFixed,
    /// Wire types 3, 4 (groups), 6 and 7.
    UnsupportedWireType(u64),
    /// A repeated integer field that is neither varint nor packed.
    RepeatedWireType(u64),
    /// A known top-level field with the wrong wire type.
    WireType {
        field: u64,
        wire: u64,
        expected: u64,
    },
    /// Field number 0, which protobuf reserves.
    FieldZero,
    /// A second non-zero `time_nanos`: two profiles written back to back.
    Concatenated,
}

impl fmt::Display for Malformed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Malformed::TruncatedVarint => write!(f, "truncated varint"),
            Malformed::TruncatedVarintAtEnd => write!(f, "truncated varint at end of input"),
            Malformed::VarintOverflow => write!(f, "varint overflows 64 bits"),
            Malformed::VarintTooLong => write!(f, "varint longer than 10 bytes"),
            Malformed::TruncatedField => write!(f, "truncated field at end of input"),
            Malformed::TruncatedInput {
                declared,
                available,
            } => write!(
                f,
                "truncated: a field declares {declared} bytes but the input ends after {available}"
            ),
            Malformed::FieldPastEnd => write!(f, "truncated: a field runs past the end of input"),
            Malformed::TruncatedMessage {
                declared,
                remaining,
            } => write!(
                f,
                "truncated: a field declares {declared} bytes but only {remaining} remain in its message"
            ),
            Malformed::TruncatedFixed => write!(f, "truncated fixed-width field"),
            Malformed::UnsupportedWireType(w) => write!(f, "unsupported wire type {w}"),
            Malformed::RepeatedWireType(w) => {
                write!(f, "wire type {w} for a repeated integer field")
            }
            Malformed::WireType {
                field,
                wire,
                expected,
            } => write!(f, "field {field} has wire type {wire}, expected {expected}"),
            Malformed::FieldZero => write!(f, "field number 0"),
            Malformed::Concatenated => write!(f, "concatenated profiles detected"),
        }
    }
}

/// The kind of table an id belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Table {
    Mapping,
    Function,
    Location,
}

impl fmt::Display for Table {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Table::Mapping => "mapping",
            Table::Function => "function",
            Table::Location => "location",
        })
    }
}

/// A profile whose contents break pprof's `CheckValid` rules (or the
/// model's own: dense indices in range, flat sample arrays consistent).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Invalid {
    /// No string table at all.
    EmptyStringTable,
    /// `string_table[0]` is not "".
    FirstStringNotEmpty,
    /// Samples but no sample types.
    NoSampleTypes,
    /// A sample whose number of values differs from the number of types.
    ValueCount {
        sample: usize,
        values: usize,
        types: usize,
    },
    /// A string index that cannot be in range of any string table (negative
    /// or past 2^32), seen while reading `field`.
    StringIndexOverflow { field: &'static str, index: i64 },
    /// A string index past the end of the string table.
    StringIndex {
        field: &'static str,
        index: u32,
        table_len: usize,
    },
    /// An id of 0, which profile.proto reserves.
    ReservedId(Table),
    /// Two entries of one table with the same id.
    DuplicateId { table: Table, id: u64 },
    /// A location naming a mapping id that no mapping has.
    UnknownMapping { location: u64, mapping: u64 },
    /// A location line naming a function id that no function has.
    UnknownFunction { location: u64, function: u64 },
    /// A sample naming a location id that no location has.
    UnknownLocation { sample: usize, location: u64 },
    /// More distinct large location ids than the decoder can index.
    TooManyLocationIds,
    /// More sample frames or labels than fit 32-bit offsets.
    TooManyFrames,
    /// More location lines than fit 32-bit offsets.
    TooManyLines,
    /// The flat sample arrays disagree with each other (a builder bug).
    SampleLayout(&'static str),
    /// A sample's location index past the end of the location table.
    LocationIndex { sample: usize, index: u32 },
    /// A location's mapping index past the end of the mapping table.
    MappingIndex { location: u64, index: u32 },
    /// A location's line range outside the line table.
    LineRange { location: u64 },
    /// A line's function index past the end of the function table.
    FunctionIndex { location: u64, index: u32 },
}

impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Invalid::EmptyStringTable => write!(f, "the string table is empty"),
            Invalid::FirstStringNotEmpty => {
                write!(f, "string_table[0] must be the empty string")
            }
            Invalid::NoSampleTypes => write!(f, "missing sample type information"),
            Invalid::ValueCount {
                sample,
                values,
                types,
            } => write!(
                f,
                "sample {sample} has {values} values, but the profile has {types} sample types"
            ),
            Invalid::StringIndexOverflow { field, index } => {
                write!(f, "{field}: string index {index} is out of range")
            }
            Invalid::StringIndex {
                field,
                index,
                table_len,
            } => write!(
                f,
                "{field}: string index {index} is out of range (the string table has {table_len} entries)"
            ),
            Invalid::ReservedId(t) => write!(f, "found {t} with reserved id 0"),
            Invalid::DuplicateId { table, id } => {
                write!(f, "multiple {table}s with the same id {id}")
            }
            Invalid::UnknownMapping { location, mapping } => write!(
                f,
                "location id {location} refers to mapping id {mapping}, which does not exist"
            ),
            Invalid::UnknownFunction { location, function } => write!(
                f,
                "location id {location} has a line with function id {function}, which does not exist"
            ),
            Invalid::UnknownLocation { sample, location } => write!(
                f,
                "sample {sample} refers to location id {location}, which does not exist"
            ),
            Invalid::TooManyLocationIds => write!(f, "too many distinct location ids"),
            Invalid::TooManyFrames => write!(f, "too many frames in samples"),
            Invalid::TooManyLines => write!(f, "too many lines"),
            Invalid::SampleLayout(what) => write!(f, "inconsistent sample arrays: {what}"),
            Invalid::LocationIndex { sample, index } => write!(
                f,
                "sample {sample} refers to location index {index}, past the location table"
            ),
            Invalid::MappingIndex { location, index } => write!(
                f,
                "location id {location} refers to mapping index {index}, past the mapping table"
            ),
            Invalid::LineRange { location } => write!(
                f,
                "location id {location} has a line range outside the line table"
            ),
            Invalid::FunctionIndex { location, index } => write!(
                f,
                "location id {location} has a line with function index {index}, past the function table"
            ),
        }
    }
}

impl std::error::Error for Invalid {}
