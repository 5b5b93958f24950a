// protocol/wire/serde.h
//
// One `Serde(Io& io)` member template per message struct describes its wire
// layout once; three Io types walk it:
//   Encoder  appends the encoding to a std::string
//   Decoder  fills the struct from bytes; total: every length is checked
//            against the remaining input before anything is allocated, the
//            first error sticks and later reads yield zeros
//   Sizer    counts the bytes the Encoder would write
// `io.flexible()` selects the compact forms (KIP-482) for strings, bytes and
// arrays and turns on tagged fields; `io.version()` gates versioned fields.
//
// Tagged fields are listed in ascending tag order:
//   io.TaggedFields([&](auto& tags) {
//     tags.Field(0, cluster_id.has_value(), [&](auto& v) { v.NullableString(cluster_id); });
//   });
// An Encoder writes only fields whose `present` argument is true; a Decoder
// runs the lambda of each tag it finds and skips tags it does not know.
#pragma once

#include <algorithm>
#include <bit>
#include <cassert>
#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "protocol/base/status.h"
#include "protocol/base/uuid.h"
#include "protocol/error_code.h"
#include "protocol/wire/errors.h"
#include "protocol/wire/varint.h"

namespace brook::wire {

// kFirstFlexibleVersion of a message that has no flexible versions.
inline constexpr int16_t kNoFlexibleVersions = std::numeric_limits<int16_t>::max();

struct VersionRange {
  int16_t min;
  int16_t max;
  constexpr bool Contains(int16_t v) const { return v >= min && v <= max; }
};

class Encoder;
class Decoder;
class Sizer;

inline constexpr size_t kMaxClassicString = std::numeric_limits<int16_t>::max();

// Serde for one array element: primitives by type, structs by their Serde.
template <typename Io, typename T>
void SerdeItem(Io& io, T& item) {
  if constexpr (std::is_same_v<T, int8_t>) {
    io.Int8(item);
  } else if constexpr (std::is_same_v<T, int16_t>) {
    io.Int16(item);
  } else if constexpr (std::is_same_v<T, int32_t>) {
    io.Int32(item);
  } else if constexpr (std::is_same_v<T, int64_t>) {
    io.Int64(item);
  } else if constexpr (std::is_same_v<T, std::string>) {
    io.String(item);
  } else if constexpr (std::is_same_v<T, brook::Uuid>) {
    io.Uuid(item);
  } else {
    item.Serde(io);
  }
}

// ---------------------------------------------------------------------------

// Bytes a message refers to but does not hold: a range of an open file (a
// log segment). An Encoder that lists splices leaves them in the file for
// the caller to send with sendfile(2); any other Encoder reads them in.
class ExternalBytes {
 public:
  virtual ~ExternalBytes() = default;
  virtual size_t size() const = 0;
  // The open file, and where in it the bytes start.
  virtual int fd() const = 0;
  virtual uint64_t offset() const = 0;
  // Appends the bytes to `out`; false when they could not all be read.
  virtual bool AppendTo(std::string& out) const = 0;
};

// Bytes an Encoder left out of its output: they belong at `position` of the
// output (after the bytes before it), and the caller sends them from where
// they are, e.g. with one gathered write, instead of copying them. They are
// `bytes`, or when `external` is set, that file range.
struct Splice {
  size_t position;
  std::string_view bytes;
  const ExternalBytes* external = nullptr;

  size_t size() const { return external != nullptr ? external->size() : bytes.size(); }
};

class Encoder {
 public:
  static constexpr bool kDecoding = false;

  Encoder(std::string& out, int16_t version, bool flexible)
      : out_(out), version_(version), flexible_(flexible) {}
  // RECORDS fields of at least `min_splice_bytes` are not copied into `out`
  // but listed in `*splices` (their length prefix is written).
  Encoder(std::string& out, int16_t version, bool flexible, std::vector<Splice>* splices,
          size_t min_splice_bytes)
      : out_(out),
        version_(version),
        flexible_(flexible),
        splices_(splices),
        min_splice_bytes_(min_splice_bytes) {}

  int16_t version() const { return version_; }
  bool flexible() const { return flexible_; }

