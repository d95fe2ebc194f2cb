// The SQL-callable functions.  Each only crosses the boundary: pg/ converts
// the arguments, catches everything, and raises errors in PostgreSQL.
#include "apply/describe.hpp"
#include "apply/sync.hpp"
#include "pg/entry.hpp"

extern "C" {
#pragma GCC visibility push(default)
PG_MODULE_MAGIC;

void _PG_init(void);
void _PG_init(void) {
    pgsr::pg::define_settings();
    pgsr::pg::install_log_hook();
}

PG_FUNCTION_INFO_V1(pgsr_sync);
PG_FUNCTION_INFO_V1(pgsr_plan);
PG_FUNCTION_INFO_V1(pgsr_sync_many);
PG_FUNCTION_INFO_V1(pgsr_plan_many);
PG_FUNCTION_INFO_V1(pgsr_drop_unused_roles);
PG_FUNCTION_INFO_V1(pgsr_describe);
PG_FUNCTION_INFO_V1(pgsr_describe_many);

Datum pgsr_sync(PG_FUNCTION_ARGS) { return pgsr::pg::call_table(fcinfo, pgsr::apply::sync); }
Datum pgsr_plan(PG_FUNCTION_ARGS) { return pgsr::pg::call_table(fcinfo, pgsr::apply::plan_only); }
Datum pgsr_sync_many(PG_FUNCTION_ARGS) { return pgsr::pg::call_table(fcinfo, pgsr::apply::sync_many); }
Datum pgsr_plan_many(PG_FUNCTION_ARGS) { return pgsr::pg::call_table(fcinfo, pgsr::apply::plan_many); }
Datum pgsr_drop_unused_roles(PG_FUNCTION_ARGS) {
    return pgsr::pg::call_table(fcinfo, pgsr::apply::drop_unused_roles);
}
Datum pgsr_describe(PG_FUNCTION_ARGS) { return pgsr::pg::call_scalar(fcinfo, pgsr::apply::describe); }
Datum pgsr_describe_many(PG_FUNCTION_ARGS) { return pgsr::pg::call_scalar(fcinfo, pgsr::apply::describe_many); }
#pragma GCC visibility pop
}
