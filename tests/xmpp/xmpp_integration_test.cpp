// XmppConnection against a real Prosody: logins, reasons, TLS, crash and restart, timeouts, hostile peers.
#include "jicofo/metrics/metrics_registry.hpp"
#include "jicofo/stanza/namespaces.hpp"
#include "jicofo/stanza/xml_codec.hpp"
#include "jicofo/xmpp/xmpp_connection.hpp"

#include "support/harness_test_util.hpp"
#include "xmpp/io_thread.hpp"
#include "xmpp/tcp_proxy.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>

#include <algorithm>
#include <future>
#include <thread>

using namespace std::chrono_literals;
using namespace jicofo::xmpp;
using jicofo::core::Errc;
using jicofo::stanza::Iq;
using jicofo::stanza::IqType;
using jicofo::stanza::Jid;
using jicofo::stanza::Message;
using jicofo::stanza::XmlElement;
using jicofo::testing::ProsodyFixture;
using jicofo::testing::ProsodyOptions;

namespace {

constexpr const char* kPassword = "focus-secret";

using jicofo::xmpp::testing::IoThread;

ProsodyOptions options_with_focus(bool tls = false) {
    ProsodyOptions options;
    options.tls = tls;
    options.users = {{"focus", "auth.meet.test", kPassword}, {"alice", "auth.meet.test", "alice-secret"}};
    return options;
}

XmppConnectionSettings focus_settings(const ProsodyFixture& prosody) {
    XmppConnectionSettings s;
    s.name = "client";
    s.host = "127.0.0.1";
    s.port = prosody.c2s_port();
    s.domain = prosody.auth_domain();
    s.xmpp_domain = prosody.domain();
    s.password = kPassword;
    s.use_tls = false;
    s.reply_timeout = 5s;  // generous: tests share two cores with other Prosody instances
    return s;
}

template <typename Pred>
bool eventually(Pred pred, std::chrono::milliseconds deadline = 10s) {
    const auto until = std::chrono::steady_clock::now() + deadline;
    while (std::chrono::steady_clock::now() < until) {
        if (pred()) {
            return true;
        }
        std::this_thread::sleep_for(10ms);
    }
    return pred();
}

bool connected(const XmppConnection& c) {
    return c.status().state == ConnectionState::connected;
}

Iq make_get(std::optional<Jid> to, XmlElement payload) {
    Iq iq;
    iq.header.type = IqType::get;
    iq.header.to = std::move(to);
    iq.payload = std::move(payload);
    return iq;
}

IqResult request(XmppConnection& c, Executor ex, Iq iq, std::chrono::milliseconds wait = 5s) {
    auto promise = std::make_shared<std::promise<IqResult>>();
    auto future = promise->get_future();
    c.async_send_iq(std::move(iq), ex, [promise](IqResult r) { promise->set_value(std::move(r)); });
    if (future.wait_for(wait) != std::future_status::ready) {
        return jicofo::core::unexpected(IqError::from(Errc::internal));  // the test's own deadline
    }
    return future.get();
}

Iq server_ping(const ProsodyFixture& prosody) {
    return make_get(Jid::parse(prosody.domain()).value(), XmlElement("ping", std::string(jicofo::stanza::kNsPing)));
}

// A second account, alice, whose peer takes <q xmlns='urn:test:silent'/> requests and never answers them.
struct SilentAlice {
    std::unique_ptr<jicofo::testing::PeerProcess> peer;
    Jid jid;
};

std::optional<SilentAlice> start_silent_alice(const ProsodyFixture& prosody) {
    auto peer = jicofo::testing::start_peer("silent");
    if (!peer) {
        ADD_FAILURE() << "the peer did not start";
        return std::nullopt;
    }
    auto hello = peer->request(jicofo::testing::connect_command(prosody, "alice@auth.meet.test", "alice-secret").dump(),
                               "connected", 10s);
    const bool responding = hello && peer->request(nlohmann::json{{"cmd", "iq_responder"},
                                                                  {"element", "q"},
                                                                  {"ns", "urn:test:silent"},
                                                                  {"type", "get"},
                                                                  {"reply", "ignore"}}
                                                       .dump(),
                                                   "done", 5s);
    if (!responding) {
        ADD_FAILURE() << peer->transcript();
        return std::nullopt;
    }
    auto jid = Jid::parse(std::string(jicofo::testing::event_json(hello)["jid"])).value();
    return SilentAlice{std::move(peer), std::move(jid)};
}

}  // namespace

