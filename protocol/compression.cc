// protocol/compression.cc
#include "protocol/compression.h"

#include <lz4frame.h>
#include <snappy.h>
#include <zlib.h>
#include <zstd.h>
#include <zstd_errors.h>

#include <algorithm>
#include <bit>
#include <cstring>
#include <limits>
#include <memory>

#include "protocol/record_batch_errors.h"

namespace brook {
namespace {

// Inputs of more than this are not record batches; refusing them keeps every
// length below within the codecs' 32-bit parameters.
constexpr size_t kMaxCompressInput = std::numeric_limits<int32_t>::max();

constexpr size_t kSnappyBlockSize = 32 * 1024;
constexpr char kXerialHeader[] = {'\x82', 'S', 'N', 'A', 'P', 'P', 'Y', '\0',  // magic
                                  0,      0,   0,   1,                         // version
                                  0,      0,   0,   1};                        // compatible
constexpr size_t kXerialMagicSize = 8;
constexpr size_t kXerialHeaderSize = sizeof(kXerialHeader);

Status Corrupt(std::string_view codec, std::string_view what) {
  std::string context(codec);
  context.append(": ").append(what);
  return Status(RecordBatchErrc::kCorruptCompressedData, std::move(context));
}

Status TooLarge(std::string_view codec, size_t max_output) {
  return Status(RecordBatchErrc::kUncompressedTooLarge,
                std::string(codec) + ": more than " + std::to_string(max_output) + " bytes");
}

uint32_t LoadBe32(const char* p) {
  const auto* u = reinterpret_cast<const unsigned char*>(p);
  return static_cast<uint32_t>(u[0]) << 24 | static_cast<uint32_t>(u[1]) << 16 |
         static_cast<uint32_t>(u[2]) << 8 | static_cast<uint32_t>(u[3]);
}

void StoreBe32(char* p, uint32_t v) {
  p[0] = static_cast<char>(v >> 24);
  p[1] = static_cast<char>(v >> 16);
  p[2] = static_cast<char>(v >> 8);
  p[3] = static_cast<char>(v);
}

// Where a streaming decoder writes: grows geometrically but never beyond
// max_output + 1 bytes, the one extra byte telling "too large" from "exactly
// max_output".
class BoundedOutput {
 public:
  BoundedOutput(size_t max_output, size_t size_hint)
      : max_output_(max_output),
        limit_(max_output == std::numeric_limits<size_t>::max() ? max_output : max_output + 1) {
    buffer_.resize(std::min(limit_, std::max<size_t>(size_hint, 4096)));
  }

  char* next() { return buffer_.data() + produced_; }
  size_t room() const { return buffer_.size() - produced_; }
  size_t produced() const { return produced_; }
  void Advance(size_t n) { produced_ += n; }
  bool exceeded() const { return produced_ > max_output_; }

  // Makes room() > 0. False when the buffer is full at the limit: the output
  // is larger than max_output.
  bool EnsureRoom() {
    if (room() > 0) return true;
    if (buffer_.size() >= limit_) return false;
    size_t grown = buffer_.size() <= limit_ / 2 ? buffer_.size() * 2 : limit_;
    // A fresh string gets exactly the capacity asked for; growing in place
    // may round the capacity up past the limit.
    std::string bigger;
    bigger.reserve(grown);
    bigger.assign(buffer_, 0, produced_);
    bigger.resize(grown);
    buffer_.swap(bigger);
    return true;
  }

  std::string Finish() && {
    buffer_.resize(produced_);
    return std::move(buffer_);
  }

