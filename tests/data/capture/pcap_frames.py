#!/usr/bin/python3
"""Split a loopback pcap into Kafka frames, per TCP connection and direction.

Standard library only.  Understands classic pcap files (both byte orders,
micro- and nanosecond variants) with Ethernet, Linux cooked (SLL, SLL2) or BSD
loopback link layers, IPv4 and TCP.  Each direction of each connection is
reassembled by sequence number from its SYN; overlapping retransmissions must
agree byte for byte, and a hole in a stream is an error.  The reassembled
stream is cut into frames by the 4-byte big-endian size prefix.

usage (debugging): pcap_frames.py FILE.pcap BROKER_PORT
"""
import struct
import sys

LINKTYPE_NULL = 0
LINKTYPE_ETHERNET = 1
LINKTYPE_LINUX_SLL = 113
LINKTYPE_LINUX_SLL2 = 276

TCP_FIN, TCP_SYN, TCP_RST = 0x01, 0x02, 0x04


class PcapError(Exception):
    pass


def read_packets(path):
    """Yield (timestamp_seconds, linktype, packet_bytes)."""
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 24:
        raise PcapError("%s: too short for a pcap header" % path)
    magic = data[:4]
    if magic == b"\xd4\xc3\xb2\xa1":
        endian, tsdiv = "<", 1e6
    elif magic == b"\xa1\xb2\xc3\xd4":
        endian, tsdiv = ">", 1e6
    elif magic == b"\x4d\x3c\xb2\xa1":
        endian, tsdiv = "<", 1e9
    elif magic == b"\xa1\xb2\x3c\x4d":
        endian, tsdiv = ">", 1e9
    else:
        raise PcapError("%s: not a classic pcap file (pcapng is not supported)" % path)
    _vmaj, _vmin, _tz, _sig, _snaplen, linktype = struct.unpack(endian + "HHiIII", data[4:24])
    linktype &= 0x0FFFFFFF
    pos = 24
    rec = struct.Struct(endian + "IIII")
    while pos < len(data):
        if pos + 16 > len(data):
            raise PcapError("truncated record header at byte %d" % pos)
        sec, frac, incl, orig = rec.unpack_from(data, pos)
        pos += 16
        if incl != orig:
            raise PcapError("packet at byte %d was cut by the snap length (%d of %d bytes)"
                            % (pos, incl, orig))
        if pos + incl > len(data):
            raise PcapError("truncated packet at byte %d" % pos)
        yield sec + frac / tsdiv, linktype, data[pos:pos + incl]
        pos += incl


def ip_payload(linktype, pkt):
    """Return the IPv4 packet inside a link-layer frame, or None."""
    if linktype == LINKTYPE_ETHERNET:
        off, ethertype = 14, struct.unpack_from(">H", pkt, 12)[0]
        while ethertype in (0x8100, 0x88A8):  # VLAN tags
            ethertype = struct.unpack_from(">H", pkt, off + 2)[0]
            off += 4
        return pkt[off:] if ethertype == 0x0800 else None
    if linktype == LINKTYPE_LINUX_SLL:
        return pkt[16:] if struct.unpack_from(">H", pkt, 14)[0] == 0x0800 else None
    if linktype == LINKTYPE_LINUX_SLL2:
        return pkt[20:] if struct.unpack_from(">H", pkt, 0)[0] == 0x0800 else None
    if linktype == LINKTYPE_NULL:
        family = struct.unpack_from("<I", pkt, 0)[0]
        if family not in (2,):
            family = struct.unpack_from(">I", pkt, 0)[0]
        return pkt[4:] if family == 2 else None
    raise PcapError("unsupported link type %d" % linktype)


def tcp_segments(path):
    """Yield (ts, src, sport, dst, dport, seq, flags, payload) for IPv4/TCP packets."""
    for ts, linktype, pkt in read_packets(path):
        ip = ip_payload(linktype, pkt)
        if ip is None or len(ip) < 20 or ip[0] >> 4 != 4:
            continue
        ihl = (ip[0] & 0x0F) * 4
        total_len = struct.unpack_from(">H", ip, 2)[0]
        frag = struct.unpack_from(">H", ip, 6)[0]
        if ip[9] != 6:
            continue
        if frag & 0x3FFF:
            raise PcapError("fragmented IPv4 packet; not supported")
        ip = ip[:total_len]  # drop link-layer padding
        src, dst = ip[12:16], ip[16:20]
        tcp = ip[ihl:]
        sport, dport, seq = struct.unpack_from(">HHI", tcp, 0)
        doff = (tcp[12] >> 4) * 4
        flags = tcp[13]
        yield (ts, ".".join(map(str, src)), sport, ".".join(map(str, dst)), dport, seq, flags,
               bytes(tcp[doff:]))


