// The pending-IQ table's deadline order, with a manual clock: requests with many different timeouts end in deadline
// order, each exactly at its deadline and never before; a reply, a fresh session or a shutdown takes the deadline
// out with the request; an id may be used again once its request is over.
#include "jicofo/xmpp/pending_iqs.hpp"

#include "jicofo/stanza/namespaces.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <string>
#include <vector>

using namespace std::chrono_literals;
using jicofo::core::Errc;
using jicofo::stanza::Iq;
using jicofo::stanza::IqType;
using jicofo::stanza::Jid;
using jicofo::stanza::XmlElement;
using jicofo::xmpp::IqResult;
using jicofo::xmpp::PendingIqTable;
using jicofo::xmpp::ReplyMatch;
using Clock = PendingIqTable::Clock;

namespace {

const Clock::time_point t0{};
const Jid kBridge = Jid::parse("jvbbrewery@internal.meet.test/jvb1").value();

Iq request(const std::string& id) {
    Iq iq;
    iq.header = {IqType::get, id, std::nullopt, kBridge};
    iq.payload = XmlElement("ping", std::string(jicofo::stanza::kNsPing));
    return iq;
}

Iq reply(const std::string& id) {
    Iq iq;
    iq.header = {IqType::result, id, kBridge, std::nullopt};
    return iq;
}

// Which requests ended, in order, and how.
struct Log {
    std::vector<std::string> ids;
    std::vector<IqResult> results;
    jicofo::xmpp::IqCallback callback(std::string id) {
        return [this, id = std::move(id)](IqResult result) {
            ids.push_back(id);
            results.push_back(std::move(result));
        };
    }
};

}  // namespace

TEST(PendingIqDeadlines, ManyTimeoutsEndInDeadlineOrderEachExactlyWhenDue) {
    PendingIqTable table;
    Log log;
    std::mt19937 random(20261206);
    std::uniform_int_distribution<int> sent_ms(0, 999);
    std::uniform_int_distribution<int> timeout_ms(1, 300);  // narrow, so that many deadlines coincide
    // deadline → ids in the order they were added (the order in which equal deadlines end).
    std::map<Clock::time_point, std::vector<std::string>> expected;
    for (int i = 0; i < 2000; ++i) {
        const auto id = "iq" + std::to_string(i);
        const auto sent = t0 + std::chrono::milliseconds(sent_ms(random));
        const auto timeout = std::chrono::milliseconds(timeout_ms(random));
        ASSERT_TRUE(table.add(request(id), sent, timeout, log.callback(id)));
        expected[sent + timeout].push_back(id);
    }
    std::vector<std::string> order;
    for (const auto& [deadline, ids] : expected) {
        ASSERT_EQ(table.next_deadline(), deadline);
        EXPECT_EQ(table.expire(deadline - 1ns), 0U) << "nothing ends before its deadline";
        const auto before = log.ids.size();
        EXPECT_EQ(table.expire(deadline), ids.size());
        EXPECT_EQ(std::vector<std::string>(log.ids.begin() + static_cast<std::ptrdiff_t>(before), log.ids.end()), ids);
        order.insert(order.end(), ids.begin(), ids.end());
    }
    EXPECT_EQ(log.ids, order);
    EXPECT_EQ(table.size(), 0U);
    EXPECT_FALSE(table.next_deadline().has_value());
    for (const auto& result : log.results) {
        ASSERT_FALSE(result.has_value());
        EXPECT_EQ(result.error().code, make_error_code(Errc::timeout));
    }
}

// One late call ends everything that fell due since the last one, earliest deadline first, and nothing later.
TEST(PendingIqDeadlines, ALateTurnEndsWhatFellDueInDeadlineOrder) {
    PendingIqTable table;
    Log log;
    table.add(request("c"), t0, 300ms, log.callback("c"));
    table.add(request("a"), t0, 100ms, log.callback("a"));
    table.add(request("later"), t0, 301ms, log.callback("later"));
    table.add(request("b"), t0 + 50ms, 150ms, log.callback("b"));
    EXPECT_EQ(table.expire(t0 + 300ms), 3U);
    EXPECT_EQ(log.ids, (std::vector<std::string>{"a", "b", "c"}));
    EXPECT_EQ(table.next_deadline(), t0 + 301ms);
}

TEST(PendingIqDeadlines, AReplyTakesItsDeadlineAway) {
    PendingIqTable table;
    Log log;
    table.add(request("early"), t0, 1s, log.callback("early"));
    table.add(request("late"), t0, 2s, log.callback("late"));
    EXPECT_EQ(table.complete(reply("early"), t0 + 10ms), ReplyMatch::completed);
    EXPECT_EQ(table.next_deadline(), t0 + 2s);
    EXPECT_EQ(table.expire(t0 + 1s), 0U);
    EXPECT_EQ(table.expire(t0 + 2s), 1U);
    EXPECT_EQ(log.ids, (std::vector<std::string>{"early", "late"}));
    EXPECT_TRUE(log.results[0].has_value());
    EXPECT_EQ(log.results[1].error().code, make_error_code(Errc::timeout));
}

