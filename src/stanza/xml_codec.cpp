// XmlElement <-> text and XmlElement <-> libstrophe trees, with the limits that protect us from hostile input.
#include "jicofo/stanza/xml_codec.hpp"

#include <strophe.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

namespace jicofo::stanza {
namespace {

bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

bool is_whitespace(std::string_view text) {
    return std::all_of(text.begin(), text.end(), is_space);
}

// A cheap structural scan run before libstrophe sees the text. libstrophe builds the whole tree (and frees it
// recursively), so depth and size must be bounded before that, not after. The scan only needs to be exact for
// well-formed input: expat rejects everything else, and what it builds before failing is a prefix we have scanned.
std::optional<std::string> prescan(std::string_view s) {
    if (s.size() > kMaxDocumentBytes) {
        return "document larger than " + std::to_string(kMaxDocumentBytes) + " bytes";
    }
    if (s.find('\0') != std::string_view::npos) {
        return "NUL byte in document";
    }
    std::size_t depth = 0;
    std::size_t elements = 0;
    std::size_t roots = 0;
    std::size_t i = 0;
    while (i < s.size()) {
        if (s[i] != '<') {
            if (depth == 0 && !is_space(s[i])) {
                return "text outside the root element";
            }
            ++i;
            continue;
        }
        const std::string_view rest = s.substr(i);
        if (rest.starts_with("<!--")) {
            const auto end = s.find("-->", i + 4);
            if (end == std::string_view::npos) {
                return "unterminated comment";
            }
            i = end + 3;
            continue;
        }
        if (rest.starts_with("<![CDATA[")) {
            const auto end = s.find("]]>", i + 9);
            if (depth == 0 || end == std::string_view::npos) {
                return "misplaced or unterminated CDATA section";
            }
            i = end + 3;
            continue;
        }
        if (rest.starts_with("<!")) {
            return "DTDs are not allowed";
        }
        if (rest.starts_with("<?")) {
            return "processing instructions are not allowed";
        }
        if (rest.starts_with("</")) {
            if (depth == 0) {
                return "end tag without a start tag";
            }
            --depth;
            const auto end = s.find('>', i);
            if (end == std::string_view::npos) {
                return "unterminated end tag";
            }
            i = end + 1;
            continue;
        }
        if (++elements > kMaxXmlElements) {
            return "more than " + std::to_string(kMaxXmlElements) + " elements";
        }
        if (depth == 0 && ++roots > 1) {
            return "more than one root element";
        }
        std::size_t j = i + 1;
        for (;;) {
            if (j >= s.size()) {
                return "unterminated start tag";
            }
            const char c = s[j];
            if (c == '"' || c == '\'') {
                const auto end = s.find(c, j + 1);
                if (end == std::string_view::npos) {
                    return "unterminated attribute value";
                }
                j = end + 1;
                continue;
            }
            if (c == '>') {
                break;
            }
            ++j;
        }
        const bool self_closing = s[j - 1] == '/';
        i = j + 1;
        if (!self_closing && ++depth > kMaxXmlDepth) {
            return "elements nested deeper than " + std::to_string(kMaxXmlDepth);
        }
    }
    if (roots == 0) {
        return "no element";
    }
    return std::nullopt;
}

// An XML declaration is allowed only at the very start; libstrophe parses inside its own stream wrapper, where a
// declaration would be an error, so we drop it here.
std::string_view skip_xml_declaration(std::string_view s) {
    const auto start = s.find_first_not_of(" \t\r\n");
    if (start != std::string_view::npos && s.substr(start).starts_with("<?xml")) {
        const auto end = s.find("?>", start);
        if (end != std::string_view::npos) {
            return s.substr(end + 2);
        }
    }
    return s;
}

struct CtxDeleter {
    void operator()(xmpp_ctx_t* ctx) const { xmpp_ctx_free(ctx); }
};

// libstrophe is not thread-safe, but a context used only for parsing on one thread is.
xmpp_ctx_t* parsing_ctx() {
    ensure_strophe_initialized();
    thread_local std::unique_ptr<xmpp_ctx_t, CtxDeleter> ctx(xmpp_ctx_new(nullptr, nullptr));
    return ctx.get();
}

struct StanzaReleaser {
    void operator()(xmpp_stanza_t* stanza) const { xmpp_stanza_release(stanza); }
};

class StropheReader {
public:
    ParseResult<XmlElement> read(xmpp_stanza_t* stanza, const std::string& parent_ns, std::size_t depth) {
        if (depth > kMaxXmlDepth) {
            return core::unexpected(
                StanzaError::bad_request("elements nested deeper than " + std::to_string(kMaxXmlDepth)));
        }
        if (++elements_ > kMaxXmlElements) {
            return core::unexpected(
                StanzaError::bad_request("more than " + std::to_string(kMaxXmlElements) + " elements"));
        }
        const char* name = xmpp_stanza_get_name(stanza);
        if (name == nullptr || *name == '\0') {
            return core::unexpected(StanzaError::bad_request("element without a name"));
        }
        const char* ns = xmpp_stanza_get_ns(stanza);
        XmlElement element(name, ns != nullptr ? std::string(ns) : parent_ns);

        const int count = xmpp_stanza_get_attribute_count(stanza);
        if (count > 0) {
            std::vector<const char*> attrs(static_cast<std::size_t>(count) * 2, nullptr);
            const int filled = xmpp_stanza_get_attributes(stanza, attrs.data(), count * 2);
            std::vector<std::pair<std::string_view, std::string_view>> sorted;
            for (int k = 0; k + 1 < filled; k += 2) {
                const std::string_view key = attrs[k];
                const std::string_view value = attrs[k + 1] != nullptr ? attrs[k + 1] : "";
                if (key == "xmlns") {
                    continue;
                }
                if (value.size() > kMaxAttributeBytes) {
                    return core::unexpected(
                        StanzaError::bad_request("attribute '" + std::string(key) + "' longer than 64 KiB"));
                }
                sorted.emplace_back(key, value);
            }
            // The hash table order is arbitrary; sorting keeps conversions deterministic.
            std::sort(sorted.begin(), sorted.end());
            for (const auto& [key, value] : sorted) {
                element.set_attribute(key, std::string(value));
            }
        }

        bool has_element_child = false;
        for (xmpp_stanza_t* c = xmpp_stanza_get_children(stanza); c != nullptr; c = xmpp_stanza_get_next(c)) {
            has_element_child = has_element_child || xmpp_stanza_is_tag(c) != 0;
        }
        for (xmpp_stanza_t* c = xmpp_stanza_get_children(stanza); c != nullptr; c = xmpp_stanza_get_next(c)) {
            if (xmpp_stanza_is_tag(c) != 0) {
                auto child = read(c, element.ns(), depth + 1);
                if (!child) {
                    return child;
                }
                element.add_child(std::move(child).value());
            } else if (xmpp_stanza_is_text(c) != 0) {
                const char* text = xmpp_stanza_get_text_ptr(c);
                const std::string_view view = text != nullptr ? text : "";
                // Indentation between child elements carries no meaning in XMPP.
                if (has_element_child && is_whitespace(view)) {
                    continue;
                }
                element.add_text(std::string(view));
            }
        }
        return element;
    }

private:
    std::size_t elements_ = 0;
};

// Appends the UTF-8 encoding of U+FFFD.
void append_replacement(std::string& out) {
    out += "\xEF\xBF\xBD";
}

bool is_xml_char(std::uint32_t cp) {
    return cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF) || (cp >= 0xE000 && cp <= 0xFFFD) ||
           (cp >= 0x10000 && cp <= 0x10FFFF);
}

// Decodes one UTF-8 sequence at s[i]; returns its length, or 0 when it is not valid UTF-8.
std::size_t decode_utf8(std::string_view s, std::size_t i, std::uint32_t& cp) {
    const auto b0 = static_cast<unsigned char>(s[i]);
    std::size_t len = 0;
    std::uint32_t min = 0;
    if (b0 < 0x80) {
        cp = b0;
        return 1;
    }
    if ((b0 & 0xE0) == 0xC0) {
        len = 2;
        cp = b0 & 0x1F;
        min = 0x80;
    } else if ((b0 & 0xF0) == 0xE0) {
        len = 3;
        cp = b0 & 0x0F;
        min = 0x800;
    } else if ((b0 & 0xF8) == 0xF0) {
        len = 4;
        cp = b0 & 0x07;
        min = 0x10000;
    } else {
        return 0;
    }
    if (i + len > s.size()) {
        return 0;
    }
    for (std::size_t k = 1; k < len; ++k) {
        const auto b = static_cast<unsigned char>(s[i + k]);
        if ((b & 0xC0) != 0x80) {
            return 0;
        }
        cp = (cp << 6) | (b & 0x3F);
    }
    if (cp < min || (cp >= 0xD800 && cp <= 0xDFFF)) {
        return 0;  // overlong forms and surrogates are not valid UTF-8
    }
    return len;
}

enum class EscapeMode { text, attribute };

// True for a byte that is written as it is: printable ASCII other than the markup characters. Everything else
// (markup, line ends, tabs, control characters, any byte of a multi-byte sequence) goes through the careful path.
bool is_plain_byte(char c) {
    const auto b = static_cast<unsigned char>(c);
    return b >= 0x20 && b < 0x80 && c != '&' && c != '<' && c != '>' && c != '"' && c != '\'';
}

void append_escaped(std::string& out, std::string_view raw, EscapeMode mode) {
    // Most values (ids, JIDs, namespaces, numbers) are plain ASCII: copied in one piece, without the sanitized copy.
    if (std::all_of(raw.begin(), raw.end(), is_plain_byte)) {
        out.append(raw);
        return;
    }
    const std::string clean = sanitize_xml_text(raw);
    for (const char c : clean) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += mode == EscapeMode::attribute ? "&quot;" : "\""; break;
            case '\'': out += mode == EscapeMode::attribute ? "&apos;" : "'"; break;
            // Escaped so that attribute-value and line-end normalization give back the same value.
            case '\r': out += "&#13;"; break;
            case '\n': out += mode == EscapeMode::attribute ? "&#10;" : "\n"; break;
            case '\t': out += mode == EscapeMode::attribute ? "&#9;" : "\t"; break;
            default: out += c;
        }
    }
}

