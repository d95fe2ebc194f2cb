// A password held in memory: wiped when it goes away, never printable.
#pragma once

#include <cstddef>
#include <string>
#include <utility>

namespace pgsr {

// Overwrites n bytes in a way the optimiser may not remove.
inline void wipe(void* p, std::size_t n) {
    volatile unsigned char* v = static_cast<volatile unsigned char*>(p);
    while (n--) *v++ = 0;
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
