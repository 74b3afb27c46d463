#include "jicofo/core/error.hpp"
#include "jicofo/core/result.hpp"

#include <gtest/gtest.h>

#include <string>

namespace jicofo::core {
namespace {

TEST(ErrorCategory, CodesCarryTheirOwnCategoryAndMessage) {
    std::error_code code = Errc::timeout;
    EXPECT_EQ(code.category().name(), std::string("jicofo"));
    EXPECT_EQ(code.message(), "timed out");
    EXPECT_NE(std::error_code(Errc::disconnected), code);
}

TEST(Result, HoldsAValueOrAnError) {
    Result<int, std::string> ok = 42;
    ASSERT_TRUE(ok.has_value());
    EXPECT_EQ(*ok, 42);

    Result<int, std::string> failed = unexpected(std::string("boom"));
    ASSERT_FALSE(failed);
    EXPECT_EQ(failed.error(), "boom");
}

}  // namespace
}  // namespace jicofo::core