  void Int8(const int8_t& v) { Fixed(v); }
  void Int16(const int16_t& v) { Fixed(v); }
  void Int32(const int32_t& v) { Fixed(v); }
  void Int64(const int64_t& v) { Fixed(v); }
  void UInt16(const uint16_t& v) { Fixed(v); }
  void UInt32(const uint32_t& v) { Fixed(v); }
  void Bool(const bool& v) { out_.push_back(v ? 1 : 0); }
  void Float64(const double& v) { Fixed(std::bit_cast<uint64_t>(v)); }
  void VarInt(const int32_t& v) { AppendUnsignedVarint(out_, ZigZag32(v)); }
  void VarLong(const int64_t& v) { AppendUnsignedVarint(out_, ZigZag64(v)); }
  void UnsignedVarInt(const uint32_t& v) { AppendUnsignedVarint(out_, v); }
  void Error(const ErrorCode& e) { Fixed(static_cast<int16_t>(e)); }
  void Uuid(const brook::Uuid& v) {
    out_.append(reinterpret_cast<const char*>(v.bytes.data()), v.bytes.size());
  }

  // A classic STRING's length is an int16: a longer value (possible when a
  // flexible request stored it and a classic response echoes it) is cut to
  // kMaxClassicString bytes so that the frame stays well-formed.
  void String(const std::string& s) {
    if (flexible_) {
      AppendUnsignedVarint(out_, s.size() + 1);
      out_.append(s);
    } else {
      size_t n = std::min(s.size(), kMaxClassicString);
      Fixed(static_cast<int16_t>(n));
      out_.append(s, 0, n);
    }
  }
  void NullableString(const std::optional<std::string>& s) {
    if (s) return String(*s);
    if (flexible_) {
      out_.push_back(0);
    } else {
      Fixed(int16_t{-1});
    }
  }
  void Bytes(const std::string& b) {
    if (flexible_) {
      AppendUnsignedVarint(out_, b.size() + 1);
    } else {
      assert(b.size() <= static_cast<size_t>(std::numeric_limits<int32_t>::max()));
      Fixed(static_cast<int32_t>(b.size()));
    }
    out_.append(b);
  }
  void NullableBytes(const std::optional<std::string>& b) {
    if (b) return Bytes(*b);
    if (flexible_) {
      out_.push_back(0);
    } else {
      Fixed(int32_t{-1});
    }
  }
  // The RECORDS type: nullable bytes holding record batches.
  void Records(const std::optional<std::string>& b) {
    if (splices_ == nullptr || !b || b->size() < min_splice_bytes_) return NullableBytes(b);
    if (flexible_) {
      AppendUnsignedVarint(out_, b->size() + 1);
    } else {
      assert(b->size() <= static_cast<size_t>(std::numeric_limits<int32_t>::max()));
      Fixed(static_cast<int32_t>(b->size()));
    }
    splices_->push_back(Splice{.position = out_.size(), .bytes = *b});
  }
  // RECORDS sent from a file when `external` is set (see ExternalBytes), else `b`.
  void Records(const std::optional<std::string>& b,
               const std::shared_ptr<const ExternalBytes>& external) {
    if (external == nullptr) return Records(b);
    const size_t n = external->size();
    if (flexible_) {
      AppendUnsignedVarint(out_, n + 1);
    } else {
      assert(n <= static_cast<size_t>(std::numeric_limits<int32_t>::max()));
      Fixed(static_cast<int32_t>(n));
    }
    if (splices_ != nullptr) {
      splices_->push_back(Splice{.position = out_.size(), .external = external.get()});
      return;
    }
    // Zeros where the file failed us: the batch CRCs reject them.
    const size_t end = out_.size() + n;
    if (!external->AppendTo(out_) || out_.size() != end) out_.resize(end, '\0');
  }

  template <typename T>
  void Array(std::vector<T>& v) {
    ArrayLength(static_cast<int64_t>(v.size()));
    for (T& item : v) SerdeItem(*this, item);
  }
  template <typename T>
  void NullableArray(std::optional<std::vector<T>>& v) {
    if (v) return Array(*v);
    ArrayLength(-1);
  }

  void TaggedFields() {
    if (flexible_) out_.push_back(0);
  }
  template <typename Fn>
  void TaggedFields(Fn&& fn);

  // Raw bytes, no length prefix (record batches, headers written by hand).
  void Raw(std::string_view bytes) { out_.append(bytes); }
  std::string& out() { return out_; }

 private:
  template <typename T>
  void Fixed(T v) {
    using U = std::make_unsigned_t<T>;
    U u = static_cast<U>(v);
    char buf[sizeof(T)];
    for (size_t i = 0; i < sizeof(T); ++i) {
      buf[i] = static_cast<char>(u >> (8 * (sizeof(T) - 1 - i)));
    }
    out_.append(buf, sizeof(T));
  }
  void ArrayLength(int64_t n) {
    if (flexible_) {
      AppendUnsignedVarint(out_, static_cast<uint64_t>(n + 1));
    } else {
      Fixed(static_cast<int32_t>(n));
    }
  }

