// Wiring and lifetime of the whole process: modules built from the configuration, one io_context run by a fixed
// pool of threads, signals and systemd notifications handled on one control strand.
#include "jicofo/app/application.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <iostream>
#include <thread>
#include <vector>

#include "jicofo/app/conference_services.hpp"
#include "jicofo/app/drain.hpp"
#include "jicofo/app/health_checks.hpp"
#include "jicofo/app/log_setup.hpp"
#include "jicofo/app/media_routes.hpp"
#include "jicofo/app/media_services.hpp"
#include "jicofo/app/media_stats.hpp"
#include "jicofo/app/reload.hpp"
#include "jicofo/app/service_stats.hpp"
#include "jicofo/app/systemd_notifier.hpp"
#include "jicofo/app/version.hpp"
#include "jicofo/app/xmpp_services.hpp"
#include "jicofo/core/heap.hpp"
#include "jicofo/core/logging.hpp"
#include "jicofo/health/health_checker.hpp"
#include "jicofo/metrics/metrics_registry.hpp"
#include "jicofo/rest/rest_server.hpp"
#include "jicofo/rest/routes.hpp"
#include "jicofo/xmpp/health.hpp"
#include "jicofo/xmpp/xmpp_connection.hpp"

#include <spdlog/spdlog.h>

namespace jicofo::app {
namespace {

int io_thread_count(const config::ProcessConfig& process) {
    if (process.io_threads > 0) {
        return process.io_threads;
    }
    return std::max(1U, std::thread::hardware_concurrency());
}

rest::RestSettings rest_settings(const config::JicofoConfig& config) {
    rest::RestSettings settings;
    settings.groups.prometheus = config.rest.prometheus_enabled;
    settings.groups.conference_request = config.rest.conference_request_enabled;
    settings.groups.move_endpoints = config.rest.move_endpoints_enabled;
    settings.groups.debug = config.rest.debug_enabled;
    settings.groups.pin = config.rest.pin_enabled;
    settings.groups.health = config.health.enabled;
    settings.host = config.rest.host;
    settings.port = config.rest.port;
    settings.max_connections = static_cast<std::size_t>(config.rest.max_connections);
    settings.max_body_bytes = config.rest.max_body_bytes;
    settings.max_json_body_bytes = config.rest.max_json_body_bytes;
    settings.allowed_origins = config.rest.allowed_origins;
    settings.read_timeout = config.rest.read_timeout;
    settings.idle_timeout = config.rest.idle_timeout;
    return settings;
}

// Jicofo's test conference and XMPP ping (§5.5), after the client connection's own check: the first failing check
// in registration order is the one reported, and a lost connection explains the others.
void add_conference_health_checks(health::HealthChecker& health, const config::JicofoConfig& config,
                                  const ConferenceServices& conferences,
                                  const std::shared_ptr<xmpp::XmppConnection>& client,
                                  const boost::asio::any_io_executor& executor) {
    if (const auto& muc = config.xmpp.client.conference_muc_jid) {
        health.add_check("test-conference", make_test_conference_check(conferences.manager(), client,
                                                                       config.health.room_name_prefix, *muc));
    } else {
        core::module_logger("app")->warn(
            "health checks run without a test conference: jicofo.xmpp.client.conference-muc-jid is not set (nor "
            "xmpp-domain)");
    }
    health.add_check("xmpp-ping", make_ping_check(client, executor));
}

health::HealthSettings health_settings(const config::HealthConfig& config) {
    health::HealthSettings settings;
    settings.interval = config.interval;
    settings.timeout = config.timeout;
    settings.max_check_duration = config.max_check_duration;
    return settings;
}

}  // namespace

// Everything that exists only while run() runs, in construction order (destroyed in reverse).
struct Application::Running {
    Running(const Application& application, int threads)
        : app(application),
          config(application.loaded_.config),
          io(threads),
          control(boost::asio::make_strand(io)),
          signals(control, SIGTERM, SIGINT, SIGHUP),
          watchdog(control),
          heap_release(control),
          metrics(version()) {}

