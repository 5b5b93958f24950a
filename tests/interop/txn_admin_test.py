#!/usr/bin/python3
# tests/interop/txn_admin_test.py BROKER_BINARY
#
# The admin view of transactions (ListTransactions, DescribeTransactions,
# DescribeProducers), checked at the byte level. Debian 12's confluent_kafka
# 1.7 (librdkafka 2.0) AdminClient has none of list_transactions,
# describe_transactions or describe_producers, so the requests go through
# kafka_wire.py, a small protocol client written from the Kafka message
# schemas and independent of Brook's encoders. Real confluent_kafka producers
# create the transactions: "admin-done" is committed, "admin-open" is left
# open with its record flushed to adm-0. Should the AdminClient offer the calls
# (a newer confluent_kafka), they are called too and must agree.
import sys
import time

import confluent_kafka
from confluent_kafka.admin import AdminClient

import kafka_wire
from kafka_wire import (NONE, TRANSACTIONAL_ID_NOT_FOUND, UNKNOWN_TOPIC_OR_PARTITION,
                        Connection, WireError)
from txn_common import SKIP, Broker, fail, flush, run

TOPIC = "adm"
DONE, OPEN, UNKNOWN = "admin-done", "admin-open", "admin-never-seen"
DONE_TIMEOUT_MS, OPEN_TIMEOUT_MS = 50000, 45000
CALLS = ("list_transactions", "describe_transactions", "describe_producers")


def check(condition, message):
    if not condition:
        fail(message)


def check_decoder():
    """The decoder rejects malformed bodies with a message naming the field."""
    schema = kafka_wire.LIST_TRANSACTIONS_RESPONSE
    good = kafka_wire.encode_struct(schema, {
        "throttle_time_ms": 0, "error_code": 0, "unknown_state_filters": ["Nope"],
        "transaction_states": [{"transactional_id": "t", "producer_id": 7,
                                "transaction_state": "Ongoing"}]}, 0)
    decoded = kafka_wire.decode_struct(schema, good, 0, "self-check")
    check(decoded["transaction_states"][0]["producer_id"] == 7, "decoder round trip: %r" % decoded)
    bad = {
        "truncated": good[:-3],
        "trailing": good + b"\x00",
        "huge array": good[:6] + kafka_wire.uvarint(1000) + good[7:],
        "string past end": good[:7] + kafka_wire.uvarint(200) + good[8:],
        "endless varint": good[:6] + b"\xff" * 6,
    }
    for name, data in bad.items():
        try:
            kafka_wire.decode_struct(schema, data, 0, "self-check")
        except WireError as e:
            check(str(e).startswith("self-check: ") and " at byte " in str(e),
                  "%s: unclear error %r" % (name, str(e)))
            continue
        fail("decoder accepted a malformed body (%s)" % name)


def by_id(states):
    out = {}
    for s in states:
        check(s["transactional_id"] not in out, "%s listed twice" % s["transactional_id"])
        out[s["transactional_id"]] = s
    return out


def list_txns(conn, version=0, states=(), pids=(), duration=-1):
    r = conn.call("ListTransactions", version, state_filters=list(states),
                  producer_id_filters=list(pids), duration_filter=duration)
    check(r["error_code"] == NONE, "ListTransactions v%d error %d" % (version, r["error_code"]))
    check(r["transaction_states"] is not None and r["unknown_state_filters"] is not None,
          "ListTransactions v%d: null array in %r" % (version, r))
    return r


def wait_state(conn, txn_id, state, timeout=15):
    """ListTransactions until `txn_id` is in `state` (markers are written
    after EndTxn answers, so Prepare* may show first)."""
    deadline = time.time() + timeout
    while True:
        listed = by_id(list_txns(conn)["transaction_states"])
        got = listed.get(txn_id, {}).get("transaction_state")
        if got == state:
            return listed
        if time.time() > deadline:
            fail("%s is %r after %ss, expected %s; listed %r"
                 % (txn_id, got, timeout, state, listed))
        time.sleep(0.05)


def check_api_versions(conn):
    versions = conn.api_versions()
    for key, want in ((kafka_wire.DESCRIBE_PRODUCERS, (0, 0)),
                      (kafka_wire.DESCRIBE_TRANSACTIONS, (0, 0)),
                      (kafka_wire.LIST_TRANSACTIONS, (0, 1))):
        got = versions.get(key)
        check(got is not None and got[0] <= want[0] and got[1] >= want[1],
              "ApiVersions: key %d has %r, expected to cover %r" % (key, got, want))


