#!/usr/bin/python3
"""Capture golden Kafka request/response frames from real clients.

For each scenario: start librdkafka's mock cluster (mock_cluster.py), record
loopback traffic to its port with tcpdump, run the scenario's clients
(scenarios.py: confluent-kafka-python or kcat), stop everything, split the
pcap into frames per connection (pcap_frames.py), check the frames against
what the scenario sent (kafka_decode.py), and write them to
tests/data/golden/<scenario>/ with a MANIFEST.txt.

usage: capture.py [--out DIR] [--keep-pcaps DIR] [SCENARIO...]
Needs root (or CAP_NET_RAW) for tcpdump.  Every wait is bounded; all child
processes are stopped before it returns, also on errors.
"""
import argparse
import os
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True  # keep the source tree clean

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import kafka_decode as kd  # noqa: E402
import pcap_frames  # noqa: E402
import scenarios  # noqa: E402

PY = "/usr/bin/python3"
DEFAULT_OUT = os.path.normpath(os.path.join(HERE, "..", "golden"))
KEEP_PER_API_VERSION = 2       # requests kept per (api, version) per scenario,
MAX_PER_API_VERSION = 4        # or up to this many if they differ in shape
# Decoded fields that change from one request to the next without changing
# what kind of request it is; ignored when looking for a new shape.
VOLATILE_FIELDS = {"correlation_id", "fetch_offsets", "session_id", "session_epoch",
                   "generation_id", "producer_id", "producer_epoch", "offsets"}
CLIENT_TIMEOUT = 120           # seconds for one scenario's clients
MAX_TOTAL_BYTES = 2 * 1024 * 1024
ATTEMPTS = 3                   # per scenario; a busy machine can make tcpdump drop

PLAIN3 = scenarios.plain_messages(3)
COMP10 = scenarios.compressible_messages(10)


def produce_expect(records, compression, idempotent=False, transactional_id=None):
    return {"topics": "golden", "partitions": "golden:0", "acks": -1, "records": records,
            "compression": compression, "idempotent": idempotent,
            "transactional_id": transactional_id}


