// tests/protocol/error_code_test.cc
#include "protocol/error_code.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <system_error>

namespace brook {
namespace {

TEST(ErrorCodeTest, EnumeratorsCarryProtocolNumbers) {
  EXPECT_EQ(static_cast<int16_t>(ErrorCode::kUnknownServerError), -1);
  EXPECT_EQ(static_cast<int16_t>(ErrorCode::kNone), 0);
  EXPECT_EQ(static_cast<int16_t>(ErrorCode::kNotLeaderOrFollower), 6);
  EXPECT_EQ(static_cast<int16_t>(ErrorCode::kTopicAlreadyExists), 36);
  EXPECT_EQ(static_cast<int16_t>(ErrorCode::kUnknownTopicId), 100);
  EXPECT_EQ(static_cast<int16_t>(ErrorCode::kRebootstrapRequired), 129);
}

TEST(ErrorCodeTest, NamesMatchTheProtocolTable) {
  EXPECT_EQ(ErrorName(ErrorCode::kUnknownServerError), "UNKNOWN_SERVER_ERROR");
  EXPECT_EQ(ErrorName(ErrorCode::kNone), "NONE");
  EXPECT_EQ(ErrorName(ErrorCode::kOffsetOutOfRange), "OFFSET_OUT_OF_RANGE");
  EXPECT_EQ(ErrorName(ErrorCode::kNotLeaderOrFollower), "NOT_LEADER_OR_FOLLOWER");
  EXPECT_EQ(ErrorName(ErrorCode::kInvalidTopicException), "INVALID_TOPIC_EXCEPTION");
  EXPECT_EQ(ErrorName(ErrorCode::kUnsupportedSaslMechanism), "UNSUPPORTED_SASL_MECHANISM");
  EXPECT_EQ(ErrorName(ErrorCode::kThrottlingQuotaExceeded), "THROTTLING_QUOTA_EXCEEDED");
  EXPECT_EQ(ErrorName(ErrorCode::kFetchSessionTopicIdError), "FETCH_SESSION_TOPIC_ID_ERROR");
  EXPECT_EQ(ErrorName(ErrorCode::kRebootstrapRequired), "REBOOTSTRAP_REQUIRED");
}

TEST(ErrorCodeTest, RetriableFlagsMatchTheProtocolTable) {
  EXPECT_TRUE(IsRetriable(ErrorCode::kCorruptMessage));
  EXPECT_TRUE(IsRetriable(ErrorCode::kNotLeaderOrFollower));
  EXPECT_TRUE(IsRetriable(ErrorCode::kReplicaNotAvailable));
  EXPECT_TRUE(IsRetriable(ErrorCode::kNotController));
  EXPECT_TRUE(IsRetriable(ErrorCode::kKafkaStorageError));
  EXPECT_TRUE(IsRetriable(ErrorCode::kElectionNotNeeded));
  EXPECT_TRUE(IsRetriable(ErrorCode::kUnknownTopicId));
  EXPECT_TRUE(IsRetriable(ErrorCode::kInvalidShareSessionEpoch));

  EXPECT_FALSE(IsRetriable(ErrorCode::kNone));
  EXPECT_FALSE(IsRetriable(ErrorCode::kUnknownServerError));
  EXPECT_FALSE(IsRetriable(ErrorCode::kBrokerNotAvailable));
  EXPECT_FALSE(IsRetriable(ErrorCode::kRebalanceInProgress));
  EXPECT_FALSE(IsRetriable(ErrorCode::kUnknownProducerId));
  EXPECT_FALSE(IsRetriable(ErrorCode::kOffsetMovedToTieredStorage));
  EXPECT_FALSE(IsRetriable(ErrorCode::kTransactionAbortable));
}

TEST(ErrorCodeTest, EveryNumberFromMinusOneTo129IsKnownWithADistinctName) {
  std::set<std::string_view> names;
  for (int code = -1; code <= 129; ++code) {
    EXPECT_TRUE(IsKnownErrorCode(static_cast<int16_t>(code))) << code;
    std::string_view name = ErrorName(static_cast<ErrorCode>(code));
    EXPECT_NE(name, "UNKNOWN_ERROR_CODE") << code;
    EXPECT_TRUE(names.insert(name).second) << "duplicate name " << name;
  }
}

TEST(ErrorCodeTest, UnknownNumbersGiveUnknownErrorCode) {
  for (int16_t code : {int16_t{-2}, int16_t{130}, int16_t{1000}, int16_t{-32768}}) {
    EXPECT_FALSE(IsKnownErrorCode(code)) << code;
    EXPECT_EQ(ErrorName(static_cast<ErrorCode>(code)), "UNKNOWN_ERROR_CODE") << code;
    EXPECT_FALSE(IsRetriable(static_cast<ErrorCode>(code))) << code;
  }
}

TEST(ErrorCodeTest, MakeErrorCodeUsesTheKafkaCategoryAndProtocolName) {
  std::error_code ec = make_error_code(ErrorCode::kNotCoordinator);
  EXPECT_EQ(ec.value(), 16);
  EXPECT_STREQ(ec.category().name(), "kafka");
  EXPECT_EQ(ec.message(), "NOT_COORDINATOR");
  EXPECT_TRUE(ec);

  std::error_code converted = ErrorCode::kUnknownServerError;  // is_error_code_enum
  EXPECT_EQ(converted, ErrorCode::kUnknownServerError);
  EXPECT_EQ(converted.message(), "UNKNOWN_SERVER_ERROR");

  EXPECT_FALSE(make_error_code(ErrorCode::kNone));  // NONE is "no error"
  EXPECT_EQ(make_error_code(static_cast<ErrorCode>(999)).message(), "UNKNOWN_ERROR_CODE");
  EXPECT_NE(make_error_code(ErrorCode::kNotCoordinator), std::make_error_code(std::errc::io_error));
}

}  // namespace
}  // namespace brook
