// Direct catalog reads (see catalogs.hpp).  Each lookup runs under the guard
// and copies what it found into plain structs (NameData, a palloc'd copy of
// an ACL or of a scan's tuples) before the syscache entry or the scan is
// released; the C++ values are built outside the guard.  A scanned catalog
// stays locked (AccessShareLock) to the end of the transaction, as the
// queries these reads replace left it: the next scan of it in the same
// transaction finds the lock already held.
#include "pg/catalogs.hpp"

#include <algorithm>
#include <cstring>
#include <set>

#include "pg/compat.hpp"
#include "pg/guard.hpp"
#include "pg/settings.hpp"

extern "C" {
#include "access/genam.h"
#include "access/htup_details.h"
#include "access/itup.h"
#include "access/relscan.h"
#include "access/tableam.h"
#include "access/table.h"
#include "access/xact.h"
#include "catalog/dependency.h"
#include "catalog/index.h"
#include "catalog/indexing.h"
#include "catalog/pg_authid.h"
#include "catalog/pg_class.h"
#include "catalog/pg_database.h"
#include "catalog/pg_depend.h"
#include "catalog/pg_namespace.h"
#include "catalog/pg_shdepend.h"
#include "catalog/pg_shdescription.h"
#include "catalog/pg_attribute.h"
#include "commands/dbcommands.h"
#include "executor/tuptable.h"
#include "miscadmin.h"
#include "storage/bufmgr.h"
#include "storage/lockdefs.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/fmgrprotos.h"
#include "utils/guc.h"
#include "utils/inval.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"
#include "utils/syscache.h"
#include "utils/timestamp.h"
}

