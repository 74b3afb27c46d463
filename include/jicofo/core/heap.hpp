// The process heap as glibc's allocator sees it, and giving its free pages back. A join storm leaves the heap at its
// peak size after everyone has left: glibc returns memory to the kernel only from the top of the heap, so one live
// block near the top keeps megabytes of freed pages resident. Releasing them explicitly (malloc_trim) brings the
// resident size back to what is actually in use.
#pragma once

#include <cstddef>
#include <optional>

namespace jicofo::core {

struct HeapStats {
    std::size_t in_use_bytes = 0;  // allocated and not freed
    std::size_t free_bytes = 0;    // freed, still held by the allocator (resident unless released)
};

// nullopt when the allocator cannot tell (not glibc, or a sanitizer's allocator).
[[nodiscard]] std::optional<HeapStats> heap_stats();

// Worth releasing: enough free memory that handing it back matters (2 MiB, a sixth of an idle focus), and a large part
// of the heap (a quarter of what is in use), so that the churn of a busy focus, whose free blocks are about to be
// reused, is left alone.
[[nodiscard]] bool worth_releasing(const HeapStats& stats);

// Gives the allocator's free pages back to the kernel; false when the allocator has no way to.
bool release_free_heap();

}  // namespace jicofo::core