TEST(XmppIntegration, PasswordLoginIsAFreshSessionThatAnswersAndPings) {
    auto prosody = jicofo::testing::start_prosody(options_with_focus());
    ASSERT_TRUE(prosody);
    // Declared before the io thread: destroyed after it stops, so no queued callback can touch them.
    std::mutex mutex;
    std::vector<ConnectionStatus> seen;
    IoThread io;
    XmppConnection focus(focus_settings(*prosody));
    auto listener = focus.add_state_listener(io.executor(), [&](ConnectionStatus s) {
        std::lock_guard lock(mutex);
        seen.push_back(s);
    });
    focus.start();
    ASSERT_TRUE(eventually([&] { return connected(focus); })) << prosody->log_text();
    EXPECT_EQ(focus.status().session, SessionKind::fresh);
    ASSERT_TRUE(focus.own_jid());
    EXPECT_EQ(focus.own_jid()->to_string(), "focus@auth.meet.test/focus");

    auto pong = request(focus, io.executor(), server_ping(*prosody));
    ASSERT_TRUE(pong.has_value()) << pong.error().message();
    EXPECT_EQ(pong->header.type, IqType::result);

    // Another client asks the focus for disco#info and pings it.
    auto peer = jicofo::testing::start_peer("alice");
    ASSERT_TRUE(peer);
    auto hello = peer->request(
        jicofo::testing::connect_command(*prosody, "alice@auth.meet.test", "alice-secret").dump(), "connected", 10s);
    ASSERT_TRUE(hello) << peer->transcript();
    const std::string focus_jid = focus.own_jid()->to_string();
    auto disco =
        peer->request(nlohmann::json{{"cmd", "send_iq"},
                                     {"xml", "<iq type='get' to='" + focus_jid +
                                                 "'><query xmlns='http://jabber.org/protocol/disco#info'/></iq>"}}
                          .dump(),
                      "iq_reply", 5s);
    ASSERT_TRUE(disco) << peer->transcript();
    EXPECT_TRUE(jicofo::testing::PeerProcess::has_field(*disco, "type", "result")) << *disco;
    EXPECT_NE(disco->find("urn:xmpp:ping"), std::string::npos) << *disco;
    auto ping = peer->request(
        nlohmann::json{{"cmd", "send_iq"},
                       {"xml", "<iq type='get' to='" + focus_jid + "'><ping xmlns='urn:xmpp:ping'/></iq>"}}
            .dump(),
        "iq_reply", 5s);
    ASSERT_TRUE(ping) << peer->transcript();
    EXPECT_TRUE(jicofo::testing::PeerProcess::has_field(*ping, "type", "result")) << *ping;

    // Presence and messages from a subscribed bare JID arrive in order on the subscriber's strand.
    auto strand = boost::asio::make_strand(io.io);
    std::promise<jicofo::stanza::Presence> presence_seen;
    std::promise<jicofo::stanza::Message> message_seen;
    std::atomic<int> presences{0};
    std::atomic<int> messages{0};
    auto subscription = focus.subscribe(
        Jid::parse("alice@auth.meet.test").value(), strand,
        [&](jicofo::stanza::Presence p) {
            if (presences++ == 0) {
                presence_seen.set_value(std::move(p));
            }
        },
        [&](jicofo::stanza::Message m) {
            if (messages++ == 0) {
                message_seen.set_value(std::move(m));
            }
        });
    ASSERT_TRUE(peer->request(nlohmann::json{{"cmd", "presence"}, {"to", focus_jid}}.dump(), "done", 5s));
    ASSERT_TRUE(peer->request(
        nlohmann::json{{"cmd", "message"}, {"to", focus_jid}, {"type", "chat"}, {"body", "hello focus"}}.dump(), "done",
        5s));
    auto presence_future = presence_seen.get_future();
    auto message_future = message_seen.get_future();
    ASSERT_EQ(presence_future.wait_for(5s), std::future_status::ready);
    ASSERT_EQ(message_future.wait_for(5s), std::future_status::ready);
    EXPECT_EQ(presence_future.get().from->bare().to_string(), "alice@auth.meet.test");
    EXPECT_EQ(message_future.get().body, "hello focus");

    focus.stop();
    std::lock_guard lock(mutex);
    EXPECT_TRUE(std::any_of(seen.begin(), seen.end(), [](const ConnectionStatus& s) {
        return s.state == ConnectionState::connected && s.session == SessionKind::fresh;
    }));
}