void write_element(std::string& out, const XmlElement& e, const std::string* parent_ns) {
    out += '<';
    out += e.name();
    const bool write_ns = parent_ns == nullptr ? !e.ns().empty() : e.ns() != *parent_ns;
    if (write_ns) {
        out += " xmlns=\"";
        append_escaped(out, e.ns(), EscapeMode::attribute);
        out += '"';
    }
    for (const auto& [key, value] : e.attributes()) {
        out += ' ';
        out += key;
        out += "=\"";
        append_escaped(out, value, EscapeMode::attribute);
        out += '"';
    }
    if (e.nodes().empty()) {
        out += "/>";
        return;
    }
    out += '>';
    for (const auto& node : e.nodes()) {
        if (const auto* child = std::get_if<XmlElement>(&node)) {
            write_element(out, *child, &e.ns());
        } else {
            append_escaped(out, std::get<std::string>(node), EscapeMode::text);
        }
    }
    out += "</";
    out += e.name();
    out += '>';
}

xmpp_stanza_t* build_strophe(xmpp_ctx_t* ctx, const XmlElement& e, const std::string* parent_ns) {
    std::unique_ptr<xmpp_stanza_t, StanzaReleaser> stanza(xmpp_stanza_new(ctx));
    if (!stanza) {
        return nullptr;
    }
    xmpp_stanza_set_name(stanza.get(), e.name().c_str());
    const bool write_ns = parent_ns == nullptr ? !e.ns().empty() : e.ns() != *parent_ns;
    if (write_ns) {
        xmpp_stanza_set_ns(stanza.get(), sanitize_xml_text(e.ns()).c_str());
    }
    for (const auto& [key, value] : e.attributes()) {
        xmpp_stanza_set_attribute(stanza.get(), key.c_str(), sanitize_xml_text(value).c_str());
    }
    for (const auto& node : e.nodes()) {
        xmpp_stanza_t* child = nullptr;
        if (const auto* element = std::get_if<XmlElement>(&node)) {
            child = build_strophe(ctx, *element, &e.ns());
        } else {
            child = xmpp_stanza_new(ctx);
            if (child != nullptr) {
                const std::string text = sanitize_xml_text(std::get<std::string>(node));
                xmpp_stanza_set_text_with_size(child, text.data(), text.size());
            }
        }
        if (child == nullptr) {
            return nullptr;
        }
        xmpp_stanza_add_child_ex(stanza.get(), child, 0);  // 0: the parent takes our reference
    }
    return stanza.release();
}

}  // namespace

