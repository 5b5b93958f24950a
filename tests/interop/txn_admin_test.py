#!/usr/bin/python3
# tests/interop/txn_admin_test.py BROKER_BINARY
#
# AdminClient view of transactions (ListTransactions, DescribeTransactions,
# DescribeProducers). Debian 12 ships confluent_kafka 1.7 over librdkafka
# 2.0, whose AdminClient has none of list_transactions,
# describe_transactions or describe_producers, so there is no real client to
# drive these APIs with here: the test sets up one committed and one open
# transaction (which must work), reports which calls are missing and skips
# (exit 77).
import sys

import confluent_kafka
from confluent_kafka.admin import AdminClient

from txn_common import SKIP, Broker, flush, run

CALLS = ("list_transactions", "describe_transactions", "describe_producers")


def main():
    broker = Broker(sys.argv)
    broker.create_topic("adm", 1)
    done = broker.producer("admin-done")
    done.init_transactions(15)
    done.begin_transaction()
    done.produce("adm", value=b"d0", partition=0)
    done.commit_transaction(15)
    open_txn = broker.producer("admin-open")
    open_txn.init_transactions(15)
    open_txn.begin_transaction()
    open_txn.produce("adm", value=b"o0", partition=0)
    flush(open_txn)

    admin = AdminClient({"bootstrap.servers": broker.bootstrap})
    missing = [c for c in CALLS if not hasattr(admin, c)]
    print("confluent_kafka %s (librdkafka %s): AdminClient lacks %s"
          % (confluent_kafka.version()[0], confluent_kafka.libversion()[0],
             ", ".join(missing) or "nothing"))
    open_txn.abort_transaction(15)
    broker.check_log_clean()
    # TODO(txn): assert on list/describe transactions and describe producers
    # once the client offers them.
    return SKIP


if __name__ == "__main__":
    run(main)