 private:
  size_t max_output_;
  size_t limit_;
  size_t produced_ = 0;
  std::string buffer_;
};

size_t SizeHint(std::string_view data) {
  return data.size() <= std::numeric_limits<size_t>::max() / 4 ? data.size() * 4 : data.size();
}

// ---------------------------------------------------------------------------
// gzip

Result<std::string> GzipCompress(std::string_view data) {
  z_stream zs{};
  if (deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) !=
      Z_OK) {
    return Status(std::make_error_code(std::errc::not_enough_memory), "gzip: deflateInit2");
  }
  std::string out(deflateBound(&zs, static_cast<uLong>(data.size())), '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  int rc = deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  if (rc != Z_STREAM_END) {
    return Status(std::make_error_code(std::errc::not_enough_memory),
                  "gzip: deflate returned " + std::to_string(rc));
  }
  return out;
}

Result<std::string> GzipDecompress(std::string_view data, size_t max_output) {
  z_stream zs{};
  if (inflateInit2(&zs, 15 + 16) != Z_OK) {  // gzip wrapper only
    return Status(std::make_error_code(std::errc::not_enough_memory), "gzip: inflateInit2");
  }
  std::unique_ptr<z_stream, int (*)(z_stream*)> guard(&zs, &inflateEnd);
  BoundedOutput out(max_output, SizeHint(data));
  const char* in = data.data();
  size_t in_left = data.size();
  for (;;) {
    if (!out.EnsureRoom()) return TooLarge("gzip", max_output);
    // Feed and drain in pieces that fit zlib's 32-bit counters.
    uInt in_chunk = static_cast<uInt>(std::min<size_t>(in_left, 1u << 30));
    uInt out_chunk = static_cast<uInt>(std::min<size_t>(out.room(), 1u << 30));
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in));
    zs.avail_in = in_chunk;
    zs.next_out = reinterpret_cast<Bytef*>(out.next());
    zs.avail_out = out_chunk;
    int rc = inflate(&zs, Z_NO_FLUSH);
    in += in_chunk - zs.avail_in;
    in_left -= in_chunk - zs.avail_in;
    out.Advance(out_chunk - zs.avail_out);
    if (rc == Z_STREAM_END) {
      if (in_left == 0) break;
      // Another gzip member follows (GZIPInputStream reads concatenated members).
      if (inflateReset(&zs) != Z_OK) return Corrupt("gzip", "inflateReset failed");
      continue;
    }
    if (rc == Z_OK) continue;
    if (rc == Z_BUF_ERROR && zs.avail_out == 0) continue;  // needs more output room
    if (rc == Z_BUF_ERROR) return Corrupt("gzip", "truncated stream");
    return Corrupt("gzip", zs.msg != nullptr ? zs.msg : "inflate failed");
  }
  if (out.exceeded()) return TooLarge("gzip", max_output);
  return std::move(out).Finish();
}

// ---------------------------------------------------------------------------
// snappy

Result<std::string> SnappyCompress(std::string_view data) {
  std::string out(kXerialHeader, kXerialHeaderSize);
  for (size_t pos = 0; pos < data.size(); pos += kSnappyBlockSize) {
    size_t n = std::min(kSnappyBlockSize, data.size() - pos);
    size_t start = out.size();
    out.resize(start + 4 + snappy::MaxCompressedLength(n));
    size_t written = 0;
    snappy::RawCompress(data.data() + pos, n, out.data() + start + 4, &written);
    StoreBe32(out.data() + start, static_cast<uint32_t>(written));
    out.resize(start + 4 + written);
  }
  return out;
}

// Appends one raw snappy block to `out` unless that would exceed max_output.
Status SnappyAppendBlock(std::string_view block, size_t max_output, std::string& out) {
  size_t n = 0;
  if (!snappy::GetUncompressedLength(block.data(), block.size(), &n)) {
    return Corrupt("snappy", "bad block length");
  }
  if (n > max_output - out.size()) return TooLarge("snappy", max_output);
  size_t start = out.size();
  out.resize(start + n);
  if (!snappy::RawUncompress(block.data(), block.size(), out.data() + start)) {
    return Corrupt("snappy", "bad block");
  }
  return Status::Ok();
}

bool StartsWithXerialMagic(std::string_view data) {
  return data.size() >= kXerialMagicSize &&
         std::memcmp(data.data(), kXerialHeader, kXerialMagicSize) == 0;
}

Result<std::string> SnappyDecompress(std::string_view data, size_t max_output) {
  std::string out;
  if (!StartsWithXerialMagic(data)) {
    Status s = SnappyAppendBlock(data, max_output, out);
    if (!s.ok()) return s;
    return out;
  }
  while (!data.empty()) {
    // A header starts the stream and may recur where streams were concatenated;
    // it cannot be mistaken for a block length, whose top bit is clear.
    if (StartsWithXerialMagic(data)) {
      if (data.size() < kXerialHeaderSize) return Corrupt("snappy", "truncated xerial header");
      data.remove_prefix(kXerialHeaderSize);
      continue;
    }
    if (data.size() < 4) return Corrupt("snappy", "truncated block length");
    uint32_t n = LoadBe32(data.data());
    data.remove_prefix(4);
    if (n > data.size()) return Corrupt("snappy", "block length exceeds the input");
    Status s = SnappyAppendBlock(data.substr(0, n), max_output, out);
    if (!s.ok()) return s;
    data.remove_prefix(n);
  }
  return out;
}