namespace pgsr::pg::catalogs {

namespace {

// ---------------------------------------------------------------- ACLs

// A copy of an ACL datum (detoasted), or nullptr for NULL.
Acl* copy_acl(Datum d, bool isnull) noexcept {
    if (isnull) return nullptr;
    return DatumGetAclPCopy(d);
}

// A copy of the ACL column of a syscache entry, which is then released.
Acl* release_with_acl(int cache, HeapTuple t, AttrNumber column) noexcept {
    bool isnull = true;
    Datum d = SysCacheGetAttr(cache, t, column, &isnull);
    Acl* acl = copy_acl(d, isnull);
    ReleaseSysCache(t);
    return acl;
}

// As aclexplode(): one item per privilege bit of each entry, in order.
std::vector<AclPrivilege> explode(const Acl* acl) {
    std::vector<AclPrivilege> out;
    if (!acl) return out;
    const ::AclItem* items = ACL_DAT(acl);
    for (int i = 0; i < ACL_NUM(acl); ++i) {
        AclMode privs = ACLITEM_GET_PRIVS(items[i]);
        AclMode options = ACLITEM_GET_GOPTIONS(items[i]);
        for (int b = 0; b < N_ACL_RIGHTS; ++b) {
            AclMode bit = static_cast<AclMode>(1) << b;
            if (!(privs & bit)) continue;
            const char* name = compat::privilege_name(bit);
            if (!name) throw UserError("XX000", "pg_sync_roles: unrecognized privilege bit " + std::to_string(b));
            out.push_back({items[i].ai_grantee, items[i].ai_grantor, name, (options & bit) != 0});
        }
    }
    return out;
}

// Whether one scan of the whole of `rel` costs less than `lookups` index
// lookups, each costing as much as `rows_per_lookup` rows of the scan.  A
// lookup of its own (a descent of the index, its rows fetched and copied,
// or a syscache entry built) cost as much as 7 to 20 rows of a scan
// (callgrind, PostgreSQL 15, cold caches: 12,800 instructions a pg_authid
// name, 21,000 a member's pg_auth_members rows, 900-1,800 a row scanned):
// taken as 8, the default.  The rows are estimated as the planner does: the
// catalog's pages now, at the density its statistics last saw (50 rows a
// page without statistics, or when they saw no row).
bool whole_scan_cheaper(::Relation rel, std::size_t lookups, double rows_per_lookup = 8) noexcept {
    double pages = RelationGetNumberOfBlocks(rel);
    double density = 50;
    if (rel->rd_rel->relpages > 0 && rel->rd_rel->reltuples > 0)
        density = rel->rd_rel->reltuples / rel->rd_rel->relpages;
    return pages * density < rows_per_lookup * static_cast<double>(lookups);
}

// ---------------------------------------------------------------- roles

struct RoleData {
    bool found;
    ::Oid oid;
    NameData name;
    bool superuser, inherit, createrole, createdb, can_login, replication, bypassrls;
    bool until_null;
    TimestampTz until;
};

// A pg_authid row's fields; the tuple is a syscache entry (released here)
// or, with `desc`, a row of a scan.
RoleData role_data(HeapTuple tuple, TupleDesc desc = nullptr) noexcept {
    RoleData r{};
    if (!HeapTupleIsValid(tuple)) return r;
    auto* f = (Form_pg_authid)GETSTRUCT(tuple);
    r.found = true;
    r.oid = f->oid;
    r.name = f->rolname;
    r.superuser = f->rolsuper;
    r.inherit = f->rolinherit;
    r.createrole = f->rolcreaterole;
    r.createdb = f->rolcreatedb;
    r.can_login = f->rolcanlogin;
    r.replication = f->rolreplication;
    r.bypassrls = f->rolbypassrls;
    Datum d = desc ? heap_getattr(tuple, Anum_pg_authid_rolvaliduntil, desc, &r.until_null)
                   : SysCacheGetAttr(AUTHOID, tuple, Anum_pg_authid_rolvaliduntil, &r.until_null);
    if (!r.until_null) r.until = DatumGetTimestampTz(d);
    if (!desc) ReleaseSysCache(tuple);
    return r;
}

std::optional<Role> to_role(const RoleData& d) {
    if (!d.found) return std::nullopt;
    Role r;
    r.oid = d.oid;
    r.name = NameStr(d.name);
    r.superuser = d.superuser;
    r.inherit = d.inherit;
    r.createrole = d.createrole;
    r.createdb = d.createdb;
    r.can_login = d.can_login;
    r.replication = d.replication;
    r.bypassrls = d.bypassrls;
    if (!d.until_null) r.valid_until = d.until;
    return r;
}

// ---------------------------------------------------------------- scans

// The tuples of an index scan, copied: a palloc'd array of heap tuples.
struct Tuples {
    HeapTuple* rows;
    int n;
};

// Scans `catalog` through `index` with one or two equality keys on oid
// columns: the index's leading columns, named by their attribute numbers in
// the catalog.
struct Key {
    AttrNumber column;
    ::Oid value;
};

Tuples scan(::Oid catalog, ::Oid index, Key first, Key second = {InvalidAttrNumber, InvalidOid}) {
    return guarded([=]() noexcept {
        ScanKeyData keys[2];
        int nkeys = 0;
        for (Key k : {first, second})
            if (k.column != InvalidAttrNumber)
                ScanKeyInit(&keys[nkeys++], k.column, BTEqualStrategyNumber, F_OIDEQ, ObjectIdGetDatum(k.value));
        ::Relation rel = table_open(catalog, AccessShareLock);
        SysScanDesc sd = systable_beginscan(rel, index, true, nullptr, nkeys, keys);
        Tuples t{nullptr, 0};
        int size = 0;
        HeapTuple tuple;
        while (HeapTupleIsValid(tuple = systable_getnext(sd))) {
            if (t.n == size) {
                size = size ? size * 2 : 8;
                t.rows = t.rows ? (HeapTuple*)repalloc(t.rows, sizeof(HeapTuple) * size)
                                : (HeapTuple*)palloc(sizeof(HeapTuple) * size);
            }
            t.rows[t.n++] = heap_copytuple(tuple);
        }
        systable_endscan(sd);
        table_close(rel, NoLock);  // kept to the end of the transaction, as a query would
        return t;
    });
}

// ---------------------------------------------------------------- merge walks

// Many lookups through one index, as one walk.  The keys, sorted as the
// index sorts them, are looked up in one index scan that runs from the
// first key to the last: an index entry is read in order and kept when its
// key column holds the next key, and its heap row is fetched only then.
// Where more than kMaxGap entries in a row hold no key, the scan descends
// again, to the next key.  So keys made together (4,000 roles of one
// sync_many, with neighbouring oids and names) cost a few index entries
// each, and scattered ones one descent each, as one scan per key would,
// without the cost of opening, locking and closing a scan per key (a third
// of a lookup's instructions, callgrind, PostgreSQL 15).  A walk reads each
// leaf page it enters to its end (a btree reads a page's entries at once):
// fewer keys than pg_sync_roles.bulk_read_min are looked up one descent
// each instead, bounded to the key, in the same scan.
constexpr int kMaxGap = 32;

// A key type's operations: its scan keys, and its order (the index's).
struct OidKeys {
    using T = ::Oid;
    static constexpr RegProcedure ge = F_OIDGE, le = F_OIDLE;
    static Datum datum(T v) { return ObjectIdGetDatum(v); }
    static int compare(Datum index_value, T key) {
        ::Oid v = DatumGetObjectId(index_value);
        return v < key ? -1 : v > key ? 1 : 0;
    }
};
struct NameKeys {  // pg_authid.rolname, pg_class.relname: "name", in C order
    using T = const NameData*;
    static constexpr RegProcedure ge = F_NAMEGE, le = F_NAMELE;
    static Datum datum(T v) { return NameGetDatum(v); }
    static int compare(Datum index_value, T key) {
        return strncmp(NameStr(*DatumGetName(index_value)), NameStr(*key), NAMEDATALEN);
    }
};

// `names` as NameData, sorted as an index on a "name" column sorts them (C
// order), each once; a name too long for one is left out (it names nothing).
std::vector<NameData> sorted_names(const std::vector<std::string>& names) {
    std::vector<NameData> keys;
    keys.reserve(names.size());
    for (const std::string& n : names) {
        if (n.empty() || n.size() >= NAMEDATALEN || n.find('\0') != std::string::npos) continue;
        NameData d{};
        std::memcpy(d.data, n.data(), n.size());
        keys.push_back(d);
    }
    // Sorted through their positions: a NameData is 64 bytes to move.
    std::vector<std::uint32_t> order(keys.size());
    for (std::uint32_t i = 0; i < order.size(); ++i) order[i] = i;
    auto cmp = [&](std::uint32_t a, std::uint32_t b) { return std::strncmp(keys[a].data, keys[b].data, NAMEDATALEN); };
    std::sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) { return cmp(a, b) < 0; });
    std::vector<NameData> out;
    out.reserve(keys.size());
    for (std::size_t i = 0; i < order.size(); ++i)
        if (i == 0 || cmp(order[i - 1], order[i]) != 0) out.push_back(keys[order[i]]);
    return out;
}

// The index column holding heap column `column`, or 0.
AttrNumber index_column(::Relation index, AttrNumber column) noexcept {
    for (int i = 0; i < index->rd_index->indnatts; ++i)
        if (index->rd_index->indkey.values[i] == column) return static_cast<AttrNumber>(i + 1);
    return 0;
}

// Whether `index` may be read: systable_beginscan's own test (a catalog is
// read without its indexes under ignore_system_indexes, and while one is
// rebuilt).
bool index_usable(::Oid index) noexcept { return !IgnoreSystemIndexes && !ReindexIsProcessingIndex(index); }

// A condition on another column of a merge walk's index: `column` (a heap
// column of the catalog) `strategy` `value`, through `proc`.
struct Cond {
    AttrNumber column;
    StrategyNumber strategy;
    RegProcedure proc;
    Datum value;
};
// `column` = oid `value`.
Cond oid_is(AttrNumber column, ::Oid value) {
    return {column, BTEqualStrategyNumber, F_OIDEQ, ObjectIdGetDatum(value)};
}

