// Test helpers: parse a literal XML document or fail the test, and compare trees with a readable diff.
#pragma once

#include "jicofo/stanza/xml_codec.hpp"

#include <gtest/gtest.h>

#include <string_view>

namespace jicofo::stanza::testing {

inline XmlElement xml(std::string_view text) {
    auto parsed = parse_xml(text);
    EXPECT_TRUE(parsed.has_value()) << (parsed ? "" : parsed.error().message()) << "\n" << text;
    return parsed ? parsed.value() : XmlElement("parse-failed");
}

inline ::testing::AssertionResult same_xml(const XmlElement& actual, const XmlElement& expected) {
    if (actual == expected) {
        return ::testing::AssertionSuccess();
    }
    return ::testing::AssertionFailure() << "\n  actual:   " << to_xml_string(actual)
                                         << "\n  expected: " << to_xml_string(expected);
}

// The golden round trip: T::parse(golden).to_xml() must give back the golden element.
template <typename T>
::testing::AssertionResult round_trips(const XmlElement& golden) {
    auto parsed = T::parse(golden);
    if (!parsed) {
        return ::testing::AssertionFailure() << "parse failed: " << parsed.error().message();
    }
    return same_xml(parsed->to_xml(), golden);
}

}  // namespace jicofo::stanza::testing
