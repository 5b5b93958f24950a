#!/usr/bin/python3
# tests/interop/txn_ctp_processor.py BOOTSTRAP TRANSACTIONAL_ID BATCH DELAY_S
#
# The exactly-once processor of txn_ctp_test.py, run as its own process so
# the test can SIGKILL it. Consumes transfers from "in" (group "proc",
# read_committed), applies each (writes "<id>,<account>,<amount>" to the same
# partition of "out") in transactions of up to BATCH records, and commits the
# consumed offsets inside each transaction with send_offsets_to_transaction.
# It sleeps DELAY_S per record and again before committing, so that a kill
# lands in an open transaction. Prints (flushed) "READY", "OPEN <n>" once a
# transaction's records are written (flushed to the broker) and still
# uncommitted, and "COMMITTED <n>" after each commit. Exits 0 once the group's
# committed offsets reached the end of every partition of "in"; exits 3 if
# they have not after 15 s without new input.
import sys
import time

from confluent_kafka import Consumer, Producer, TopicPartition

bootstrap, txn_id, batch, delay = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])


def say(*words):
    print(*words, flush=True)


consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": "proc",
                     "isolation.level": "read_committed", "enable.auto.commit": False,
                     "auto.offset.reset": "earliest", "session.timeout.ms": 6000,
                     "heartbeat.interval.ms": 500, "max.poll.interval.ms": 20000,
                     "fetch.wait.max.ms": 50})
producer = Producer({"bootstrap.servers": bootstrap, "transactional.id": txn_id,
                     "linger.ms": 5, "transaction.timeout.ms": 60000})
producer.init_transactions(30)
consumer.subscribe(["in"])
say("READY")


def where():
    """[(partition, committed offset, end offset)] of the assigned partitions
    of "in"; None until all of them are assigned."""
    parts = consumer.assignment()
    if len(parts) != len(consumer.list_topics("in", timeout=10).topics["in"].partitions):
        return None
    out = []
    for tp in consumer.committed(parts, timeout=10):
        _, high = consumer.get_watermark_offsets(TopicPartition("in", tp.partition),
                                                 timeout=10, cached=False)
        out.append((tp.partition, tp.offset, high))
    return out


applied = 0
idle_since = time.time()
while True:
    msgs = [m for m in consumer.consume(batch, timeout=0.5) if m.error() is None]
    if not msgs:
        state = where()
        if state is not None and all(committed == high for _, committed, high in state):
            break
        if time.time() - idle_since > 15:
            say("STUCK", state)
            sys.exit(3)
        continue
    idle_since = time.time()
    producer.begin_transaction()
    for m in msgs:
        transfer_id, account, amount = m.value().decode().split(",")
        producer.produce("out", key=account.encode(), value=m.value(), partition=m.partition())
        time.sleep(delay)
    producer.flush(30)
    say("OPEN", len(msgs))
    time.sleep(delay * 5)
    producer.send_offsets_to_transaction(consumer.position(consumer.assignment()),
                                         consumer.consumer_group_metadata(), 30)
    producer.commit_transaction(30)
    applied += len(msgs)
    say("COMMITTED", applied)

consumer.close()
say("DONE", applied)