// Calls keep(heap tuple) for each row of `rel` whose heap column `column`
// holds one of the sorted keys [first, last) and that meets `cond` (where
// cond.column is set); both columns are columns of `index`: the keys' its
// first, and the condition's any other; or the condition's, one of
// equality, its first and the keys' its second.  The condition is a key of
// the scan: on a later column the btree tests it on each entry and returns
// only those that meet it (so a key's entries it turns down never reach
// the gap count: a descent to the same key would find them again).  `keep`
// may see a key's rows in any order.  Under the guard.
template <typename K, typename Keep>
void merge_walk(::Relation rel, ::Oid index, AttrNumber column, Cond cond, const typename K::T* first,
                const typename K::T* last, Keep keep) noexcept {
    if (first == last) return;
    ::Relation irel = index_open(index, AccessShareLock);
    AttrNumber col = index_column(irel, column);
    AttrNumber cond_col = cond.column != InvalidAttrNumber ? index_column(irel, cond.column) : 0;
    if (col <= 0 || (cond.column != InvalidAttrNumber && cond_col <= 0))
        elog(ERROR, "pg_sync_roles: a column read is not one of index %u", index);
    Assert(cond_col == 0 || cond_col > col || (col == 2 && cond.strategy == BTEqualStrategyNumber));
    bool leading_cond = cond_col > 0 && cond_col < col;
    bool later_cond = cond_col > col;
    Snapshot snapshot = RegisterSnapshot(GetCatalogSnapshot(RelationGetRelid(rel)));
    int nkeys = cond_col > 0 ? 3 : 2;
    // A btree reads the entries of a leaf page that its keys allow all at
    // once: a walk reads pages to their end, which only many keys repay.
    // Fewer keys than pg_sync_roles.bulk_read_min get one descent each,
    // bounded to the key (still in one scan, not one scan each).
    bool walk = last - first >= bulk_read_min();
    IndexScanDesc scan = compat::index_beginscan(rel, irel, snapshot, nkeys);
    // A walk reads the key from the index entry, before the heap.
    scan->xs_want_itup = walk;
    TupleTableSlot* slot = table_slot_create(rel, nullptr);
    const typename K::T* next = first;
    while (next != last) {
        // Descend to the next key; the scan ends after the last (walking)
        // or after this one.  A btree takes its keys in the order of its
        // columns.
        ScanKeyData keys[3];
        int k = 0;
        if (leading_cond) ScanKeyInit(&keys[k++], cond_col, cond.strategy, cond.proc, cond.value);
        ScanKeyInit(&keys[k++], col, BTGreaterEqualStrategyNumber, K::ge, K::datum(*next));
        ScanKeyInit(&keys[k++], col, BTLessEqualStrategyNumber, K::le, K::datum(walk ? *(last - 1) : *next));
        if (later_cond) ScanKeyInit(&keys[k++], cond_col, cond.strategy, cond.proc, cond.value);
        index_rescan(scan, keys, nkeys, nullptr, 0);
        int gap = 0;
        bool again = false;
        ItemPointer tid;
        while (!again && (tid = index_getnext_tid(scan, ForwardScanDirection)) != nullptr) {
            bool isnull = true;
            if (walk) {  // bounded to its key, an entry holds it
                Datum v = index_getattr(scan->xs_itup, col, scan->xs_itupdesc, &isnull);
                if (isnull) continue;
                while (next != last && K::compare(v, *next) > 0) ++next;
                if (next == last) break;
                if (K::compare(v, *next) < 0) {
                    again = ++gap > kMaxGap;  // a descent would start after v: progress
                    continue;
                }
            }
            gap = 0;
            // A catalog snapshot is an MVCC one: at most one version of a
            // row is visible, so one fetch per entry.
            if (index_fetch_heap(scan, slot)) {
                bool should_free = false;
                HeapTuple tuple = ExecFetchSlotHeapTuple(slot, false, &should_free);
                keep(tuple);
                if (should_free) heap_freetuple(tuple);
            }
        }
        if (again) continue;  // descend again, to *next
        if (walk) break;      // the walk ended, or passed the last key
        ++next;
    }
    ExecDropSingleTupleTableSlot(slot);
    index_endscan(scan);
    UnregisterSnapshot(snapshot);
    index_close(irel, NoLock);  // kept to the end of the transaction, as a query would
}

Membership membership(HeapTuple tuple) {
    auto* f = (Form_pg_auth_members)GETSTRUCT(tuple);
    return {f->roleid, f->member, f->grantor, f->admin_option, compat::membership_inherit(f),
            compat::membership_set(f)};
}

// A has_*_privilege / pg_has_role SQL function, called directly.
bool text_privilege(PGFunction fn, Datum a, const char* privilege) {
    return guarded([=]() noexcept { return DatumGetBool(DirectFunctionCall2(fn, a, CStringGetTextDatum(privilege))); });
}

bool text_privilege3(PGFunction fn, Datum a, Datum b, const char* privilege) {
    return guarded([=]() noexcept {
        return DatumGetBool(DirectFunctionCall3(fn, a, b, CStringGetTextDatum(privilege)));
    });
}

}  // namespace

void refresh() {
    guarded([]() noexcept {
        CommandCounterIncrement();
        AcceptInvalidationMessages();
    });
}

std::optional<Role> role(const std::string& name) {
    const char* n = name.c_str();
    return to_role(guarded([n]() noexcept { return role_data(SearchSysCache1(AUTHNAME, CStringGetDatum(n))); }));
}

std::optional<Role> role(Oid oid) {
    return to_role(guarded([oid]() noexcept { return role_data(SearchSysCache1(AUTHOID, ObjectIdGetDatum(oid))); }));
}

