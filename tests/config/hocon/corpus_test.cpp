// Realistic jicofo.conf files (Debian install, docker, visitors/codecs/regions) and malformed ones, read from the
// shared corpus, layered over a small reference and resolved.
#include <gtest/gtest.h>

#include "hocon_test_support.hpp"

namespace jicofo::config::hocon {
namespace {

using testing::fake_environment;
using testing::parse_ok;
using testing::resolve_ok;
using testing::text_at;
using testing::texts_at;

const std::filesystem::path kCorpus = JICOFO_CORPUS_DIR;

// A small stand-in for reference.conf: the defaults the corpus files are layered over.
constexpr std::string_view kReference = R"(
jicofo {
  xmpp {
    client {
      enabled = true
      hostname = "localhost"
      port = 5222
      username = "focus"
      resource = ${jicofo.xmpp.client.username}
      reply-timeout = 15 seconds
    }
    trusted-domains = [ "jibri.meet.example.org" ]
  }
  bridge {
    max-bridge-participants = 80
    health-checks { enabled = true, interval = 10 seconds }
  }
  codec.video {
    vp9 { enabled = true, pt = 101, rtx-pt = 97 }
    h264 { enabled = true, pt = 107, rtx-pt = 99 }
  }
  conference {
    max-ssrcs-per-user = 20
    max-ssrc-groups-per-user = ${jicofo.conference.max-ssrcs-per-user}
  }
  sctp.enabled = true
  octo.sctp-datachannels = ${jicofo.sctp.enabled}
}
)";

Value load(const std::string& name, const EnvironmentLookup& environment = fake_environment()) {
    auto parsed = parse_file(kCorpus / name);
    if (!parsed) {
        ADD_FAILURE() << parsed.error().describe();
        return Value();
    }
    return resolve_ok(merge(*parsed, parse_ok(kReference, "<reference.conf>")), environment);
}

ParseError error_in(const std::string& name) {
    auto parsed = parse_file(kCorpus / "malformed" / name);
    if (!parsed) {
        return parsed.error();
    }
    auto resolved = resolve(*parsed, fake_environment());
    if (!resolved) {
        return resolved.error();
    }
    ADD_FAILURE() << name << " was expected to fail";
    return ParseError{};
}

void expect_error(const std::string& name, int line, int column, std::string_view words, const std::string& file = {}) {
    const ParseError error = error_in(name);
    EXPECT_EQ(error.origin.file, (kCorpus / "malformed" / (file.empty() ? name : file)).string());
    EXPECT_EQ(error.origin.line, line) << error.describe();
    EXPECT_EQ(error.origin.column, column) << error.describe();
    EXPECT_NE(error.message.find(words), std::string::npos) << error.describe();
}

TEST(HoconCorpus, DebianInstallConfGivesThePostinstValues) {
    const Value root = load("debian-install.conf");
    EXPECT_EQ(text_at(root, "jicofo.xmpp.client.client-proxy"), "focus.meet.example.org");
    EXPECT_EQ(text_at(root, "jicofo.xmpp.client.xmpp-domain"), "meet.example.org");
    EXPECT_EQ(text_at(root, "jicofo.xmpp.client.domain"), "auth.meet.example.org");
    EXPECT_EQ(text_at(root, "jicofo.xmpp.client.username"), "focus");
    EXPECT_EQ(text_at(root, "jicofo.xmpp.client.password"), "Qm7vXr2LpZ9sKe4T");
    EXPECT_EQ(text_at(root, "jicofo.xmpp.client.resource"), "focus");
    EXPECT_EQ(text_at(root, "jicofo.xmpp.client.port"), "5222");
    EXPECT_EQ(texts_at(root, "jicofo.xmpp.trusted-domains"), (std::vector<std::string>{"recorder.meet.example.org"}));
    EXPECT_EQ(text_at(root, "jicofo.bridge.brewery-jid"), "JvbBrewery@internal.auth.meet.example.org");
    EXPECT_EQ(text_at(root, "jicofo.bridge.max-bridge-participants"), "80");
}

TEST(HoconCorpus, DockerGeneratedConfGivesItsValuesOverTheDefaults) {
    const Value root = load("docker-generated.conf");
    EXPECT_EQ(text_at(root, "jicofo.authentication.enabled"), "true");
    EXPECT_EQ(root.find("jicofo.authentication.enabled")->kind(), Kind::Boolean);
    EXPECT_EQ(text_at(root, "jicofo.authentication.type"), "JWT");
    EXPECT_EQ(text_at(root, "jicofo.authentication.login-url"), "meet.example.org");
    EXPECT_EQ(text_at(root, "jicofo.bridge.health-checks.interval"), "15 seconds");
    EXPECT_EQ(text_at(root, "jicofo.bridge.health-checks.enabled"), "true");
    EXPECT_EQ(text_at(root, "jicofo.bridge.max-bridge-participants"), "120");
    EXPECT_EQ(text_at(root, "jicofo.bridge.stress-threshold"), "0.85");
    EXPECT_EQ(text_at(root, "jicofo.conference.source-signaling-delays.100"), "1000");
    EXPECT_EQ(text_at(root, "jicofo.conference.max-ssrc-groups-per-user"), "30");
    EXPECT_EQ(text_at(root, "jicofo.health.enabled"), "true");
    EXPECT_EQ(text_at(root, "jicofo.octo.enabled"), "true");
    EXPECT_EQ(text_at(root, "jicofo.sctp.enabled"), "false");
    EXPECT_EQ(text_at(root, "jicofo.octo.sctp-datachannels"), "false");
    EXPECT_EQ(text_at(root, "jicofo.visitors.max-participants"), "30");
    EXPECT_EQ(root.find("jicofo.xmpp.client.port")->kind(), Kind::String);
    EXPECT_EQ(text_at(root, "jicofo.xmpp.client.port"), "5222");
    EXPECT_EQ(text_at(root, "jicofo.xmpp.client.reply-timeout"), "15 seconds");
    EXPECT_EQ(texts_at(root, "jicofo.xmpp.trusted-domains"),
              (std::vector<std::string>{"hidden.meet.example.org", "recorder.meet.example.org"}));
}

TEST(HoconCorpus, VisitorsCodecsRegionsConfWithoutEnvironment) {
    const Value root = load("visitors-codecs-regions.conf");
    EXPECT_EQ(text_at(root, "jicofo.xmpp.client.port"), "5222");
    EXPECT_EQ(root.find("jicofo.xmpp.client.password"), nullptr);
    EXPECT_EQ(
        texts_at(root, "jicofo.xmpp.trusted-domains"),
        (std::vector<std::string>{"jibri.meet.example.org", "recorder.meet.example.org", "auth.meet.example.org"}));
    EXPECT_EQ(text_at(root, "jicofo.codec.video.vp9.enabled"), "false");
    EXPECT_EQ(text_at(root, "jicofo.codec.video.vp9.pt"), "101");
    EXPECT_EQ(text_at(root, "jicofo.codec.video.h264.rtx-pt"), "-1");
    EXPECT_EQ(root.find("jicofo.codec.video.h264.rtx-pt")->kind(), Kind::Number);
    EXPECT_EQ(text_at(root, "jicofo.local-region"), "eu-central-1");
    const Value* groups = root.find("jicofo.bridge.region-groups");
    ASSERT_NE(groups, nullptr);
    ASSERT_EQ(groups->items().size(), 2U);
    EXPECT_EQ(groups->items()[1].items()[0].text(), "eu-central-1");
    EXPECT_EQ(groups->items()[0].items()[1].text(), "us-west-2");
    EXPECT_EQ(text_at(root, "jicofo.conference.source-signaling-delays.50"), "500");
    EXPECT_EQ(text_at(root, "jicofo.transcription.url-template"),
              "wss://{{REGION}}.transcriber.meet.example.org/\"record\"/{{MEETING_ID}}");
}

TEST(HoconCorpus, VisitorNodesComeFromTheIncludedFile) {
    const Value root = load("visitors-codecs-regions.conf");
    EXPECT_EQ(text_at(root, "jicofo.xmpp.visitors.v1.hostname"), "10.0.0.11");
    EXPECT_EQ(text_at(root, "jicofo.xmpp.visitors.v1.port"), "7701");
    EXPECT_EQ(text_at(root, "jicofo.xmpp.visitors.v1.domain"), "auth.meet.example.org");
    EXPECT_EQ(root.find("jicofo.xmpp.visitors.v1.password"), nullptr);
    EXPECT_EQ(text_at(root, "jicofo.xmpp.visitors.v2.enabled"), "false");
    EXPECT_EQ(text_at(root, "jicofo.xmpp.visitors.v2.conference-service"), "conference.v2.meet.example.org");
    EXPECT_EQ(root.find("jicofo.xmpp.visitors.v2.port")->origin().file,
              (kCorpus / "includes" / "visitors-nodes.conf").string());
}

TEST(HoconCorpus, VisitorsCodecsRegionsConfTakesOverridesFromTheEnvironment) {
    const Value root = load("visitors-codecs-regions.conf", fake_environment({{"JICOFO_XMPP_PORT", "15222"},
                                                                              {"JICOFO_AUTH_PASSWORD", "pw"},
                                                                              {"JICOFO_LOCAL_REGION", "us-east-1"},
                                                                              {"JICOFO_VISITORS_PASSWORD", "vpw"}}));
    EXPECT_EQ(text_at(root, "jicofo.xmpp.client.port"), "15222");
    EXPECT_EQ(text_at(root, "jicofo.xmpp.client.password"), "pw");
    EXPECT_EQ(text_at(root, "jicofo.local-region"), "us-east-1");
    EXPECT_EQ(text_at(root, "jicofo.xmpp.visitors.v1.password"), "vpw");
}

TEST(HoconCorpus, MalformedUnterminatedString) {
    expect_error("unterminated-string.conf", 2, 28, "unterminated quoted string");
}

TEST(HoconCorpus, MalformedUnclosedBrace) {
    expect_error("unclosed-brace.conf", 1, 8, "never closed");
}

TEST(HoconCorpus, MalformedMissingValue) {
    expect_error("missing-value.conf", 2, 22, "expected a value");
}

TEST(HoconCorpus, MalformedUnexpectedClosingBrace) {
    expect_error("unexpected-close-brace.conf", 2, 1, "unexpected '}'");
}

TEST(HoconCorpus, MalformedBadEscape) {
    expect_error("bad-escape.conf", 1, 35, "invalid escape sequence '\\q'");
}

TEST(HoconCorpus, MalformedMissingRequiredInclude) {
    expect_error("missing-required-include.conf", 3, 3, "no-such-file.conf");
}

TEST(HoconCorpus, MalformedSubstitutionOfAnUndefinedKey) {
    expect_error("undefined-substitution.conf", 3, 37, "${jicofo.xmpp.client.no-such-key}");
    EXPECT_EQ(error_in("undefined-substitution.conf").key, "jicofo.bridge.brewery-jid");
}

TEST(HoconCorpus, MalformedIncludeCycle) {
    expect_error("include-cycle-a.conf", 2, 3, "include cycle", "include-cycle-b.conf");
}

TEST(HoconCorpus, MalformedSubstitutionCycle) {
    expect_error("substitution-cycle.conf", 2, 35, "substitution cycle");
}

TEST(HoconCorpus, MalformedUrlInclude) {
    expect_error("unsupported-url-include.conf", 1, 9, "unsupported include");
}

TEST(HoconCorpus, MalformedEqualsWithoutKey) {
    expect_error("equals-without-key.conf", 3, 5, "expected a key");
}

}  // namespace
}  // namespace jicofo::config::hocon
