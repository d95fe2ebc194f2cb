// Boost.JSON, compiled into this module (header-only mode) so the server
// needs no Boost library at run time; -fvisibility=hidden keeps it private.
#include <boost/json/src.hpp>