std::optional<std::vector<Role>> all_roles_if_cheaper_than(std::size_t n) {
    struct Rows {
        bool read;
        RoleData* rows;
        int count;
    };
    Rows got = guarded([n]() noexcept {
        Rows out{false, nullptr, 0};
        ::Relation rel = table_open(AuthIdRelationId, AccessShareLock);
        // Against a walk of the index on names (roles_named): about 1.5
        // rows a name when the names are close together in the index, 5
        // when they are scattered (a descent each).
        if (whole_scan_cheaper(rel, n, 2)) {
            int size = 0;
            SysScanDesc sd = systable_beginscan(rel, InvalidOid, false, nullptr, 0, nullptr);
            HeapTuple tuple;
            while (HeapTupleIsValid(tuple = systable_getnext(sd))) {
                if (out.count == size) {
                    size = size ? size * 2 : 1024;
                    out.rows = out.rows ? (RoleData*)repalloc(out.rows, sizeof(RoleData) * size)
                                        : (RoleData*)palloc(sizeof(RoleData) * size);
                }
                out.rows[out.count++] = role_data(tuple, RelationGetDescr(rel));
            }
            systable_endscan(sd);
            out.read = true;
        }
        table_close(rel, NoLock);  // kept to the end of the transaction, as a query would
        return out;
    });
    if (!got.read) return std::nullopt;
    std::vector<Role> out;
    out.reserve(got.count);
    for (int i = 0; i < got.count; ++i) out.push_back(*to_role(got.rows[i]));
    guarded([&got]() noexcept {
        if (got.rows) pfree(got.rows);
    });
    return out;
}

namespace {
// The RoleData of the pg_authid rows a merge walk of `index` finds (the
// whole catalog, filtered here, when that index may not be read).
template <typename K, typename Match>
std::vector<Role> role_rows(::Oid index, AttrNumber column, const typename K::T* first,
                            const typename K::T* last, Match match) {
    struct Rows {
        RoleData* rows;
        int count;
    };
    Rows got = guarded([=]() noexcept {
        Rows out{nullptr, 0};
        int size = 0;
        ::Relation rel = table_open(AuthIdRelationId, AccessShareLock);
        auto keep = [&](HeapTuple tuple) {
            if (out.count == size) {
                size = size ? size * 2 : 64;
                out.rows = out.rows ? (RoleData*)repalloc(out.rows, sizeof(RoleData) * size)
                                    : (RoleData*)palloc(sizeof(RoleData) * size);
            }
            out.rows[out.count++] = role_data(tuple, RelationGetDescr(rel));
        };
        if (index_usable(index)) {
            merge_walk<K>(rel, index, column, Cond{}, first, last, keep);
        } else {
            SysScanDesc sd = systable_beginscan(rel, InvalidOid, false, nullptr, 0, nullptr);
            HeapTuple tuple;
            while (HeapTupleIsValid(tuple = systable_getnext(sd)))
                if (match((Form_pg_authid)GETSTRUCT(tuple))) keep(tuple);
            systable_endscan(sd);
        }
        table_close(rel, NoLock);  // kept to the end of the transaction, as a query would
        return out;
    });
    std::vector<Role> out;
    out.reserve(got.count);
    for (int i = 0; i < got.count; ++i) out.push_back(*to_role(got.rows[i]));
    guarded([&got]() noexcept {
        if (got.rows) pfree(got.rows);
    });
    return out;
}
}  // namespace

std::vector<Role> roles_named(const std::vector<std::string>& names) {
    std::vector<NameData> keys = sorted_names(names);
    std::vector<const NameData*> ptrs;
    ptrs.reserve(keys.size());
    for (const NameData& k : keys) ptrs.push_back(&k);
    const NameData* const* first = ptrs.data();
    const NameData* const* last = first + ptrs.size();
    return role_rows<NameKeys>(AuthIdRolnameIndexId, Anum_pg_authid_rolname, first, last,
                               [first, last](Form_pg_authid f) {
                                   return std::binary_search(first, last, &f->rolname, [](const NameData* a, const NameData* b) {
                                       return std::strncmp(a->data, b->data, NAMEDATALEN) < 0;
                                   });
                               });
}

std::vector<Role> roles_with_oids(std::vector<Oid> oids) {
    std::sort(oids.begin(), oids.end());
    oids.erase(std::unique(oids.begin(), oids.end()), oids.end());
    const ::Oid* first = oids.data();
    const ::Oid* last = first + oids.size();
    return role_rows<OidKeys>(AuthIdOidIndexId, Anum_pg_authid_oid, first, last,
                              [first, last](Form_pg_authid f) { return std::binary_search(first, last, f->oid); });
}

std::string role_name(Oid oid) {
    struct R {
        bool found;
        NameData name;
    };
    R r = guarded([oid]() noexcept {
        R out{};
        HeapTuple t = SearchSysCache1(AUTHOID, ObjectIdGetDatum(oid));
        if (!HeapTupleIsValid(t)) return out;
        out.found = true;
        out.name = ((Form_pg_authid)GETSTRUCT(t))->rolname;
        ReleaseSysCache(t);
        return out;
    });
    if (!r.found) return "unknown (OID=" + std::to_string(oid) + ")";
    return NameStr(r.name);
}

std::optional<std::string> role_password(Oid oid) {
    char* p = guarded([oid]() noexcept {
        HeapTuple t = SearchSysCache1(AUTHOID, ObjectIdGetDatum(oid));
        if (!HeapTupleIsValid(t)) return (char*)nullptr;
        bool isnull = true;
        Datum d = SysCacheGetAttr(AUTHOID, t, Anum_pg_authid_rolpassword, &isnull);
        char* out = isnull ? nullptr : TextDatumGetCString(d);
        ReleaseSysCache(t);
        return out;
    });
    if (!p) return std::nullopt;
    std::string out(p);
    std::memset(p, 0, out.size());
    return out;
}

Oid current_user() {
    return guarded([]() noexcept { return GetUserId(); });
}

Oid database() { return MyDatabaseId; }

std::string role_setting() {
    const char* v = guarded([]() noexcept { return (const char*)GetConfigOptionByName("role", nullptr, false); });
    return v ? v : "";
}