TEST(XmppIntegration, AnonymousLogin) {
    auto prosody = jicofo::testing::start_prosody(options_with_focus());
    ASSERT_TRUE(prosody);
    IoThread io;
    auto settings = focus_settings(*prosody);
    settings.domain = prosody->domain();  // the anonymous VirtualHost
    settings.password.reset();
    XmppConnection focus(settings);
    focus.start();
    ASSERT_TRUE(eventually([&] { return connected(focus); })) << prosody->log_text();
    ASSERT_TRUE(focus.own_jid());
    EXPECT_EQ(focus.own_jid()->domain(), prosody->domain());
    EXPECT_FALSE(focus.own_jid()->local().empty());
    auto pong = request(focus, io.executor(), server_ping(*prosody));
    EXPECT_TRUE(pong.has_value());
}

// The application starts its client, service and visitor connections together; logins from several threads at
// the same instant must all succeed (each connection has its own libstrophe context and thread).
TEST(XmppIntegration, SimultaneousLoginsFromSeveralConnectionsAllSucceed) {
    auto options = options_with_focus();
    for (int i = 0; i < 4; ++i) {
        options.users.emplace_back("user" + std::to_string(i), "auth.meet.test", "secret" + std::to_string(i));
    }
    auto prosody = jicofo::testing::start_prosody(options);
    ASSERT_TRUE(prosody);
    std::vector<std::unique_ptr<XmppConnection>> connections;
    for (int i = 0; i < 4; ++i) {
        auto settings = focus_settings(*prosody);
        settings.name = "c" + std::to_string(i);
        settings.username = "user" + std::to_string(i);
        settings.resource = "r" + std::to_string(i);
        settings.password = "secret" + std::to_string(i);
        connections.push_back(std::make_unique<XmppConnection>(settings));
    }
    for (auto& connection : connections) {
        connection->start();
    }
    for (auto& connection : connections) {
        EXPECT_TRUE(eventually([&] { return connected(*connection); }, 5s))
            << connection->settings().name << ": " << to_string(connection->status().last_reason) << "\n"
            << prosody->log_text();
        EXPECT_EQ(connection->snapshot().reconnect_attempts, 0u) << connection->settings().name;
    }
}

TEST(XmppIntegration, WrongPasswordIsAuthFailureWithoutATightLoop) {
    auto prosody = jicofo::testing::start_prosody(options_with_focus());
    ASSERT_TRUE(prosody);
    auto settings = focus_settings(*prosody);
    settings.password = "wrong";
    settings.auth_failure_backoff = 2s;
    XmppConnection focus(settings);
    focus.start();
    ASSERT_TRUE(eventually([&] { return focus.snapshot().reconnect_attempts >= 1; }));
    EXPECT_EQ(focus.status().last_reason.kind, DisconnectKind::auth_failed) << to_string(focus.status().last_reason);
    std::this_thread::sleep_for(4500ms);
    // One attempt per ≥ 2 s floor (jitter never goes below it): at most 3 more in 4.5 s.
    const auto attempts = focus.snapshot().reconnect_attempts;
    EXPECT_LE(attempts, 4U);
    EXPECT_GE(attempts, 2U);
    EXPECT_NE(focus.status().state, ConnectionState::connected);
}

