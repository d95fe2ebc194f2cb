// SPI through the guard: every return code checked, every result copied out
// into C++ memory before the next call.
#include "pg/spi.hpp"

#include <cstring>
#include <map>

#include "pg/call.hpp"
#include "pg/guard.hpp"
#include "spec/secret.hpp"

extern "C" {
#include "access/xact.h"
#include "catalog/pg_authid.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "port.h"
#include "storage/lmgr.h"
#include "storage/sinval.h"
#include "utils/inval.h"
#include "catalog/pg_class.h"
#include "utils/syscache.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/snapmgr.h"
}

namespace pgsr::pg {

Param Param::of(std::string v) {
    Param p;
    p.type = Type::text;
    p.text = std::move(v);
    return p;
}
Param Param::of(std::vector<std::string> v) {
    Param p;
    p.type = Type::text_array;
    p.texts = std::move(v);
    return p;
}
Param Param::of(std::vector<std::uint32_t> v) {
    Param p;
    p.type = Type::oid_array;
    p.oids = std::move(v);
    return p;
}
Param Param::of_int8(std::int64_t v) {
    Param p;
    p.type = Type::int8;
    p.int8 = v;
    return p;
}

std::optional<std::string> Row::opt_text(std::size_t i) const {
    if (is_null(i)) return std::nullopt;
    return text(i);
}
std::optional<std::int64_t> Row::opt_int64(std::size_t i) const {
    if (is_null(i)) return std::nullopt;
    return int64(i);
}

namespace {

[[noreturn]] void spi_failed(const char* what, int rc) {
    throw UserError("XX000", std::string("pg_sync_roles: ") + what + " failed: " +
                                 SPI_result_code_string(rc));
}

// Builds the Datum of one parameter in the current (SPI) memory context.
Datum param_datum(const Param& p, Oid* type) {
    switch (p.type) {
        case Param::Type::text: {
            *type = TEXTOID;
            const char* s = p.text.c_str();
            return guarded([s]() noexcept { return PointerGetDatum(cstring_to_text(s)); });
        }
        case Param::Type::int8:
            *type = INT8OID;
            return Int64GetDatum(p.int8);
        case Param::Type::text_array: {
            *type = TEXTARRAYOID;
            int n = static_cast<int>(p.texts.size());
            Datum* elems = guarded([n]() noexcept { return (Datum*)palloc(sizeof(Datum) * (n + 1)); });
            for (int i = 0; i < n; ++i) {
                const char* s = p.texts[i].c_str();
                elems[i] = guarded([s]() noexcept { return PointerGetDatum(cstring_to_text(s)); });
            }
            return guarded([elems, n]() noexcept {
                return PointerGetDatum(construct_array(elems, n, TEXTOID, -1, false, TYPALIGN_INT));
            });
        }
        case Param::Type::oid_array: {
            *type = OIDARRAYOID;
            int n = static_cast<int>(p.oids.size());
            Datum* elems = guarded([n]() noexcept { return (Datum*)palloc(sizeof(Datum) * (n + 1)); });
            for (int i = 0; i < n; ++i) elems[i] = ObjectIdGetDatum(p.oids[i]);
            return guarded([elems, n]() noexcept {
                return PointerGetDatum(construct_array(elems, n, OIDOID, sizeof(Oid), true, TYPALIGN_INT));
            });
        }
    }
    return (Datum)0;
}

bool binary_type(Oid type) {
    switch (type) {
        case BOOLOID:
        case INT2OID:
        case INT4OID:
        case INT8OID:
        case OIDOID:
        case REGROLEOID:
        case TIMESTAMPTZOID:
            return true;
        default:
            return false;
    }
}

std::int64_t binary_value(Oid type, Datum d) {
    switch (type) {
        case BOOLOID: return DatumGetBool(d) ? 1 : 0;
        case INT2OID: return DatumGetInt16(d);
        case INT4OID: return DatumGetInt32(d);
        case OIDOID:
        case REGROLEOID: return DatumGetObjectId(d);
        default: return DatumGetInt64(d);  // int8, timestamptz
    }
}

Row copy_row(HeapTuple tuple, TupleDesc desc) {
    std::vector<Row::Cell> cells(desc->natts);
    for (int c = 0; c < desc->natts; ++c) {
        Row::Cell& cell = cells[c];
        int col = c + 1;
        Oid type = SPI_gettypeid(desc, col);
        bool isnull = false;
        Datum d = guarded([&]() noexcept { return SPI_getbinval(tuple, desc, col, &isnull); });
        cell.null = isnull;
        if (isnull) continue;
        if (binary_type(type)) {
            cell.value = binary_value(type, d);
        } else {
            char* s = guarded([&]() noexcept { return SPI_getvalue(tuple, desc, col); });
            cell.text = s ? s : "";
        }
    }
    return Row(std::move(cells));
}

}  // namespace

namespace spi {

namespace {
bool reading = false;  // inside begin_reads() .. end_reads()
}  // namespace

void connect() {
    reading = false;
    int rc = guarded([]() noexcept { return SPI_connect(); });
    if (rc != SPI_OK_CONNECT) spi_failed("SPI_connect", rc);
}

void begin_reads() {
    guarded([]() noexcept {
        CommandCounterIncrement();
        PushActiveSnapshot(GetTransactionSnapshot());
    });
    reading = true;
}

// Not called when an error ends the call: aborting pops the snapshot.
void end_reads() {
    reading = false;
    guarded([]() noexcept { PopActiveSnapshot(); });
}

void finish() {
    int rc = guarded([]() noexcept { return SPI_finish(); });
    if (rc != SPI_OK_FINISH) spi_failed("SPI_finish", rc);
}

namespace {

// The catalog reads are the same few statements on every call: each is
// planned once per backend and kept (the plan cache replans it after DDL).
SPIPlanPtr prepared(const std::string& sql, int n, Oid* types, PlanKind kind) {
    static std::map<std::string, SPIPlanPtr> cache;
    std::string key = sql;
    for (int i = 0; i < n; ++i) key += "|" + std::to_string(types[i]);
    if (auto it = cache.find(key); it != cache.end()) return it->second;
    const char* text = sql.c_str();
    // Generic: otherwise the plan cache would make a custom plan on every call.
    int options = kind == PlanKind::generic ? CURSOR_OPT_GENERIC_PLAN : CURSOR_OPT_CUSTOM_PLAN;
    SPIPlanPtr plan = guarded([=]() noexcept { return SPI_prepare_cursor(text, n, types, options); });
    if (!plan) spi_failed("SPI_prepare", SPI_result);
    int rc = guarded([plan]() noexcept { return SPI_keepplan(plan); });
    if (rc != 0) spi_failed("SPI_keepplan", rc);
    cache.emplace(std::move(key), plan);
    return plan;
}

}  // namespace

std::vector<Row> query(const std::string& sql, const std::vector<Param>& params, PlanKind kind) {
    int n = static_cast<int>(params.size());
    std::vector<Oid> types(n + 1);
    std::vector<Datum> values(n + 1);
    for (int i = 0; i < n; ++i) values[i] = param_datum(params[i], &types[i]);
    SPIPlanPtr plan = prepared(sql, n, types.data(), kind);
    Datum* vp = values.data();
    bool read_only = reading;  // read-only SPI runs in the active (pushed) snapshot
    int rc = guarded([=]() noexcept { return SPI_execute_plan(plan, vp, nullptr, read_only, 0); });
    if (rc != SPI_OK_SELECT) spi_failed("a catalog read", rc);
    std::vector<Row> rows;
    rows.reserve(SPI_processed);
    for (uint64 r = 0; r < SPI_processed; ++r)
        rows.push_back(copy_row(SPI_tuptable->vals[r], SPI_tuptable->tupdesc));
    guarded([]() noexcept { SPI_freetuptable(SPI_tuptable); });
    return rows;
}

namespace {

// Replaces every occurrence of `secret` in a palloc'd string.
char* scrub(char* text, const std::string& secret) {
    if (!text || secret.empty()) return text;
    std::string s(text);
    bool changed = false;
    for (std::size_t at; (at = s.find(secret)) != std::string::npos; changed = true)
        s.replace(at, secret.size(), "<redacted>");
    if (!changed) return text;
    wipe(text, strlen(text));
    const char* c = s.c_str();
    return guarded([c]() noexcept { return pstrdup(c); });
}

}  // namespace

void execute(const std::string& sql, const std::string* secret, bool scoped_settings) {
    const char* text = sql.c_str();
    int rc;
    try {
        if (scoped_settings)
            rc = guarded([text]() noexcept {
                int level = NewGUCNestLevel();
                int r = SPI_execute(text, false, 0);
                AtEOXact_GUC(false, level);  // settings back as before the statement
                return r;
            });
        else
            rc = guarded([text]() noexcept { return SPI_execute(text, false, 0); });
    } catch (const Error& e) {
        if (secret) {
            auto* ed = static_cast<ErrorData*>(e.edata());
            // SPI adds the statement's text as CONTEXT; the statement holds
            // the secret.  Drop it, and cut the secret out of the rest.
            ed->context = nullptr;
            ed->internalquery = nullptr;
            ed->internalpos = 0;
            ed->message = scrub(ed->message, *secret);
            ed->detail = scrub(ed->detail, *secret);
            ed->detail_log = scrub(ed->detail_log, *secret);
            ed->hint = scrub(ed->hint, *secret);
        }
        throw;
    }
    if (rc < 0) spi_failed("a statement", rc);
}

}  // namespace spi

std::string quote_ident(const std::string& name) {
    const char* n = name.c_str();
    return guarded([n]() noexcept { return quote_identifier(n); });
}

std::string quote_literal(const std::string& value) {
    const char* v = value.c_str();
    return guarded([v]() noexcept { return (const char*)quote_literal_cstr(v); });
}

void advisory_xact_lock(std::int64_t key) {
    guarded([key]() noexcept {
        DirectFunctionCall1(pg_advisory_xact_lock_int8, Int64GetDatum(key));
    });
}

void lock_syncs() {
    guarded([]() noexcept { LockSharedObject(AuthIdRelationId, InvalidOid, 0, ExclusiveLock); });
}

std::uint64_t catalog_changes() {
    return guarded([]() noexcept {
        AcceptInvalidationMessages();
        return static_cast<std::uint64_t>(SharedInvalidMessageCounter);
    });
}

namespace {

// The sessions holding a lock on a relation: "pid 123 (role alice), ...".
std::string lock_holders(std::uint32_t oid) {
    std::string out;
    for (const Row& row : spi::query(
             "SELECT l.pid, COALESCE(a.usename::pg_catalog.text, '?')"
             "  FROM pg_catalog.pg_locks l LEFT JOIN pg_catalog.pg_stat_activity a ON a.pid = l.pid"
             " WHERE l.locktype = 'relation' AND l.relation = ANY ($1::pg_catalog.oid[]) AND l.granted"
             "   AND l.pid <> pg_catalog.pg_backend_pid()"
             "   AND l.database = (SELECT d.oid FROM pg_catalog.pg_database d"
             "                      WHERE d.datname = pg_catalog.current_database())",
             {Param::of(std::vector<std::uint32_t>{oid})}))
        out += (out.empty() ? "" : ", ") + std::string("pid ") + std::to_string(row.int64(0)) + " (role " +
               row.text(1) + ")";
    return out.empty() ? "another session" : out;
}

}  // namespace

bool lock_relation(std::uint32_t oid, const std::string& schema, const std::string& name, bool exclusive,
                   std::size_t planned) {
    Oid relid = oid;
    bool got;
    try {
        got = guarded([relid, exclusive]() noexcept {
            if (exclusive) return ConditionalLockRelationOid(relid, AccessExclusiveLock);
            LockRelationOid(relid, AccessShareLock);
            return true;
        });
    } catch (const Error& e) {
        auto* ed = static_cast<ErrorData*>(e.edata());
        if (ed->sqlerrcode != ERRCODE_OUT_OF_MEMORY) throw;
        throw UserError("53200",
                        "pg_sync_roles: the " + std::to_string(planned) +
                            " relations this sync changes the owner of need more locks than one transaction can hold",
                        "ALTER ... OWNER locks each relation (and its indexes) until the end of the transaction.",
                        "Raise max_locks_per_transaction (now " +
                            std::string(GetConfigOption("max_locks_per_transaction", false, false)) +
                            ") and restart the server, or declare fewer changes per sync.");
    }
    if (!got)
        throw UserError("55P03", "pg_sync_roles: could not lock \"" + schema + "\".\"" + name +
                                     "\" to change its owner: it is in use by " + lock_holders(oid),
                        "sync does not wait for a lock held by another session: nothing was changed.",
                        "End that session (pg_terminate_backend) or wait for it, then sync again.");
    const char* s = schema.c_str();
    const char* n = name.c_str();
    return guarded([relid, s, n]() noexcept {
        HeapTuple tuple = SearchSysCache1(RELOID, ObjectIdGetDatum(relid));
        if (!HeapTupleIsValid(tuple)) return false;
        auto* form = (Form_pg_class)GETSTRUCT(tuple);
        bool same = strcmp(NameStr(form->relname), n) == 0;
        if (same) {
            char* nsp = get_namespace_name(form->relnamespace);
            same = nsp && strcmp(nsp, s) == 0;
        }
        ReleaseSysCache(tuple);
        return same;
    });
}

std::string random_hex8() {
    unsigned char bytes[4];
    bool ok = guarded([&bytes]() noexcept { return pg_strong_random(bytes, sizeof bytes); });
    if (!ok) throw UserError("XX000", "pg_sync_roles: could not generate a random role name");
    static const char digits[] = "0123456789abcdef";
    std::string out;
    for (unsigned char b : bytes) {
        out += digits[b >> 4];
        out += digits[b & 15];
    }
    return out;
}

// A NOTICE is logged with the calling statement as its context: not when the
// document holds a password.
void notice(const std::string& message) {
    const char* m = message.c_str();
    bool hide = statement_hidden();
    guarded([m, hide]() noexcept {
        ereport(NOTICE, (errmsg_internal("%s", m), errhidestmt(hide), errhidecontext(hide)));
    });
}

}  // namespace pgsr::pg
