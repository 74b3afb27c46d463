// How a webhook request leaves the process: an interface, so the delivery logic is tested with a fake, and one HTTP
// client behind it (http_transport.cpp, the only file that includes Beast).
#pragma once

#include "jicofo/config/sections.hpp"

#include <boost/asio/any_io_executor.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace jicofo::webhooks {

struct PostRequest {
    config::WebhookUrl url;
    std::vector<std::pair<std::string, std::string>> headers;  // besides Host, Content-Type and Content-Length
    std::shared_ptr<const std::string> body;
    std::chrono::milliseconds timeout{5000};  // the whole attempt: resolve, connect, write, read
};

struct PostResult {
    int status = 0;     // the HTTP status; 0 when there was no answer
    std::string error;  // why there was none (or the status line), for the log
    [[nodiscard]] bool delivered() const { return status >= 200 && status < 300; }
};

class Transport {
public:
    virtual ~Transport() = default;
    // Sends one POST; `done` runs once, on any thread (the caller posts to its own strand).
    virtual void post(PostRequest request, std::function<void(PostResult)> done) = 0;
};

// One connection per request (receivers are few and requests small; keep-alive would save little and needs a pool
// with its own caps). https verifies the server's certificate against the system's CAs and its host name.
std::shared_ptr<Transport> make_http_transport(const boost::asio::any_io_executor& executor);

}  // namespace jicofo::webhooks
