#include "jicofo/core/heap.hpp"

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace jicofo::core {

bool worth_releasing(const HeapStats& stats) {
    constexpr std::size_t kMinimum = std::size_t{2} * 1024 * 1024;
    return stats.free_bytes >= kMinimum && stats.free_bytes >= stats.in_use_bytes / 4;
}

// GCC says __SANITIZE_ADDRESS__ (and __SANITIZE_THREAD__), clang __has_feature; both sanitizers replace malloc.
#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define JICOFO_SANITIZER_MALLOC 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define JICOFO_SANITIZER_MALLOC 1
#endif

#if defined(JICOFO_SANITIZER_MALLOC) || !defined(__GLIBC__)

// A sanitizer replaces malloc: glibc's counters would describe an empty heap and trimming would do nothing.
std::optional<HeapStats> heap_stats() {
    return std::nullopt;
}

bool release_free_heap() {
    return false;
}

#else

std::optional<HeapStats> heap_stats() {
    const auto info = ::mallinfo2();
    HeapStats stats;
    // Blocks above the mmap threshold are allocated and returned one by one; they count as in use, never as free.
    stats.in_use_bytes = info.uordblks + info.hblkhd;
    stats.free_bytes = info.fordblks;
    return stats;
}

bool release_free_heap() {
    ::malloc_trim(0);
    return true;
}

#endif

}  // namespace jicofo::core
