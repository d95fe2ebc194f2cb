#include "apply/sync.hpp"

#include "apply/render.hpp"
#include "apply/request.hpp"
#include "catalog/catalog.hpp"
#include "pg/error.hpp"
#include "pg/server.hpp"
#include "pg/spi.hpp"
#include "plan/plan.hpp"

namespace pgsr::apply {

namespace {

std::string fresh_role_name(const std::string& prefix) {
    for (int attempt = 0; attempt < 10; ++attempt) {
        std::string name = prefix + pg::random_hex8();
        if (!catalog::role_exists(name)) return name;
    }
    throw pg::UserError("XX000", "pg_sync_roles: could not find a free name for a role starting " +
                                     prefix);
}

plan::Plan make_plan(const plan::Request& request) {
    plan::Snapshot snapshot = catalog::read(request);
    return plan::make_plan(request, snapshot, fresh_role_name);
}

bool has_revokes(const plan::Plan& plan) {
    for (const plan::Statement& s : plan.statements)
        if (plan::action_of(s) == plan::Action::revoke || std::holds_alternative<plan::RemoveLogin>(s)) return true;
    return false;
}

// Every REVOKE the result lists must have removed what it names: the plan
// worked out again must not hold it.  Otherwise the whole call fails, and
// nothing of it is kept.
void check_revokes(const plan::Request& request, const plan::Plan& applied) {
    if (!has_revokes(applied)) return;
    plan::Plan after = make_plan(request);
    std::vector<std::size_t> bad = plan::ineffective_revokes(applied, after);
    if (bad.empty()) return;
    Rendered r = render(applied.statements.at(bad.front()));
    throw pg::UserError("42501", "pg_sync_roles: a revoke removed nothing: " + r.display,
                        "PostgreSQL removes only what the role running a REVOKE granted; what this one names is still there.",
                        "Check who granted it (aclexplode, pg_auth_members.grantor) and whether the caller can act as that role.");
}

// The relation a statement changes, if any.
const plan::ObjectRef* relation_of(const plan::Statement& s) {
    const plan::ObjectRef* o = nullptr;
    if (auto* g = std::get_if<plan::GrantPrivileges>(&s)) o = &g->object;
    if (auto* r = std::get_if<plan::RevokePrivileges>(&s)) o = &r->object;
    if (auto* a = std::get_if<plan::AlterOwner>(&s)) o = &a->object;
    return o && o->oid != 0 ? o : nullptr;
}

// Before anything changes, every relation the plan changes is locked: those
// changing owner without waiting (a session holding one must not stall
// every other sync), the others as GRANT would.  A relation dropped or
// renamed since it was planned is skipped, with a NOTICE.
std::set<plan::Oid> lock_relations(const plan::Plan& plan) {
    std::map<plan::Oid, std::pair<const plan::ObjectRef*, bool>> wanted;
    std::size_t owners = 0;
    for (const plan::Statement& s : plan.statements)
        if (const plan::ObjectRef* o = relation_of(s)) {
            bool exclusive = std::holds_alternative<plan::AlterOwner>(s);
            auto& w = wanted[o->oid];
            if (!w.first) w.first = o;
            if (exclusive && !w.second) ++owners;
            w.second = w.second || exclusive;
        }
    std::set<plan::Oid> gone;
    for (const auto& [oid, w] : wanted)
        if (w.second && !pg::lock_relation(oid, w.first->schema, w.first->name, true, owners)) gone.insert(oid);
    for (const auto& [oid, w] : wanted)
        if (!w.second && !pg::lock_relation(oid, w.first->schema, w.first->name, false, owners)) gone.insert(oid);
    for (plan::Oid oid : gone) {
        const plan::ObjectRef* o = wanted.at(oid).first;
        pg::notice("table \"" + o->schema + "\".\"" + o->name + "\" skipped: it was dropped or renamed meanwhile");
    }
    return gone;
}

// With `many`, each row also names the role of the request its statement
// is about (sync_many's rows).
std::vector<pg::OutputRow> rows_of(const plan::Plan& plan, bool execute, const plan::Request* many = nullptr) {
    std::vector<pg::OutputRow> rows;
    std::set<std::string> names;
    if (many)
        for (const plan::DesiredRole& r : many->roles) names.insert(r.name);
    int step = 0;
    std::set<plan::Oid> gone = execute ? lock_relations(plan) : std::set<plan::Oid>{};
    for (const plan::Statement& statement : plan.statements) {
        if (const plan::ObjectRef* o = relation_of(statement); o && gone.count(o->oid)) continue;
        Rendered r = render(statement);
        if (execute) pg::spi::execute(r.sql, r.secret, r.scoped_settings);
        pg::OutputRow row{std::to_string(++step)};
        if (many) row.push_back(plan::statement_role(statement, names));
        row.push_back(std::string(plan::action_name(plan::action_of(statement))));
        row.push_back(r.display);
        rows.push_back(std::move(row));
    }
    return rows;
}

std::vector<pg::OutputRow> run(Call call, bool apply, bool many) {
    pg::spi::connect();
    std::uint64_t changes = pg::catalog_changes();
    plan::Plan plan = make_plan(call.request);
    if (apply && !plan.empty()) {
        // Changes are due: lock, and work them out again now that no other
        // sync holding the same key can be half way through -- unless no
        // catalog changed since they were worked out (another sync's changes
        // all reach pg_authid, pg_auth_members or the objects' catalogs).
        pg::lock_syncs();
        pg::advisory_xact_lock(call.lock_key);
        if (pg::catalog_changes() != changes) plan = make_plan(call.request);
    }
    if (plan.error) throw pg::UserError(plan.error->sqlstate, plan.error->message, plan.error->detail, plan.error->hint);
    for (const std::string& n : plan.notices) pg::notice(n);
    std::vector<pg::OutputRow> rows = rows_of(plan, apply, many ? &call.request : nullptr);
    if (apply) check_revokes(call.request, plan);
    pg::spi::finish();
    return rows;
}

}  // namespace

std::vector<pg::OutputRow> sync(const pg::Arguments& args) { return run(sync_call(args), true, false); }
std::vector<pg::OutputRow> sync_many(const pg::Arguments& args) { return run(sync_many_call(args), true, true); }
std::vector<pg::OutputRow> plan_many(const pg::Arguments& args) { return run(sync_many_call(args), false, true); }

std::vector<pg::OutputRow> drop_unused_roles(const pg::Arguments& args) {
    if (args.is_null(0)) throw pg::UserError("22004", "lock_key must not be null");
    pg::spi::connect();
    std::vector<std::string> names;
    if (!catalog::unused_intermediate_roles().empty()) {
        pg::lock_syncs();
        pg::advisory_xact_lock(args.int8(0));
        plan::Plan drop = plan::drop_plan(catalog::unused_intermediate_roles(), pg::server_rules());
        for (const std::string& n : drop.notices) pg::notice(n);
        rows_of(drop, true);
        names = plan::dropped_roles(drop);
    }
    pg::spi::finish();
    std::vector<pg::OutputRow> rows;
    for (std::string& n : names) rows.push_back({std::move(n)});
    return rows;
}
std::vector<pg::OutputRow> plan_only(const pg::Arguments& args) { return run(sync_call(args), false, false); }

}  // namespace pgsr::apply
