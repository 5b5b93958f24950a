// protocol/compression.h
//
// The codecs of record batch attributes bits 0-2, in Kafka's framings:
//   gzip    one or more gzip members (RFC 1952)
//   snappy  compress: the xerial framing the Java client writes
//             magic   82 'S' 'N' 'A' 'P' 'P' 'Y' 00
//             version int32 (1), compatible version int32 (1)
//             blocks  [int32 compressed length][raw snappy block]...  (32 KiB input each)
//           decompress: that framing or one raw snappy block (librdkafka writes
//           either, depending on its version)
//   lz4     LZ4 frames (64 KiB independent blocks when we compress)
//   zstd    zstd frames, with or without a content size
// Decompression is bounded: output beyond `max_output` bytes is an error
// (kUncompressedTooLarge), found before the output buffer holds more than
// max_output + 1 bytes, and codec state is capped too (a zstd window at most
// max(8 MiB, max_output), 128 MiB at most). Corrupt input is an error Status,
// never a crash.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "protocol/base/status.h"

namespace brook {

enum class Compression : int8_t { kNone = 0, kGzip = 1, kSnappy = 2, kLz4 = 3, kZstd = 4 };

// "none", "gzip", "snappy", "lz4", "zstd"; "unknown" otherwise.
std::string_view CompressionName(Compression compression);
// True for the five codecs above (attribute values 5-7 are not codecs).
bool IsKnownCompression(Compression compression);

// Errors: kUnsupportedCompression, or a codec failure (out of memory).
Result<std::string> Compress(Compression compression, std::string_view data);
// Errors: kUnsupportedCompression, kCorruptCompressedData, kUncompressedTooLarge.
Result<std::string> Decompress(Compression compression, std::string_view data, size_t max_output);

}  // namespace brook