// ---------------------------------------------------------------------------
// lz4

Result<std::string> Lz4Compress(std::string_view data) {
  LZ4F_preferences_t prefs = LZ4F_INIT_PREFERENCES;
  // As the Java client writes: 64 KiB independent blocks.
  prefs.frameInfo.blockSizeID = LZ4F_max64KB;
  prefs.frameInfo.blockMode = LZ4F_blockIndependent;
  std::string out(LZ4F_compressFrameBound(data.size(), &prefs), '\0');
  size_t n = LZ4F_compressFrame(out.data(), out.size(), data.data(), data.size(), &prefs);
  if (LZ4F_isError(n)) {
    return Status(std::make_error_code(std::errc::not_enough_memory),
                  std::string("lz4: ") + LZ4F_getErrorName(n));
  }
  out.resize(n);
  return out;
}

Result<std::string> Lz4Decompress(std::string_view data, size_t max_output) {
  LZ4F_dctx* raw = nullptr;
  if (LZ4F_isError(LZ4F_createDecompressionContext(&raw, LZ4F_VERSION))) {
    return Status(std::make_error_code(std::errc::not_enough_memory), "lz4: context");
  }
  std::unique_ptr<LZ4F_dctx, LZ4F_errorCode_t (*)(LZ4F_dctx*)> dctx(raw,
                                                                    &LZ4F_freeDecompressionContext);
  if (data.empty()) return Corrupt("lz4", "empty input");
  BoundedOutput out(max_output, SizeHint(data));
  const char* in = data.data();
  size_t in_left = data.size();
  for (;;) {
    if (!out.EnsureRoom()) return TooLarge("lz4", max_output);
    size_t dst_size = out.room();
    size_t src_size = in_left;
    size_t hint = LZ4F_decompress(dctx.get(), out.next(), &dst_size, in, &src_size, nullptr);
    if (LZ4F_isError(hint)) return Corrupt("lz4", LZ4F_getErrorName(hint));
    in += src_size;
    in_left -= src_size;
    out.Advance(dst_size);
    if (src_size == 0 && dst_size == 0 && hint != 0 && in_left > 0) {
      return Corrupt("lz4", "no progress");
    }
    if (hint == 0) {  // a frame ended; another may follow
      if (in_left == 0) break;
      continue;
    }
    // Input used up, room left over, and the frame not finished: truncated.
    if (in_left == 0 && out.room() > 0) return Corrupt("lz4", "truncated frame");
  }
  if (out.exceeded()) return TooLarge("lz4", max_output);
  return std::move(out).Finish();
}

// ---------------------------------------------------------------------------
// zstd

// Kafka's Java client and librdkafka compress at level 3 by default.
constexpr int kZstdLevel = 3;

// zstd contexts are costly to set up (hundreds of KiB) next to a batch of a
// few KiB, so each thread keeps one of each.
ZSTD_CCtx* ThreadZstdCCtx() {
  thread_local std::unique_ptr<ZSTD_CCtx, size_t (*)(ZSTD_CCtx*)> cctx(ZSTD_createCCtx(),
                                                                       &ZSTD_freeCCtx);
  return cctx.get();
}

ZSTD_DCtx* ThreadZstdDCtx() {
  thread_local std::unique_ptr<ZSTD_DCtx, size_t (*)(ZSTD_DCtx*)> dctx(ZSTD_createDCtx(),
                                                                       &ZSTD_freeDCtx);
  return dctx.get();
}

Result<std::string> ZstdCompress(std::string_view data) {
  ZSTD_CCtx* cctx = ThreadZstdCCtx();
  if (cctx == nullptr) {
    return Status(std::make_error_code(std::errc::not_enough_memory), "zstd: context");
  }
  std::string out(ZSTD_compressBound(data.size()), '\0');
  size_t n = ZSTD_compressCCtx(cctx, out.data(), out.size(), data.data(), data.size(), kZstdLevel);
  if (ZSTD_isError(n)) {
    return Status(std::make_error_code(std::errc::not_enough_memory),
                  std::string("zstd: ") + ZSTD_getErrorName(n));
  }
  out.resize(n);
  return out;
}