# What each scenario must show on the wire.  "fields": for every captured
# request of that API, these decoded fields must have these values (a list
# means: one of these).  "records": the records the Produce requests must
# carry (checked when the batch is uncompressed or gzip).
EXPECT = {
    "produce_plain": {
        "required": ["ApiVersions", "Metadata", "Produce", "ListOffsets", "Fetch"],
        "fields": {"Produce": produce_expect(3, "none"),
                   "ListOffsets": {"topics": "golden", "timestamps": "golden:0@-2"},
                   "Fetch": {"topics": "golden"}},
        "records": PLAIN3,
    },
    "produce_idempotent": {
        "required": ["ApiVersions", "Metadata", "InitProducerId", "Produce"],
        "fields": {"Produce": produce_expect(3, "none", idempotent=True),
                   "InitProducerId": {"transactional_id": None}},
        "records": PLAIN3,
    },
    "transactional": {
        "required": ["ApiVersions", "Metadata", "FindCoordinator", "InitProducerId",
                     "AddPartitionsToTxn", "Produce", "AddOffsetsToTxn", "TxnOffsetCommit",
                     "EndTxn"],
        "fields": {
            "FindCoordinator": {"key": ["golden-txn", "golden-txn-group"], "key_type": [1, 0]},
            "InitProducerId": {"transactional_id": "golden-txn",
                               "transaction_timeout_ms": 60000},
            "AddPartitionsToTxn": {"transactional_id": "golden-txn", "partitions": "golden:0"},
            "AddOffsetsToTxn": {"transactional_id": "golden-txn",
                                "group_id": "golden-txn-group"},
            "TxnOffsetCommit": {"transactional_id": "golden-txn",
                                "group_id": "golden-txn-group", "offsets": "golden:0@2"},
            "EndTxn": {"transactional_id": "golden-txn", "committed": [True, False]},
            "Produce": {"transactional_id": "golden-txn", "topics": "golden",
                        "compression": "none", "records": [2, 1], "transactional": True,
                        "idempotent": True},
        },
        "sequence": [("EndTxn", "committed", [True, False])],
    },
    "consumer_group": {
        "required": ["ApiVersions", "Metadata", "Produce", "FindCoordinator", "JoinGroup",
                     "SyncGroup", "OffsetFetch", "Fetch", "OffsetCommit", "Heartbeat",
                     "LeaveGroup"],
        "fields": {
            "FindCoordinator": {"key": "golden-group", "key_type": 0},
            "JoinGroup": {"group_id": "golden-group", "protocol_type": "consumer",
                          "session_timeout_ms": 6000},
            "SyncGroup": {"group_id": "golden-group"},
            "Heartbeat": {"group_id": "golden-group"},
            "OffsetFetch": {"group_id": "golden-group"},
            "OffsetCommit": {"group_id": "golden-group", "offsets": "golden:0@1"},
            "LeaveGroup": {"group_id": "golden-group"},
            "Produce": produce_expect(1, "none"),
        },
        "records": PLAIN3[:1],
        "sequence": [("JoinGroup", "member_id", ["", "*"])],
    },
    "admin": {
        "required": ["ApiVersions", "Metadata"],
        "fields": {},
    },
    "kcat_metadata": {
        "required": ["ApiVersions", "Metadata", "Produce", "ListOffsets", "Fetch"],
        "fields": {"Metadata": {"topics": ["ALL", "golden", "NONE"]},
                   "Produce": {"topics": "golden", "records": 3, "compression": "none",
                               "transactional_id": None}},
        "records": [(b"key-%d" % i, b"value-%d" % i, []) for i in range(3)],
    },
}
for _codec in ("gzip", "snappy", "lz4", "zstd"):
    EXPECT["produce_" + _codec] = {
        "required": ["ApiVersions", "Metadata", "Produce", "ListOffsets", "Fetch"],
        "fields": {"Produce": produce_expect(10, _codec),
                   "ListOffsets": {"topics": "golden", "timestamps": "golden:0@-2"},
                   "Fetch": {"topics": "golden"}},
        "records": COMP10,
    }


# Extra mock_cluster.py arguments per scenario, with the note that explains them.
MOCK_SETUP = {
    "consumer_group": (
        ["--inject", "12:0,27"],
        "the mock answers the second Heartbeat with REBALANCE_IN_PROGRESS (27, injected) "
        "so that the member rejoins with its member id: the 2.0.2 mock never answers "
        "JoinGroup with MEMBER_ID_REQUIRED, it assigns the id in the first JoinGroup"),
}


class CaptureError(Exception):
    pass


# --------------------------------------------------------------------------
# Child processes.

def read_line_with_deadline(proc, stream, prefix, timeout):
    """Read `stream` of `proc` until a line containing `prefix`; return it."""
    buf = b""
    deadline = time.monotonic() + timeout
    fd = stream.fileno()
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], max(0.0, deadline - time.monotonic()))
        if not ready:
            break
        chunk = os.read(fd, 4096)
        if not chunk:
            break
        buf += chunk
        for line in buf.split(b"\n")[:-1]:
            if prefix in line:
                return line[line.index(prefix):].decode()
    raise CaptureError("no %r line within %ss (exit code %s); got %r"
                       % (prefix, timeout, proc.poll(), buf[-500:]))


def stop(proc, sig=signal.SIGTERM, timeout=10):
    """Stop one child we started: signal, bounded wait, then SIGKILL."""
    if proc is None or proc.poll() is not None:
        return
    proc.send_signal(sig)
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(5)


