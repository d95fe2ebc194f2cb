// What entry.cpp needs: the two ways a body is called across the boundary.
#pragma once

#include "pg/call.hpp"
#include "pg/postgres.hpp"

namespace pgsr::pg {
Datum call_table(FunctionCallInfo fcinfo, TableBody body);
Datum call_scalar(FunctionCallInfo fcinfo, ScalarBody body);
// From _PG_init: keeps marked statements out of the server log.
void install_log_hook();
// From _PG_init: the settings (pg_sync_roles.*).
void define_settings();
}  // namespace pgsr::pg
