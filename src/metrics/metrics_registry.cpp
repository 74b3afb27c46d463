// MetricsRegistry: Jicofo metric naming over prometheus-cpp, checked against the catalog, the built-in metrics and the
// scrape-time hooks.
#include "jicofo/metrics/metrics_registry.hpp"

#include <algorithm>
#include <chrono>
#include <stdexcept>
#include <string>

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
    gauge("version_info", {{"version", version_}}).Set(1);
    healthy_ = &gauge("healthy");
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

std::string MetricsRegistry::family_name(const MetricSpec& spec) {
    return spec.type == MetricType::counter ? full_counter_name(spec.name) : full_name(spec.name);
}

const MetricSpec& MetricsRegistry::checked_spec(std::string_view name, MetricType type, const Labels& labels) {
    const MetricSpec* spec = find_metric(name);
    if (spec == nullptr) {
        throw std::invalid_argument("metric " + std::string(name) + " is not in the metrics catalog");
    }
    if (spec->type != type) {
        throw std::invalid_argument("metric " + std::string(name) + " is a " + std::string(to_string(spec->type)) +
                                    " in the metrics catalog, not a " + std::string(to_string(type)));
    }
    // Labels is an ordered map, so its keys compare with the catalog's names once those are sorted too.
    auto expected = label_names(*spec);
    std::sort(expected.begin(), expected.end());
    const bool same = expected.size() == labels.size() &&
                      std::equal(expected.begin(), expected.end(), labels.begin(),
                                 [](std::string_view wanted, const auto& label) { return wanted == label.first; });
    if (!same) {
        std::string given;
        for (const auto& [label, value] : labels) {
            given += (given.empty() ? "" : ",") + label;
        }
        throw std::invalid_argument("metric " + std::string(name) + " takes the labels {" + std::string(spec->labels) +
                                    "}, not {" + given + "}");
    }
    return *spec;
}

prometheus::Family<prometheus::Counter>& MetricsRegistry::counter_family(const MetricSpec& spec) {
    const std::string full = family_name(spec);
    auto& family = prometheus::BuildCounter().Name(full).Help(std::string(spec.help)).Register(*registry_);
    remember_kind(full, spec.kind);
    return family;
}

prometheus::Family<prometheus::Gauge>& MetricsRegistry::gauge_family(const MetricSpec& spec) {
    const std::string full = family_name(spec);
    auto& family = prometheus::BuildGauge().Name(full).Help(std::string(spec.help)).Register(*registry_);
    remember_kind(full, spec.kind);
    return family;
}

prometheus::Counter& MetricsRegistry::counter(std::string_view name, const Labels& labels) {
    return counter_family(checked_spec(name, MetricType::counter, labels)).Add(labels);
}

prometheus::Gauge& MetricsRegistry::gauge(std::string_view name, const Labels& labels) {
    return gauge_family(checked_spec(name, MetricType::gauge, labels)).Add(labels);
}

prometheus::Histogram& MetricsRegistry::histogram(std::string_view name,
                                                  const prometheus::Histogram::BucketBoundaries& buckets,
                                                  const Labels& labels) {
    const MetricSpec& spec = checked_spec(name, MetricType::histogram, labels);
    const std::string full = family_name(spec);
    auto& family = prometheus::BuildHistogram().Name(full).Help(std::string(spec.help)).Register(*registry_);
    remember_kind(full, spec.kind);
    return family.Add(labels, buckets);
}

void MetricsRegistry::remove_counter(std::string_view name, const Labels& labels) {
    auto& family = counter_family(checked_spec(name, MetricType::counter, labels));
    if (family.Has(labels)) {
        family.Remove(&family.Add(labels));
    }
}

void MetricsRegistry::remove_gauge(std::string_view name, const Labels& labels) {
    auto& family = gauge_family(checked_spec(name, MetricType::gauge, labels));
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
    auto& threads = gauge("threads");
    auto& uptime = gauge("uptime_seconds");

    const double start_time = read_process_start_time_seconds().value_or(now_seconds_since_epoch());
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
