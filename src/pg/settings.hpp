// The extension's settings (pg_sync_roles.*), defined by _PG_init
// (define_settings, in entry.hpp) and kept in server.cpp.  No header here.
#pragma once

namespace pgsr::pg {

// pg_sync_roles.bulk_read_min: how many roles, or tables of one schema, a
// catalog read must name to look them up in one walk of an index rather
// than one by one (src/pg/catalogs.cpp, merge_walk).  Tests set it to 1, to
// run every such read through the walk.
int bulk_read_min();

}  // namespace pgsr::pg