class Stream:
    """One direction of a TCP connection."""

    def __init__(self):
        self.isn = None          # sequence number of the SYN
        self.segments = {}       # relative offset -> (payload, ts)
        self.syn_ts = None

    def add(self, ts, seq, flags, payload):
        if flags & TCP_SYN:
            if self.isn is not None and self.isn != seq:
                raise PcapError("two different SYNs on one stream (port reuse?)")
            self.isn, self.syn_ts = seq, ts
        if not payload:
            return
        if self.isn is None:
            raise PcapError("data before the SYN: the capture started too late")
        rel = (seq - self.isn - 1) & 0xFFFFFFFF
        old = self.segments.get(rel)
        if old is not None and old[0] != payload and not (
                old[0].startswith(payload) or payload.startswith(old[0])):
            raise PcapError("retransmission disagrees with the original at offset %d" % rel)
        if old is None or len(payload) > len(old[0]):
            self.segments[rel] = (payload, ts if old is None else old[1])

    def assemble(self):
        """Return (bytes, list of (end_offset, ts)) for the contiguous stream."""
        buf = bytearray()
        marks = []
        for rel in sorted(self.segments):
            payload, ts = self.segments[rel]
            if rel > len(buf):
                raise PcapError("hole in the stream at offset %d (missing %d bytes)"
                                % (len(buf), rel - len(buf)))
            overlap = len(buf) - rel
            if overlap >= len(payload):
                if bytes(buf[rel:rel + len(payload)]) != payload:
                    raise PcapError("retransmission disagrees at offset %d" % rel)
                continue
            if overlap > 0 and bytes(buf[rel:]) != payload[:overlap]:
                raise PcapError("retransmission disagrees at offset %d" % rel)
            buf += payload[overlap:]
            marks.append((len(buf), ts))
        return bytes(buf), marks


def split_frames(stream_bytes, marks):
    """Cut a stream into (frame_without_size_prefix, ts_of_last_byte).

    Returns (frames, leftover_byte_count)."""
    frames = []
    pos = 0
    mi = 0
    while pos + 4 <= len(stream_bytes):
        size = struct.unpack_from(">i", stream_bytes, pos)[0]
        if size < 0:
            raise PcapError("negative frame size at stream offset %d" % pos)
        end = pos + 4 + size
        if end > len(stream_bytes):
            break
        while mi < len(marks) and marks[mi][0] < end:
            mi += 1
        ts = marks[mi][1] if mi < len(marks) else marks[-1][1]
        frames.append((stream_bytes[pos + 4:end], ts))
        pos = end
    return frames, len(stream_bytes) - pos


class Connection:
    def __init__(self, client_port):
        self.client_port = client_port
        self.to_broker = Stream()
        self.to_client = Stream()
        self.requests = []    # (frame, ts)
        self.responses = []   # (frame, ts)
        self.leftover = (0, 0)


def connections(path, broker_port, broker_ip="127.0.0.1"):
    """Return the connections to broker_ip:broker_port in SYN order, frames split."""
    conns = {}
    for ts, src, sport, dst, dport, seq, flags, payload in tcp_segments(path):
        if dst == broker_ip and dport == broker_port:
            conn = conns.setdefault(sport, Connection(sport))
            conn.to_broker.add(ts, seq, flags, payload)
        elif src == broker_ip and sport == broker_port:
            conn = conns.setdefault(dport, Connection(dport))
            conn.to_client.add(ts, seq, flags, payload)
    result = []
    for conn in conns.values():
        if conn.to_broker.isn is None:
            raise PcapError("connection from port %d has no SYN in the capture"
                            % conn.client_port)
        req_bytes, req_marks = conn.to_broker.assemble()
        resp_bytes, resp_marks = conn.to_client.assemble()
        conn.requests, lreq = split_frames(req_bytes, req_marks)
        conn.responses, lresp = split_frames(resp_bytes, resp_marks)
        conn.leftover = (lreq, lresp)
        result.append(conn)
    result.sort(key=lambda c: c.to_broker.syn_ts)
    return result


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    for i, conn in enumerate(connections(sys.argv[1], int(sys.argv[2]))):
        print("connection c%d (client port %d): %d requests, %d responses, leftover %s"
              % (i, conn.client_port, len(conn.requests), len(conn.responses), conn.leftover))
        for frame, _ts in conn.requests:
            api, ver, corr = struct.unpack_from(">hhi", frame, 0)
            print("  req  api=%d v%d corr=%d len=%d" % (api, ver, corr, len(frame)))
        for frame, _ts in conn.responses:
            print("  resp corr=%d len=%d" % (struct.unpack_from(">i", frame, 0)[0], len(frame)))


if __name__ == "__main__":
    main()
