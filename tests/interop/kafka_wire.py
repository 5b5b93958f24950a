# tests/interop/kafka_wire.py
#
# A minimal Kafka protocol client in pure Python (socket + struct) for the
# interop tests that need APIs no installed client offers. Written from the
# Kafka protocol spec (apache/kafka clients/src/main/resources/common/message/
# *.json), independently of Brook's own encoders, so that a test using it
# checks Brook's bytes against the spec rather than against itself.
#
# Framing: every request and response is an INT32 size followed by that many
# bytes. Request header v2 (flexible APIs): api_key INT16, api_version INT16,
# correlation_id INT32, client_id nullable STRING with an INT16 length (never
# compact, even in v2), tagged fields. Response header v1: correlation_id
# INT32, tagged fields. Header v1 / v0 are the same without tagged fields.
#
# Flexible encodings: unsigned varints (7 bits a byte, low group first);
# COMPACT_STRING is uvarint(length + 1) then UTF-8 bytes (0: null);
# COMPACT_ARRAY is uvarint(count + 1) then the elements (0: null); every
# struct, including the message body, ends with tagged fields: uvarint count,
# then per field uvarint tag, uvarint size, size bytes (skipped here).
#
# Messages are schemas: a list of fields (name, type[, min_version]); a type
# is a scalar name ("int16", "int32", "int64", "string", "nullable_string"),
# ("array", type) or a nested schema (a list: a struct). decode() checks every
# length against the bytes left and raises WireError naming the field path and
# byte offset; trailing bytes after a response are an error too.
import socket
import struct

# API keys.
API_VERSIONS = 18
DESCRIBE_PRODUCERS = 61
DESCRIBE_TRANSACTIONS = 65
LIST_TRANSACTIONS = 66

# Error codes used by the tests.
NONE = 0
UNKNOWN_TOPIC_OR_PARTITION = 3
TRANSACTIONAL_ID_NOT_FOUND = 105

MAX_FRAME_BYTES = 64 << 20


class WireError(Exception):
    """A response that does not follow the schema (or a broken connection)."""


# --- schemas -------------------------------------------------------------------

LIST_TRANSACTIONS_REQUEST = [
    ("state_filters", ("array", "string")),
    ("producer_id_filters", ("array", "int64")),
    ("duration_filter", "int64", 1),
]
LIST_TRANSACTIONS_RESPONSE = [
    ("throttle_time_ms", "int32"),
    ("error_code", "int16"),
    ("unknown_state_filters", ("array", "string")),
    ("transaction_states", ("array", [
        ("transactional_id", "string"),
        ("producer_id", "int64"),
        ("transaction_state", "string"),
    ])),
]

DESCRIBE_TRANSACTIONS_REQUEST = [
    ("transactional_ids", ("array", "string")),
]
DESCRIBE_TRANSACTIONS_RESPONSE = [
    ("throttle_time_ms", "int32"),
    ("transaction_states", ("array", [
        ("error_code", "int16"),
        ("transactional_id", "string"),
        ("transaction_state", "string"),
        ("transaction_timeout_ms", "int32"),
        ("transaction_start_time_ms", "int64"),
        ("producer_id", "int64"),
        ("producer_epoch", "int16"),
        ("topics", ("array", [
            ("topic", "string"),
            ("partitions", ("array", "int32")),
        ])),
    ])),
]

DESCRIBE_PRODUCERS_REQUEST = [
    ("topics", ("array", [
        ("name", "string"),
        ("partition_indexes", ("array", "int32")),
    ])),
]
DESCRIBE_PRODUCERS_RESPONSE = [
    ("throttle_time_ms", "int32"),
    ("topics", ("array", [
        ("name", "string"),
        ("partitions", ("array", [
            ("partition_index", "int32"),
            ("error_code", "int16"),
            ("error_message", "nullable_string"),
            ("active_producers", ("array", [
                ("producer_id", "int64"),
                ("producer_epoch", "int32"),  # INT32 in this API
                ("last_sequence", "int32"),
                ("last_timestamp", "int64"),
                ("coordinator_epoch", "int32"),
                ("current_txn_start_offset", "int64"),
            ])),
        ])),
    ])),
]

# name: (api_key, request schema, response schema); all flexible from v0.
FLEXIBLE_APIS = {
    "ListTransactions": (LIST_TRANSACTIONS, LIST_TRANSACTIONS_REQUEST,
                         LIST_TRANSACTIONS_RESPONSE),
    "DescribeTransactions": (DESCRIBE_TRANSACTIONS, DESCRIBE_TRANSACTIONS_REQUEST,
                             DESCRIBE_TRANSACTIONS_RESPONSE),
    "DescribeProducers": (DESCRIBE_PRODUCERS, DESCRIBE_PRODUCERS_REQUEST,
                          DESCRIBE_PRODUCERS_RESPONSE),
}

