// MetricsRegistry: Jicofo metric naming over prometheus-cpp, the built-in metrics and the scrape-time hooks.
#include "jicofo/metrics/metrics_registry.hpp"

#include <algorithm>
#include <chrono>
#include <stdexcept>

#include "jicofo/metrics/process_stats.hpp"

namespace jicofo::metrics {
namespace {

constexpr std::string_view kTotalSuffix = "_total";

bool ends_with(std::string_view text, std::string_view suffix) {
    return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

double now_seconds_since_epoch() {
    using namespace std::chrono;
    return duration<double>(system_clock::now().time_since_epoch()).count();
}

}  // namespace

MetricsRegistry::MetricsRegistry(std::string version)
    : version_(std::move(version)), registry_(std::make_shared<prometheus::Registry>()) {
    // Jicofo registers an info metric "version"; simpleclient exposes it as <name>_info{version="..."} 1.
    gauge("version_info", "Application version", {{"version", version_}}, ValueKind::info).Set(1);
    healthy_ = &gauge("healthy", "Whether the health checks are passing", {}, ValueKind::boolean);
    register_process_metrics();
}

MetricsRegistry::~MetricsRegistry() = default;

std::string MetricsRegistry::full_name(std::string_view name) {
    std::string full(kPrefix);
    full += name;
    return full;
}

std::string MetricsRegistry::full_counter_name(std::string_view name) {
    std::string full = full_name(name);
    if (!ends_with(full, kTotalSuffix)) {
        full += kTotalSuffix;
    }
    return full;
}

prometheus::Counter& MetricsRegistry::counter(std::string_view name, const std::string& help, const Labels& labels) {
    const std::string full = full_counter_name(name);
    auto& family = prometheus::BuildCounter().Name(full).Help(help).Register(*registry_);
    remember_kind(full, ValueKind::integer);
    return family.Add(labels);
}

prometheus::Gauge& MetricsRegistry::gauge(std::string_view name, const std::string& help, const Labels& labels,
                                          ValueKind kind) {
    if (kind == ValueKind::histogram) {
        throw std::invalid_argument("a gauge cannot have the histogram kind");
    }
    const std::string full = full_name(name);
    auto& family = prometheus::BuildGauge().Name(full).Help(help).Register(*registry_);
    remember_kind(full, kind);
    return family.Add(labels);
}

prometheus::Histogram& MetricsRegistry::histogram(std::string_view name, const std::string& help,
                                                  const prometheus::Histogram::BucketBoundaries& buckets,
                                                  const Labels& labels) {
    const std::string full = full_name(name);
    auto& family = prometheus::BuildHistogram().Name(full).Help(help).Register(*registry_);
    remember_kind(full, ValueKind::histogram);
    return family.Add(labels, buckets);
}

void MetricsRegistry::remove_counter(std::string_view name, const std::string& help, const Labels& labels) {
    auto& family = prometheus::BuildCounter().Name(full_counter_name(name)).Help(help).Register(*registry_);
    if (family.Has(labels)) {
        family.Remove(&family.Add(labels));
    }
}

void MetricsRegistry::remove_gauge(std::string_view name, const std::string& help, const Labels& labels) {
    auto& family = prometheus::BuildGauge().Name(full_name(name)).Help(help).Register(*registry_);
    if (family.Has(labels)) {
        family.Remove(&family.Add(labels));
    }
}

void MetricsRegistry::set_healthy(bool healthy) {
    healthy_->Set(healthy ? 1.0 : 0.0);
}

void MetricsRegistry::add_scrape_hook(std::function<void()> hook) {
    std::lock_guard lock(mutex_);
    hooks_.push_back(std::move(hook));
}

std::vector<prometheus::MetricFamily> MetricsRegistry::collect() {
    std::vector<std::function<void()>> hooks;
    {
        std::lock_guard lock(mutex_);
        hooks = hooks_;
    }
    for (auto& hook : hooks) {
        hook();
    }
    auto families = registry_->Collect();
    std::sort(families.begin(), families.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
    return families;
}

ValueKind MetricsRegistry::kind_of(const std::string& family_name) const {
    std::lock_guard lock(mutex_);
    auto it = kinds_.find(family_name);
    return it == kinds_.end() ? ValueKind::real : it->second;
}

void MetricsRegistry::remember_kind(const std::string& family_name, ValueKind kind) {
    std::lock_guard lock(mutex_);
    kinds_.emplace(family_name, kind);
}

void MetricsRegistry::register_process_metrics() {
    // The process_* names are the Prometheus client-library standard ones, so they carry no jitsi_jicofo_ prefix.
    auto& reg = *registry_;
    auto& resident = prometheus::BuildGauge()
                         .Name("process_resident_memory_bytes")
                         .Help("Resident memory size in bytes.")
                         .Register(reg)
                         .Add({});
    auto& virt = prometheus::BuildGauge()
                     .Name("process_virtual_memory_bytes")
                     .Help("Virtual memory size in bytes.")
                     .Register(reg)
                     .Add({});
    auto& cpu = prometheus::BuildCounter()
                    .Name("process_cpu_seconds_total")
                    .Help("Total user and system CPU time spent in seconds.")
                    .Register(reg)
                    .Add({});
    auto& start = prometheus::BuildGauge()
                      .Name("process_start_time_seconds")
                      .Help("Start time of the process since unix epoch in seconds.")
                      .Register(reg)
                      .Add({});
    auto& fds = prometheus::BuildGauge()
                    .Name("process_open_fds")
                    .Help("Number of open file descriptors.")
                    .Register(reg)
                    .Add({});
    remember_kind("process_resident_memory_bytes", ValueKind::integer);
    remember_kind("process_virtual_memory_bytes", ValueKind::integer);
    remember_kind("process_cpu_seconds_total", ValueKind::real);
    remember_kind("process_start_time_seconds", ValueKind::real);
    remember_kind("process_open_fds", ValueKind::integer);
    auto& threads = gauge("threads", "The current number of threads of the process");
    auto& uptime = gauge("uptime_seconds", "Seconds since the process started", {}, ValueKind::real);

    const ProcessStats initial = read_process_stats();
    const double start_time = initial.start_time_seconds.value_or(now_seconds_since_epoch());
    start.Set(start_time);

    // A prometheus-cpp counter only goes up by increments, so the hook adds the CPU time used since the last scrape.
    struct CpuState {
        std::mutex mutex;
        double reported = 0;
    };
    auto cpu_state = std::make_shared<CpuState>();
    hooks_.emplace_back([threads = &threads, resident = &resident, virt = &virt, fds = &fds, cpu = &cpu,
                         uptime = &uptime, start_time, cpu_state] {
        const ProcessStats stats = read_process_stats();
        if (stats.threads) {
            threads->Set(static_cast<double>(*stats.threads));
        }
        if (stats.resident_memory_bytes) {
            resident->Set(*stats.resident_memory_bytes);
        }
        if (stats.virtual_memory_bytes) {
            virt->Set(*stats.virtual_memory_bytes);
        }
        if (stats.open_fds) {
            fds->Set(static_cast<double>(*stats.open_fds));
        }
        if (stats.cpu_seconds) {
            std::lock_guard lock(cpu_state->mutex);
            if (*stats.cpu_seconds > cpu_state->reported) {
                cpu->Increment(*stats.cpu_seconds - cpu_state->reported);
                cpu_state->reported = *stats.cpu_seconds;
            }
        }
        uptime->Set(std::max(0.0, now_seconds_since_epoch() - start_time));
    });
}

}  // namespace jicofo::metrics
