// The heap's counters follow allocations, and releasing free heap really lowers the resident size when freed
// blocks sit below a live one (the case glibc does not trim by itself).
#include "jicofo/core/heap.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <vector>

namespace jicofo::core {
namespace {

constexpr std::size_t kBlock = 4096;   // far below the mmap threshold: these come from the heap
constexpr std::size_t kBlocks = 8192;  // 32 MiB
constexpr std::size_t kMiB = 1024 * 1024;

std::size_t resident_bytes() {
    std::ifstream statm("/proc/self/statm");
    std::size_t total_pages = 0;
    std::size_t resident_pages = 0;
    statm >> total_pages >> resident_pages;
    return resident_pages * static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
}

std::vector<void*> allocate_touched_blocks() {
    std::vector<void*> blocks;
    blocks.reserve(kBlocks);
    for (std::size_t i = 0; i < kBlocks; ++i) {
        void* block = std::malloc(kBlock);
        std::memset(block, 0x5a, kBlock);  // resident, not just reserved
        blocks.push_back(block);
    }
    return blocks;
}

// The last block, allocated last, sits at the heap's top: free() cannot shrink the heap past it.
void free_all_but_the_last(const std::vector<void*>& blocks) {
    for (std::size_t i = 0; i + 1 < blocks.size(); ++i) {
        std::free(blocks[i]);
    }
}

TEST(Heap, ReleasesOnlyWhenTheFreeMemoryIsLargeInItselfAndAgainstWhatIsInUse) {
    EXPECT_TRUE(worth_releasing({.in_use_bytes = 1 * kMiB, .free_bytes = 23 * kMiB}));     // after a storm has left
    EXPECT_TRUE(worth_releasing({.in_use_bytes = 1 * kMiB, .free_bytes = 5 * kMiB}));      // after 1,000 have left
    EXPECT_FALSE(worth_releasing({.in_use_bytes = 1 * kMiB, .free_bytes = kMiB}));         // too little to matter
    EXPECT_FALSE(worth_releasing({.in_use_bytes = 100 * kMiB, .free_bytes = 20 * kMiB}));  // churn, reused soon
    EXPECT_TRUE(worth_releasing({.in_use_bytes = 100 * kMiB, .free_bytes = 25 * kMiB}));
}

TEST(Heap, CountsWhatIsAllocatedAndWhatIsFreed) {
    const auto before = heap_stats();
    if (!before) {
        GTEST_SKIP() << "the allocator does not report its heap (sanitizer build)";
    }
    auto blocks = allocate_touched_blocks();
    const auto allocated = heap_stats();
    ASSERT_TRUE(allocated);
    EXPECT_GE(allocated->in_use_bytes, before->in_use_bytes + kBlocks * kBlock);
    free_all_but_the_last(blocks);
    const auto freed = heap_stats();
    ASSERT_TRUE(freed);
    EXPECT_LE(freed->in_use_bytes + (kBlocks - 1) * kBlock, allocated->in_use_bytes);
    EXPECT_GE(freed->free_bytes, (kBlocks - 1) * kBlock);
    std::free(blocks.back());
}

TEST(Heap, ReleasingGivesFreedPagesBelowALiveBlockBackToTheKernel) {
    if (!heap_stats()) {
        GTEST_SKIP() << "the allocator does not report its heap (sanitizer build)";
    }
    auto blocks = allocate_touched_blocks();
    free_all_but_the_last(blocks);
    const auto resident_before = resident_bytes();
    ASSERT_TRUE(release_free_heap());
    const auto resident_after = resident_bytes();
    // 32 MiB were freed; most of it must leave the resident set (some pages hold the allocator's bookkeeping).
    EXPECT_GE(resident_before, resident_after + 16 * kMiB)
        << "resident " << resident_before / kMiB << " MiB before, " << resident_after / kMiB << " MiB after";
    std::free(blocks.back());
}

}  // namespace
}  // namespace jicofo::core