std::vector<Membership> memberships_of(Oid member) {
    Tuples t = scan(AuthMemRelationId, AuthMemMemRoleIndexId, {Anum_pg_auth_members_member, member});
    std::vector<Membership> out;
    for (int i = 0; i < t.n; ++i) out.push_back(membership(t.rows[i]));
    return out;
}

std::vector<Membership> memberships(Oid role, Oid member) {
    Tuples t = scan(AuthMemRelationId, AuthMemRoleMemIndexId, {Anum_pg_auth_members_roleid, role},
                    {Anum_pg_auth_members_member, member});
    std::vector<Membership> out;
    for (int i = 0; i < t.n; ++i) out.push_back(membership(t.rows[i]));
    return out;
}

namespace {
// The current database's owner: implicitly a member of pg_database_owner.
::Oid database_owner() {
    return guarded([]() noexcept {
        HeapTuple t = SearchSysCache1(DATABASEOID, ObjectIdGetDatum(MyDatabaseId));
        if (!HeapTupleIsValid(t)) return InvalidOid;
        ::Oid dba = ((Form_pg_database)GETSTRUCT(t))->datdba;
        ReleaseSysCache(t);
        return dba;
    });
}
}  // namespace

namespace {
// Walks up from `role`; `direct` says whether its own membership of `of`
// counts.
bool reaches(Oid role, Oid of, bool direct) {
    if (role == of) return true;
    ::Oid owner = database_owner();
    std::vector<Oid> todo{role};
    std::set<Oid> seen{role};
    while (!todo.empty()) {
        Oid r = todo.back();
        todo.pop_back();
        std::vector<Oid> up;
        for (const Membership& m : memberships_of(r)) up.push_back(m.role);
        // The database's owner is a member of pg_database_owner.
        if (r == owner) up.push_back(ROLE_PG_DATABASE_OWNER);
        for (Oid u : up) {
            if (u == of) {
                if (direct || r != role) return true;
                continue;
            }
            if (seen.insert(u).second) todo.push_back(u);
        }
    }
    return false;
}
}  // namespace

bool is_member(Oid role, Oid of) { return reaches(role, of, true); }

bool is_member_indirectly(Oid role, Oid of) { return role != of && reaches(role, of, false); }

namespace {
// Whether an index scan on one key finds a row (stops at the first).
bool any_row(::Oid catalog, ::Oid index, Key k) {
    return guarded([=]() noexcept {
        ScanKeyData key;
        ScanKeyInit(&key, k.column, BTEqualStrategyNumber, F_OIDEQ, ObjectIdGetDatum(k.value));
        ::Relation rel = table_open(catalog, AccessShareLock);
        SysScanDesc sd = systable_beginscan(rel, index, true, nullptr, 1, &key);
        bool found = HeapTupleIsValid(systable_getnext(sd));
        systable_endscan(sd);
        table_close(rel, NoLock);  // kept to the end of the transaction, as a query would
        return found;
    });
}
}  // namespace

bool member_of_any(Oid role) {
    return any_row(AuthMemRelationId, AuthMemMemRoleIndexId, {Anum_pg_auth_members_member, role});
}
bool has_members(Oid role) {
    return any_row(AuthMemRelationId, AuthMemRoleMemIndexId, {Anum_pg_auth_members_roleid, role});
}

std::vector<PrivilegeSource> privilege_sources(Oid role) {
    auto r = catalogs::role(role);
    bool rolinherit = !r || r->inherit;
    std::vector<PrivilegeSource> out;
    for (const Membership& m : memberships_of(role))
        if (compat::passes_privileges(m.inherit, rolinherit)) out.push_back({m.role, false});
    if (role == database_owner() && compat::passes_privileges(true, rolinherit))
        out.push_back({ROLE_PG_DATABASE_OWNER, true});
    return out;
}

bool uses_every_schema(Oid role) { return role == ROLE_PG_READ_ALL_DATA || role == ROLE_PG_WRITE_ALL_DATA; }

std::optional<Database> database(const std::string& name) {
    struct D {
        bool found;
        ::Oid oid, owner;
        Acl* acl;
    };
    const char* n = name.c_str();
    D d = guarded([n]() noexcept {
        D out{};
        ::Oid oid = get_database_oid(n, true);
        if (!OidIsValid(oid)) return out;
        HeapTuple t = SearchSysCache1(DATABASEOID, ObjectIdGetDatum(oid));
        if (!HeapTupleIsValid(t)) return out;
        out.found = true;
        out.oid = oid;
        out.owner = ((Form_pg_database)GETSTRUCT(t))->datdba;
        out.acl = release_with_acl(DATABASEOID, t, Anum_pg_database_datacl);
        return out;
    });
    if (!d.found) return std::nullopt;
    return Database{d.oid, d.owner, explode(d.acl)};
}

bool database_exists(Oid oid) {
    return guarded([oid]() noexcept { return SearchSysCacheExists1(DATABASEOID, ObjectIdGetDatum(oid)); });
}

namespace {
struct NamespaceData {
    bool found;
    ::Oid oid, owner;
    NameData name;
    Acl* acl;
};

NamespaceData namespace_data(HeapTuple t) noexcept {
    NamespaceData out{};
    if (!HeapTupleIsValid(t)) return out;
    auto* f = (Form_pg_namespace)GETSTRUCT(t);
    out.found = true;
    out.oid = f->oid;
    out.owner = f->nspowner;
    out.name = f->nspname;
    out.acl = release_with_acl(NAMESPACEOID, t, Anum_pg_namespace_nspacl);
    return out;
}

std::optional<Namespace> to_namespace(const NamespaceData& d) {
    if (!d.found) return std::nullopt;
    return Namespace{d.oid, NameStr(d.name), d.owner, explode(d.acl), d.acl == nullptr};
}
}  // namespace

