// The C++/PostgreSQL error boundary, inward: every call into the backend that
// may raise an error goes through guarded().  A PostgreSQL error is copied,
// flushed, and thrown as pg::Error, so it never longjmps over a C++ frame.
#pragma once

#include <type_traits>

#include "pg/error.hpp"
#include "pg/postgres.hpp"

namespace pgsr::pg {

// Runs fn(arg) under PG_TRY; on a PostgreSQL error, throws pg::Error after
// the handler is left.
void run_guarded(void (*fn)(void*), void* arg);

// Runs f under the guard.  f must be noexcept, hold no object with a
// destructor, and return a plain value: a longjmp may leave it at any point.
template <typename F>
auto guarded(F&& f) -> decltype(f()) {
    using R = decltype(f());
    static_assert(noexcept(f()), "a guarded call must be noexcept");
    static_assert(std::is_void_v<R> || std::is_trivially_copyable_v<R>,
                  "a guarded call must return a plain value");
    if constexpr (std::is_void_v<R>) {
        run_guarded([](void* p) { (*static_cast<std::remove_reference_t<F>*>(p))(); },
                    const_cast<void*>(static_cast<const void*>(&f)));
    } else {
        struct Slot {
            std::remove_reference_t<F>* f;
            R result;
        } slot{&f, R{}};
        run_guarded([](void* p) {
            auto* s = static_cast<Slot*>(p);
            s->result = (*s->f)();
        }, &slot);
        return slot.result;
    }
}

}  // namespace pgsr::pg