TEST(XmppIntegration, StartTlsVerifiesTheCertificate) {
    auto prosody = jicofo::testing::start_prosody(options_with_focus(/*tls=*/true));
    ASSERT_TRUE(prosody);
    auto settings = focus_settings(*prosody);
    settings.use_tls = true;
    {
        XmppConnection verifying(settings);  // self-signed, not in the system CAs
        verifying.start();
        ASSERT_TRUE(eventually([&] { return verifying.snapshot().reconnect_attempts >= 1; }));
        EXPECT_EQ(verifying.status().last_reason.kind, DisconnectKind::tls_failed)
            << to_string(verifying.status().last_reason);
    }
    {
        auto trusting = settings;
        trusting.disable_certificate_verification = true;
        XmppConnection focus(trusting);
        focus.start();
        EXPECT_TRUE(eventually([&] { return connected(focus); })) << to_string(focus.status().last_reason);
    }
    {
        auto with_ca = settings;
        with_ca.ca_file = prosody->certificate_file(prosody->auth_domain()).string();
        XmppConnection focus(with_ca);
        focus.start();
        EXPECT_TRUE(eventually([&] { return connected(focus); })) << to_string(focus.status().last_reason);
    }
}

TEST(XmppIntegration, ProsodyCrashAndRestartGivesAFreshSession) {
    auto prosody = jicofo::testing::start_prosody(options_with_focus());
    ASSERT_TRUE(prosody);
    std::atomic<int> fresh_sessions{0};  // before the io thread: it outlives every callback
    IoThread io;
    jicofo::metrics::MetricsRegistry metrics("test");
    XmppConnection focus(focus_settings(*prosody), &metrics);
    auto listener = focus.add_state_listener(io.executor(), [&](ConnectionStatus s) {
        if (s.state == ConnectionState::connected && s.session == SessionKind::fresh) {
            ++fresh_sessions;
        }
    });
    focus.start();
    ASSERT_TRUE(eventually([&] { return connected(focus); }));
    ASSERT_TRUE(eventually([&] { return fresh_sessions == 1; }, 2s));

    // Requests in flight when the server dies wait for the link (a resumed session would answer them); the fresh
    // session after the restart shows the server lost them: they fail with "disconnected", not as timeouts.
    auto alice = start_silent_alice(*prosody);
    ASSERT_TRUE(alice);
    auto silent = make_get(alice->jid, XmlElement("q", "urn:test:silent"));
    std::vector<std::shared_ptr<std::promise<IqResult>>> promises;
    for (int i = 0; i < 3; ++i) {
        auto p = std::make_shared<std::promise<IqResult>>();
        promises.push_back(p);
        focus.async_send_iq(
            silent, io.executor(), [p](IqResult r) { p->set_value(std::move(r)); }, 10s);
    }
    std::this_thread::sleep_for(100ms);
    prosody->kill();
    ASSERT_TRUE(eventually([&] { return !connected(focus); }, 3s));
    std::this_thread::sleep_for(1s);
    ASSERT_TRUE(prosody->restart());
    for (auto& p : promises) {
        auto f = p->get_future();
        ASSERT_EQ(f.wait_for(8s), std::future_status::ready);
        auto r = f.get();
        ASSERT_FALSE(r.has_value());
        EXPECT_EQ(r.error().code, make_error_code(Errc::disconnected)) << r.error().message();
    }
    const auto back = std::chrono::steady_clock::now();
    ASSERT_TRUE(eventually([&] { return connected(focus); }, 10s)) << to_string(focus.status().last_reason);
    const auto took = std::chrono::steady_clock::now() - back;
    std::printf("[ measure  ] reconnected %lld ms after Prosody was back\n",
                static_cast<long long>(std::chrono::duration_cast<std::chrono::milliseconds>(took).count()));
    EXPECT_EQ(focus.status().session, SessionKind::fresh);
    EXPECT_TRUE(eventually([&] { return fresh_sessions == 2; }, 2s));
    EXPECT_TRUE(request(focus, io.executor(), server_ping(*prosody)).has_value());

    // Jicofo's disconnect counter, our state gauge and the round-trip histogram by namespace.
    auto value_of = [&](const std::string& family, const std::string& label = {}) -> std::optional<double> {
        for (const auto& f : metrics.collect()) {
            if (f.name != family) {
                continue;
            }
            for (const auto& m : f.metric) {
                const bool match = label.empty() || std::any_of(m.label.begin(), m.label.end(),
                                                                [&](const auto& l) { return l.value == label; });
                if (match) {
                    return f.type == prometheus::MetricType::Counter     ? m.counter.value
                           : f.type == prometheus::MetricType::Histogram ? double(m.histogram.sample_count)
                                                                         : m.gauge.value;
                }
            }
        }
        return std::nullopt;
    };
    EXPECT_EQ(value_of("jitsi_jicofo_xmpp_disconnects_total"), 1.0);
    EXPECT_EQ(value_of("jitsi_jicofo_xmpp_connection_state", "client"), 2.0);
    EXPECT_GE(value_of("jitsi_jicofo_xmpp_iq_round_trip_seconds", "urn:xmpp:ping").value_or(0), 1.0);
}

