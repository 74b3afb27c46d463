// Ending a link whose ping went unanswered so that the session survives it. Prosody 0.12 resumes a session with the
// parser of the connection that died (mod_smacks moves the session onto the new connection but keeps the old
// connection's data handler), and it closes that connection at the resume if it is still open. Either way the
// resumed stream continues where the server stopped reading the old one: unless that is the end of a whole stanza,
// the resumed stream is closed at once with not-well-formed (or, with the stanza size limit, policy-violation).
// So the old stream must end on a stanza boundary (the outbox hands the kernel whole stanzas only) and the server
// must have read it to its end before we resume: we end our sending side (FIN after everything written) and wait
// for the server to close its side. Runs on the libstrophe thread.
#include "connection_core.hpp"

#include <poll.h>
#include <strophe.h>
#include <sys/socket.h>

#include <cerrno>

namespace jicofo::xmpp {

namespace {

// A dead-pinged link is shut down both ways when the server has sent nothing for this long (or twice the ping
// timeout, if longer): the path is really dead.
constexpr auto kDeadLinkGrace = std::chrono::seconds(2);
// While the server still sends (it is reading a backlog of ours and answering it), the wait goes on, up to this.
constexpr auto kDeadLinkLimit = std::chrono::seconds(20);
// Reads per loop turn while draining (1 MiB): the loop's timers and commands run in between.
constexpr int kDrainReadsPerTurn = 64;

}  // namespace

void ConnectionCore::end_dead_link() {
    link_dead_ = true;
    if (socket_fd_ < 0) {
        xmpp_disconnect(conn_);
        return;
    }
    // Not xmpp_disconnect(): it writes </stream:stream>, which ends the session (no resumption). A FIN ends the
    // stream after every byte already written, unlike a reset, which makes the server drop what it has not read.
    ::shutdown(socket_fd_, SHUT_WR);
    const auto now = Clock::now();
    dead_link_close_at_ = now + std::max<Clock::duration>(kDeadLinkGrace, 2 * settings_.ping_timeout);
    dead_link_limit_ = now + kDeadLinkLimit;
}

void ConnectionCore::drain_dead_link(std::chrono::milliseconds wait) {
    // libstrophe is not run meanwhile: it answers the server's <r/> with <a/> (and writes what it still holds), a
    // write into our ended stream fails with EPIPE and libstrophe drops the link at once. We would then resume while
    // the server is still reading the old stream, and it would cut that stream where it stopped reading: almost
    // never on a stanza boundary. What the server sends now is dropped unread: the stream-management count the
    // resume reports leaves it out, so the server sends it again on the resumed stream.
    pollfd readable{socket_fd_, POLLIN, 0};
    if (::poll(&readable, 1, static_cast<int>(wait.count())) <= 0) {
        return;  // nothing yet, or woken for a command
    }
    char buffer[16384];
    for (int reads = 0; reads < kDrainReadsPerTurn; ++reads) {
        const ssize_t n = ::recv(socket_fd_, buffer, sizeof(buffer), MSG_DONTWAIT);
        if (n > 0) {
            // The server is alive and answering what it reads: it gets more time, within the limit.
            *dead_link_close_at_ =
                std::min(std::max(*dead_link_close_at_,
                                  Clock::now() + std::max<Clock::duration>(kDeadLinkGrace, 2 * settings_.ping_timeout)),
                         dead_link_limit_);
            continue;
        }
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            return;
        }
        // The end (the server read our stream to its end and closed), or an error: libstrophe reads it next and
        // reports the disconnect, and we resume.
        log_->info("connection={} the server closed the dead link{}", settings_.name, n == 0 ? "" : ", with an error");
        dead_link_close_at_.reset();
        return;
    }
}

void ConnectionCore::check_dead_link_deadline(Clock::time_point now) {
    if (!dead_link_close_at_ || now < *dead_link_close_at_) {
        return;
    }
    dead_link_close_at_.reset();
    if (socket_fd_ >= 0) {
        log_->info("connection={} the server did not close the dead link, dropping it", settings_.name);
        ::shutdown(socket_fd_, SHUT_RDWR);
    }
}

}  // namespace jicofo::xmpp
