# pg_sync_roles — PGXS build.  `make PG_CONFIG=/path/to/pg_config` picks the server.
EXTENSION = pg_sync_roles
MODULE_big = pg_sync_roles
# The full script of each version (CREATE EXTENSION ... VERSION), and the
# update from each to the next (ALTER EXTENSION ... UPDATE).
DATA = \
	sql/pg_sync_roles--0.1.0.sql \
	sql/pg_sync_roles--0.2.0.sql \
	sql/pg_sync_roles--0.1.0--0.2.0.sql
PGFILEDESC = "pg_sync_roles - sync a role's privileges to a declared document"

SPEC_OBJS = src/spec/spec.o src/spec/scan.o src/spec/json_impl.o
PLAN_OBJS = \
	src/plan/plan.o \
	src/plan/acting.o \
	src/plan/ownership.o \
	src/plan/intermediates.o \
	src/plan/privileges.o \
	src/plan/memberships.o \
	src/plan/assemble.o \
	src/plan/describe.o
CORE_OBJS = $(SPEC_OBJS) $(PLAN_OBJS)
OBJS = \
	$(CORE_OBJS) \
	src/pg/guard.o \
	src/pg/spi.o \
	src/pg/catalogs.o \
	src/pg/values.o \
	src/pg/call.o \
	src/pg/server.o \
	src/pg/hidden_statement.o \
	src/catalog/catalog.o \
	src/catalog/describe.o \
	src/apply/render.o \
	src/apply/request.o \
	src/apply/sync.o \
	src/apply/describe.o \
	src/entry.o

# One regress file per feature; every one runs as a non-superuser caller.
REGRESS = setup validation document_limits login valid_until membership database_connect plan_only errors transactions comments schema_usage schema_create schema_ownership table_select table_ownership preserve takeover security owner_rights reach reach_membership grantor_options intermediate_columns role_rules scale sync_many sync_many_cascade bulk_reads describe
ISOLATION = lock_wait nothing_to_do concurrent_same_role concurrent_objects password_activity many_lock_wait
ISOLATION_OPTS = --inputdir=test/isolation --outputdir=test/isolation

PG_CONFIG ?= pg_config
PG_INCLUDE_SERVER := $(shell $(PG_CONFIG) --includedir-server)

# The server's headers are included as system headers so that -Wall -Wextra
# speaks only about our own code.
PG_CPPFLAGS = -isystem $(PG_INCLUDE_SERVER) -I$(srcdir)/src
PG_CXXFLAGS = -std=c++17 -Wall -Wextra -Wno-register -Wno-missing-field-initializers \
	-fvisibility=hidden -fvisibility-inlines-hidden -fno-strict-aliasing
SHLIB_LINK = -lstdc++

# No LLVM bitcode: the JIT cannot inline C++ code and Debian's PGXS would build
# it with clang, without our flags.
override with_llvm = no

PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)


.PHONY: unit fuzz check-all
unit:
	$(MAKE) -C test/unit

fuzz:
	$(MAKE) -C test/fuzz

# Every object depends on every header: the project is small, and a stale
# object after a header change is worse than a full rebuild.
$(OBJS): $(wildcard src/*/*.hpp)