TEST(XmppIntegration, UnansweredRequestTimesOutAfterReplyTimeout) {
    auto prosody = jicofo::testing::start_prosody(options_with_focus());
    ASSERT_TRUE(prosody);
    IoThread io;
    auto settings = focus_settings(*prosody);
    settings.reply_timeout = 500ms;
    XmppConnection focus(settings);
    focus.start();
    ASSERT_TRUE(eventually([&] { return connected(focus); }));
    auto silent = start_silent_alice(*prosody);
    ASSERT_TRUE(silent);
    const auto& alice = silent->jid;
    const auto start = std::chrono::steady_clock::now();
    auto result = request(focus, io.executor(), make_get(alice, XmlElement("q", "urn:test:silent")));
    const auto took = std::chrono::steady_clock::now() - start;
    ASSERT_FALSE(result.has_value());
    EXPECT_EQ(result.error().code, make_error_code(Errc::timeout)) << result.error().message();
    EXPECT_GE(took, 500ms);
    EXPECT_LT(took, 5s);                                     // it fired on its own deadline rather than never
    EXPECT_TRUE(silent->peer->wait_for("iq_received", 1s));  // it did arrive; nobody answered
}

// Requests waiting for replies are capped per connection: a peer that never answers cannot make the table grow
// without bound. The one past the cap fails at once with resource-constraint and is counted.
TEST(XmppIntegration, PendingRequestsOverTheCapAreRefusedAtOnce) {
    auto prosody = jicofo::testing::start_prosody(options_with_focus());
    ASSERT_TRUE(prosody);
    IoThread io;
    jicofo::metrics::MetricsRegistry metrics("1.0-test");
    auto settings = focus_settings(*prosody);
    settings.reply_timeout = 3s;
    settings.max_pending_iqs = 2;
    XmppConnection focus(settings, &metrics);
    focus.start();
    ASSERT_TRUE(eventually([&] { return connected(focus); }));
    auto silent = start_silent_alice(*prosody);
    ASSERT_TRUE(silent);
    const auto& alice = silent->jid;
    // The ping keeps one slot busy at most briefly; wait until the table is empty so the count below is exact.
    ASSERT_TRUE(eventually([&] { return focus.snapshot().pending_iqs == 0; }));
    std::atomic<int> waiting_done{0};
    for (int i = 0; i < 2; ++i) {
        focus.async_send_iq(make_get(alice, XmlElement("q", "urn:test:silent")), io.executor(),
                            [&](const IqResult&) { ++waiting_done; });
    }
    const auto start = std::chrono::steady_clock::now();
    auto refused = request(focus, io.executor(), make_get(alice, XmlElement("q", "urn:test:silent")));
    ASSERT_FALSE(refused.has_value());
    EXPECT_EQ(refused.error().code, make_error_code(Errc::resource_constraint)) << refused.error().message();
    EXPECT_LT(std::chrono::steady_clock::now() - start, 1s) << "refused at once, not after the reply timeout";
    EXPECT_EQ(waiting_done, 0);
    double counted = -1;
    for (const auto& family : metrics.collect()) {
        if (family.name == "jitsi_jicofo_xmpp_iqs_rejected_total") {
            counted = family.metric.at(0).counter.value;
        }
    }
    EXPECT_EQ(counted, 1.0);
}

