// The metrics catalog: one entry per name, complete entries, every entry registrable, Jicofo's reference families
// present with their types and labels, and docs/metrics.md naming exactly the catalog's families.
#include "jicofo/metrics/catalog.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <string>

#include "jicofo/metrics/metrics_registry.hpp"

namespace jicofo::metrics {
namespace {

const std::filesystem::path kSourceDir = JICOFO_SOURCE_DIR;

std::string file_text(const std::filesystem::path& path) {
    std::ifstream in(path);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// The catalog by exposed family name (jitsi_jicofo_..., _total for counters).
std::map<std::string, const MetricSpec*> by_family_name() {
    std::map<std::string, const MetricSpec*> families;
    for (const auto& spec : metric_catalog()) {
        families.emplace(MetricsRegistry::family_name(spec), &spec);
    }
    return families;
}

// Labels with a placeholder value for each of the entry's label names.
Labels sample_labels(const MetricSpec& spec) {
    Labels labels;
    for (const auto name : label_names(spec)) {
        labels.emplace(std::string(name), "x");
    }
    return labels;
}

TEST(MetricCatalogTest, NamesAreUnique) {
    std::set<std::string_view> seen;
    for (const auto& spec : metric_catalog()) {
        EXPECT_TRUE(seen.insert(spec.name).second) << spec.name << " is in the catalog twice";
    }
    EXPECT_GT(seen.size(), 50U);
}

TEST(MetricCatalogTest, EveryEntryIsComplete) {
    static const std::regex kName("[a-z][a-z0-9_]*[a-z0-9]");
    static const std::set<std::string_view> kOwners{
        "app",      "bridge", "client_requirements", "conference", "jigasi", "metrics", "recording", "rest", "visitors",
        "webhooks", "xmpp"};
    for (const auto& spec : metric_catalog()) {
        const std::string name(spec.name);
        EXPECT_TRUE(std::regex_match(name, kName)) << name;
        EXPECT_FALSE(name.ends_with("_total")) << name << ": the registry adds _total to counters";
        EXPECT_FALSE(spec.help.empty()) << name << " has no help";
        EXPECT_EQ(kOwners.count(spec.owner), 1U) << name << ": owner '" << spec.owner << "'";
        switch (spec.type) {
            case MetricType::counter: EXPECT_EQ(spec.kind, ValueKind::integer) << name; break;
            case MetricType::histogram: EXPECT_EQ(spec.kind, ValueKind::histogram) << name; break;
            case MetricType::gauge: EXPECT_NE(spec.kind, ValueKind::histogram) << name; break;
        }
        for (const auto label : label_names(spec)) {
            EXPECT_TRUE(std::regex_match(std::string(label), std::regex("[a-z][a-z_]*"))) << name << ": " << label;
        }
        if (spec.appears == Appears::per_bridge) {
            EXPECT_EQ(spec.labels, "jvb") << name;
        }
        EXPECT_EQ(find_metric(spec.name), &spec) << name;
    }
    EXPECT_EQ(find_metric("not_in_the_catalog"), nullptr);
}

TEST(MetricCatalogTest, LabelNamesSplitAtCommas) {
    ASSERT_NE(find_metric("jibri_session_failures"), nullptr);
    EXPECT_EQ(label_names(*find_metric("jibri_session_failures")), (std::vector<std::string_view>{"type", "reason"}));
    EXPECT_EQ(label_names(*find_metric("bridge_endpoints")), (std::vector<std::string_view>{"jvb"}));
    EXPECT_TRUE(label_names(*find_metric("conferences")).empty());
}

// Each entry registers with its own type and labels (the table is consistent with the registry's checks), and the
// family the registry exposes has the catalog's help and type.
TEST(MetricCatalogTest, EveryEntryRegistersWithItsHelp) {
    MetricsRegistry registry("v");
    for (const auto& spec : metric_catalog()) {
        const auto labels = sample_labels(spec);
        switch (spec.type) {
            case MetricType::counter: EXPECT_NO_THROW(registry.counter(spec.name, labels)) << spec.name; break;
            case MetricType::gauge: EXPECT_NO_THROW(registry.gauge(spec.name, labels)) << spec.name; break;
            case MetricType::histogram:
                EXPECT_NO_THROW(registry.histogram(spec.name, {1.0}, labels)) << spec.name;
                break;
        }
    }
    const auto catalog = by_family_name();
    std::set<std::string> exposed;
    for (const auto& family : registry.collect()) {
        if (family.name.starts_with("process_")) {
            continue;
        }
        exposed.insert(family.name);
        const auto it = catalog.find(family.name);
        ASSERT_NE(it, catalog.end()) << family.name;
        EXPECT_EQ(family.help, it->second->help) << family.name;
        EXPECT_EQ(registry.kind_of(family.name), it->second->kind) << family.name;
    }
    EXPECT_EQ(exposed.size(), catalog.size());
}

TEST(MetricCatalogTest, HasEveryReferenceFamilyWithItsTypeAndLabels) {
    const auto reference =
        nlohmann::json::parse(file_text(kSourceDir / "tests/data/jicofo_reference_stats_metrics.json"), nullptr, false);
    ASSERT_FALSE(reference.is_discarded());
    ASSERT_TRUE(reference.contains("metrics"));
    const auto catalog = by_family_name();
    for (const auto& [name, description] : reference["metrics"].items()) {
        const auto it = catalog.find(name);
        if (it == catalog.end()) {
            ADD_FAILURE() << name << " (Jicofo's) is not in the catalog";
            continue;
        }
        EXPECT_EQ(to_string(it->second->type), description["type"].get<std::string>()) << name;
        // A named copy: the views below point into it (value() returns a temporary).
        const auto labels = description.value("labels", nlohmann::json::array());
        std::vector<std::string_view> expected;
        for (const auto& label : labels) {
            expected.emplace_back(label.get_ref<const std::string&>());
        }
        EXPECT_EQ(label_names(*it->second), expected) << name;
    }
}

// Every jitsi_jicofo_ name written in docs/metrics.md. The exposition spellings of a family count as its name: the
// _bucket, _sum and _count samples of a histogram, and OpenMetrics' family name of the info metric (no _info).
std::set<std::string> names_in_docs(const std::string& docs) {
    static const std::regex kMetricName("jitsi_jicofo_[a-z0-9_]+");
    std::set<std::string> names;
    for (auto it = std::sregex_iterator(docs.begin(), docs.end(), kMetricName); it != std::sregex_iterator(); ++it) {
        names.insert(it->str());
    }
    return names;
}

bool names_a_catalog_family(const std::string& name, const std::map<std::string, const MetricSpec*>& catalog) {
    if (catalog.count(name) == 1) {
        return true;
    }
    for (const std::string suffix : {"_bucket", "_sum", "_count"}) {
        if (name.ends_with(suffix)) {
            const auto it = catalog.find(name.substr(0, name.size() - suffix.size()));
            if (it != catalog.end() && it->second->type == MetricType::histogram) {
                return true;
            }
        }
    }
    const auto info = catalog.find(name + "_info");
    return info != catalog.end() && info->second->kind == ValueKind::info;
}

TEST(MetricCatalogTest, DocsNameEveryEntryAndNothingElse) {
    const std::string docs = file_text(kSourceDir / "docs/metrics.md");
    ASSERT_FALSE(docs.empty()) << "docs/metrics.md not read";
    const auto names = names_in_docs(docs);
    const auto catalog = by_family_name();
    for (const auto& [family, spec] : catalog) {
        EXPECT_EQ(names.count(family), 1U) << family << " is in the catalog but not in docs/metrics.md";
    }
    for (const auto& name : names) {
        EXPECT_TRUE(names_a_catalog_family(name, catalog)) << name << " is in docs/metrics.md but not in the catalog";
    }
}

}  // namespace
}  // namespace jicofo::metrics