  std::string& out_;
  int16_t version_;
  bool flexible_;
  std::vector<Splice>* splices_ = nullptr;
  size_t min_splice_bytes_ = 0;
};

// ---------------------------------------------------------------------------

class Sizer {
 public:
  static constexpr bool kDecoding = false;

  Sizer(int16_t version, bool flexible) : version_(version), flexible_(flexible) {}

  int16_t version() const { return version_; }
  bool flexible() const { return flexible_; }
  size_t size() const { return size_; }

  void Int8(const int8_t&) { size_ += 1; }
  void Int16(const int16_t&) { size_ += 2; }
  void Int32(const int32_t&) { size_ += 4; }
  void Int64(const int64_t&) { size_ += 8; }
  void UInt16(const uint16_t&) { size_ += 2; }
  void UInt32(const uint32_t&) { size_ += 4; }
  void Bool(const bool&) { size_ += 1; }
  void Float64(const double&) { size_ += 8; }
  void VarInt(const int32_t& v) { size_ += VarintSize(v); }
  void VarLong(const int64_t& v) { size_ += VarlongSize(v); }
  void UnsignedVarInt(const uint32_t& v) { size_ += UnsignedVarintSize(v); }
  void Error(const ErrorCode&) { size_ += 2; }
  void Uuid(const brook::Uuid&) { size_ += 16; }

  void String(const std::string& s) {
    size_ += flexible_ ? UnsignedVarintSize(s.size() + 1) + s.size()
                       : 2 + std::min(s.size(), kMaxClassicString);
  }
  void NullableString(const std::optional<std::string>& s) {
    if (s) return String(*s);
    size_ += flexible_ ? 1 : 2;
  }
  void Bytes(const std::string& b) {
    size_ += (flexible_ ? UnsignedVarintSize(b.size() + 1) : 4) + b.size();
  }
  void NullableBytes(const std::optional<std::string>& b) {
    if (b) return Bytes(*b);
    size_ += flexible_ ? 1 : 4;
  }
  void Records(const std::optional<std::string>& b) { NullableBytes(b); }
  void Records(const std::optional<std::string>& b,
               const std::shared_ptr<const ExternalBytes>& external) {
    if (external == nullptr) return NullableBytes(b);
    size_ += (flexible_ ? UnsignedVarintSize(external->size() + 1) : 4) + external->size();
  }

  template <typename T>
  void Array(std::vector<T>& v) {
    size_ += flexible_ ? UnsignedVarintSize(v.size() + 1) : 4;
    for (T& item : v) SerdeItem(*this, item);
  }
  template <typename T>
  void NullableArray(std::optional<std::vector<T>>& v) {
    if (v) return Array(*v);
    size_ += flexible_ ? 1 : 4;
  }

  void TaggedFields() {
    if (flexible_) size_ += 1;
  }
  template <typename Fn>
  void TaggedFields(Fn&& fn);

  void Raw(std::string_view bytes) { size_ += bytes.size(); }
  void Add(size_t n) { size_ += n; }

 private:
  int16_t version_;
  bool flexible_;
  size_t size_ = 0;
};

// ---------------------------------------------------------------------------

class Decoder {
 public:
  static constexpr bool kDecoding = true;

  Decoder(std::string_view in, int16_t version, bool flexible)
      : begin_(reinterpret_cast<const uint8_t*>(in.data())),
        p_(begin_),
        end_(p_ + in.size()),
        version_(version),
        flexible_(flexible) {}

  int16_t version() const { return version_; }
  bool flexible() const { return flexible_; }
  bool ok() const { return error_ == Errc{}; }
  Errc error() const { return error_; }
  size_t remaining() const { return static_cast<size_t>(end_ - p_); }
  // Where the first error was found, in bytes from the start of the input.
  size_t error_offset() const { return error_offset_; }