_FIXED = {"int8": ">b", "int16": ">h", "int32": ">i", "int64": ">q"}


# --- encoding ------------------------------------------------------------------

def uvarint(value):
    if value < 0:
        raise ValueError("uvarint of a negative number: %d" % value)
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _encode_value(kind, value, version, path):
    if isinstance(kind, str):
        if kind in _FIXED:
            return struct.pack(_FIXED[kind], value)
        if kind in ("string", "nullable_string"):
            if value is None:
                if kind == "string":
                    raise ValueError("%s: null for a non-nullable string" % path)
                return uvarint(0)
            raw = value.encode("utf-8")
            return uvarint(len(raw) + 1) + raw
        raise ValueError("%s: unknown type %r" % (path, kind))
    if isinstance(kind, tuple) and kind[0] == "array":
        if value is None:
            return uvarint(0)
        parts = [uvarint(len(value) + 1)]
        parts += [_encode_value(kind[1], v, version, "%s[%d]" % (path, i))
                  for i, v in enumerate(value)]
        return b"".join(parts)
    return encode_struct(kind, value, version, path)


def encode_struct(schema, values, version, path="body"):
    """Encodes `values` (a dict) by `schema` as a flexible struct."""
    parts = []
    for field in schema:
        name, kind = field[0], field[1]
        if len(field) > 2 and version < field[2]:
            continue
        if name not in values:
            raise ValueError("%s.%s missing" % (path, name))
        parts.append(_encode_value(kind, values[name], version, path + "." + name))
    parts.append(uvarint(0))  # no tagged fields
    return b"".join(parts)


def request_header_v2(api_key, api_version, correlation_id, client_id):
    raw = client_id.encode("utf-8")
    return (struct.pack(">hhih", api_key, api_version, correlation_id, len(raw)) + raw +
            uvarint(0))


def request_header_v1(api_key, api_version, correlation_id, client_id):
    raw = client_id.encode("utf-8")
    return struct.pack(">hhih", api_key, api_version, correlation_id, len(raw)) + raw


# --- decoding ------------------------------------------------------------------

class Reader:
    """Bounds-checked reads over one response body; every failure names where."""

    def __init__(self, data, what):
        self.data = bytes(data)
        self.pos = 0
        self.what = what

    def fail(self, path, message):
        raise WireError("%s: %s at byte %d of %d: %s"
                        % (self.what, path, self.pos, len(self.data), message))

    def left(self):
        return len(self.data) - self.pos

    def take(self, n, path):
        if n < 0 or n > self.left():
            self.fail(path, "needs %d bytes, %d left" % (n, self.left()))
        out = self.data[self.pos:self.pos + n]
        self.pos += n
        return out

    def fixed(self, kind, path):
        fmt = _FIXED[kind]
        return struct.unpack(fmt, self.take(struct.calcsize(fmt), path))[0]

    def uvarint(self, path, max_bytes=5):
        value, shift = 0, 0
        for i in range(max_bytes):
            if self.left() == 0:
                self.fail(path, "varint runs past the end")
            byte = self.data[self.pos]
            self.pos += 1
            value |= (byte & 0x7F) << shift
            if not byte & 0x80:
                if max_bytes == 5 and value > 0xFFFFFFFF:
                    self.fail(path, "varint larger than 32 bits")
                return value
            shift += 7
        self.fail(path, "varint longer than %d bytes" % max_bytes)

    def compact_string(self, path, nullable):
        n = self.uvarint(path + " (length)")
        if n == 0:
            if not nullable:
                self.fail(path, "null in a non-nullable string")
            return None
        raw = self.take(n - 1, path)
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError as e:
            self.fail(path, "not UTF-8 (%s)" % e)

    def compact_array_count(self, path):
        n = self.uvarint(path + " (count)")
        if n == 0:
            return None
        count = n - 1
        # Every element takes at least one byte: a count beyond the bytes left
        # is a bad length, not a reason to loop for long.
        if count > self.left():
            self.fail(path, "array of %d elements with %d bytes left" % (count, self.left()))
        return count

    def tagged_fields(self, path):
        count = self.uvarint(path + " (tagged field count)")
        if count > self.left():
            self.fail(path, "%d tagged fields with %d bytes left" % (count, self.left()))
        tags = {}
        last = -1
        for _ in range(count):
            tag = self.uvarint(path + " (tag)")
            if tag <= last:
                self.fail(path, "tag %d not in ascending order" % tag)
            last = tag
            size = self.uvarint(path + " (tag %d size)" % tag)
            tags[tag] = self.take(size, path + " (tag %d)" % tag)
        return tags

    def value(self, kind, version, path):
        if isinstance(kind, str):
            if kind in _FIXED:
                return self.fixed(kind, path)
            if kind in ("string", "nullable_string"):
                return self.compact_string(path, nullable=(kind == "nullable_string"))
            raise ValueError("%s: unknown type %r" % (path, kind))
        if isinstance(kind, tuple) and kind[0] == "array":
            count = self.compact_array_count(path)
            if count is None:
                return None
            return [self.value(kind[1], version, "%s[%d]" % (path, i)) for i in range(count)]
        return self.struct(kind, version, path)

    def struct(self, schema, version, path):
        out = {}
        for field in schema:
            name, kind = field[0], field[1]
            if len(field) > 2 and version < field[2]:
                continue
            out[name] = self.value(kind, version, path + "." + name)
        self.tagged_fields(path)
        return out

    def end(self):
        if self.left():
            self.fail("end", "%d trailing bytes" % self.left())


