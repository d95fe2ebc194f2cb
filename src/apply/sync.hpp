// The entry points' bodies: plan, then lock and plan again, then apply.
#pragma once

#include "pg/call.hpp"

namespace pgsr::apply {

std::vector<pg::OutputRow> sync(const pg::Arguments& args);
std::vector<pg::OutputRow> plan_only(const pg::Arguments& args);
// sync_many(roles, preserve, lock_key) / plan_many: every role of the roles
// document in one request; rows (step, role, action, statement).
std::vector<pg::OutputRow> sync_many(const pg::Arguments& args);
std::vector<pg::OutputRow> plan_many(const pg::Arguments& args);
std::vector<pg::OutputRow> drop_unused_roles(const pg::Arguments& args);

}  // namespace pgsr::apply
