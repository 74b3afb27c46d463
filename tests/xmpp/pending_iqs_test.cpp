// The pending-IQ table with a manual clock: replies, timeouts, disconnects, spoofed senders, single completion.
#include "jicofo/xmpp/pending_iqs.hpp"

#include "jicofo/stanza/namespaces.hpp"

#include <gtest/gtest.h>

#include <set>

using namespace std::chrono_literals;
using jicofo::core::Errc;
using jicofo::stanza::ErrorCondition;
using jicofo::stanza::Iq;
using jicofo::stanza::IqType;
using jicofo::stanza::Jid;
using jicofo::stanza::StanzaError;
using jicofo::stanza::XmlElement;
using jicofo::xmpp::IqResult;
using jicofo::xmpp::PendingIqTable;
using jicofo::xmpp::ReplyMatch;

namespace {

const PendingIqTable::Clock::time_point t0{};

Jid jid(const char* text) {
    return Jid::parse(text).value();
}

Iq request(const std::string& id, std::optional<Jid> to) {
    Iq iq;
    iq.header = {IqType::get, id, std::nullopt, std::move(to)};
    iq.payload = XmlElement("ping", std::string(jicofo::stanza::kNsPing));
    return iq;
}

Iq reply(const std::string& id, std::optional<Jid> from, IqType type = IqType::result) {
    Iq iq;
    iq.header = {type, id, std::move(from), std::nullopt};
    if (type == IqType::error) {
        iq.error = StanzaError::make(ErrorCondition::item_not_found);
    }
    return iq;
}

struct Recorder {
    std::vector<IqResult> results;
    jicofo::xmpp::IqCallback callback() {
        return [this](IqResult r) { results.push_back(std::move(r)); };
    }
};

}  // namespace

TEST(PendingIqTable, ReplyFromTheAddresseeCompletesOnce) {
    PendingIqTable table;
    Recorder rec;
    std::string observed_ns;
    table.set_round_trip_observer([&](const std::string& ns, auto rtt) {
        observed_ns = ns;
        EXPECT_EQ(rtt, 7ms);
    });
    ASSERT_TRUE(table.add(request("a", jid("jvb@internal.meet.test/x")), t0, 500ms, rec.callback()));
    EXPECT_EQ(table.complete(reply("a", jid("jvb@internal.meet.test/x")), t0 + 7ms), ReplyMatch::completed);
    EXPECT_EQ(table.complete(reply("a", jid("jvb@internal.meet.test/x")), t0 + 8ms), ReplyMatch::unknown_id);
    EXPECT_EQ(table.expire(t0 + 10s), 0U);
    EXPECT_EQ(table.fail_all(Errc::disconnected), 0U);
    ASSERT_EQ(rec.results.size(), 1U);
    EXPECT_TRUE(rec.results[0].has_value());
    EXPECT_EQ(observed_ns, jicofo::stanza::kNsPing);
}

TEST(PendingIqTable, ReplyFromAnotherSenderIsIgnored) {
    PendingIqTable table;
    Recorder rec;
    table.add(request("a", jid("room@conference.meet.test/alice")), t0, 500ms, rec.callback());
    EXPECT_EQ(table.complete(reply("a", jid("room@conference.meet.test/mallory")), t0), ReplyMatch::foreign_sender);
    EXPECT_EQ(table.complete(reply("a", std::nullopt), t0), ReplyMatch::foreign_sender);
    EXPECT_TRUE(rec.results.empty());
    EXPECT_TRUE(table.contains("a"));
}

