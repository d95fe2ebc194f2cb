// The parser's wiping memory resource hands Boost.JSON's alignment through
// to the aligned operator new/delete.  The C++ standard requires delete to be
// given the same alignment as the new that returned the block: these tests
// replace the aligned global operators (a standard, portable replacement) to
// check that it is.
#include <gtest/gtest.h>

#include <cstddef>
#include <cstdlib>
#include <new>
#include <string>

#include "spec/spec.hpp"

namespace {

// Live aligned blocks while tracking is on; a fixed table, so that the
// replaced operators never allocate.
struct Block {
    void* p = nullptr;
    std::size_t align = 0;
};
Block g_blocks[4096];
bool g_tracking = false;
std::size_t g_allocations = 0;
std::size_t g_mismatches = 0;
std::size_t g_first_new_align = 0, g_first_delete_align = 0;

void record(void* p, std::size_t align) {
    ++g_allocations;
    for (Block& b : g_blocks)
        if (!b.p) {
            b = {p, align};
            return;
        }
}

void check(void* p, std::size_t align) {
    for (Block& b : g_blocks)
        if (b.p == p) {
            if (b.align != align && g_mismatches++ == 0) {
                g_first_new_align = b.align;
                g_first_delete_align = align;
            }
            b = {};
            return;
        }
}

struct Tracking {
    Tracking() {
        for (Block& b : g_blocks) b = {};
        g_allocations = g_mismatches = g_first_new_align = g_first_delete_align = 0;
        g_tracking = true;
    }
    ~Tracking() { g_tracking = false; }
};

}  // namespace

void* operator new(std::size_t n, std::align_val_t al) {
    std::size_t align = static_cast<std::size_t>(al);
    void* p = nullptr;
    if (posix_memalign(&p, align < sizeof(void*) ? sizeof(void*) : align, n ? n : 1) != 0)
        throw std::bad_alloc();
    if (g_tracking) record(p, align);
    return p;
}

void operator delete(void* p, std::align_val_t al) noexcept {
    if (p && g_tracking) check(p, static_cast<std::size_t>(al));
    std::free(p);
}

void operator delete(void* p, std::size_t, std::align_val_t al) noexcept { operator delete(p, al); }

namespace {

std::string alignment_report() {
    return std::to_string(g_mismatches) + " block(s) freed with another alignment than allocated; first: new " +
           std::to_string(g_first_new_align) + ", delete " + std::to_string(g_first_delete_align);
}

// The harness itself: a mismatch is seen.
TEST(WipingResource, TrackingSeesAMismatch) {
    Tracking t;
    void* p = ::operator new(24, std::align_val_t(32));
    EXPECT_EQ(g_allocations, 1u);
    ::operator delete(p, std::align_val_t(64));
    EXPECT_EQ(g_mismatches, 1u);
    EXPECT_EQ(g_first_new_align, 32u);
    EXPECT_EQ(g_first_delete_align, 64u);
}

TEST(WipingResource, AlignmentsAgreeForDocumentsThatAreJson) {
    const char* const documents[] = {
        R"([{"type": "login", "password": "a password longer than the small-string buffer"},
            {"type": "table_select", "schema": "s", "table_regex": "^t"}])",
        R"([{"type": "role_membership", "role": "a", "role": "duplicate key"}])",
        R"([{"type": "login"}, {"type": "login"}])",   // refused after parsing
        R"([{"type": "schema_usage", "schema": ""}])",  // refused after parsing
        R"({"not": ["an", "array"]})",
        R"([{"type": "login"}, 5)",  // cut after a complete object
    };
    for (const char* doc : documents) {
        Tracking t;
        (void)pgsr::spec::parse_grants(doc);
        EXPECT_EQ(g_mismatches, 0u) << alignment_report() << "\n  " << doc;
    }
}

// Boost.JSON 1.81 frees a pending object key (JSON that breaks inside an
// object after a key) with the default alignment though it allocated it with
// alignment 1; the wiping resource must delete every block the way it was
// allocated (AddressSanitizer: new-delete-type-mismatch).
TEST(WipingResource, AlignmentsAgreeWhenTheJsonBreaksInsideAnObject) {
    const char* const documents[] = {
        R"([{"type": "login",])",
        R"([{"type": "login", "password")",
        R"([{"type")",
    };
    for (const char* doc : documents) {
        Tracking t;
        (void)pgsr::spec::parse_grants(doc);
        EXPECT_EQ(g_mismatches, 0u) << alignment_report() << "\n  " << doc;
    }
}

}  // namespace