  void Int8(int8_t& v) { v = Fixed<int8_t>(); }
  void Int16(int16_t& v) { v = Fixed<int16_t>(); }
  void Int32(int32_t& v) { v = Fixed<int32_t>(); }
  void Int64(int64_t& v) { v = Fixed<int64_t>(); }
  void UInt16(uint16_t& v) { v = Fixed<uint16_t>(); }
  void UInt32(uint32_t& v) { v = Fixed<uint32_t>(); }
  void Bool(bool& v) { v = Fixed<uint8_t>() != 0; }
  void Float64(double& v) { v = std::bit_cast<double>(Fixed<uint64_t>()); }
  void VarInt(int32_t& v) { v = UnZigZag32(static_cast<uint32_t>(ReadUvarint(5))); }
  void VarLong(int64_t& v) { v = UnZigZag64(ReadUvarint(10)); }
  void UnsignedVarInt(uint32_t& v) { v = static_cast<uint32_t>(ReadUvarint(5)); }
  // Unknown numbers are kept as they are.
  void Error(ErrorCode& e) { e = static_cast<ErrorCode>(Fixed<int16_t>()); }
  void Uuid(brook::Uuid& v) {
    if (!Need(16)) {
      v = brook::Uuid{};
      return;
    }
    std::memcpy(v.bytes.data(), p_, 16);
    p_ += 16;
  }

  void String(std::string& s) {
    int64_t n = flexible_ ? static_cast<int64_t>(ReadUvarint(5)) - 1 : Fixed<int16_t>();
    s.clear();
    if (n < 0) return Fail(Errc::kNegativeLength);
    Take(n, s);
  }
  void NullableString(std::optional<std::string>& s) {
    int64_t n = flexible_ ? static_cast<int64_t>(ReadUvarint(5)) - 1 : Fixed<int16_t>();
    s.reset();
    if (n == -1 || !ok()) return;
    if (n < -1) return Fail(Errc::kNegativeLength);
    Take(n, s.emplace());
  }
  void Bytes(std::string& b) {
    int64_t n = flexible_ ? static_cast<int64_t>(ReadUvarint(5)) - 1 : Fixed<int32_t>();
    b.clear();
    if (n < 0) return Fail(Errc::kNegativeLength);
    Take(n, b);
  }
  void NullableBytes(std::optional<std::string>& b) {
    int64_t n = flexible_ ? static_cast<int64_t>(ReadUvarint(5)) - 1 : Fixed<int32_t>();
    b.reset();
    if (n == -1 || !ok()) return;
    if (n < -1) return Fail(Errc::kNegativeLength);
    Take(n, b.emplace());
  }
  // Borrowing (see BorrowRecords): a non-null field decodes to an empty
  // string and its bytes are listed as a view into the input instead.
  void Records(std::optional<std::string>& b) {
    if (borrowed_ == nullptr) return NullableBytes(b);
    int64_t n = flexible_ ? static_cast<int64_t>(ReadUvarint(5)) - 1 : Fixed<int32_t>();
    b.reset();
    if (!ok()) return;
    if (n == -1) {
      borrowed_->emplace_back();
      return;
    }
    if (n < -1) return Fail(Errc::kNegativeLength);
    if (static_cast<uint64_t>(n) > remaining()) return Fail(Errc::kLengthExceedsInput);
    b.emplace();
    borrowed_->emplace_back(reinterpret_cast<const char*>(p_), static_cast<size_t>(n));
    p_ += n;
  }
  void Records(std::optional<std::string>& b, std::shared_ptr<const ExternalBytes>& external) {
    external.reset();
    Records(b);
  }
  // From now on RECORDS fields are not copied: each one (in the order they
  // are decoded; a null one as an empty view) is appended to `*records` as a
  // view into the input, which the caller keeps alive.
  void BorrowRecords(std::vector<std::string_view>* records) { borrowed_ = records; }

  template <typename T>
  void Array(std::vector<T>& v) {
    v.clear();
    int64_t n = ArrayLength();
    if (n < 0) return Fail(Errc::kNegativeLength);
    Elements(n, v);
  }
  template <typename T>
  void NullableArray(std::optional<std::vector<T>>& v) {
    v.reset();
    int64_t n = ArrayLength();
    if (n == -1 || !ok()) return;
    if (n < -1) return Fail(Errc::kNegativeLength);
    Elements(n, v.emplace());
  }

  // Skips (and checks) a tagged-field section of which no tag is known.
  void TaggedFields() {
    TaggedFields([](auto&) {});
  }
  template <typename Fn>
  void TaggedFields(Fn&& fn);

  // `n` raw bytes as a view into the input; empty on error.
  std::string_view RawView(size_t n) {
    if (!Need(n)) return {};
    std::string_view view(reinterpret_cast<const char*>(p_), n);
    p_ += n;
    return view;
  }