    const Application& app;
    // What the process runs with: the loaded configuration with the live parts of every reload since (control strand).
    config::JicofoConfig config;
    std::shared_ptr<spdlog::logger> log = core::module_logger("app");
    boost::asio::io_context io;
    boost::asio::strand<boost::asio::io_context::executor_type> control;
    boost::asio::signal_set signals;
    boost::asio::steady_timer watchdog;
    boost::asio::steady_timer heap_release;
    SystemdNotifier notifier;
    metrics::MetricsRegistry metrics;
    prometheus::Counter* slow_health_checks = nullptr;
    std::unique_ptr<health::HealthChecker> health;
    std::unique_ptr<XmppServices> xmpp;
    xmpp::Registration health_on_xmpp_change;
    std::unique_ptr<MediaServices> media;             // after xmpp: the bridges' brewery is on a connection
    std::unique_ptr<ConferenceServices> conferences;  // after xmpp: conferences hold the client connection
    std::shared_ptr<Drain> drain;                     // with the conferences
    std::unique_ptr<rest::ServiceContext> rest_context;
    std::unique_ptr<rest::RestServer> rest;

    // Read by the main thread's loop; written once on the control strand.
    std::atomic<bool> shutdown_requested{false};
    std::atomic<std::chrono::steady_clock::rep> shutdown_deadline{0};

    void wait_for_signal() {
        signals.async_wait([this](const boost::system::error_code& error, int signal_number) {
            if (error) {
                return;  // cancelled by shutdown
            }
            if (signal_number == SIGHUP) {
                reload();
                wait_for_signal();
                return;
            }
            log->info("received signal {}, shutting down", signal_number == SIGTERM ? "SIGTERM" : "SIGINT");
            begin_shutdown();
        });
    }

    // SIGHUP: the live parts of a valid configuration apply (reload.hpp); an invalid one changes nothing.
    void reload() {
        config::LoadOptions options;
        options.config_file = app.command_line_.config_file;
        options.logging_properties_file = app.command_line_.logging_properties;
        auto reloaded = config::load_config(options);
        if (!reloaded) {
            log->error("configuration reload refused, nothing changed: {}", reloaded.error().describe());
            metrics.counter("config_reloads", {{"result", "refused"}}).Increment();
            return;
        }
        for (const auto& warning : reloaded->warnings) {
            log->warn("configuration reload: {}", warning.describe());
        }
        const auto changes = compare_configs(config, reloaded->config);
        for (const auto& key : changes.restart) {
            log->warn("configuration reload: {} changed but needs a restart; the running value stays", key);
        }
        if (changes.live.empty()) {
            log->info("configuration reloaded from {}: nothing to apply live", options.config_file.string());
            metrics.counter("config_reloads", {{"result", "unchanged"}}).Increment();
            return;
        }
        const auto previous = config;
        config = with_live_parts(config, reloaded->config);
        apply_live_config(previous);
        std::string applied;
        for (const auto& key : changes.live) {
            applied += (applied.empty() ? "" : ", ") + key;
        }
        log->info("configuration reloaded from {}: applied {}", options.config_file.string(), applied);
        metrics.counter("config_reloads", {{"result", "applied"}}).Increment();
    }

    // Hands each module its part of `config` (just reloaded; `previous` is what ran before).
    void apply_live_config(const config::JicofoConfig& previous) {
        if (config.logging.level != previous.logging.level) {
            set_log_level(config.logging.level);
            log->info("log level is now {}", config.logging.level);
        }
        if (health) {
            health->reconfigure(health_settings(config.health));
        }
        if (conferences) {
            conferences->reconfigure(config, media ? media->reconfigure(config) : nullptr);
        }
        if (drain) {
            drain->set_default_deadline(config.drain.deadline);
            if (config.drain.enabled && !previous.drain.enabled) {
                drain->start("jicofo.drain.enabled in the configuration", std::nullopt);
            } else if (!config.drain.enabled && previous.drain.enabled) {
                drain->cancel();
            }
        }
    }