def check_list(conn, done_pid, open_pid):
    listed = by_id(list_txns(conn)["transaction_states"])
    check(set(listed) == {DONE, OPEN}, "ListTransactions v0 lists %r" % sorted(listed))
    check(listed[DONE]["transaction_state"] == "CompleteCommit", "done: %r" % listed[DONE])
    check(listed[OPEN]["transaction_state"] == "Ongoing", "open: %r" % listed[OPEN])
    check(listed[DONE]["producer_id"] == done_pid and listed[OPEN]["producer_id"] == open_pid,
          "producer ids %r" % listed)

    r = list_txns(conn, states=["Ongoing", "Nope"])
    check([s["transactional_id"] for s in r["transaction_states"]] == [OPEN],
          "state filter [Ongoing, Nope] lists %r" % r["transaction_states"])
    check(r["unknown_state_filters"] == ["Nope"], "unknown_state_filters %r"
          % r["unknown_state_filters"])

    r = list_txns(conn, pids=[done_pid])
    check([s["transactional_id"] for s in r["transaction_states"]] == [DONE],
          "producer id filter [%d] lists %r" % (done_pid, r["transaction_states"]))

    r = list_txns(conn, version=1, duration=3600000)
    check(r["transaction_states"] == [], "duration_filter 1h lists %r" % r["transaction_states"])
    time.sleep(0.05)
    r = list_txns(conn, version=1, duration=1)
    check([s["transactional_id"] for s in r["transaction_states"]] == [OPEN],
          "duration_filter 1ms lists %r" % r["transaction_states"])
    r = list_txns(conn, version=1, duration=-1)
    check(set(by_id(r["transaction_states"])) == {DONE, OPEN},
          "v1 without a duration filter lists %r" % r["transaction_states"])


def check_describe_transactions(conn, started_ms):
    r = conn.call("DescribeTransactions", 0, transactional_ids=[DONE, OPEN, UNKNOWN])
    got = by_id(r["transaction_states"])
    check(set(got) == {DONE, OPEN, UNKNOWN}, "DescribeTransactions answers %r" % sorted(got))
    done, open_txn, unknown = got[DONE], got[OPEN], got[UNKNOWN]
    check(unknown["error_code"] == TRANSACTIONAL_ID_NOT_FOUND,
          "unknown id: error %d, expected TRANSACTIONAL_ID_NOT_FOUND (105)" % unknown["error_code"])
    for txn, state, timeout_ms in ((done, "CompleteCommit", DONE_TIMEOUT_MS),
                                   (open_txn, "Ongoing", OPEN_TIMEOUT_MS)):
        name = txn["transactional_id"]
        check(txn["error_code"] == NONE, "%s: error %d" % (name, txn["error_code"]))
        check(txn["transaction_state"] == state, "%s: state %r" % (name, txn["transaction_state"]))
        check(txn["transaction_timeout_ms"] == timeout_ms,
              "%s: timeout %d ms, the producer asked for %d" % (name, txn["transaction_timeout_ms"],
                                                               timeout_ms))
        check(txn["producer_id"] >= 0 and txn["producer_epoch"] >= 0,
              "%s: producer %d epoch %d" % (name, txn["producer_id"], txn["producer_epoch"]))
    now_ms = int(time.time() * 1000)
    check(started_ms - 1000 <= open_txn["transaction_start_time_ms"] <= now_ms + 1000,
          "open: start time %d outside [%d, %d]" % (open_txn["transaction_start_time_ms"],
                                                    started_ms, now_ms))
    check(open_txn["topics"] == [{"topic": TOPIC, "partitions": [0]}],
          "open: topics %r, expected [adm: [0]]" % open_txn["topics"])
    check(done["topics"] == [], "done: topics %r after the commit" % done["topics"])
    return done, open_txn


