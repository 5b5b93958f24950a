#!/usr/bin/python3
"""Run librdkafka's built-in mock Kafka cluster until SIGTERM/SIGINT or a deadline.

Uses ctypes against the system librdkafka (librdkafka.so.1), so no compiler is
needed.  Prints "BOOTSTRAP host:port" (flushed) once the mock brokers listen.

usage: mock_cluster.py [--brokers N] [--topic NAME:PARTITIONS]... [--seconds S]
                       [--inject API_KEY:ERR[,ERR...]]...
  --inject  queue errors for the next requests of that API (cluster-wide,
            rd_kafka_mock_push_request_errors_array)
"""
import argparse
import ctypes
import ctypes.util
import signal
import sys
import time


def load_librdkafka():
    name = ctypes.util.find_library("rdkafka") or "librdkafka.so.1"
    lib = ctypes.CDLL(name)
    lib.rd_kafka_version_str.restype = ctypes.c_char_p
    lib.rd_kafka_conf_new.restype = ctypes.c_void_p
    lib.rd_kafka_conf_set.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p,
                                      ctypes.c_char_p, ctypes.c_size_t]
    lib.rd_kafka_new.restype = ctypes.c_void_p
    lib.rd_kafka_new.argtypes = [ctypes.c_int, ctypes.c_void_p, ctypes.c_char_p, ctypes.c_size_t]
    lib.rd_kafka_mock_cluster_new.restype = ctypes.c_void_p
    lib.rd_kafka_mock_cluster_new.argtypes = [ctypes.c_void_p, ctypes.c_int]
    lib.rd_kafka_mock_cluster_bootstraps.restype = ctypes.c_char_p
    lib.rd_kafka_mock_cluster_bootstraps.argtypes = [ctypes.c_void_p]
    lib.rd_kafka_mock_topic_create.restype = ctypes.c_int
    lib.rd_kafka_mock_topic_create.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int,
                                               ctypes.c_int]
    lib.rd_kafka_mock_push_request_errors_array.restype = None
    lib.rd_kafka_mock_push_request_errors_array.argtypes = [
        ctypes.c_void_p, ctypes.c_int16, ctypes.c_size_t, ctypes.POINTER(ctypes.c_int)]
    lib.rd_kafka_mock_cluster_destroy.argtypes = [ctypes.c_void_p]
    lib.rd_kafka_destroy.argtypes = [ctypes.c_void_p]
    lib.rd_kafka_err2str.restype = ctypes.c_char_p
    lib.rd_kafka_err2str.argtypes = [ctypes.c_int]
    return lib


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--brokers", type=int, default=1)
    ap.add_argument("--topic", action="append", default=[], help="NAME:PARTITIONS")
    ap.add_argument("--seconds", type=float, default=120.0)
    ap.add_argument("--inject", action="append", default=[], help="API_KEY:ERR[,ERR...]")
    args = ap.parse_args()

    lib = load_librdkafka()
    errstr = ctypes.create_string_buffer(512)
    conf = lib.rd_kafka_conf_new()
    lib.rd_kafka_conf_set(conf, b"log_level", b"4", errstr, len(errstr))
    rk = lib.rd_kafka_new(0, conf, errstr, len(errstr))  # RD_KAFKA_PRODUCER
    if not rk:
        sys.exit("rd_kafka_new: " + errstr.value.decode())
    mc = lib.rd_kafka_mock_cluster_new(rk, args.brokers)
    if not mc:
        sys.exit("rd_kafka_mock_cluster_new failed")
    for spec in args.topic:
        name, _, parts = spec.partition(":")
        err = lib.rd_kafka_mock_topic_create(mc, name.encode(), int(parts or 1),
                                             min(args.brokers, 3))
        if err:
            sys.exit("topic %s: %s" % (name, lib.rd_kafka_err2str(err).decode()))
    for spec in args.inject:
        key, _, errs = spec.partition(":")
        codes = [int(e) for e in errs.split(",")]
        arr = (ctypes.c_int * len(codes))(*codes)
        lib.rd_kafka_mock_push_request_errors_array(mc, int(key), len(codes), arr)

    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    signal.signal(signal.SIGINT, lambda *_: stop.append(1))
    print("BOOTSTRAP " + lib.rd_kafka_mock_cluster_bootstraps(mc).decode(), flush=True)
    print("LIBRDKAFKA " + lib.rd_kafka_version_str().decode(), flush=True)
    deadline = time.monotonic() + args.seconds
    while not stop and time.monotonic() < deadline:
        time.sleep(0.05)
    lib.rd_kafka_mock_cluster_destroy(mc)
    lib.rd_kafka_destroy(rk)


if __name__ == "__main__":
    main()