TEST(XmppIntegration, HostileStanzasGetErrorRepliesAndTheConnectionKeepsServing) {
    auto prosody = jicofo::testing::start_prosody(options_with_focus());
    ASSERT_TRUE(prosody);
    std::atomic<int> handled{0};  // before the io thread: it outlives every callback
    IoThread io;
    XmppConnection focus(focus_settings(*prosody));
    auto strand = boost::asio::make_strand(io.io);
    auto handler = focus.register_iq_handler("burst", "urn:test:burst", IqType::get, strand, [&](Iq request) {
        ++handled;
        focus.send(Iq::result_for(request));
    });
    focus.start();
    ASSERT_TRUE(eventually([&] { return connected(focus); }));
    const std::string to = focus.own_jid()->to_string();
    auto peer = jicofo::testing::start_peer("mallory");
    ASSERT_TRUE(peer);
    ASSERT_TRUE(peer->request(jicofo::testing::connect_command(*prosody, "alice@auth.meet.test", "alice-secret").dump(),
                              "connected", 10s))
        << peer->transcript();
    auto ask = [&](const std::string& xml) {
        return peer->request(nlohmann::json{{"cmd", "send_iq"}, {"xml", xml}, {"timeout", 5}}.dump(), "iq_reply", 6s);
    };
    using jicofo::testing::PeerProcess;

    auto unknown = ask("<iq type='get' to='" + to + "'><query xmlns='urn:unknown:ns'/></iq>");
    ASSERT_TRUE(unknown) << peer->transcript();
    EXPECT_NE(unknown->find("service-unavailable"), std::string::npos) << *unknown;

    auto huge =
        ask("<iq type='set' to='" + to + "'><x xmlns='urn:test:huge' a='" + std::string(100'000, 'A') + "'/></iq>");
    ASSERT_TRUE(huge) << peer->transcript();
    EXPECT_NE(huge->find("bad-request"), std::string::npos) << huge->substr(0, 500);

    std::string deep = "<iq type='set' to='" + to + "'><x xmlns='urn:test:deep'>";
    for (int i = 0; i < 100; ++i) {
        deep += "<y>";
    }
    for (int i = 0; i < 100; ++i) {
        deep += "</y>";
    }
    deep += "</x></iq>";
    auto nested = ask(deep);
    ASSERT_TRUE(nested) << peer->transcript();
    EXPECT_NE(nested->find("bad-request"), std::string::npos) << *nested;

    // A burst of 2,000 requests: every one answered, in a few seconds.
    const auto burst_start = std::chrono::steady_clock::now();
    constexpr int kBurst = 2000;
    for (int i = 0; i < kBurst; ++i) {
        ASSERT_TRUE(peer->send(nlohmann::json{
            {"cmd", "send_iq"},
            {"xml",
             "<iq type='get' id='b" + std::to_string(i) + "' to='" + to + "'><burst xmlns='urn:test:burst'/></iq>"},
            {"timeout", 20}}.dump()));
    }
    int results = 0;
    while (results < kBurst) {
        auto line = peer->wait_for("iq_reply", 20s);
        ASSERT_TRUE(line) << "after " << results << " replies";
        if (PeerProcess::has_field(*line, "type", "result")) {
            ++results;
        }
    }
    const auto burst_took = std::chrono::steady_clock::now() - burst_start;
    std::printf("[ measure  ] %d IQs round trip through a slixmpp peer in %lld ms\n", kBurst,
                static_cast<long long>(std::chrono::duration_cast<std::chrono::milliseconds>(burst_took).count()));
    EXPECT_EQ(handled.load(), kBurst);

    EXPECT_TRUE(connected(focus));
    EXPECT_EQ(focus.snapshot().sessions, 1U);
    EXPECT_TRUE(request(focus, io.executor(), server_ping(*prosody)).has_value());
}

// Outbound latency of the queue: IQ round trips to the server (Prosody answers pings at once), with the select()
// wake-up signal and with plain polling. Printed for docs/xmpp.md; only loose bounds are asserted.
// A short network drop: the server keeps the session (XEP-0198), the focus resumes it and reports "resumed", so
// MUC owners do not re-join.
TEST(XmppIntegration, ShortDropResumesTheSession) {
    auto prosody = jicofo::testing::start_prosody(options_with_focus());
    ASSERT_TRUE(prosody);
    jicofo::testing::TcpProxy proxy(prosody->c2s_port());
    std::mutex mutex;  // these before the io thread: they outlive every callback
    std::vector<SessionKind> sessions;
    IoThread io;
    auto settings = focus_settings(*prosody);
    settings.port = proxy.port();
    XmppConnection focus(settings);
    auto listener = focus.add_state_listener(io.executor(), [&](ConnectionStatus s) {
        if (s.state == ConnectionState::connected) {
            std::lock_guard lock(mutex);
            sessions.push_back(s.session);
        }
    });
    focus.start();
    ASSERT_TRUE(eventually([&] { return connected(focus); }));
    const auto jid_before = focus.own_jid();
    ASSERT_TRUE(request(focus, io.executor(), server_ping(*prosody)).has_value());  // SM enabled and acked by now

    proxy.cut();
    ASSERT_TRUE(eventually([&] { return !connected(focus); }, 3s));
    EXPECT_EQ(focus.status().last_reason.kind, DisconnectKind::closed) << to_string(focus.status().last_reason);
    ASSERT_TRUE(eventually([&] { return connected(focus); }, 10s)) << to_string(focus.status().last_reason);
    EXPECT_EQ(focus.status().session, SessionKind::resumed);
    EXPECT_EQ(focus.own_jid(), jid_before);
    EXPECT_TRUE(request(focus, io.executor(), server_ping(*prosody)).has_value());
    ASSERT_TRUE(eventually(
        [&] {
            std::lock_guard lock(mutex);
            return sessions.size() == 2;
        },
        2s));
    std::lock_guard lock(mutex);
    EXPECT_EQ(sessions, (std::vector<SessionKind>{SessionKind::fresh, SessionKind::resumed}));
}

// A black-holed link: pings go unanswered, the link is declared dead within interval + timeout (+ libstrophe's 2 s
// close), and the session is resumed once the path is back.
TEST(XmppIntegration, SilentLinkIsDetectedByPing) {
    auto prosody = jicofo::testing::start_prosody(options_with_focus());
    ASSERT_TRUE(prosody);
    jicofo::testing::TcpProxy proxy(prosody->c2s_port());
    auto settings = focus_settings(*prosody);
    settings.port = proxy.port();
    settings.ping_interval = 1s;
    settings.ping_timeout = 500ms;
    IoThread io;
    XmppConnection focus(settings);
    focus.start();
    ASSERT_TRUE(eventually([&] { return connected(focus); }));
    // The server's <enabled/> (XEP-0198) follows the bind that completes the connect; let it arrive.
    ASSERT_TRUE(request(focus, io.executor(), server_ping(*prosody)).has_value());
    proxy.freeze(true);
    const auto frozen_at = std::chrono::steady_clock::now();
    ASSERT_TRUE(eventually([&] { return !connected(focus); }, 6s));
    const auto detected = std::chrono::steady_clock::now() - frozen_at;
    std::printf("[ measure  ] dead link detected after %lld ms (interval 1 s, timeout 500 ms)\n",
                static_cast<long long>(std::chrono::duration_cast<std::chrono::milliseconds>(detected).count()));
    EXPECT_EQ(focus.status().last_reason.kind, DisconnectKind::ping_timeout) << to_string(focus.status().last_reason);
    proxy.freeze(false);
    ASSERT_TRUE(eventually([&] { return connected(focus); }, 10s)) << to_string(focus.status().last_reason);
    EXPECT_EQ(focus.status().session, SessionKind::resumed) << prosody->log_text();
}

// A server that is behind on what we send (a join storm) but still delivers stanzas: pings go unanswered for longer
// than their timeout, yet the link is not torn down (that would fail every request in flight), and everything
// queued is answered once the server catches up.
TEST(XmppIntegration, ABusyServerThatStillDeliversIsNotDeclaredDead) {
    auto prosody = jicofo::testing::start_prosody(options_with_focus());
    ASSERT_TRUE(prosody);
    jicofo::testing::TcpProxy proxy(prosody->c2s_port());
    auto settings = focus_settings(*prosody);
    settings.port = proxy.port();
    settings.ping_interval = 500ms;
    settings.ping_timeout = 300ms;
    IoThread io;
    XmppConnection focus(settings);
    focus.start();
    ASSERT_TRUE(eventually([&] { return connected(focus); }));
    ASSERT_TRUE(request(focus, io.executor(), server_ping(*prosody)).has_value());
    const auto focus_jid = focus.own_jid();
    ASSERT_TRUE(focus_jid);

    // Another user keeps sending the focus messages, straight to Prosody, while the focus's own bytes wait.
    auto sender_settings = focus_settings(*prosody);
    sender_settings.name = "sender";
    sender_settings.username = "alice";
    sender_settings.password = "alice-secret";
    XmppConnection sender(sender_settings);
    sender.start();
    ASSERT_TRUE(eventually([&] { return connected(sender); }));
    proxy.hold_upstream(true);
    const auto until = std::chrono::steady_clock::now() + 2500ms;  // several ping intervals and timeouts
    while (std::chrono::steady_clock::now() < until) {
        Message message;
        message.type = "chat";
        message.to = *focus_jid;
        message.body = "still here";
        sender.send(message);
        std::this_thread::sleep_for(100ms);
        ASSERT_TRUE(connected(focus)) << to_string(focus.status().last_reason);
    }
    proxy.hold_upstream(false);
    EXPECT_TRUE(connected(focus));
    EXPECT_EQ(focus.status().last_reason.kind, DisconnectKind::none) << to_string(focus.status().last_reason);
    EXPECT_TRUE(request(focus, io.executor(), server_ping(*prosody)).has_value());
}

// A second login with the same full JID: Prosody replaces the first session with <stream:error><conflict/>.
TEST(XmppIntegration, ResourceConflictIsAStreamError) {
    auto prosody = jicofo::testing::start_prosody(options_with_focus());
    ASSERT_TRUE(prosody);
    std::mutex mutex;  // these before the io thread: they outlive every callback
    std::vector<DisconnectReason> reasons;
    IoThread io;
    auto settings = focus_settings(*prosody);
    settings.backoff_base = 2s;  // keep the two from taking turns while the test looks
    XmppConnection first(settings);
    auto listener = first.add_state_listener(io.executor(), [&](ConnectionStatus s) {
        if (s.state == ConnectionState::disconnected) {
            std::lock_guard lock(mutex);
            reasons.push_back(s.last_reason);
        }
    });
    first.start();
    ASSERT_TRUE(eventually([&] { return connected(first); }));
    XmppConnection second(settings);
    second.start();
    ASSERT_TRUE(eventually(
        [&] {
            std::lock_guard lock(mutex);
            return std::any_of(reasons.begin(), reasons.end(),
                               [](const DisconnectReason& r) { return r.kind == DisconnectKind::stream_error; });
        },
        5s))
        << to_string(first.status().last_reason);
    std::lock_guard lock(mutex);
    auto it = std::find_if(reasons.begin(), reasons.end(),
                           [](const DisconnectReason& r) { return r.kind == DisconnectKind::stream_error; });
    EXPECT_EQ(it->detail, "conflict");
}
