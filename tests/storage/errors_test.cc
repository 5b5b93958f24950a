// tests/storage/errors_test.cc
#include "storage/errors.h"

#include <gtest/gtest.h>

#include <string>
#include <system_error>

#include "protocol/base/status.h"

namespace brook::storage {
namespace {

TEST(ErrorsTest, CodesCarryTheStorageCategory) {
  const std::error_code code = Errc::kCorruptIndex;
  EXPECT_STREQ(code.category().name(), "brook.storage");
  EXPECT_EQ(code.message(), "corrupt index");
  EXPECT_EQ(code, Errc::kCorruptIndex);
  EXPECT_NE(code, Errc::kCorruptBatch);
  EXPECT_NE(code, std::error_code(static_cast<int>(Errc::kCorruptIndex), std::generic_category()));
}

TEST(ErrorsTest, EveryCodeHasItsOwnMessage) {
  for (int a = static_cast<int>(Errc::kCorruptBatch); a <= static_cast<int>(Errc::kInvalidArgument);
       ++a) {
    const std::string message = make_error_code(static_cast<Errc>(a)).message();
    EXPECT_NE(message, "unknown storage error") << a;
    for (int b = static_cast<int>(Errc::kCorruptBatch); b < a; ++b) {
      EXPECT_NE(message, make_error_code(static_cast<Errc>(b)).message()) << a << " " << b;
    }
  }
}

TEST(ErrorsTest, StatusShowsContextAndMessage) {
  const Status s(Errc::kNotFound, "t-0/00000000000000000000.log");
  EXPECT_EQ(s.code(), Errc::kNotFound);
  EXPECT_NE(s.ToString().find("t-0/00000000000000000000.log"), std::string::npos);
}

}  // namespace
}  // namespace brook::storage