// A reply from someone else leaves the request, and its deadline, where they were.
TEST(PendingIqDeadlines, AForeignReplyKeepsTheDeadline) {
    PendingIqTable table;
    Log log;
    table.add(request("a"), t0, 1s, log.callback("a"));
    Iq forged = reply("a");
    forged.header.from = Jid::parse("mallory@meet.test/x").value();
    EXPECT_EQ(table.complete(forged, t0 + 10ms), ReplyMatch::foreign_sender);
    EXPECT_EQ(table.next_deadline(), t0 + 1s);
    EXPECT_EQ(table.expire(t0 + 1s), 1U);
}

TEST(PendingIqDeadlines, AnIdUsedAgainAfterItsRequestEndedHasOnlyItsNewDeadline) {
    PendingIqTable table;
    Log log;
    table.add(request("x"), t0, 1s, log.callback("answered"));
    ASSERT_EQ(table.complete(reply("x"), t0 + 100ms), ReplyMatch::completed);
    ASSERT_TRUE(table.add(request("x"), t0 + 500ms, 5s, log.callback("again")));
    EXPECT_EQ(table.next_deadline(), t0 + 5500ms);
    EXPECT_EQ(table.expire(t0 + 1s), 0U) << "the first request's deadline left with it";
    EXPECT_EQ(table.expire(t0 + 5500ms), 1U);
    // And after a timeout.
    ASSERT_TRUE(table.add(request("x"), t0 + 6s, 1s, log.callback("third")));
    EXPECT_EQ(table.next_deadline(), t0 + 7s);
    EXPECT_EQ(table.complete(reply("x"), t0 + 6100ms), ReplyMatch::completed);
    EXPECT_FALSE(table.next_deadline().has_value());
    EXPECT_EQ(log.ids, (std::vector<std::string>{"answered", "again", "third"}));
    EXPECT_TRUE(log.results[2].has_value());
}

// A request whose completion adds another that is already due: the new one waits for the next call, as the loop's
// next turn (a completion never runs inside another's expiry).
TEST(PendingIqDeadlines, ARequestAddedByAnExpiryWaitsForTheNextCall) {
    PendingIqTable table;
    Log log;
    table.add(request("a"), t0, 1s, [&](const IqResult&) {
        log.ids.emplace_back("a");
        table.add(request("b"), t0, 0ms, log.callback("b"));
    });
    EXPECT_EQ(table.expire(t0 + 1s), 1U);
    EXPECT_EQ(table.next_deadline(), t0);
    EXPECT_EQ(table.expire(t0 + 1s), 1U);
    EXPECT_EQ(log.ids, (std::vector<std::string>{"a", "b"}));
}

// Link drops are as before: requests keep waiting and their deadlines; a fresh session takes the sent ones (and
// their deadlines) away, leaving the outbox's; a request that crossed the drop ends as disconnected at its deadline,
// one made after the drop as a timeout.
TEST(PendingIqDeadlines, LinkDropKeepsDeadlinesAndAFreshSessionTakesTheSentOnes) {
    PendingIqTable table;
    Log log;
    table.add(request("sent-early"), t0, 1s, log.callback("sent-early"));
    table.add(request("queued"), t0, 3s, log.callback("queued"), false, true);
    table.add(request("sent-late"), t0, 2s, log.callback("sent-late"));
    table.link_dropped();
    table.add(request("after-drop"), t0 + 100ms, 4s, log.callback("after-drop"), false);
    EXPECT_EQ(table.next_deadline(), t0 + 1s);
    EXPECT_EQ(table.fail_sent(Errc::disconnected), 2U);
    EXPECT_EQ(table.next_deadline(), t0 + 3s) << "the sent requests' deadlines left with them";
    EXPECT_EQ(table.expire(t0 + 2s), 0U);
    EXPECT_EQ(table.expire(t0 + 3s), 1U);
    EXPECT_EQ(table.expire(t0 + 4100ms), 1U);
    ASSERT_EQ(log.ids.size(), 4U);
    EXPECT_EQ(log.ids[2], "queued");
    EXPECT_EQ(log.results[2].error().code, make_error_code(Errc::disconnected));
    EXPECT_EQ(log.ids[3], "after-drop");
    EXPECT_EQ(log.results[3].error().code, make_error_code(Errc::timeout));
    EXPECT_FALSE(table.next_deadline().has_value());
}

TEST(PendingIqDeadlines, FailAllTakesEveryDeadline) {
    PendingIqTable table;
    Log log;
    for (int i = 0; i < 10; ++i) {
        table.add(request("r" + std::to_string(i)), t0, std::chrono::seconds(i + 1), log.callback("r"));
    }
    EXPECT_EQ(table.fail_all(Errc::shutting_down), 10U);
    EXPECT_FALSE(table.next_deadline().has_value());
    EXPECT_EQ(table.expire(t0 + 1h), 0U);
    ASSERT_TRUE(table.add(request("r3"), t0 + 1h, 1s, log.callback("new")));
    EXPECT_EQ(table.next_deadline(), t0 + 1h + 1s);
}
