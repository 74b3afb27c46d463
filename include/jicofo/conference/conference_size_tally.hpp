// The room map's size aggregates (conferences, participants, the largest conference, Jicofo's endpoint pairs), kept
// up to date one change at a time, so that a join or a leave costs O(log d) (d: the number of distinct sizes) and
// reading any of them costs O(1), however many conferences run.
#pragma once

#include <cstddef>
#include <map>

namespace jicofo::conference {

class ConferenceSizeTally {
public:
    // A conference is counted from its creation (with its size then) until it ends (with its size then).
    void add(std::size_t participants);
    void remove(std::size_t participants);
    // A counted conference went from `before` to `after` participants.
    void resize(std::size_t before, std::size_t after);

    [[nodiscard]] std::size_t conferences() const { return conferences_; }
    [[nodiscard]] std::size_t participants() const { return participants_; }
    // 0 without conferences.
    [[nodiscard]] std::size_t largest() const { return by_size_.empty() ? 0 : by_size_.rbegin()->first; }
    // The sum of endpoint_pairs_of(size) over the conferences (participants_pairs, /stats endpoint_pairs).
    [[nodiscard]] std::size_t endpoint_pairs() const { return endpoint_pairs_; }

private:
    std::map<std::size_t, std::size_t> by_size_;  // size → how many conferences have it (never 0)
    std::size_t conferences_ = 0;
    std::size_t participants_ = 0;
    std::size_t endpoint_pairs_ = 0;
};

}  // namespace jicofo::conference
