// Disconnect reasons from libstrophe 0.12.2's own log lines (copied from its sources), so that a libstrophe
// upgrade that rewords them fails here rather than in production.
#include "jicofo/xmpp/disconnect_classifier.hpp"

#include <gtest/gtest.h>

#include <cerrno>
#include <cstring>

using jicofo::xmpp::DisconnectClassifier;
using jicofo::xmpp::DisconnectKind;
using jicofo::xmpp::DisconnectReason;

TEST(DisconnectClassifier, WrongPasswordIsAuthFailure) {
    DisconnectClassifier c;
    c.on_log("xmpp", "SASL SCRAM-SHA-1 auth failed");
    c.on_log("auth", "Cannot authenticate with known methods");
    EXPECT_EQ(c.classify(0, std::nullopt).kind, DisconnectKind::auth_failed);
}

TEST(DisconnectClassifier, NoAnonymousLoginIsAuthFailure) {
    DisconnectClassifier c;
    c.on_log("auth", "No node in JID, and SASL ANONYMOUS unsupported.");
    EXPECT_EQ(c.classify(0, std::nullopt).kind, DisconnectKind::auth_failed);
}

TEST(DisconnectClassifier, RefusedConnectionCarriesErrno) {
    DisconnectClassifier c;
    c.on_log("xmpp", "sock_connect() to localhost:1 returned 5");
    c.on_log("xmpp", "connection failed, error 111");
    const auto reason = c.classify(0, std::nullopt);
    EXPECT_EQ(reason.kind, DisconnectKind::connection_refused);
    EXPECT_EQ(reason.detail, std::strerror(ECONNREFUSED));
}

TEST(DisconnectClassifier, ConnectTimeoutIsRefusal) {
    DisconnectClassifier c;
    c.on_log("xmpp", "Connection attempt timed out.");
    EXPECT_EQ(c.classify(ETIMEDOUT, std::nullopt).kind, DisconnectKind::connection_refused);
}

TEST(DisconnectClassifier, CertificateFailureIsTls) {
    DisconnectClassifier c;
    c.on_log("xmpp", "proceeding with TLS");
    c.on_certificate_rejected("self-signed certificate");
    c.on_log("tls", "Certificate verification FAILED, result=X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT(18)");
    c.on_log("conn", "Couldn't start TLS! error -3 tls_error 1");
    const auto reason = c.classify(1, std::nullopt);
    EXPECT_EQ(reason.kind, DisconnectKind::tls_failed);
    EXPECT_EQ(reason.detail, "self-signed certificate");
}

TEST(DisconnectClassifier, HandshakeFailureWithoutCertificateIsTls) {
    DisconnectClassifier c;
    c.on_log("conn", "Couldn't start TLS! error -3 tls_error 1");
    EXPECT_EQ(c.classify(1, std::nullopt).kind, DisconnectKind::tls_failed);
}

TEST(DisconnectClassifier, StreamErrorCarriesCondition) {
    DisconnectClassifier c;
    c.on_log("xmpp", "Socket closed by remote host.");
    EXPECT_EQ(c.classify(ECONNRESET, std::string("conflict")),
              (DisconnectReason{DisconnectKind::stream_error, "conflict"}));
}

TEST(DisconnectClassifier, ServerCloseAndLocalReasons) {
    DisconnectClassifier c;
    c.on_log("xmpp", "Socket closed by remote host.");
    EXPECT_EQ(c.classify(ECONNRESET, std::nullopt), (DisconnectReason{DisconnectKind::closed, "closed by server"}));
    c.set_local_reason({DisconnectKind::ping_timeout, {}});
    c.set_local_reason({DisconnectKind::closed, "later"});  // the first local reason wins
    EXPECT_EQ(c.classify(0, std::string("system-shutdown")).kind, DisconnectKind::ping_timeout);
}

TEST(DisconnectClassifier, ResumptionAndReset) {
    DisconnectClassifier c;
    EXPECT_FALSE(c.resumed());
    c.on_log("xmpp", "Session resumed successfully.");
    EXPECT_TRUE(c.resumed());
    c.on_log("xmpp", "SASL PLAIN auth failed");
    c.reset();
    EXPECT_FALSE(c.resumed());
    EXPECT_EQ(c.classify(0, std::nullopt).kind, DisconnectKind::closed);
}

TEST(DisconnectClassifier, StanzaDumpsAreIgnored) {
    DisconnectClassifier c;
    c.on_log("xmpp", "RECV: <message><body>SASL x auth failed Session resumed successfully.</body></message>");
    EXPECT_FALSE(c.resumed());
    EXPECT_EQ(c.classify(0, std::nullopt).kind, DisconnectKind::closed);
}
