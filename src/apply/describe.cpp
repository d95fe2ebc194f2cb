#include "apply/describe.hpp"

#include "apply/request.hpp"
#include "catalog/catalog.hpp"
#include "pg/error.hpp"
#include "pg/spi.hpp"
#include "plan/describe.hpp"

namespace pgsr::apply {

namespace {

// The roles read, each checked before anything of it is shown.
catalog::Described read(const std::vector<std::string>& names) {
    pg::spi::connect();
    catalog::Described d = catalog::read_described(names);
    for (const plan::RoleFacts& r : d.roles)
        if (auto e = plan::may_describe(d.snapshot, r)) throw pg::UserError(e->sqlstate, e->message, e->detail, e->hint);
    pg::spi::finish();
    return d;
}

}  // namespace

std::optional<std::string> describe(const pg::Arguments& args) {
    std::string name = role_name(args, 0);
    catalog::Described d = read({name});
    return plan::describe(d.snapshot, d.roles.front());
}

std::optional<std::string> describe_many(const pg::Arguments& args) {
    std::set<std::string> names = name_set(args, 0, "role_names");
    // No more than sync_many takes back.
    if (names.size() > spec::kMaxRoles)
        throw pg::UserError("54000", "role_names: too many roles (more than " + std::to_string(spec::kMaxRoles) + ")");
    catalog::Described d = read({names.begin(), names.end()});
    return plan::describe_many(d.snapshot, d.roles);
}

}  // namespace pgsr::apply