std::optional<Namespace> namespace_by_name(const std::string& name) {
    const char* n = name.c_str();
    return to_namespace(
        guarded([n]() noexcept { return namespace_data(SearchSysCache1(NAMESPACENAME, CStringGetDatum(n))); }));
}

std::optional<Namespace> namespace_by_oid(Oid oid) {
    return to_namespace(
        guarded([oid]() noexcept { return namespace_data(SearchSysCache1(NAMESPACEOID, ObjectIdGetDatum(oid))); }));
}

namespace {

// A pg_class row of the syscache `cache` (RELOID or RELNAMENSP), released.
struct RelationData {
    bool found;
    ::Oid oid, nsp, owner;
    NameData name;
    char kind, persistence;
    Acl* acl;
};

// ... or, with `desc`, a row of a scan.
RelationData relation_data(int cache, HeapTuple t, TupleDesc desc = nullptr) noexcept {
    RelationData out{};
    if (!HeapTupleIsValid(t)) return out;
    auto* f = (Form_pg_class)GETSTRUCT(t);
    out.found = true;
    out.oid = f->oid;
    out.nsp = f->relnamespace;
    out.owner = f->relowner;
    out.name = f->relname;
    out.kind = f->relkind;
    out.persistence = f->relpersistence;
    if (desc) {
        bool isnull = true;
        Datum d = heap_getattr(t, Anum_pg_class_relacl, desc, &isnull);
        out.acl = copy_acl(d, isnull);
    } else {
        out.acl = release_with_acl(cache, t, Anum_pg_class_relacl);
    }
    return out;
}

std::optional<Relation> to_relation(const RelationData& r) {
    if (!r.found) return std::nullopt;
    return Relation{r.oid, r.nsp, NameStr(r.name), r.kind, r.persistence, r.owner, explode(r.acl)};
}

}  // namespace

std::optional<Relation> relation(Oid oid) {
    return to_relation(guarded([oid]() noexcept {
        return relation_data(RELOID, SearchSysCache1(RELOID, ObjectIdGetDatum(oid)));
    }));
}

std::optional<Relation> relation(Oid namespace_oid, const std::string& name) {
    const char* n = name.c_str();
    return to_relation(guarded([n, namespace_oid]() noexcept {
        return relation_data(RELNAMENSP,
                             SearchSysCache2(RELNAMENSP, CStringGetDatum(n), ObjectIdGetDatum(namespace_oid)));
    }));
}

std::vector<Relation> relations_named(Oid namespace_oid, const std::vector<std::string>& names) {
    std::vector<NameData> keys = sorted_names(names);
    std::vector<const NameData*> ptrs;
    ptrs.reserve(keys.size());
    for (const NameData& k : keys) ptrs.push_back(&k);
    const NameData* const* first = ptrs.data();
    const NameData* const* last = first + ptrs.size();
    struct Rows {
        bool read;
        RelationData* rows;
        int count;
    };
    Rows got = guarded([=]() noexcept {
        Rows out{false, nullptr, 0};
        if (!index_usable(ClassNameNspIndexId)) return out;
        int size = 0;
        ::Relation rel = table_open(RelationRelationId, AccessShareLock);
        merge_walk<NameKeys>(rel, ClassNameNspIndexId, Anum_pg_class_relname,
                             oid_is(Anum_pg_class_relnamespace, namespace_oid), first, last, [&](HeapTuple tuple) {
                                 if (out.count == size) {
                                     size = size ? size * 2 : 64;
                                     out.rows = out.rows ? (RelationData*)repalloc(out.rows, sizeof(RelationData) * size)
                                                         : (RelationData*)palloc(sizeof(RelationData) * size);
                                 }
                                 out.rows[out.count++] = relation_data(RELOID, tuple, RelationGetDescr(rel));
                             });
        table_close(rel, NoLock);  // kept to the end of the transaction, as a query would
        out.read = true;
        return out;
    });
    std::vector<Relation> out;
    if (!got.read) {  // the index may not be read: the syscache reads the catalog itself
        for (const std::string& n : names)
            if (auto r = relation(namespace_oid, n)) out.push_back(std::move(*r));
        return out;
    }
    out.reserve(got.count);
    for (int i = 0; i < got.count; ++i) out.push_back(*to_relation(got.rows[i]));
    guarded([&got]() noexcept {
        if (got.rows) pfree(got.rows);
    });
    return out;
}

std::vector<ColumnAcl> column_acls(Oid relation) {
    struct C {
        NameData name;
        Acl* acl;
    };
    struct Cs {
        C* cols;
        int n;
    };
    Cs cs = guarded([relation]() noexcept {
        ScanKeyData keys[2];
        ScanKeyInit(&keys[0], Anum_pg_attribute_attrelid, BTEqualStrategyNumber, F_OIDEQ,
                    ObjectIdGetDatum(relation));
        ScanKeyInit(&keys[1], Anum_pg_attribute_attnum, BTGreaterStrategyNumber, F_INT2GT, Int16GetDatum(0));
        ::Relation rel = table_open(AttributeRelationId, AccessShareLock);
        SysScanDesc sd = systable_beginscan(rel, AttributeRelidNumIndexId, true, nullptr, 2, keys);
        Cs out{nullptr, 0};
        int size = 0;
        HeapTuple tuple;
        while (HeapTupleIsValid(tuple = systable_getnext(sd))) {
            // A dropped column can keep its attacl (PostgreSQL 15 does):
            // it grants nothing, and has no name to revoke it by.
            if (((Form_pg_attribute)GETSTRUCT(tuple))->attisdropped) continue;
            bool isnull = true;
            Datum acl = heap_getattr(tuple, Anum_pg_attribute_attacl, RelationGetDescr(rel), &isnull);
            if (isnull) continue;
            if (out.n == size) {
                size = size ? size * 2 : 8;
                out.cols = out.cols ? (C*)repalloc(out.cols, sizeof(C) * size) : (C*)palloc(sizeof(C) * size);
            }
            out.cols[out.n].name = ((Form_pg_attribute)GETSTRUCT(tuple))->attname;
            out.cols[out.n].acl = copy_acl(acl, false);
            ++out.n;
        }
        systable_endscan(sd);
        table_close(rel, NoLock);  // kept to the end of the transaction, as a query would
        return out;
    });
    std::vector<ColumnAcl> out;
    for (int i = 0; i < cs.n; ++i)
        for (AclPrivilege& item : explode(cs.cols[i].acl)) out.push_back({NameStr(cs.cols[i].name), std::move(item)});
    return out;
}

