// A minimal JSON reader for SourceInfo's flat shape: {"name": {"muted": bool, "videoType": "..."}, ...}.
// It understands all of JSON's syntax so that it can skip what it does not use, with a nesting limit.
#include "jicofo/core/text.hpp"
#include "jicofo/stanza/jitsi_presence.hpp"

#include <cstdint>

namespace jicofo::stanza {
namespace {

constexpr int kMaxNesting = 16;

class JsonReader {
public:
    explicit JsonReader(std::string_view text) : s_(text) {}

    ParseResult<std::map<std::string, SourceState>> read_sources() {
        std::map<std::string, SourceState> out;
        skip_ws();
        if (!consume('{')) {
            return fail("SourceInfo is not a JSON object");
        }
        skip_ws();
        if (consume('}')) {
            return finish(std::move(out));
        }
        for (;;) {
            skip_ws();
            std::string name;
            if (!read_string(name)) {
                return fail("SourceInfo: expected a source name");
            }
            skip_ws();
            if (!consume(':')) {
                return fail("SourceInfo: expected ':'");
            }
            skip_ws();
            if (peek() == '{') {
                SourceState state;
                if (!read_source(state)) {
                    return fail("SourceInfo: malformed entry for '" + name + "'");
                }
                out[name] = std::move(state);
            } else if (!skip_value(0)) {
                return fail("SourceInfo: malformed value for '" + name + "'");
            }
            skip_ws();
            if (consume('}')) {
                return finish(std::move(out));
            }
            if (!consume(',')) {
                return fail("SourceInfo: expected ',' or '}'");
            }
        }
    }

private:
    ParseResult<std::map<std::string, SourceState>> finish(std::map<std::string, SourceState> out) {
        skip_ws();
        if (pos_ != s_.size()) {
            return fail("SourceInfo: trailing characters after the JSON object");
        }
        return out;
    }

    static ParseResult<std::map<std::string, SourceState>> fail(std::string why) {
        return core::unexpected(StanzaError::bad_request(std::move(why)));
    }

    bool read_source(SourceState& state) {
        consume('{');
        skip_ws();
        if (consume('}')) {
            return true;
        }
        for (;;) {
            skip_ws();
            std::string key;
            if (!read_string(key)) {
                return false;
            }
            skip_ws();
            if (!consume(':')) {
                return false;
            }
            skip_ws();
            if (key == "muted" && (peek() == 't' || peek() == 'f')) {
                const bool value = peek() == 't';
                if (!literal(value ? "true" : "false")) {
                    return false;
                }
                state.muted = value;
            } else if (key == "videoType" && peek() == '"') {
                std::string value;
                if (!read_string(value)) {
                    return false;
                }
                state.video_type = std::move(value);
            } else if (!skip_value(1)) {
                return false;
            }
            skip_ws();
            if (consume('}')) {
                return true;
            }
            if (!consume(',')) {
                return false;
            }
        }
    }

    bool skip_value(int depth) {
        if (depth > kMaxNesting) {
            return false;
        }
        skip_ws();
        const char c = peek();
        if (c == '"') {
            std::string ignored;
            return read_string(ignored);
        }
        if (c == '{' || c == '[') {
            const char close = c == '{' ? '}' : ']';
            ++pos_;
            skip_ws();
            if (consume(close)) {
                return true;
            }
            for (;;) {
                skip_ws();
                if (c == '{') {
                    std::string key;
                    skip_ws();
                    if (!read_string(key)) {
                        return false;
                    }
                    skip_ws();
                    if (!consume(':')) {
                        return false;
                    }
                }
                if (!skip_value(depth + 1)) {
                    return false;
                }
                skip_ws();
                if (consume(close)) {
                    return true;
                }
                if (!consume(',')) {
                    return false;
                }
            }
        }
        if (c == 't') {
            return literal("true");
        }
        if (c == 'f') {
            return literal("false");
        }
        if (c == 'n') {
            return literal("null");
        }
        return skip_number();
    }

    bool skip_number() {
        const std::size_t start = pos_;
        consume('-');
        while (pos_ < s_.size() && ((s_[pos_] >= '0' && s_[pos_] <= '9') || s_[pos_] == '.' || s_[pos_] == 'e' ||
                                    s_[pos_] == 'E' || s_[pos_] == '+' || s_[pos_] == '-')) {
            ++pos_;
        }
        return pos_ > start && s_[pos_ - 1] != '-';
    }

    bool read_string(std::string& out) {
        if (!consume('"')) {
            return false;
        }
        while (pos_ < s_.size()) {
            const char c = s_[pos_++];
            if (c == '"') {
                return true;
            }
            if (static_cast<unsigned char>(c) < 0x20) {
                return false;
            }
            if (c != '\\') {
                out += c;
                continue;
            }
            if (pos_ >= s_.size()) {
                return false;
            }
            const char e = s_[pos_++];
            switch (e) {
                case '"': out += '"'; break;
                case '\\': out += '\\'; break;
                case '/': out += '/'; break;
                case 'b': out += '\b'; break;
                case 'f': out += '\f'; break;
                case 'n': out += '\n'; break;
                case 'r': out += '\r'; break;
                case 't': out += '\t'; break;
                case 'u':
                    if (!read_unicode_escape(out)) {
                        return false;
                    }
                    break;
                default: return false;
            }
        }
        return false;
    }

    bool read_hex4(std::uint32_t& value) {
        if (pos_ + 4 > s_.size()) {
            return false;
        }
        value = 0;
        for (int i = 0; i < 4; ++i) {
            const char c = s_[pos_++];
            value <<= 4;
            if (c >= '0' && c <= '9') {
                value |= static_cast<std::uint32_t>(c - '0');
            } else if (c >= 'a' && c <= 'f') {
                value |= static_cast<std::uint32_t>(c - 'a' + 10);
            } else if (c >= 'A' && c <= 'F') {
                value |= static_cast<std::uint32_t>(c - 'A' + 10);
            } else {
                return false;
            }
        }
        return true;
    }

    bool read_unicode_escape(std::string& out) {
        std::uint32_t cp = 0;
        if (!read_hex4(cp)) {
            return false;
        }
        if (cp >= 0xD800 && cp <= 0xDBFF) {
            std::uint32_t low = 0;
            if (!consume('\\') || !consume('u') || !read_hex4(low) || low < 0xDC00 || low > 0xDFFF) {
                return false;
            }
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
        } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            return false;
        }
        core::append_utf8(out, static_cast<char32_t>(cp));
        return true;
    }

    bool literal(std::string_view word) {
        if (s_.substr(pos_, word.size()) != word) {
            return false;
        }
        pos_ += word.size();
        return true;
    }

    void skip_ws() {
        while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\n' || s_[pos_] == '\r')) {
            ++pos_;
        }
    }

    [[nodiscard]] char peek() const { return pos_ < s_.size() ? s_[pos_] : '\0'; }

    bool consume(char c) {
        if (peek() == c && pos_ < s_.size()) {
            ++pos_;
            return true;
        }
        return false;
    }

    std::string_view s_;
    std::size_t pos_ = 0;
};

}  // namespace

ParseResult<std::map<std::string, SourceState>> SourceInfo::sources() const {
    return JsonReader(json).read_sources();
}

}  // namespace jicofo::stanza