// A participant who learnt the id of the focus's request to a bridge forges an error with it: the request keeps
// waiting, and the bridge's real answer completes it (a forged error never marks the bridge failed).
TEST(PendingIqTable, ForgedErrorFromAnotherAccountLeavesTheRequestToTheRealAnswer) {
    PendingIqTable table;
    Recorder rec;
    const auto bridge = jid("jvbbrewery@internal.auth.meet.test/jvb1");
    const auto own = jid("focus@auth.meet.test/focus");
    table.add(request("a", bridge), t0, 5s, rec.callback());
    for (const auto& forger : {jid("mallory@meet.test/x"), jid("jvbbrewery@internal.auth.meet.test/jvb2"),
                               jid("focus@auth.meet.test"), jid("auth.meet.test"), bridge.bare()}) {
        EXPECT_EQ(table.complete(reply("a", forger, IqType::error), t0 + 1s, own), ReplyMatch::foreign_sender)
            << forger.to_string();
    }
    EXPECT_EQ(table.complete(reply("a", std::nullopt, IqType::error), t0 + 1s, own), ReplyMatch::foreign_sender);
    EXPECT_TRUE(rec.results.empty());
    EXPECT_EQ(table.expire(t0 + 2s), 0U);
    EXPECT_EQ(table.complete(reply("a", bridge), t0 + 3s, own), ReplyMatch::completed);
    ASSERT_EQ(rec.results.size(), 1U);
    EXPECT_TRUE(rec.results[0].has_value());
}

TEST(PendingIqTable, RequestIdsAreRandomAndUnrelated) {
    std::set<std::string> ids;
    for (int i = 0; i < 1000; ++i) {
        const auto id = jicofo::xmpp::random_request_id();
        EXPECT_EQ(id.size(), 24U) << id;
        EXPECT_EQ(id.find_first_not_of("0123456789abcdef"), std::string::npos) << id;
        ids.insert(id);
    }
    EXPECT_EQ(ids.size(), 1000U);
    // Consecutive ids share no counter: they differ in most positions, not just the last few.
    const auto a = jicofo::xmpp::random_request_id();
    const auto b = jicofo::xmpp::random_request_id();
    int same = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
        same += a[i] == b[i] ? 1 : 0;
    }
    EXPECT_LT(same, 12) << a << " " << b;
}

TEST(PendingIqTable, RequestToOwnServerAcceptsServerOrNoSender) {
    PendingIqTable table;
    Recorder rec;
    const auto own = jid("focus@auth.meet.test/focus");
    table.add(request("a", std::nullopt), t0, 500ms, rec.callback());
    table.add(request("b", std::nullopt), t0, 500ms, rec.callback());
    table.add(request("c", std::nullopt), t0, 500ms, rec.callback());
    EXPECT_EQ(table.complete(reply("a", std::nullopt), t0, own), ReplyMatch::completed);
    EXPECT_EQ(table.complete(reply("b", jid("focus@auth.meet.test")), t0, own), ReplyMatch::completed);
    EXPECT_EQ(table.complete(reply("c", jid("other@auth.meet.test")), t0, own), ReplyMatch::foreign_sender);
    EXPECT_EQ(table.complete(reply("c", jid("auth.meet.test")), t0, own), ReplyMatch::completed);
    EXPECT_EQ(rec.results.size(), 3U);
}

TEST(PendingIqTable, ErrorReplyCarriesTheStanzaError) {
    PendingIqTable table;
    Recorder rec;
    table.add(request("a", jid("meet.test")), t0, 500ms, rec.callback());
    table.complete(reply("a", jid("meet.test"), IqType::error), t0);
    ASSERT_EQ(rec.results.size(), 1U);
    ASSERT_FALSE(rec.results[0].has_value());
    const auto& error = rec.results[0].error();
    ASSERT_TRUE(error.stanza_error.has_value());
    EXPECT_EQ(error.stanza_error->condition, ErrorCondition::item_not_found);
    EXPECT_EQ(error.code, make_error_code(Errc::not_found));
}

TEST(PendingIqTable, TimeoutAfterTheDeadlineOnly) {
    PendingIqTable table;
    Recorder rec;
    table.add(request("a", jid("meet.test")), t0, 500ms, rec.callback());
    table.add(request("b", jid("meet.test")), t0 + 100ms, 500ms, rec.callback());
    EXPECT_EQ(table.next_deadline(), t0 + 500ms);
    EXPECT_EQ(table.expire(t0 + 499ms), 0U);
    EXPECT_EQ(table.expire(t0 + 500ms), 1U);
    ASSERT_EQ(rec.results.size(), 1U);
    EXPECT_EQ(rec.results[0].error().code, make_error_code(Errc::timeout));
    // A late reply for the expired request finds nothing.
    EXPECT_EQ(table.complete(reply("a", jid("meet.test")), t0 + 550ms), ReplyMatch::unknown_id);
    EXPECT_EQ(table.expire(t0 + 600ms), 1U);
    EXPECT_EQ(rec.results.size(), 2U);
    EXPECT_FALSE(table.next_deadline().has_value());
}