  void Fail(Errc e) {
    if (ok()) {
      error_ = e;
      error_offset_ = static_cast<size_t>(p_ - begin_);
    }
    p_ = end_;
  }

 private:
  bool Need(size_t n) {
    if (!ok()) return false;
    if (remaining() < n) {
      Fail(Errc::kTruncated);
      return false;
    }
    return true;
  }
  template <typename T>
  T Fixed() {
    if (!Need(sizeof(T))) return T{};
    using U = std::make_unsigned_t<T>;
    U u = 0;
    for (size_t i = 0; i < sizeof(T); ++i) u = static_cast<U>((u << 8) | p_[i]);
    p_ += sizeof(T);
    return static_cast<T>(u);
  }
  uint64_t ReadUvarint(int max_bytes) {
    if (!ok()) return 0;
    uint64_t v = 0;
    switch (ReadUnsignedVarint(&p_, end_, max_bytes, &v)) {
      case VarintStatus::kOk: return v;
      case VarintStatus::kTruncated: Fail(Errc::kTruncated); return 0;
      case VarintStatus::kTooLong: Fail(Errc::kVarintTooLong); return 0;
    }
    return 0;
  }
  void Take(int64_t n, std::string& out) {
    if (!ok()) return;
    if (static_cast<uint64_t>(n) > remaining()) return Fail(Errc::kLengthExceedsInput);
    out.assign(reinterpret_cast<const char*>(p_), static_cast<size_t>(n));
    p_ += n;
  }
  int64_t ArrayLength() {
    if (flexible_) return static_cast<int64_t>(ReadUvarint(5)) - 1;
    return Fixed<int32_t>();
  }
  template <typename T>
  void Elements(int64_t n, std::vector<T>& v) {
    if (!ok()) return;
    // Every element takes at least one byte, so a count above the remaining
    // input is malformed; checking first bounds the allocation by the input.
    if (static_cast<uint64_t>(n) > remaining()) return Fail(Errc::kLengthExceedsInput);
    v.reserve(static_cast<size_t>(n));
    for (int64_t i = 0; i < n && ok(); ++i) SerdeItem(*this, v.emplace_back());
  }