std::string sanitize_xml_text(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    std::size_t i = 0;
    while (i < text.size()) {
        std::uint32_t cp = 0;
        const std::size_t len = decode_utf8(text, i, cp);
        if (len == 0) {
            append_replacement(out);
            ++i;
            continue;
        }
        if (is_xml_char(cp)) {
            out.append(text.substr(i, len));
        } else {
            append_replacement(out);
        }
        i += len;
    }
    return out;
}

ParseResult<XmlElement> parse_xml(std::string_view text) {
    text = skip_xml_declaration(text);
    if (auto problem = prescan(text)) {
        return core::unexpected(StanzaError::bad_request(std::move(*problem)));
    }
    xmpp_ctx_t* ctx = parsing_ctx();
    if (ctx == nullptr) {
        return core::unexpected(StanzaError::make(ErrorCondition::internal_server_error, "no parser context"));
    }
    const std::string copy(text);  // libstrophe wants a NUL-terminated string
    std::unique_ptr<xmpp_stanza_t, StanzaReleaser> stanza(xmpp_stanza_new_from_string(ctx, copy.c_str()));
    if (!stanza) {
        return core::unexpected(StanzaError::bad_request("not well-formed XML"));
    }
    return from_strophe(stanza.get());
}

std::string to_xml_string(const XmlElement& element) {
    std::string out;
    out.reserve(512);  // most stanzas fit: one allocation instead of a doubling series
    write_element(out, element, nullptr);
    return out;
}

ParseResult<XmlElement> from_strophe(const xmpp_stanza_t* stanza) {
    if (stanza == nullptr) {
        return core::unexpected(StanzaError::bad_request("no stanza"));
    }
    // libstrophe's getters take non-const pointers but do not modify the tree.
    auto* mutable_stanza = const_cast<xmpp_stanza_t*>(stanza);
    if (xmpp_stanza_is_tag(mutable_stanza) == 0) {
        return core::unexpected(StanzaError::bad_request("not an element"));
    }
    StropheReader reader;
    return reader.read(mutable_stanza, std::string(), 1);
}

xmpp_stanza_t* to_strophe(xmpp_ctx_t* ctx, const XmlElement& element) {
    return build_strophe(ctx, element, nullptr);
}

void ensure_strophe_initialized() {
    static std::once_flag once;
    std::call_once(once, [] { xmpp_initialize(); });
}

}  // namespace jicofo::stanza