std::map<Oid, std::vector<ColumnAcl>> column_acls(const std::set<Oid>& relations) {
    std::map<Oid, std::vector<ColumnAcl>> out;
    std::vector<::Oid> oids(relations.begin(), relations.end());
    struct C {
        ::Oid relation;
        NameData name;
        Acl* acl;
    };
    struct Cs {
        bool read;
        C* cols;
        int n;
    };
    const ::Oid* first = oids.data();
    const ::Oid* last = first + oids.size();
    Cs cs = guarded([=]() noexcept {
        Cs out{false, nullptr, 0};
        if (!index_usable(AttributeRelidNumIndexId)) return out;
        int size = 0;
        ::Relation rel = table_open(AttributeRelationId, AccessShareLock);
        Cond user_column{Anum_pg_attribute_attnum, BTGreaterStrategyNumber, F_INT2GT, Int16GetDatum(0)};
        merge_walk<OidKeys>(rel, AttributeRelidNumIndexId, Anum_pg_attribute_attrelid, user_column, first, last,
                            [&](HeapTuple tuple) {
                                auto* f = (Form_pg_attribute)GETSTRUCT(tuple);
                                if (f->attisdropped) return;  // as column_acls(Oid)
                                bool isnull = true;
                                Datum acl = heap_getattr(tuple, Anum_pg_attribute_attacl, RelationGetDescr(rel), &isnull);
                                if (isnull) return;
                                if (out.n == size) {
                                    size = size ? size * 2 : 8;
                                    out.cols = out.cols ? (C*)repalloc(out.cols, sizeof(C) * size)
                                                        : (C*)palloc(sizeof(C) * size);
                                }
                                out.cols[out.n++] = {f->attrelid, f->attname, copy_acl(acl, false)};
                            });
        table_close(rel, NoLock);  // kept to the end of the transaction, as a query would
        out.read = true;
        return out;
    });
    if (!cs.read) {  // the index may not be read: systable_beginscan reads the catalog itself
        for (::Oid o : oids)
            if (auto c = column_acls(o); !c.empty()) out[o] = std::move(c);
        return out;
    }
    for (int i = 0; i < cs.n; ++i)
        for (AclPrivilege& item : explode(cs.cols[i].acl))
            out[cs.cols[i].relation].push_back({NameStr(cs.cols[i].name), std::move(item)});
    return out;
}

std::vector<SharedDependency> role_dependencies(Oid role) {
    Tuples t = scan(SharedDependRelationId, SharedDependReferenceIndexId,
                    {Anum_pg_shdepend_refclassid, AuthIdRelationId}, {Anum_pg_shdepend_refobjid, role});
    std::vector<SharedDependency> out;
    for (int i = 0; i < t.n; ++i) {
        auto* f = (Form_pg_shdepend)GETSTRUCT(t.rows[i]);
        out.push_back({f->dbid, f->classid, f->objid});
    }
    return out;
}

std::vector<Oid> owned_relations(Oid relation) {
    Tuples t = scan(DependRelationId, DependReferenceIndexId, {Anum_pg_depend_refclassid, RelationRelationId},
                    {Anum_pg_depend_refobjid, relation});
    std::vector<Oid> out;
    for (int i = 0; i < t.n; ++i) {
        auto* f = (Form_pg_depend)GETSTRUCT(t.rows[i]);
        if (f->classid == RelationRelationId && (f->deptype == DEPENDENCY_AUTO || f->deptype == DEPENDENCY_INTERNAL))
            out.push_back(f->objid);
    }
    return out;
}

bool owned_by_relation(Oid relation) {
    Tuples t = scan(DependRelationId, DependDependerIndexId, {Anum_pg_depend_classid, RelationRelationId},
                    {Anum_pg_depend_objid, relation});
    for (int i = 0; i < t.n; ++i) {
        auto* f = (Form_pg_depend)GETSTRUCT(t.rows[i]);
        if (f->refclassid == RelationRelationId &&
            (f->deptype == DEPENDENCY_AUTO || f->deptype == DEPENDENCY_INTERNAL))
            return true;
    }
    return false;
}

std::optional<std::string> role_comment(Oid role) {
    char* s = guarded([role]() noexcept {
        ScanKeyData keys[2];
        ScanKeyInit(&keys[0], Anum_pg_shdescription_objoid, BTEqualStrategyNumber, F_OIDEQ, ObjectIdGetDatum(role));
        ScanKeyInit(&keys[1], Anum_pg_shdescription_classoid, BTEqualStrategyNumber, F_OIDEQ,
                    ObjectIdGetDatum(AuthIdRelationId));
        ::Relation rel = table_open(SharedDescriptionRelationId, AccessShareLock);
        SysScanDesc sd = systable_beginscan(rel, SharedDescriptionObjIndexId, true, nullptr, 2, keys);
        char* out = nullptr;
        HeapTuple tuple = systable_getnext(sd);
        if (HeapTupleIsValid(tuple)) {
            bool isnull = true;
            Datum d = heap_getattr(tuple, Anum_pg_shdescription_description, RelationGetDescr(rel), &isnull);
            if (!isnull) out = TextDatumGetCString(d);
        }
        systable_endscan(sd);
        table_close(rel, NoLock);  // kept to the end of the transaction, as a query would
        return out;
    });
    if (!s) return std::nullopt;
    return std::string(s);
}

