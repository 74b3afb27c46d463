// A Transport that records each POST and answers it as the test says: at once with a scripted result, or later
// (held) when the test answers it itself.
#pragma once

#include "jicofo/webhooks/transport.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include <functional>
#include <vector>

namespace jicofo::webhooks::testing {

class FakeTransport : public Transport {
public:
    explicit FakeTransport(boost::asio::io_context& io) : io_(io) {}

    struct Sent {
        PostRequest request;
        std::function<void(PostResult)> done;

        [[nodiscard]] std::string header(const std::string& name) const {
            for (const auto& [key, value] : request.headers) {
                if (key == name) {
                    return value;
                }
            }
            return {};
        }
    };

    void post(PostRequest request, std::function<void(PostResult)> done) override {
        sent.push_back(Sent{request, nullptr});
        if (!answer) {
            sent.back().done = std::move(done);  // held
            return;
        }
        auto result = answer(request);
        // Answered from "another thread" later, as the real client does.
        boost::asio::post(io_, [done = std::move(done), result] { done(result); });
    }

    // nullptr: every POST is held until the test calls its `done`.
    std::function<PostResult(const PostRequest&)> answer = [](const PostRequest&) { return PostResult{200, "OK"}; };
    std::vector<Sent> sent;

private:
    boost::asio::io_context& io_;
};

}  // namespace jicofo::webhooks::testing