    // Registered at start, so that a dashboard sees them before the first reload or drain.
    void register_operations_metrics() {
        metrics.gauge("draining").Set(0);
        for (const char* result : {"applied", "unchanged", "refused"}) {
            metrics.counter("config_reloads", {{"result", result}});
        }
    }

    void make_drain() {
        DrainHooks hooks;
        hooks.refuse_new_rooms = [manager = conferences->manager(),
                                  gauge = &metrics.gauge("draining")](std::optional<std::string> reason) {
            gauge->Set(reason ? 1 : 0);
            manager->refuse_new_rooms(std::move(reason));
        };
        if (health) {
            hooks.report_health = [checker = health.get()](std::optional<std::string> reason) {
                checker->set_draining(std::move(reason));
            };
        }
        hooks.count_conferences = [manager = conferences->manager()](std::function<void(std::size_t)> answer) {
            manager->async_conference_count(std::move(answer));
        };
        hooks.exit = [this](const std::string& why) {
            boost::asio::post(control, [this, why] {
                log->info("drained ({}): shutting down", why);
                begin_shutdown();
            });
        };
        hooks.status = [this](const std::string& status) { notifier.status(status); };
        drain = Drain::create(io.get_executor(), std::move(hooks), config.drain.deadline);
        if (config.drain.enabled) {
            log->warn(
                "jicofo.drain.enabled is true at start-up: ignored (a process without conferences would drain "
                "and exit at once); set it and reload to drain");
        }
    }

    void ping_watchdog(std::chrono::microseconds interval) {
        // Pinged from the io_context, so a wedged event loop stops the pings and systemd restarts us.
        notifier.watchdog_ping();
        watchdog.expires_after(interval);
        watchdog.async_wait([this, interval](const boost::system::error_code& error) {
            if (!error) {
                ping_watchdog(interval);
            }
        });
    }

    // Conferences that end leave their memory with the allocator, resident; checked twice a minute, a heap that
    // holds much more free memory than it uses gives it back (see core/heap.hpp).
    void release_heap_periodically() {
        constexpr auto kInterval = std::chrono::seconds(30);
        heap_release.expires_after(kInterval);
        heap_release.async_wait([this](const boost::system::error_code& error) {
            if (error) {
                return;
            }
            if (const auto before = core::heap_stats(); before && core::worth_releasing(*before)) {
                core::release_free_heap();
                log->debug("released the free heap to the kernel: {} KiB free, {} KiB in use",
                           before->free_bytes / 1024, before->in_use_bytes / 1024);
            }
            release_heap_periodically();
        });
    }

    void begin_shutdown() {
        if (shutdown_requested.exchange(true)) {
            return;
        }
        auto deadline = std::chrono::steady_clock::now() + app.loaded_.config.process.shutdown_timeout;
        shutdown_deadline = deadline.time_since_epoch().count();
        notifier.stopping("shutting down");
        // Stop taking new work first, then let what is in flight drain; run() returns when nothing is left.
        if (rest) {
            rest->stop();
        }
        if (health) {
            health->stop();
        }
        if (drain) {
            drain->stop();
        }
        if (conferences) {
            conferences->stop();  // the focus leaves every room while the connection is still up
        }
        if (media) {
            media->stop();  // leaves the brewery
        }
        boost::system::error_code ignored;
        signals.cancel(ignored);
        watchdog.cancel();
        heap_release.cancel();
    }

    bool deadline_passed() const {
        if (!shutdown_requested) {
            return false;
        }
        auto deadline = std::chrono::steady_clock::time_point(std::chrono::steady_clock::duration(shutdown_deadline));
        return std::chrono::steady_clock::now() > deadline;
    }

