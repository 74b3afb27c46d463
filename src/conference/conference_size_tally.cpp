// Running sums and a count per size; every change is undone exactly by its opposite, so the values never drift from
// a recount (tests/conference/conference_size_tally_test.cpp checks them against one).
#include "jicofo/conference/conference_size_tally.hpp"

#include "jicofo/conference/conference_settings.hpp"

#include <cassert>

namespace jicofo::conference {

void ConferenceSizeTally::add(std::size_t participants) {
    ++by_size_[participants];
    ++conferences_;
    participants_ += participants;
    endpoint_pairs_ += endpoint_pairs_of(participants);
}

void ConferenceSizeTally::remove(std::size_t participants) {
    auto it = by_size_.find(participants);
    assert(it != by_size_.end() && conferences_ > 0);
    if (it == by_size_.end()) {
        return;  // not counted: never happens, and must not wrap the sums below zero if it did
    }
    if (--it->second == 0) {
        by_size_.erase(it);
    }
    --conferences_;
    participants_ -= participants;
    endpoint_pairs_ -= endpoint_pairs_of(participants);
}

void ConferenceSizeTally::resize(std::size_t before, std::size_t after) {
    if (before == after) {
        return;
    }
    remove(before);
    add(after);
}

}  // namespace jicofo::conference
