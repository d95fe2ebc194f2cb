#include "apply/sync.hpp"

#include "apply/render.hpp"
#include "apply/request.hpp"
#include "catalog/catalog.hpp"
#include "pg/error.hpp"
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

std::vector<pg::OutputRow> rows_of(const plan::Plan& plan, bool execute) {
    std::vector<pg::OutputRow> rows;
    int step = 0;
    for (const plan::Statement& statement : plan.statements) {
        Rendered r = render(statement);
        if (execute) pg::spi::execute(r.sql, r.secret, r.scoped_settings);
        rows.push_back({std::to_string(++step), std::string(plan::action_name(plan::action_of(statement))),
                        r.display});
    }
    return rows;
}

std::vector<pg::OutputRow> run(const pg::Arguments& args, bool apply) {
    Call call = sync_call(args);
    pg::spi::connect();
    plan::Plan plan = make_plan(call.request);
    if (apply && !plan.empty()) {
        // Changes are due: lock, and work them out again now that no other
        // sync holding the same key can be half way through.
        pg::advisory_xact_lock(call.lock_key);
        plan = make_plan(call.request);
    }
    if (plan.error) throw pg::UserError(plan.error->sqlstate, plan.error->message);
    for (const std::string& n : plan.notices) pg::notice(n);
    std::vector<pg::OutputRow> rows = rows_of(plan, apply);
    pg::spi::finish();
    return rows;
}

}  // namespace

std::vector<pg::OutputRow> sync(const pg::Arguments& args) { return run(args, true); }

std::vector<pg::OutputRow> drop_unused_roles(const pg::Arguments& args) {
    if (args.is_null(0)) throw pg::UserError("22004", "lock_key must not be null");
    pg::spi::connect();
    std::vector<std::string> names = catalog::unused_intermediate_roles();
    if (!names.empty()) {
        pg::advisory_xact_lock(args.int8(0));
        names = catalog::unused_intermediate_roles();
        rows_of(plan::drop_plan(names), true);
    }
    pg::spi::finish();
    std::vector<pg::OutputRow> rows;
    for (std::string& n : names) rows.push_back({std::move(n)});
    return rows;
}
std::vector<pg::OutputRow> plan_only(const pg::Arguments& args) { return run(args, false); }

}  // namespace pgsr::apply
