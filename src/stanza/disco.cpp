// Parsing and serialization of disco#info/#items, entity caps (with the verification string) and ping.
#include "jicofo/stanza/disco.hpp"

#include "jicofo/stanza/namespaces.hpp"
#include "parse_util.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <tuple>
#include <utility>

namespace jicofo::stanza {

using detail::bad;

ParseResult<DiscoInfo> DiscoInfo::parse(const XmlElement& element) {
    if (auto problem = detail::expect_element(element, "query", kNsDiscoInfo)) {
        return core::unexpected(*problem);
    }
    DiscoInfo info;
    info.node = detail::opt_attr(element, "node");
    for (const XmlElement* i : element.children("identity", kNsDiscoInfo)) {
        auto category = detail::required_attr(*i, "category");
        auto type = detail::required_attr(*i, "type");
        if (!category || !type) {
            return core::unexpected(bad("disco <identity/> without category or type"));
        }
        DiscoIdentity identity{std::move(category).value(), std::move(type).value(), detail::opt_attr(*i, "name"),
                               std::nullopt};
        // libstrophe drops the xml: prefix; trees we build ourselves may still carry it.
        identity.lang = detail::opt_attr(*i, "lang");
        if (!identity.lang) {
            identity.lang = detail::opt_attr(*i, "xml:lang");
        }
        info.identities.push_back(std::move(identity));
    }
    for (const XmlElement* f : element.children("feature", kNsDiscoInfo)) {
        if (const auto var = f->attribute("var"); var && !var->empty()) {
            info.features.emplace_back(*var);
        }
    }
    for (const XmlElement* x : element.children("x", kNsDataForms)) {
        auto form = DataForm::parse(*x);
        if (!form) {
            return core::unexpected(form.error());
        }
        info.extensions.push_back(std::move(form).value());
    }
    return info;
}

XmlElement DiscoInfo::to_xml() const {
    XmlElement e("query", std::string(kNsDiscoInfo));
    e.set_attribute_if("node", node);
    for (const auto& identity : identities) {
        XmlElement& i = e.add_child(XmlElement("identity"));
        i.set_attribute("category", identity.category).set_attribute("type", identity.type);
        i.set_attribute_if("name", identity.name);
        i.set_attribute_if("xml:lang", identity.lang);
    }
    for (const auto& feature : features) {
        e.add_child(XmlElement("feature")).set_attribute("var", feature);
    }
    for (const auto& form : extensions) {
        e.add_child(form.to_xml());
    }
    return e;
}

bool DiscoInfo::has_feature(std::string_view var) const {
    return std::find(features.begin(), features.end(), var) != features.end();
}

bool DiscoInfo::has_identity(std::string_view category, std::string_view type) const {
    return std::any_of(identities.begin(), identities.end(),
                       [&](const DiscoIdentity& i) { return i.category == category && i.type == type; });
}

const DataForm* DiscoInfo::extension(std::string_view form_type) const {
    for (const auto& form : extensions) {
        if (form.form_type() == form_type) {
            return &form;
        }
    }
    return nullptr;
}

ParseResult<DiscoItems> DiscoItems::parse(const XmlElement& element) {
    if (auto problem = detail::expect_element(element, "query", kNsDiscoItems)) {
        return core::unexpected(*problem);
    }
    DiscoItems items;
    items.node = detail::opt_attr(element, "node");
    for (const XmlElement* i : element.children("item", kNsDiscoItems)) {
        auto jid_text = detail::required_attr(*i, "jid");
        if (!jid_text) {
            return core::unexpected(jid_text.error());
        }
        auto jid = Jid::parse(*jid_text);
        if (!jid) {
            return core::unexpected(jid.error());
        }
        items.items.push_back(
            DiscoItem{std::move(jid).value(), detail::opt_attr(*i, "node"), detail::opt_attr(*i, "name")});
    }
    return items;
}

XmlElement DiscoItems::to_xml() const {
    XmlElement e("query", std::string(kNsDiscoItems));
    e.set_attribute_if("node", node);
    for (const auto& item : items) {
        XmlElement& i = e.add_child(XmlElement("item"));
        i.set_attribute("jid", item.jid.to_string());
        i.set_attribute_if("node", item.node);
        i.set_attribute_if("name", item.name);
    }
    return e;
}

ParseResult<EntityCaps> EntityCaps::parse(const XmlElement& element) {
    if (auto problem = detail::expect_element(element, "c", kNsCaps)) {
        return core::unexpected(*problem);
    }
    auto hash = detail::required_attr(element, "hash");
    auto node = detail::required_attr(element, "node");
    auto ver = detail::required_attr(element, "ver");
    if (!hash || !node || !ver) {
        return core::unexpected(bad("caps <c/> needs hash, node and ver"));
    }
    return EntityCaps{std::move(hash).value(), std::move(node).value(), std::move(ver).value()};
}

XmlElement EntityCaps::to_xml() const {
    XmlElement e("c", std::string(kNsCaps));
    e.set_attribute("hash", hash).set_attribute("node", node).set_attribute("ver", ver);
    return e;
}

namespace {

bool form_type_hidden(const DataForm& form) {
    const DataFormField* field = form.field("FORM_TYPE");
    return field != nullptr && field->type == "hidden";
}

// S of §5.1. Generating (our own caps) takes every form with a FORM_TYPE; checking someone else's (§5.4) takes only
// those whose FORM_TYPE is hidden.
std::string hash_input(const DiscoInfo& info, bool only_hidden_form_types) {
    std::string s;
    auto identities = info.identities;
    // The name breaks ties so that the order, and so the hash, never depends on the order of the answer.
    std::sort(identities.begin(), identities.end(), [](const DiscoIdentity& a, const DiscoIdentity& b) {
        return std::tie(a.category, a.type, a.lang, a.name) < std::tie(b.category, b.type, b.lang, b.name);
    });
    for (const auto& i : identities) {
        s += i.category + "/" + i.type + "/" + i.lang.value_or("") + "/" + i.name.value_or("") + "<";
    }
    auto features = info.features;
    std::sort(features.begin(), features.end());
    for (const auto& f : features) {
        s += f + "<";
    }
    // Forms without FORM_TYPE are not part of the hash (XEP-0115 §5.4).
    std::vector<const DataForm*> forms;
    for (const auto& form : info.extensions) {
        if (form.form_type() && (!only_hidden_form_types || form_type_hidden(form))) {
            forms.push_back(&form);
        }
    }
    std::sort(forms.begin(), forms.end(),
              [](const DataForm* a, const DataForm* b) { return *a->form_type() < *b->form_type(); });
    for (const DataForm* form : forms) {
        s += std::string(*form->form_type()) + "<";
        std::vector<const DataFormField*> fields;
        for (const auto& field : form->fields) {
            if (field.var != "FORM_TYPE") {
                fields.push_back(&field);
            }
        }
        std::sort(fields.begin(), fields.end(),
                  [](const DataFormField* a, const DataFormField* b) { return a->var < b->var; });
        for (const DataFormField* field : fields) {
            s += field->var + "<";
            auto values = field->values;
            std::sort(values.begin(), values.end());
            for (const auto& v : values) {
                s += v + "<";
            }
        }
    }
    return s;
}

const EVP_MD* caps_digest(std::string_view algorithm) {
    if (algorithm == "sha-1") {
        return EVP_sha1();
    }
    if (algorithm == "sha-224") {
        return EVP_sha224();
    }
    if (algorithm == "sha-256") {
        return EVP_sha256();
    }
    if (algorithm == "sha-384") {
        return EVP_sha384();
    }
    if (algorithm == "sha-512") {
        return EVP_sha512();
    }
    return nullptr;
}

template <class T, class Key>
bool has_duplicates(std::vector<T> values, Key key) {
    std::sort(values.begin(), values.end(), [&](const T& a, const T& b) { return key(a) < key(b); });
    return std::adjacent_find(values.begin(), values.end(), [&](const T& a, const T& b) { return key(a) == key(b); }) !=
           values.end();
}

}  // namespace

std::string EntityCaps::compute_ver(const DiscoInfo& info) {
    return caps_hash("sha-1", hash_input(info, false)).value_or("");
}

std::optional<std::string> caps_hash_input(const DiscoInfo& info) {
    if (has_duplicates(info.identities,
                       [](const DiscoIdentity& i) { return std::tie(i.category, i.type, i.lang, i.name); }) ||
        has_duplicates(info.features, [](const std::string& f) -> const std::string& { return f; })) {
        return std::nullopt;
    }
    std::vector<std::string_view> form_types;
    for (const auto& form : info.extensions) {
        const DataFormField* field = form.field("FORM_TYPE");
        if (field == nullptr || field->values.empty()) {
            continue;
        }
        if (std::any_of(field->values.begin(), field->values.end(),
                        [&](const std::string& v) { return v != field->values.front(); })) {
            return std::nullopt;
        }
        form_types.emplace_back(field->values.front());
    }
    if (has_duplicates(form_types, [](std::string_view t) { return t; })) {
        return std::nullopt;
    }
    return hash_input(info, true);
}

std::optional<std::string> caps_hash(std::string_view algorithm, std::string_view input) {
    const EVP_MD* md = caps_digest(algorithm);
    if (md == nullptr) {
        return std::nullopt;
    }
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int digest_length = 0;
    if (EVP_Digest(input.data(), input.size(), digest.data(), &digest_length, md, nullptr) != 1) {
        return std::nullopt;
    }
    std::string encoded(std::size_t{4} * ((digest_length + 2) / 3), '\0');
    const int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(encoded.data()), digest.data(),
                                        static_cast<int>(digest_length));
    encoded.resize(written > 0 ? static_cast<std::size_t>(written) : 0);
    return encoded;
}

bool caps_hash_supported(std::string_view algorithm) {
    return caps_digest(algorithm) != nullptr;
}

CapsCheck verify_caps(const EntityCaps& caps, const DiscoInfo& info) {
    if (!caps_hash_supported(caps.hash)) {
        return CapsCheck::unsupported_hash;
    }
    const auto input = caps_hash_input(info);
    if (!input) {
        return CapsCheck::ill_formed;
    }
    return caps_hash(caps.hash, *input) == caps.ver ? CapsCheck::verified : CapsCheck::mismatch;
}

std::string_view to_string(CapsCheck check) {
    switch (check) {
        case CapsCheck::verified: return "verified";
        case CapsCheck::mismatch: return "mismatch";
        case CapsCheck::ill_formed: return "ill-formed";
        case CapsCheck::unsupported_hash: return "unsupported hash";
    }
    return "mismatch";
}

ParseResult<Ping> Ping::parse(const XmlElement& element) {
    if (auto problem = detail::expect_element(element, "ping", kNsPing)) {
        return core::unexpected(*problem);
    }
    return Ping{};
}

XmlElement Ping::to_xml() const {
    return XmlElement("ping", std::string(kNsPing));
}

}  // namespace jicofo::stanza
