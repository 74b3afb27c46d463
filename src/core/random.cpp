// Random identifiers from a per-thread engine: no locking, and each io thread has its own seed.
#include "jicofo/core/random.hpp"

#include <random>
#include <string_view>

namespace jicofo::core {

std::string random_token(std::size_t length) {
    thread_local std::mt19937_64 engine(std::random_device{}());
    constexpr std::string_view kAlphabet = "0123456789abcdefghijklmnopqrstuvwxyz";
    std::string token(length, '0');
    for (auto& c : token) {
        c = kAlphabet[engine() % kAlphabet.size()];
    }
    return token;
}

}  // namespace jicofo::core
