// The one way into PostgreSQL's headers, for files under pg/ and entry.cpp.
#pragma once

#include <cstddef>
#include <cstdint>

extern "C" {
#include "postgres.h"
#include "fmgr.h"
}

// port.h turns these into macros for pg_ versions; the C++ library does not
// expect that.
#undef snprintf
#undef vsnprintf
#undef sprintf
#undef printf
#undef fprintf
#undef vfprintf
#undef strerror
