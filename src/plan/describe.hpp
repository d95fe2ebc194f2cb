// describe(): a role's current state, written back as a grants document
// that sync accepts.  Pure C++: the shell reads the state (catalog/), this
// maps it.
#pragma once

#include <optional>
#include <tuple>
#include <string>
#include <vector>

#include "plan/state.hpp"

namespace pgsr::plan {

// Something a role holds that no element of the document can declare,
// written as an element {"type": "not_expressible", "privilege": ...,
// "object": ...}.
struct NotExpressible {
    std::string privilege;  // "INSERT", "EXECUTE WITH GRANT OPTION", "OWNER", "CREATEDB", ...
    std::string object;     // "table \"s\".\"t\"", "function public.f(integer)", ...
    bool operator<(const NotExpressible& o) const {
        return std::tie(object, privilege) < std::tie(o.object, o.privilege);
    }
};

// What the shell reads of one role besides the snapshot.
struct RoleFacts {
    std::string name;
    bool superuser = false;
    // Attributes other than LOGIN that it has: SUPERUSER, CREATEDB, ...
    std::vector<std::string> attributes;
    // Its privileges on, and ownership of, objects of kinds the document
    // does not manage (functions, types, databases, ...).
    std::vector<NotExpressible> other;
};

// Whether the caller may describe the role: one it could sync.  Not
// itself, not a superuser unless the caller is one, and one it could
// grant or revoke memberships of: CREATEROLE on 15, ADMIN OPTION from 16
// on.  42501 with a hint otherwise.
std::optional<spec::Error> may_describe(const Snapshot& snapshot, const RoleFacts& role);

// The role's grants document as JSON text (an array).  The snapshot is one
// catalog::read() made for a request that names the role and declares the
// objects its intermediate roles hold (so that their ACLs are read).
std::string describe(const Snapshot& snapshot, const RoleFacts& role);

// Several roles: {"role": [grants], ...}, as sync_many takes them.
std::string describe_many(const Snapshot& snapshot, const std::vector<RoleFacts>& roles);

// A TimestampTz as ISO 8601 in UTC ("2030-12-31T16:00:00Z", with
// microseconds where there are any), which timestamptz input reads back as
// the same instant whatever the session's TimeZone and DateStyle.
std::string iso_timestamp(Timestamp t);

}  // namespace pgsr::plan