def check_describe_producers(conn, done, open_txn, open_offset):
    r = conn.call("DescribeProducers", 0, topics=[
        {"name": TOPIC, "partition_indexes": [0, 7]},
        {"name": "no-such-topic", "partition_indexes": [0]}])
    parts = {(t["name"], p["partition_index"]): p for t in r["topics"] for p in t["partitions"]}
    check(set(parts) == {(TOPIC, 0), (TOPIC, 7), ("no-such-topic", 0)},
          "DescribeProducers answers %r" % sorted(parts))
    for missing in ((TOPIC, 7), ("no-such-topic", 0)):
        check(parts[missing]["error_code"] == UNKNOWN_TOPIC_OR_PARTITION,
              "%s-%d: error %d, expected UNKNOWN_TOPIC_OR_PARTITION (3)"
              % (missing + (parts[missing]["error_code"],)))
    p0 = parts[(TOPIC, 0)]
    check(p0["error_code"] == NONE,
          "adm-0: error %d (%r)" % (p0["error_code"], p0["error_message"]))
    producers = {p["producer_id"]: p for p in p0["active_producers"]}
    check(open_txn["producer_id"] in producers,
          "adm-0: open producer %d not among %r" % (open_txn["producer_id"], producers))
    mine = producers[open_txn["producer_id"]]
    check(mine["producer_epoch"] == open_txn["producer_epoch"],
          "adm-0: open producer epoch %d, DescribeTransactions says %d"
          % (mine["producer_epoch"], open_txn["producer_epoch"]))
    check(mine["current_txn_start_offset"] == open_offset,
          "adm-0: current_txn_start_offset %d, the open transaction's first record is at %d"
          % (mine["current_txn_start_offset"], open_offset))
    check(mine["last_sequence"] == 0, "adm-0: open producer last_sequence %d after one record"
          % mine["last_sequence"])
    check(mine["last_timestamp"] > 0, "adm-0: last_timestamp %d" % mine["last_timestamp"])
    # The committed producer's state stays in the partition (as in Kafka,
    # until producer ids expire), with no transaction open.
    check(done["producer_id"] in producers,
          "adm-0: committed producer %d not among %r" % (done["producer_id"], producers))
    check(producers[done["producer_id"]]["current_txn_start_offset"] == -1,
          "adm-0: committed producer still has a transaction open: %r"
          % producers[done["producer_id"]])


def try_admin_client(broker):
    """Newer clients: the AdminClient's view must name the same transactions.
    Their signatures are not known here (no such client to develop against),
    so a call that cannot be made is reported, not failed."""
    admin = AdminClient({"bootstrap.servers": broker.bootstrap})
    present = [c for c in CALLS if hasattr(admin, c)]
    print("confluent_kafka %s (librdkafka %s): AdminClient has %s"
          % (confluent_kafka.version()[0], confluent_kafka.libversion()[0],
             ", ".join(present) or "none of " + ", ".join(CALLS)))
    if "list_transactions" not in present:
        return
    try:
        result = admin.list_transactions()
        if hasattr(result, "result"):
            result = result.result(15)
    except TypeError as e:
        print("list_transactions not called (%s)" % e)
        return
    text = repr(result)
    check(DONE in text and OPEN in text, "AdminClient.list_transactions(): %s" % text)


def main():
    check_decoder()
    broker = Broker(sys.argv)
    if broker.mock:
        return SKIP  # the mock cluster does not serve these APIs
    broker.create_topic(TOPIC, 1)

    done_p = broker.producer(DONE, transaction_timeout_ms=DONE_TIMEOUT_MS)
    done_p.init_transactions(15)
    done_p.begin_transaction()
    done_p.produce(TOPIC, value=b"d0", partition=0)
    done_p.commit_transaction(15)

    offsets = []
    started_ms = int(time.time() * 1000)
    open_p = broker.producer(OPEN, transaction_timeout_ms=OPEN_TIMEOUT_MS)
    open_p.init_transactions(15)
    open_p.begin_transaction()
    open_p.produce(TOPIC, value=b"o0", partition=0,
                   on_delivery=lambda err, msg: offsets.append(err or msg.offset()))
    flush(open_p)
    check(len(offsets) == 1 and isinstance(offsets[0], int), "delivery reports %r" % offsets)
    open_offset = offsets[0]

    with Connection(broker.bootstrap) as conn:
        check_api_versions(conn)
        listed = wait_state(conn, DONE, "CompleteCommit")
        done_pid, open_pid = listed[DONE]["producer_id"], listed[OPEN]["producer_id"]
        check(done_pid >= 0 and open_pid >= 0 and done_pid != open_pid,
              "producer ids %d, %d" % (done_pid, open_pid))
        check_list(conn, done_pid, open_pid)
        done, open_txn = check_describe_transactions(conn, started_ms)
        check(done["producer_id"] == done_pid and open_txn["producer_id"] == open_pid,
              "DescribeTransactions producer ids %d, %d; ListTransactions %d, %d"
              % (done["producer_id"], open_txn["producer_id"], done_pid, open_pid))
        check_describe_producers(conn, done, open_txn, open_offset)
        try_admin_client(broker)

        open_p.abort_transaction(15)
        listed = wait_state(conn, OPEN, "CompleteAbort")
        check(listed[DONE]["transaction_state"] == "CompleteCommit", "done: %r" % listed[DONE])
        r = conn.call("DescribeTransactions", 0, transactional_ids=[OPEN])
        aborted = r["transaction_states"]
        check(len(aborted) == 1 and aborted[0]["transaction_state"] == "CompleteAbort"
              and aborted[0]["topics"] == [], "after the abort: %r" % aborted)
    broker.check_log_clean()
    print("ListTransactions v0/v1, DescribeTransactions v0, DescribeProducers v0 as the spec says")


if __name__ == "__main__":
    run(main)
