// describe(role_name) and describe_many(role_names): the roles' current
// state as grants documents.  They read, and change nothing.
#pragma once

#include "pg/call.hpp"

namespace pgsr::apply {

std::optional<std::string> describe(const pg::Arguments& args);
std::optional<std::string> describe_many(const pg::Arguments& args);

}  // namespace pgsr::apply