TEST(PendingIqTable, DisconnectFailsEverything) {
    PendingIqTable table;
    Recorder rec;
    for (int i = 0; i < 5; ++i) {
        table.add(request("id" + std::to_string(i), jid("meet.test")), t0, 500ms, rec.callback());
    }
    EXPECT_EQ(table.fail_all(Errc::disconnected), 5U);
    EXPECT_EQ(table.size(), 0U);
    ASSERT_EQ(rec.results.size(), 5U);
    for (const auto& r : rec.results) {
        EXPECT_EQ(r.error().code, make_error_code(Errc::disconnected));
    }
}

TEST(PendingIqTable, DuplicateIdIsRefused) {
    PendingIqTable table;
    Recorder rec;
    EXPECT_TRUE(table.add(request("a", std::nullopt), t0, 1s, rec.callback()));
    EXPECT_FALSE(table.add(request("a", std::nullopt), t0, 1s, rec.callback()));
    EXPECT_EQ(table.size(), 1U);
    EXPECT_TRUE(rec.results.empty());
}

TEST(PendingIqTable, CompletionMayAddARequest) {
    PendingIqTable table;
    int completions = 0;
    table.add(request("a", std::nullopt), t0, 1s, [&](IqResult) {
        ++completions;
        table.add(request("b", std::nullopt), t0, 1s, [&](IqResult) { ++completions; });
    });
    EXPECT_EQ(table.expire(t0 + 1s), 1U);
    EXPECT_EQ(table.size(), 1U);
    EXPECT_EQ(table.fail_all(Errc::shutting_down), 1U);
    EXPECT_EQ(completions, 2);
}

// Our link dropped: requests wait on (a resumed stream answers them); one that times out after the drop is
// reported as disconnected, not as the peer's timeout; a fresh session fails those sent on the old one, and keeps
// those still waiting in our outbox.
TEST(PendingIqTable, ALinkDropKeepsRequestsAndBlamesOurLinkForTheirLoss) {
    PendingIqTable table;
    Recorder rec;
    const auto bridge = jid("jvbbrewery@internal.meet.test/jvb1");
    table.add(request("answered", bridge), t0, 5s, rec.callback());
    table.add(request("lost", bridge), t0, 5s, rec.callback());
    table.add(request("queued", bridge), t0, 5s, rec.callback(), false, true);
    table.add(request("fresh-lost", bridge), t0, 10s, rec.callback());
    table.link_dropped();
    EXPECT_EQ(table.size(), 4U);
    EXPECT_TRUE(rec.results.empty());
    EXPECT_EQ(table.complete(reply("answered", bridge), t0 + 1s), ReplyMatch::completed);
    ASSERT_EQ(rec.results.size(), 1U);
    EXPECT_TRUE(rec.results[0].has_value());
    table.set_sent("queued", false);
    EXPECT_EQ(table.fail_sent(Errc::disconnected), 2U);  // "lost" and "fresh-lost" went out on the old session
    ASSERT_EQ(rec.results.size(), 3U);
    EXPECT_EQ(rec.results[1].error().code, make_error_code(Errc::disconnected));
    EXPECT_TRUE(table.contains("queued"));
    EXPECT_EQ(table.expire(t0 + 5s), 1U);
    ASSERT_EQ(rec.results.size(), 4U);
    EXPECT_EQ(rec.results[3].error().code, make_error_code(Errc::disconnected));
}

TEST(PendingIqTable, ATimeoutWithoutADropIsTheTimeout) {
    PendingIqTable table;
    Recorder rec;
    table.add(request("a", jid("meet.test")), t0, 1s, rec.callback());
    EXPECT_EQ(table.expire(t0 + 1s), 1U);
    ASSERT_EQ(rec.results.size(), 1U);
    EXPECT_EQ(rec.results[0].error().code, make_error_code(Errc::timeout));
}
