// Drain: one strand owns the state; a poll timer counts the conferences, a deadline timer ends the wait.
#include "jicofo/app/drain.hpp"

#include "jicofo/core/logging.hpp"
#include "jicofo/core/result.hpp"
#include "jicofo/core/text.hpp"

#include <boost/asio/post.hpp>

#include <spdlog/spdlog.h>

namespace jicofo::app {
namespace {

std::shared_ptr<spdlog::logger> logger() {
    static auto log = core::module_logger("drain");
    return log;
}

struct DrainRequest {
    std::string reason = "requested over REST";
    std::optional<std::chrono::milliseconds> deadline;
};

// The optional POST body; an error message for a 400 otherwise.
core::Result<DrainRequest, std::string> parse_drain_request(const std::string& body) {
    DrainRequest request;
    if (core::trim_blanks(body).empty()) {
        return request;
    }
    auto json = nlohmann::json::parse(body, nullptr, false);
    if (json.is_discarded() || !json.is_object()) {
        return core::unexpected(
            std::string("the body must be a JSON object: {\"reason\": \"...\", \"deadline-seconds\": N}"));
    }
    for (const auto& [key, value] : json.items()) {
        if (key == "reason") {
            if (!value.is_string() || value.get_ref<const std::string&>().empty() ||
                value.get_ref<const std::string&>().size() > Drain::kMaxReasonBytes) {
                return core::unexpected("\"reason\" must be a non-empty string of at most " +
                                        std::to_string(Drain::kMaxReasonBytes) + " bytes");
            }
            request.reason = value.get<std::string>();
        } else if (key == "deadline-seconds") {
            if (!value.is_number_integer() || value.get<std::int64_t>() < 1 ||
                value.get<std::int64_t>() > Drain::kMaxDeadline.count()) {
                return core::unexpected("\"deadline-seconds\" must be an integer from 1 to " +
                                        std::to_string(Drain::kMaxDeadline.count()));
            }
            request.deadline = std::chrono::seconds(value.get<std::int64_t>());
        } else {
            return core::unexpected("unknown key \"" + key + "\" (known: reason, deadline-seconds)");
        }
    }
    return request;
}

}  // namespace

nlohmann::ordered_json drain_state_json(const DrainState& state) {
    if (!state.draining) {
        return {{"draining", false}};
    }
    return {{"draining", true},
            {"exiting", state.exiting},
            {"reason", state.reason},
            {"since", core::iso8601_utc(state.since)},
            {"deadline", core::iso8601_utc(state.deadline)},
            {"conferences", state.conferences}};
}

std::shared_ptr<Drain> Drain::create(const Executor& executor, DrainHooks hooks, std::chrono::milliseconds deadline,
                                     std::chrono::milliseconds poll) {
    return std::shared_ptr<Drain>(new Drain(executor, std::move(hooks), deadline, poll));
}

Drain::Drain(const Executor& executor, DrainHooks hooks, std::chrono::milliseconds deadline,
             std::chrono::milliseconds poll)
    : strand_(boost::asio::make_strand(executor)),
      hooks_(std::move(hooks)),
      default_deadline_(deadline),
      poll_interval_(poll),
      poll_timer_(strand_),
      deadline_timer_(strand_) {}

void Drain::start(std::string reason, std::optional<std::chrono::milliseconds> deadline,
                  std::function<void(DrainState)> done) {
    boost::asio::post(
        strand_, [self = shared_from_this(), reason = std::move(reason), deadline, done = std::move(done)]() mutable {
            if (self->stopped_ || self->state_.exiting) {
                if (done) {
                    done(self->state_);
                }
                return;
            }
            const auto wait = deadline.value_or(self->default_deadline_);
            const bool already = self->state_.draining;
            if (!already || deadline) {
                self->deadline_timer_.expires_after(wait);
                self->state_.deadline = std::chrono::system_clock::now() + wait;
                self->deadline_timer_.async_wait(
                    [weak = self->weak_from_this(),
                     generation = self->generation_ + (already ? 0 : 1)](const boost::system::error_code& error) {
                        auto drain = weak.lock();
                        if (error || !drain || drain->generation_ != generation || !drain->state_.draining) {
                            return;
                        }
                        drain->finish("the drain deadline passed with " + std::to_string(drain->state_.conferences) +
                                      " conference(s) still running");
                    });
            }
            if (!already) {
                ++self->generation_;
                self->state_.draining = true;
                self->state_.reason = reason;
                self->state_.since = std::chrono::system_clock::now();
                logger()->warn("draining ({}): new rooms are refused; exiting when the last conference ends or in {} s",
                               reason, std::chrono::duration_cast<std::chrono::seconds>(wait).count());
                if (self->hooks_.refuse_new_rooms) {
                    self->hooks_.refuse_new_rooms(reason);
                }
                if (self->hooks_.report_health) {
                    self->hooks_.report_health(reason);
                }
                if (self->hooks_.status) {
                    self->hooks_.status("draining: " + reason);
                }
                self->poll();
            } else {
                logger()->info("draining already ({}); deadline now {}", self->state_.reason,
                               core::iso8601_utc(self->state_.deadline));
            }
            if (done) {
                done(self->state_);
            }
        });
}

void Drain::cancel(std::function<void(bool)> done) {
    boost::asio::post(strand_, [self = shared_from_this(), done = std::move(done)] {
        const bool cancellable = self->state_.draining && !self->state_.exiting && !self->stopped_;
        if (cancellable) {
            logger()->warn("drain cancelled: new rooms are taken again");
            ++self->generation_;
            self->state_ = DrainState{};
            self->poll_timer_.cancel();
            self->deadline_timer_.cancel();
            if (self->hooks_.refuse_new_rooms) {
                self->hooks_.refuse_new_rooms(std::nullopt);
            }
            if (self->hooks_.report_health) {
                self->hooks_.report_health(std::nullopt);
            }
            if (self->hooks_.status) {
                self->hooks_.status("serving");
            }
        }
        if (done) {
            done(cancellable);
        }
    });
}

void Drain::async_state(std::function<void(DrainState)> done) {
    boost::asio::post(strand_, [self = shared_from_this(), done = std::move(done)]() mutable {
        if (!self->state_.draining || !self->hooks_.count_conferences) {
            done(self->state_);
            return;
        }
        self->hooks_.count_conferences([self, done = std::move(done)](std::size_t count) mutable {
            boost::asio::post(self->strand_, [self, count, done = std::move(done)] {
                if (self->state_.draining) {
                    self->state_.conferences = count;
                }
                done(self->state_);
            });
        });
    });
}

void Drain::set_default_deadline(std::chrono::milliseconds deadline) {
    boost::asio::post(strand_, [self = shared_from_this(), deadline] { self->default_deadline_ = deadline; });
}

void Drain::stop() {
    boost::asio::post(strand_, [self = shared_from_this()] {
        self->stopped_ = true;
        ++self->generation_;
        self->poll_timer_.cancel();
        self->deadline_timer_.cancel();
    });
}

void Drain::poll() {
    if (!hooks_.count_conferences) {
        return;
    }
    hooks_.count_conferences([weak = weak_from_this(), generation = generation_](std::size_t count) {
        auto self = weak.lock();
        if (!self) {
            return;
        }
        boost::asio::post(self->strand_, [self, generation, count] {
            if (self->stopped_ || self->generation_ != generation || !self->state_.draining || self->state_.exiting) {
                return;
            }
            self->state_.conferences = count;
            if (count == 0) {
                self->finish("the last conference has ended");
                return;
            }
            self->poll_timer_.expires_after(self->poll_interval_);
            self->poll_timer_.async_wait(
                [weak = self->weak_from_this(), generation](const boost::system::error_code& e) {
                    auto drain = weak.lock();
                    if (!e && drain && drain->generation_ == generation) {
                        drain->poll();
                    }
                });
        });
    });
}

void Drain::finish(const std::string& why) {
    state_.exiting = true;
    poll_timer_.cancel();
    deadline_timer_.cancel();
    logger()->warn("drained: {}; shutting down", why);
    if (hooks_.exit) {
        hooks_.exit(why);
    }
}

void add_drain_routes(rest::DomainRoutes& routes, const std::shared_ptr<Drain>& drain) {
    using rest::HttpRequest;
    using rest::HttpResponse;
    using rest::PathParams;
    using rest::Responder;
    const auto answer_state = [](const Responder& respond) {
        return [respond](const DrainState& state) { respond(HttpResponse::json(200, drain_state_json(state).dump())); };
    };
    routes.feature_routes.push_back(
        {"GET", "/drain", [drain, answer_state](const HttpRequest&, const PathParams&, const Responder& respond) {
             drain->async_state(answer_state(respond));
         }});
    routes.feature_routes.push_back(
        {"POST", "/drain",
         [drain, answer_state](const HttpRequest& request, const PathParams&, const Responder& respond) {
             auto parsed = parse_drain_request(request.body);
             if (!parsed) {
                 respond(HttpResponse::text(400, parsed.error()));
                 return;
             }
             drain->start(std::move(parsed->reason), parsed->deadline, answer_state(respond));
         },
         rest::kNoBodyRouteLimit});
    routes.feature_routes.push_back(
        {"DELETE", "/drain", [drain](const HttpRequest&, const PathParams&, const Responder& respond) {
             drain->cancel([drain, respond](bool cancelled) {
                 if (!cancelled) {
                     drain->async_state([respond](const DrainState& state) {
                         if (state.exiting) {
                             respond(HttpResponse::text(409, "the drain is over: the process is shutting down"));
                         } else {
                             respond(HttpResponse::json(200, drain_state_json(state).dump()));
                         }
                     });
                     return;
                 }
                 respond(HttpResponse::json(200, drain_state_json(DrainState{}).dump()));
             });
         }});
}

}  // namespace jicofo::app
