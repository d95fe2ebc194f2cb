// A password held in memory: wiped when it goes away, never printable.
#pragma once

#include <cstddef>
#include <cstring>
#include <string.h>
#include <string>
#include <utility>

namespace pgsr {

// Overwrites n bytes in a way the optimiser may not remove: glibc's
// explicit_bzero (a memset it may not drop) where there is one -- a roles
// document of thousands of roles is wiped several times per call -- else a
// byte loop through a volatile pointer.
inline void wipe(void* p, std::size_t n) {
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 25))
    explicit_bzero(p, n);
#else
    volatile unsigned char* v = static_cast<volatile unsigned char*>(p);
    while (n--) *v++ = 0;
#endif
}

class Secret {
public:
    Secret() = default;
    explicit Secret(std::string value) : value_(std::move(value)) {}
    Secret(const Secret& o) : value_(o.value_) {}
    Secret(Secret&& o) noexcept : value_(std::move(o.value_)) { o.clear(); }
    Secret& operator=(Secret o) noexcept {
        clear();
        value_.swap(o.value_);
        return *this;
    }
    ~Secret() { clear(); }

    const std::string& reveal() const { return value_; }
    bool empty() const { return value_.empty(); }

private:
    void clear() noexcept {
        if (!value_.empty()) wipe(&value_[0], value_.size());
        value_.clear();
    }
    std::string value_;
};

}  // namespace pgsr