  const uint8_t* begin_;
  const uint8_t* p_;
  const uint8_t* end_;
  std::vector<std::string_view>* borrowed_ = nullptr;
  int16_t version_;
  bool flexible_;
  Errc error_{};
  size_t error_offset_ = 0;
};

// ---------------------------------------------------------------------------
// Tagged fields. The visitor objects below are what `tags` is in the lambda.

namespace detail {

struct TagCounter {
  size_t count = 0;
  template <typename F>
  void Field(uint32_t /*tag*/, bool present, F&& /*serde*/) {
    if (present) ++count;
  }
};

struct TagSizer {
  Sizer& sizer;
  template <typename F>
  void Field(uint32_t tag, bool present, F&& serde) {
    if (!present) return;
    Sizer inner(sizer.version(), sizer.flexible());
    serde(inner);
    sizer.Add(UnsignedVarintSize(tag) + UnsignedVarintSize(inner.size()) + inner.size());
  }
};

struct TagWriter {
  Encoder& enc;
  template <typename F>
  void Field(uint32_t tag, bool present, F&& serde) {
    if (!present) return;
    Sizer inner(enc.version(), enc.flexible());
    serde(inner);
    AppendUnsignedVarint(enc.out(), tag);
    AppendUnsignedVarint(enc.out(), inner.size());
    serde(enc);
  }
};

struct TagReader {
  uint32_t tag;
  std::string_view body;
  int16_t version;
  Errc error{};
  template <typename F>
  void Field(uint32_t field_tag, bool /*present*/, F&& serde) {
    if (field_tag != tag) return;
    Decoder inner(body, version, /*flexible=*/true);
    serde(inner);
    if (!inner.ok()) {
      error = inner.error();
    } else if (inner.remaining() != 0) {
      error = Errc::kBadTaggedFields;
    }
  }
};

}  // namespace detail

template <typename Fn>
void Encoder::TaggedFields(Fn&& fn) {
  if (!flexible_) return;
  detail::TagCounter counter;
  fn(counter);
  AppendUnsignedVarint(out_, counter.count);
  detail::TagWriter writer{*this};
  fn(writer);
}

template <typename Fn>
void Sizer::TaggedFields(Fn&& fn) {
  if (!flexible_) return;
  detail::TagCounter counter;
  fn(counter);
  size_ += UnsignedVarintSize(counter.count);
  detail::TagSizer sizer{*this};
  fn(sizer);
}

template <typename Fn>
void Decoder::TaggedFields(Fn&& fn) {
  if (!flexible_ || !ok()) return;
  uint64_t count = ReadUvarint(5);
  if (!ok()) return;
  if (count > remaining()) return Fail(Errc::kLengthExceedsInput);
  int64_t previous_tag = -1;
  for (uint64_t i = 0; i < count && ok(); ++i) {
    uint64_t tag = ReadUvarint(5);
    uint64_t size = ReadUvarint(5);
    if (!ok()) return;
    if (static_cast<int64_t>(tag) <= previous_tag) return Fail(Errc::kBadTaggedFields);
    previous_tag = static_cast<int64_t>(tag);
    std::string_view body = RawView(size);
    if (!ok()) return;
    detail::TagReader reader{static_cast<uint32_t>(tag), body, version_};
    fn(reader);
    if (reader.error != Errc{}) return Fail(reader.error);
  }
}

// ---------------------------------------------------------------------------
// Whole messages. M provides kVersions, kFirstFlexibleVersion and Serde.

template <typename M>
constexpr bool IsFlexible(int16_t version) {
  return version >= M::kFirstFlexibleVersion;
}

// Appends the body of `m` at `version` to `out`.
// REQUIRES: M::kVersions.Contains(version).
template <typename M>
void EncodeTo(std::string& out, const M& m, int16_t version) {
  Encoder enc(out, version, IsFlexible<M>(version));
  // Serde is shared by the three directions and so takes a non-const
  // reference; the Encoder and Sizer only read through it.
  const_cast<M&>(m).Serde(enc);
}

// EncodeTo, with the RECORDS fields of at least `min_splice_bytes` listed in
// `*splices` instead of copied (see Splice). The bytes they view live in `m`.
template <typename M>
void EncodeTo(std::string& out, const M& m, int16_t version, std::vector<Splice>* splices,
              size_t min_splice_bytes) {
  Encoder enc(out, version, IsFlexible<M>(version), splices, min_splice_bytes);
  const_cast<M&>(m).Serde(enc);
}

template <typename M>
std::string Encode(const M& m, int16_t version) {
  std::string out;
  EncodeTo(out, m, version);
  return out;
}

template <typename M>
size_t EncodedSize(const M& m, int16_t version) {
  Sizer sizer(version, IsFlexible<M>(version));
  const_cast<M&>(m).Serde(sizer);
  return sizer.size();
}

// Decodes a whole message body: bytes left over are an error.
// With `borrowed_records`, RECORDS fields are views into `in` listed there
// (Decoder::BorrowRecords) rather than copies.
template <typename M>
Result<M> Decode(std::string_view in, int16_t version,
                 std::vector<std::string_view>* borrowed_records = nullptr) {
  if (!M::kVersions.Contains(version)) {
    return Status(Errc::kUnsupportedVersion, "version " + std::to_string(version));
  }
  M m{};
  Decoder dec(in, version, IsFlexible<M>(version));
  if (borrowed_records != nullptr) dec.BorrowRecords(borrowed_records);
  m.Serde(dec);
  if (dec.ok() && dec.remaining() != 0) dec.Fail(Errc::kTrailingBytes);
  if (!dec.ok()) {
    return Status(dec.error(), "at byte " + std::to_string(dec.error_offset()));
  }
  return m;
}

}  // namespace brook::wire

// Explicit instantiation of a message's Serde for the three Io types: the
// header says BROOK_SERDE_EXTERN(T) and the message's .cc BROOK_SERDE_DEFINE(T),
// so each Serde body is compiled once.
#define BROOK_SERDE_EXTERN(T)                                                     \
  extern template void T::Serde<::brook::wire::Encoder>(::brook::wire::Encoder&); \
  extern template void T::Serde<::brook::wire::Decoder>(::brook::wire::Decoder&); \
  extern template void T::Serde<::brook::wire::Sizer>(::brook::wire::Sizer&)
#define BROOK_SERDE_DEFINE(T)                                              \
  template void T::Serde<::brook::wire::Encoder>(::brook::wire::Encoder&); \
  template void T::Serde<::brook::wire::Decoder>(::brook::wire::Decoder&); \
  template void T::Serde<::brook::wire::Sizer>(::brook::wire::Sizer&)

namespace brook {
using wire::kNoFlexibleVersions;
using wire::VersionRange;
}  // namespace brook