def record_scenario(name, pcap_path, log):
    """Run one scenario under tcpdump; return (broker_port, notes, librdkafka version)."""
    mock = dump = None
    try:
        mock_args, _ = MOCK_SETUP.get(name, ([], None))
        mock = subprocess.Popen([PY, os.path.join(HERE, "mock_cluster.py"),
                                 "--topic", "golden:1", "--seconds", str(CLIENT_TIMEOUT + 60)]
                                + mock_args,
                                stdout=subprocess.PIPE, stderr=log)
        line = read_line_with_deadline(mock, mock.stdout, b"BOOTSTRAP ", 15)
        bootstrap = line.split()[1]
        port = int(bootstrap.rsplit(":", 1)[1])
        # --immediate-mode: hand each packet over at once (without it a
        # partly filled capture block can be lost when tcpdump is stopped).
        # That mode uses one ring slot of snaplen bytes per packet, so keep
        # the snaplen just above the loopback MTU (65536) and the ring large.
        dump = subprocess.Popen(["tcpdump", "-i", "lo", "-n", "-U", "--immediate-mode",
                                 "-s", "65600", "-B", "65536", "-Z", "root",
                                 "-w", pcap_path, "tcp port %d" % port],
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        read_line_with_deadline(dump, dump.stderr, b"listening on", 15)
        # The clients (and any kcat they start) get a process group of their
        # own, so that all of them can be stopped if they overrun or we are
        # interrupted.
        client = subprocess.Popen([PY, os.path.join(HERE, "scenarios.py"), name, bootstrap],
                                  stdout=subprocess.PIPE, stderr=log, start_new_session=True)
        try:
            out, _ = client.communicate(timeout=CLIENT_TIMEOUT)
        except subprocess.TimeoutExpired:
            raise CaptureError("%s: clients did not finish within %ds" % (name, CLIENT_TIMEOUT))
        finally:
            if client.poll() is None:
                os.killpg(client.pid, signal.SIGKILL)
                client.wait(5)
        out = out.decode(errors="replace")
        if client.returncode != 0:
            raise CaptureError("%s: clients failed (exit %d); see the log\n%s"
                               % (name, client.returncode, out))
        time.sleep(1.0)  # let the last FIN/ACKs reach the capture
        dump.send_signal(signal.SIGINT)
        try:
            _, err = dump.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            raise CaptureError("tcpdump did not stop")
        err = err.decode(errors="replace")
        log.write(("tcpdump: " + err).encode())
        m = re.search(r"(\d+) packets? dropped by kernel", err)
        if not m or m.group(1) != "0":
            raise CaptureError("tcpdump dropped packets: " + " / ".join(err.splitlines()))
        notes = [ln[5:] for ln in out.splitlines() if ln.startswith("NOTE ")]
        if name in MOCK_SETUP:
            notes.append(MOCK_SETUP[name][1])
        return port, notes
    finally:
        stop(dump, signal.SIGINT)
        stop(mock)


# --------------------------------------------------------------------------
# Frames -> files.

def fmt_value(v):
    if v is None:
        return "<null>"
    if v is True:
        return "true"
    if v is False:
        return "false"
    s = str(v)
    if s == "":
        return '""'
    if any(c.isspace() for c in s):
        raise CaptureError("manifest value with whitespace: %r" % s)
    return s


def request_shape(d):
    out = []
    for k, v in sorted(d.items()):
        if k in VOLATILE_FIELDS or k.startswith("_"):
            continue
        if k == "member_id":
            v = bool(v)
        out.append((k, v))
    return tuple(out)


def check_expectations(name, all_requests):
    exp = EXPECT[name]
    client_id = "golden-" + name
    seen = {kd.api_name(d["api_key"]) for _, _, d, _ in all_requests}
    missing = [a for a in exp["required"] if a not in seen]
    if missing:
        raise CaptureError("%s: no %s request captured" % (name, ", ".join(missing)))
    for _, _, d, _ in all_requests:
        api = kd.api_name(d["api_key"])
        if d["client_id"] != client_id:
            raise CaptureError("%s: %s request has client_id %r" % (name, api, d["client_id"]))
        for field, want in exp["fields"].get(api, {}).items():
            got = d.get(field)
            ok = got in want if isinstance(want, list) else got == want
            if not ok:
                raise CaptureError("%s: %s v%d corr %d: %s=%r, expected %r"
                                   % (name, api, d["api_version"], d["correlation_id"],
                                      field, got, want))
    # Ordered values: e.g. the first EndTxn commits, the second aborts.
    for api, field, wanted in exp.get("sequence", []):
        got = [d.get(field) for _, _, d, _ in all_requests if kd.api_name(d["api_key"]) == api]
        for i, w in enumerate(wanted):
            if i >= len(got) or (w != "*" and got[i] != w) or (w == "*" and not got[i]):
                raise CaptureError("%s: %s %s values %r, expected %r"
                                   % (name, api, field, got, wanted))
    want_records = exp.get("records")
    if want_records is not None:
        for _, _, d, _ in all_requests:
            if d["api_key"] != 0:
                continue
            for b in d["_batches"]:
                if b["records"] is None:
                    continue  # snappy/lz4/zstd: not decodable with the standard library
                got = [(k, v, h) for k, v, h in b["records"]]
                want = [(k, v, list(h)) for k, v, h in want_records]
                if got != want:
                    raise CaptureError("%s: Produce records %r, expected %r"
                                       % (name, got, want))


def write_scenario(name, pcap_path, port, notes, out_dir):
    conns = pcap_frames.connections(pcap_path, port)
    if not conns:
        raise CaptureError("%s: no connections captured" % name)
    # Decode all requests; remember (conn index, position, decoded, frame, ts).
    requests = []
    responses = {}   # (conn, corr) -> frame
    for ci, conn in enumerate(conns):
        if conn.leftover[0]:
            raise CaptureError("%s: c%d: %d bytes of an incomplete request at the end"
                               % (name, ci, conn.leftover[0]))
        by_corr = {}
        for frame, _ts in conn.responses:
            corr = int.from_bytes(frame[:4], "big", signed=True)
            if corr in by_corr:
                raise CaptureError("%s: c%d: two responses with correlation id %d"
                                   % (name, ci, corr))
            by_corr[corr] = frame
        for pos, (frame, ts) in enumerate(conn.requests):
            try:
                d = kd.decode_request(frame)
            except kd.DecodeError as e:
                raise CaptureError("%s: c%d request %d: %s" % (name, ci, pos, e))
            requests.append((ci, pos, d, frame, ts))
            resp = by_corr.pop(d["correlation_id"], None)
            if resp is not None:
                responses[(ci, d["correlation_id"])] = resp
        if by_corr:
            raise CaptureError("%s: c%d: responses without a request: %s"
                               % (name, ci, sorted(by_corr)))
    check_expectations(name, [(ci, pos, d, ts) for ci, pos, d, _f, ts in requests])

    # Keep, per (api, version), the first KEEP_PER_API_VERSION requests, plus
    # up to MAX_PER_API_VERSION requests of a new shape (e.g. Metadata for all
    # topics vs. one topic), in time order.  Responses follow their requests.
    kept, dropped = [], {}
    counts, shapes = {}, set()
    for item in sorted(requests, key=lambda x: x[4]):
        ci, pos, d, frame, ts = item
        k = (d["api_key"], d["api_version"])
        shape = (k, request_shape(d))
        n = counts.get(k, 0)
        if n < KEEP_PER_API_VERSION or (shape not in shapes and n < MAX_PER_API_VERSION):
            kept.append(item)
            counts[k] = n + 1
            shapes.add(shape)
        else:
            dropped[k] = dropped.get(k, 0) + 1
    kept.sort(key=lambda x: (x[0], x[1]))

    sdir = os.path.join(out_dir, name)
    if os.path.isdir(sdir):
        shutil.rmtree(sdir)
    os.makedirs(sdir)
    lines = [
        "# Golden Kafka frames for scenario %s (see ../README.md)." % name,
        "# One line per .bin file: file name, then key=value fields decoded from the",
        "# frame and checked against what the scenario sent.  <null> = null string,",
        '# "" = empty string.  A resp file pairs with the req file of the same cN-NNN.',
        "# broker: librdkafka mock cluster, one broker, topic golden with 1 partition.",
    ]
    for n in notes:
        lines.append("# note: " + n)
    lines.append("# connections: %d; requests captured: %d, kept: %d (with their responses)"
                 % (len(conns), len(requests), len(kept)))
    if dropped:
        lines.append("# dropped as repeats (api-version:count): %s" % (
            ", ".join("%s-v%d:%d" % (kd.api_name(a), v, n)
                      for (a, v), n in sorted(dropped.items()))))
    for ci, pos, d, frame, _ts in kept:
        api, ver = d["api_key"], d["api_version"]
        stem = "c%d-%03d" % (ci, pos)
        fname = "%s-req-%s-v%d.bin" % (stem, kd.api_name(api), ver)
        with open(os.path.join(sdir, fname), "wb") as f:
            f.write(frame)
        fields = [("api_key", api), ("api_version", ver),
                  ("correlation_id", d["correlation_id"])]
        fields += [(k, v) for k, v in d.items()
                   if k not in ("api_key", "api_version", "correlation_id")
                   and not k.startswith("_")]
        resp = responses.get((ci, d["correlation_id"]))
        if resp is None:
            fields.append(("response", "none"))
        lines.append(fname + " " + " ".join("%s=%s" % (k, fmt_value(v)) for k, v in fields))
        if resp is not None:
            rname = "%s-resp-%s-v%d.bin" % (stem, kd.api_name(api), ver)
            with open(os.path.join(sdir, rname), "wb") as f:
                f.write(resp)
            try:
                rd = kd.decode_response(resp, api, ver)
            except kd.DecodeError as e:
                raise CaptureError("%s: %s: %s" % (name, rname, e))
            rfields = [("api_key", api), ("api_version", ver)]
            rfields += [(k, v) for k, v in rd.items()]
            lines.append(rname + " " + " ".join("%s=%s" % (k, fmt_value(v))
                                                for k, v in rfields))
    with open(os.path.join(sdir, "MANIFEST.txt"), "w") as f:
        f.write("\n".join(lines) + "\n")
    return kept, responses


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=DEFAULT_OUT)
    ap.add_argument("--keep-pcaps", metavar="DIR", help="also keep the raw pcaps here")
    ap.add_argument("scenario", nargs="*", help="default: all")
    args = ap.parse_args()
    # Turn SIGTERM (e.g. from `timeout`) into an exception so that the
    # finally blocks stop tcpdump and the mock cluster.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("capture.py: terminated"))
    names = args.scenario or list(scenarios.SCENARIOS)
    for n in names:
        if n not in scenarios.SCENARIOS:
            sys.exit("unknown scenario %s" % n)
    if shutil.which("tcpdump") is None:
        sys.exit("tcpdump not found (apt-get install -y tcpdump)")
    os.makedirs(args.out, exist_ok=True)
    work = tempfile.mkdtemp(prefix="golden-capture-")
    failed = []
    try:
        for name in names:
            pcap = os.path.join(work, name + ".pcap")
            logpath = os.path.join(work, name + ".log")
            for attempt in range(1, ATTEMPTS + 1):
                try:
                    with open(logpath, "wb") as log:
                        port, notes = record_scenario(name, pcap, log)
                    if args.keep_pcaps:
                        os.makedirs(args.keep_pcaps, exist_ok=True)
                        shutil.copy(pcap, args.keep_pcaps)
                    kept, _ = write_scenario(name, pcap, port, notes, args.out)
                    apis = sorted({"%s v%d" % (kd.api_name(d["api_key"]), d["api_version"])
                                   for _, _, d, _, _ in kept})
                    print("%-20s ok: %s" % (name, ", ".join(apis)), flush=True)
                    break
                except (CaptureError, pcap_frames.PcapError, kd.DecodeError) as e:
                    print("%-20s attempt %d/%d FAILED: %s" % (name, attempt, ATTEMPTS, e),
                          flush=True)
                    with open(logpath, "rb") as f:
                        tail = f.read()[-3000:].decode(errors="replace")
                    print("---- log tail ----\n%s\n------------------" % tail, flush=True)
            else:
                failed.append(name)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    total = sum(os.path.getsize(os.path.join(dp, f))
                for dp, _, fs in os.walk(args.out) for f in fs)
    print("golden set: %d bytes in %s" % (total, args.out), flush=True)
    if total > MAX_TOTAL_BYTES:
        print("golden set is larger than %d bytes" % MAX_TOTAL_BYTES)
        failed.append("size")
    if failed:
        sys.exit("failed: " + ", ".join(failed))


if __name__ == "__main__":
    main()