    // Runs handlers until the io_context is out of work; an exception from a handler is a bug, logged, and the
    // thread goes back to work rather than taking the process down.
    void run_io() {
        for (;;) {
            try {
                io.run();
                return;
            } catch (const std::exception& bug) {
                log->critical("an exception escaped a handler: {}", bug.what());
            }
        }
    }
};

Application::Application(CommandLine command_line, config::LoadedConfig loaded)
    : command_line_(std::move(command_line)), loaded_(std::move(loaded)) {
    LogSetup setup;
    setup.level = command_line_.log_level.value_or(loaded_.config.logging.level);
    setup.syslog = loaded_.config.logging.syslog;
    setup.journald = stderr_is_journald();
    configure_logging(setup);
    auto log = core::module_logger("config");
    for (const auto& warning : loaded_.warnings) {
        log->warn("{}", warning.describe());
    }
    auto& packets = loaded_.config.logging.xmpp_packets;
    if (packets.enabled) {
        if (auto failure = configure_packet_log(packets.file, packets.max_file_bytes, packets.max_files)) {
            log->error("XMPP packets will not be logged: {}", *failure);
            packets.enabled = false;  // rather than letting them flood the main log
        }
    }
}

Application::~Application() = default;

int Application::run() {
    const auto& config = loaded_.config;
    const int threads = io_thread_count(config.process);
    Running running(*this, threads);
    auto& log = running.log;
    log->info("jicofo {} starting: config {}, {} io threads", version(), command_line_.config_file.string(), threads);

    if (config.health.enabled) {
        health::HealthObserver observer;
        running.slow_health_checks = &running.metrics.counter("slow_health_check");
        observer.on_result = [&running](const health::HealthResult& result) {
            running.metrics.set_healthy(result.success);
        };
        observer.on_slow_check = [&running] { running.slow_health_checks->Increment(); };
        running.health = std::make_unique<health::HealthChecker>(running.io, health_settings(config.health), observer);
    }

    // XMPP first: libstrophe's select() cannot watch descriptors >= 1024, so its sockets get the low numbers.
    auto xmpp = XmppServices::create(config, &running.metrics, boost::asio::any_io_executor(running.io.get_executor()));
    if (!xmpp) {
        log->critical("invalid XMPP configuration: {}", xmpp.error());
        return 1;
    }
    running.xmpp = std::move(xmpp.value());
    if (running.health && running.xmpp->client()) {
        running.health->add_check("xmpp-client", xmpp::make_health_check(running.xmpp->client()));
        // Re-check as soon as the connection changes state instead of waiting for the next interval, so that a load
        // balancer sees a lost (or regained) XMPP connection at once.
        running.health_on_xmpp_change = running.xmpp->client()->add_state_listener(
            running.control, [health = running.health.get()](const xmpp::ConnectionStatus&) { health->run_now(); });
    }
    if (running.xmpp->client()) {
        running.media = MediaServices::create(config, running.io.get_executor(), running.xmpp->client(),
                                              running.xmpp->service(), running.metrics, running.xmpp->visitor_nodes());
        running.conferences = std::make_unique<ConferenceServices>(
            config, running.io.get_executor(), running.xmpp->client(), running.xmpp->service(), running.metrics,
            running.media ? running.media->setup() : nullptr, running.xmpp->visitor_nodes());
        if (running.media) {
            running.media->start(running.conferences->manager(), running.conferences->feature_bridge_events());
        }
        if (running.health && running.media) {
            // Before the test conference, as in Jicofo: without a bridge no conference can have media.
            running.health->add_check("bridges", make_bridges_check(running.media->registry()));
        }
        if (running.health) {
            add_conference_health_checks(*running.health, config, *running.conferences, running.xmpp->client(),
                                         running.io.get_executor());
        }
        running.make_drain();
    } else {
        log->info("conference requests are not served: the XMPP client connection is disabled");
    }
    // --print-routes builds everything as for serving, lists the router and stops before anything connects.
    const bool listing_routes = command_line_.command == Command::PrintRoutes;
    if (!listing_routes) {
        running.xmpp->start();
    }

    if (config.rest.enabled) {
        auto settings = rest_settings(config);
        running.rest_context = std::make_unique<rest::ServiceContext>(
            rest::ServiceContext{version(), running.metrics, running.health.get()});
        if (running.conferences) {
            std::vector<std::shared_ptr<xmpp::XmppConnection>> connections{running.xmpp->client()};
            if (running.xmpp->service() != running.xmpp->client()) {
                connections.push_back(running.xmpp->service());
            }
            connections.insert(connections.end(), running.xmpp->visitors().begin(), running.xmpp->visitors().end());
            running.conferences->set_debug_connections(std::move(connections));
            running.rest_context->domain = running.conferences->routes();
            if (running.media) {
                add_media_routes(running.rest_context->domain, running.media->registry(),
                                 running.conferences->manager(), running.media->brewery(),
                                 running.media->load_redistributor(), running.media->caps_cache());
            }
            // Jicofo's /stats always has these keys (zeros without bridges); they read the media layer's counters.
            add_media_stats(running.rest_context->domain, std::make_shared<MediaStatistics>(running.metrics));
            add_service_stats(running.rest_context->domain, version(), running.health.get());
            if (config.rest.drain_enabled) {
                add_drain_routes(running.rest_context->domain, running.drain);
            }
        }
        auto router = rest::build_router(settings, *running.rest_context);
        if (listing_routes) {
            for (const auto& route : router.routes()) {
                std::cout << route.method << ' ' << route.pattern << '\n';
            }
            return 0;
        }
        auto [handler, body_limit] = std::move(router).into_handler_and_limits();
        running.rest = std::make_unique<rest::RestServer>(running.io, settings, std::move(handler),
                                                          std::move(body_limit), &running.metrics);
        auto port = running.rest->start();
        if (!port) {
            log->critical("cannot serve REST on {}:{}: {}", settings.host, settings.port, port.error().message());
            running.notifier.stopping("failed to start");
            running.xmpp->stop();
            return 1;
        }
        log->info("REST API on http://{}:{}", settings.host, *port);
    } else {
        log->info("REST API disabled (jicofo.rest.enabled = false)");
    }
    if (listing_routes) {
        return 0;  // no REST server, no routes
    }

    running.register_operations_metrics();
    running.wait_for_signal();
    boost::asio::post(running.control, [&running] { running.release_heap_periodically(); });
    if (auto interval = running.notifier.watchdog_ping_interval()) {
        boost::asio::post(running.control, [&running, interval = *interval] { running.ping_watchdog(interval); });
    }
    if (running.health) {
        running.health->start();
        running.health->set_ready();
    }
    running.notifier.ready("serving");
    log->info("jicofo started");

    std::vector<std::thread> workers;
    workers.reserve(static_cast<std::size_t>(threads - 1));
    for (int i = 1; i < threads; ++i) {
        workers.emplace_back([&running] { running.run_io(); });
    }
    // The main thread runs handlers too, in slices, so that it can enforce the shutdown deadline.
    while (!running.io.stopped()) {
        try {
            running.io.run_for(std::chrono::milliseconds(100));
        } catch (const std::exception& bug) {
            log->critical("an exception escaped a handler: {}", bug.what());
        }
        if (running.deadline_passed()) {
            log->warn("shutdown did not finish within {} ms; stopping anyway", config.process.shutdown_timeout.count());
            running.io.stop();
        }
    }
    for (auto& worker : workers) {
        worker.join();
    }
    // Handlers are done, so nothing uses the connections any more; closing them sends unavailable presence.
    running.health_on_xmpp_change.reset();
    running.conferences.reset();
    running.media.reset();
    running.xmpp->stop();
    log->info("jicofo stopped");
    spdlog::default_logger()->flush();
    return 0;
}

}  // namespace jicofo::app