def decode_struct(schema, data, version, what):
    """Decodes a whole flexible message body; raises WireError when malformed."""
    r = Reader(data, what)
    out = r.struct(schema, version, "body")
    r.end()
    return out


# --- connection ----------------------------------------------------------------

class Connection:
    """One blocking connection; one request in flight at a time."""

    def __init__(self, bootstrap, timeout=10.0, client_id="kafka-wire"):
        host, port = bootstrap.rsplit(":", 1)
        self.sock = socket.create_connection((host, int(port)), timeout=timeout)
        self.client_id = client_id
        self.correlation_id = 0

    def close(self):
        self.sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *_):
        self.close()

    def _recv_exact(self, n, what):
        chunks, got = [], 0
        while got < n:
            chunk = self.sock.recv(min(n - got, 1 << 16))
            if not chunk:
                raise WireError("%s: connection closed after %d of %d bytes" % (what, got, n))
            chunks.append(chunk)
            got += len(chunk)
        return b"".join(chunks)

    def roundtrip(self, header, body, what, flexible_header):
        """Sends one request; returns the response body after its header."""
        self.correlation_id += 1
        cid = self.correlation_id
        frame = header(cid) + body
        self.sock.sendall(struct.pack(">i", len(frame)) + frame)
        size = struct.unpack(">i", self._recv_exact(4, what + " size"))[0]
        if size < 4 or size > MAX_FRAME_BYTES:
            raise WireError("%s: response size %d" % (what, size))
        r = Reader(self._recv_exact(size, what), what)
        got = r.fixed("int32", "header.correlation_id")
        if got != cid:
            r.fail("header.correlation_id", "%d, expected %d" % (got, cid))
        if flexible_header:
            r.tagged_fields("header")
        return r.data[r.pos:]

    def call(self, api, version, **fields):
        """Sends the flexible API `api` (a FLEXIBLE_APIS name) at `version`."""
        api_key, req_schema, resp_schema = FLEXIBLE_APIS[api]
        what = "%s v%d response" % (api, version)
        body = self.roundtrip(
            lambda cid: request_header_v2(api_key, version, cid, self.client_id),
            encode_struct(req_schema, fields, version), what, flexible_header=True)
        return decode_struct(resp_schema, body, version, what)

    def api_versions(self):
        """ApiVersions v0 (not flexible): {api_key: (min_version, max_version)}."""
        what = "ApiVersions v0 response"
        body = self.roundtrip(
            lambda cid: request_header_v1(API_VERSIONS, 0, cid, self.client_id),
            b"", what, flexible_header=False)
        r = Reader(body, what)
        error_code = r.fixed("int16", "error_code")
        if error_code != NONE:
            r.fail("error_code", "error %d" % error_code)
        count = r.fixed("int32", "api_keys (count)")
        if count < 0 or count * 6 > r.left():
            r.fail("api_keys", "count %d with %d bytes left" % (count, r.left()))
        out = {}
        for i in range(count):
            key = r.fixed("int16", "api_keys[%d].api_key" % i)
            lo = r.fixed("int16", "api_keys[%d].min_version" % i)
            hi = r.fixed("int16", "api_keys[%d].max_version" % i)
            out[key] = (lo, hi)
        r.end()
        return out