// The largest window a frame may ask for, which is what the decoder allocates
// when the frame declares no content size. Producers at the default level use
// 2^21 or less; small limits still allow 2^23, and zstd's default 2^27 caps it.
int ZstdWindowLogMax(size_t max_output) {
  int bits = max_output <= 1 ? 0 : std::bit_width(max_output - 1);
  constexpr int kZstdDefaultWindowLogLimit = 27;  // ZSTD_WINDOWLOG_LIMIT_DEFAULT
  return std::clamp(bits, 23, kZstdDefaultWindowLogLimit);
}

Result<std::string> ZstdDecompress(std::string_view data, size_t max_output) {
  ZSTD_DCtx* dctx = ThreadZstdDCtx();
  if (dctx == nullptr) {
    return Status(std::make_error_code(std::errc::not_enough_memory), "zstd: context");
  }
  // Whatever the last use left behind (an error midway included) goes.
  ZSTD_DCtx_reset(dctx, ZSTD_reset_session_and_parameters);
  ZSTD_DCtx_setParameter(dctx, ZSTD_d_windowLogMax, ZstdWindowLogMax(max_output));
  if (data.empty()) return Corrupt("zstd", "empty input");
  size_t hint = SizeHint(data);
  unsigned long long content_size = ZSTD_getFrameContentSize(data.data(), data.size());
  if (content_size != ZSTD_CONTENTSIZE_UNKNOWN && content_size != ZSTD_CONTENTSIZE_ERROR) {
    if (content_size > max_output) return TooLarge("zstd", max_output);
    hint = std::max<size_t>(hint, static_cast<size_t>(content_size));
  }
  BoundedOutput out(max_output, hint);
  ZSTD_inBuffer in{data.data(), data.size(), 0};
  size_t consumed = 0;
  for (;;) {
    if (!out.EnsureRoom()) return TooLarge("zstd", max_output);
    ZSTD_outBuffer ob{out.next(), out.room(), 0};
    size_t r = ZSTD_decompressStream(dctx, &ob, &in);
    if (ZSTD_isError(r)) {
      if (ZSTD_getErrorCode(r) == ZSTD_error_frameParameter_windowTooLarge) {
        return TooLarge("zstd window", max_output);
      }
      return Corrupt("zstd", ZSTD_getErrorName(r));
    }
    out.Advance(ob.pos);
    if (ob.pos == 0 && in.pos == consumed && r != 0 && in.pos < in.size) {
      return Corrupt("zstd", "no progress");
    }
    consumed = in.pos;
    if (r == 0) {  // a frame ended and is flushed; another may follow
      if (in.pos == in.size) break;
      continue;
    }
    if (in.pos == in.size && out.room() > 0) return Corrupt("zstd", "truncated frame");
  }
  if (out.exceeded()) return TooLarge("zstd", max_output);
  return std::move(out).Finish();
}

Status Unsupported(Compression compression) {
  return Status(RecordBatchErrc::kUnsupportedCompression,
                "codec " + std::to_string(static_cast<int>(compression)));
}

}  // namespace

std::string_view CompressionName(Compression compression) {
  switch (compression) {
    case Compression::kNone: return "none";
    case Compression::kGzip: return "gzip";
    case Compression::kSnappy: return "snappy";
    case Compression::kLz4: return "lz4";
    case Compression::kZstd: return "zstd";
  }
  return "unknown";
}

bool IsKnownCompression(Compression compression) {
  return compression >= Compression::kNone && compression <= Compression::kZstd;
}

Result<std::string> Compress(Compression compression, std::string_view data) {
  if (!IsKnownCompression(compression)) return Unsupported(compression);
  if (data.size() > kMaxCompressInput) {
    return Status(RecordBatchErrc::kBatchTooLarge, std::to_string(data.size()) + " bytes");
  }
  switch (compression) {
    case Compression::kNone: return std::string(data);
    case Compression::kGzip: return GzipCompress(data);
    case Compression::kSnappy: return SnappyCompress(data);
    case Compression::kLz4: return Lz4Compress(data);
    case Compression::kZstd: return ZstdCompress(data);
  }
  return Unsupported(compression);
}

Result<std::string> Decompress(Compression compression, std::string_view data, size_t max_output) {
  switch (compression) {
    case Compression::kNone:
      if (data.size() > max_output) return TooLarge("none", max_output);
      return std::string(data);
    case Compression::kGzip: return GzipDecompress(data, max_output);
    case Compression::kSnappy: return SnappyDecompress(data, max_output);
    case Compression::kLz4: return Lz4Decompress(data, max_output);
    case Compression::kZstd: return ZstdDecompress(data, max_output);
  }
  return Unsupported(compression);
}

}  // namespace brook