namespace {

// The rows of `catalog` whose oid column `column` holds one of `oids` and,
// where `fixed` names a column, whose `fixed.column` is `fixed.value`:
// through `index`, which leads with (fixed, column) or (column), in one
// merge walk; or one scan of the whole catalog when that costs less
// (whole_scan_cheaper), or when the index may not be read.  `oids` is
// sorted.
Tuples scan_many(::Oid catalog, ::Oid index, AttrNumber column, const std::vector<::Oid>& oids,
                 Key fixed = {InvalidAttrNumber, InvalidOid}) {
    const ::Oid* first = oids.data();
    const ::Oid* last = oids.data() + oids.size();
    return guarded([=]() noexcept {
        ::Relation rel = table_open(catalog, AccessShareLock);
        bool whole = !index_usable(index) || whole_scan_cheaper(rel, static_cast<std::size_t>(last - first));
        Tuples t{nullptr, 0};
        int size = 0;
        auto keep = [&](HeapTuple tuple) {
            if (t.n == size) {
                size = size ? size * 2 : 64;
                t.rows = t.rows ? (HeapTuple*)repalloc(t.rows, sizeof(HeapTuple) * size)
                                : (HeapTuple*)palloc(sizeof(HeapTuple) * size);
            }
            t.rows[t.n++] = heap_copytuple(tuple);
        };
        auto value = [&](HeapTuple tuple, AttrNumber a) {
            bool isnull = true;
            Datum d = heap_getattr(tuple, a, RelationGetDescr(rel), &isnull);
            return isnull ? InvalidOid : DatumGetObjectId(d);
        };
        if (whole) {
            SysScanDesc sd = systable_beginscan(rel, InvalidOid, false, nullptr, 0, nullptr);
            HeapTuple tuple;
            while (HeapTupleIsValid(tuple = systable_getnext(sd))) {
                if (fixed.column != InvalidAttrNumber && value(tuple, fixed.column) != fixed.value) continue;
                if (std::binary_search(first, last, value(tuple, column))) keep(tuple);
            }
            systable_endscan(sd);
        } else {
            merge_walk<OidKeys>(rel, index, column,
                                fixed.column != InvalidAttrNumber ? oid_is(fixed.column, fixed.value) : Cond{},
                                first, last, keep);
        }
        table_close(rel, NoLock);  // kept to the end of the transaction, as a query would
        return t;
    });
}

std::vector<::Oid> sorted_oids(const std::set<Oid>& s) { return {s.begin(), s.end()}; }

}  // namespace

std::map<Oid, std::vector<Membership>> memberships_of(const std::set<Oid>& members) {
    std::map<Oid, std::vector<Membership>> out;
    if (members.empty()) return out;
    Tuples t = scan_many(AuthMemRelationId, AuthMemMemRoleIndexId, Anum_pg_auth_members_member, sorted_oids(members));
    for (int i = 0; i < t.n; ++i) {
        Membership m = membership(t.rows[i]);
        out[m.member].push_back(m);
    }
    return out;
}

std::map<Oid, std::vector<SharedDependency>> role_dependencies(const std::set<Oid>& roles) {
    std::map<Oid, std::vector<SharedDependency>> out;
    if (roles.empty()) return out;
    Tuples t = scan_many(SharedDependRelationId, SharedDependReferenceIndexId, Anum_pg_shdepend_refobjid,
                         sorted_oids(roles), {Anum_pg_shdepend_refclassid, AuthIdRelationId});
    for (int i = 0; i < t.n; ++i) {
        auto* f = (Form_pg_shdepend)GETSTRUCT(t.rows[i]);
        out[f->refobjid].push_back({f->dbid, f->classid, f->objid});
    }
    return out;
}

std::map<Oid, std::string> role_comments(const std::set<Oid>& roles) {
    std::map<Oid, std::string> out;
    if (roles.empty()) return out;
    Tuples t = scan_many(SharedDescriptionRelationId, SharedDescriptionObjIndexId, Anum_pg_shdescription_objoid,
                         sorted_oids(roles));
    // The descriptions, as C strings (NULL for another catalog's row).
    char** texts = guarded([t]() noexcept {
        ::Relation rel = table_open(SharedDescriptionRelationId, AccessShareLock);
        char** out = (char**)palloc0(sizeof(char*) * (t.n + 1));
        for (int i = 0; i < t.n; ++i) {
            if (((Form_pg_shdescription)GETSTRUCT(t.rows[i]))->classoid != AuthIdRelationId) continue;
            bool isnull = true;
            Datum d = heap_getattr(t.rows[i], Anum_pg_shdescription_description, RelationGetDescr(rel), &isnull);
            if (!isnull) out[i] = TextDatumGetCString(d);
        }
        table_close(rel, NoLock);
        return out;
    });
    for (int i = 0; i < t.n; ++i)
        if (texts[i]) out.emplace(((Form_pg_shdescription)GETSTRUCT(t.rows[i]))->objoid, texts[i]);
    return out;
}

Oid class_catalog() { return RelationRelationId; }
Oid namespace_catalog() { return NamespaceRelationId; }
Oid database_catalog() { return DatabaseRelationId; }

bool pg_has_role(Oid role, const char* privilege) {
    return text_privilege(pg_has_role_id, ObjectIdGetDatum(role), privilege);
}
bool pg_has_role(Oid user, Oid role, const char* privilege) {
    return text_privilege3(pg_has_role_id_id, ObjectIdGetDatum(user), ObjectIdGetDatum(role), privilege);
}
bool has_schema_privilege(Oid schema, const char* privilege) {
    return text_privilege(has_schema_privilege_id, ObjectIdGetDatum(schema), privilege);
}
bool has_schema_privilege(Oid user, Oid schema, const char* privilege) {
    return text_privilege3(has_schema_privilege_id_id, ObjectIdGetDatum(user), ObjectIdGetDatum(schema), privilege);
}
bool can_read_authid() {
    return text_privilege(has_table_privilege_id, ObjectIdGetDatum(AuthIdRelationId), "SELECT");
}

}  // namespace pgsr::pg::catalogs
