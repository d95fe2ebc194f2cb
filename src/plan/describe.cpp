// A role's current state as a grants document.  Each privilege is written
// as the element that sync would keep it with, so that syncing the result
// changes nothing; what no element can keep is written as a
// "not_expressible" element, which sync checks and ignores.
#include "plan/describe.hpp"

#include <cstdio>
#include <set>
#include <tuple>

#include <boost/json.hpp>

#include "plan/plan.hpp"

namespace pgsr::plan {
namespace json = boost::json;

namespace {

std::string dq(const std::string& s) { return "\"" + s + "\""; }

std::string relation_word(char relkind) {
    switch (relkind) {
        case 'v': return "view";
        case 'm': return "materialized view";
        case 'f': return "foreign table";
        case 'S': return "sequence";
        default: return "table";
    }
}

std::string relation_object(const Relation& r) { return relation_word(r.relkind) + " " + dq(r.schema) + "." + dq(r.name); }

bool is_local(const std::string& role, Oid database, spec::Kind kind) {
    return role.rfind(local_role_prefix(database, kind), 0) == 0;
}

// The elements of one role, gathered as sets so that each comes once and
// the output is in a stable order.
class Describer {
public:
    Describer(const Snapshot& snap, const RoleFacts& facts)
        : snap_(snap), facts_(facts), name_(facts.name), st_(snap.roles.at(facts.name)) {}

    json::array run() {
        for (const std::string& a : facts_.attributes) notes_.insert({a, "role " + dq(name_)});
        notes_.insert(facts_.other.begin(), facts_.other.end());
        memberships();
        schemas();
        relations();
        return elements();
    }

private:
    // Memberships: an intermediate role of this database stands for the
    // privileges it holds; any other role is a role_membership.
    void memberships() {
        const Oid db = snap_.database_oid;
        for (const std::string& r : st_.member_of) {
            if (st_.admin_of.count(r)) notes_.insert({"ADMIN OPTION", "membership in role " + dq(r)});
            if (snap_.foreign_intermediates.count(r)) {
                // That database's syncs manage it; declaring it here would undo them.
                notes_.insert({"MEMBER", "role " + dq(r) + " (an intermediate role of another database)"});
                continue;
            }
            bool found = false;
            if (r.rfind(connect_role_prefix(), 0) == 0)
                for (const auto& [name, d] : snap_.databases)
                    if (holds(d.acl, r, "CONNECT")) {
                        connect_.insert(name);
                        found = true;
                    }
            if (is_local(r, db, spec::Kind::schema_usage) || is_local(r, db, spec::Kind::schema_create)) {
                bool usage = is_local(r, db, spec::Kind::schema_usage);
                for (const auto& [name, sc] : snap_.schemas)
                    if (holds(sc.acl, r, usage ? "USAGE" : "CREATE")) {
                        (usage ? usage_ : create_).insert({name, false});
                        found = true;
                    }
            }
            if (is_local(r, db, spec::Kind::table_select))
                for (const auto& [_, rel] : snap_.relations)
                    if (holds(rel.acl, r, "SELECT")) {
                        select_.insert({rel.schema, rel.name, false});
                        found = true;
                    }
            // A role that holds nothing here (its objects were dropped) is
            // still a role it is a member of.
            if (!found) member_.insert(r);
            bool intermediate = r.rfind("_pgsr_", 0) == 0;
            if (snap_.server.role_options && found && !st_.inherits.count(r))
                notes_.insert({"INHERIT FALSE", "membership in role " + dq(r)});
            if (snap_.server.role_options && !intermediate && !st_.settable.count(r))
                notes_.insert({"SET FALSE", "membership in role " + dq(r)});
        }
    }

    void schemas() {
        auto it = snap_.touched_schemas.find(name_);
        if (it == snap_.touched_schemas.end()) return;
        for (const std::string& s : it->second) {
            const Schema& sc = snap_.schemas.at(s);
            if (sc.owner == name_) {
                owned_schemas_.insert(s);
                continue;
            }
            for (const AclEntry& e : sc.acl) {
                if (e.grantee != name_) continue;
                if (e.privilege == "USAGE")
                    usage_.insert({s, true});
                else if (e.privilege == "CREATE")
                    create_.insert({s, true});
                else
                    notes_.insert({e.privilege, "schema " + dq(s)});
                if (e.grantable) notes_.insert({e.privilege + " WITH GRANT OPTION", "schema " + dq(s)});
            }
        }
    }

    void relations() {
        auto it = snap_.touched_relations.find(name_);
        if (it == snap_.touched_relations.end()) return;
        for (Oid oid : it->second) {
            auto rel_it = snap_.relations.find(oid);
            if (rel_it == snap_.relations.end()) continue;
            const Relation& rel = rel_it->second;
            if (rel.owner == name_) {
                // A sequence owned by a column goes with its table.
                if (!rel.linked) owned_tables_.insert({rel.schema, rel.name});
                continue;
            }
            for (const AclEntry& e : rel.acl) {
                if (e.grantee != name_) continue;
                if (e.privilege == "SELECT")
                    select_.insert({rel.schema, rel.name, true});
                else
                    notes_.insert({e.privilege, relation_object(rel)});
                if (e.grantable) notes_.insert({e.privilege + " WITH GRANT OPTION", relation_object(rel)});
            }
            for (const ColumnAclEntry& c : rel.columns)
                if (c.entry.grantee == name_)
                    notes_.insert({c.entry.privilege + (c.entry.grantable ? " WITH GRANT OPTION" : ""),
                                   "column " + dq(rel.schema) + "." + dq(rel.name) + "." + dq(c.column)});
        }
    }

    static bool holds(const std::vector<AclEntry>& acl, const std::string& grantee, const std::string& privilege) {
        for (const AclEntry& e : acl)
            if (e.grantee == grantee && e.privilege == privilege) return true;
        return false;
    }

    static json::object element(const char* type) { return json::object{{"type", type}}; }

    json::array elements() const {
        json::array out;
        if (st_.can_login) {
            json::object login = element("login");
            login["password"] = nullptr;  // never read, never shown
            Timestamp until = st_.valid_until.value_or(kForever);
            if (until == kForever)
                login["valid_until"] = nullptr;
            else
                login["valid_until"] = iso_timestamp(until);
            out.push_back(std::move(login));
        }
        for (const std::string& d : connect_) {
            json::object e = element("database_connect");
            e["database"] = d;
            out.push_back(std::move(e));
        }
        for (const std::string& r : member_) {
            json::object e = element("role_membership");
            e["role"] = r;
            out.push_back(std::move(e));
        }
        for (const std::string& s : owned_schemas_) {
            json::object e = element("schema_ownership");
            e["schema"] = s;
            out.push_back(std::move(e));
        }
        for (const auto& [set, type] : {std::pair{&usage_, "schema_usage"}, std::pair{&create_, "schema_create"}})
            for (const auto& [s, direct] : *set) {
                json::object e = element(type);
                e["schema"] = s;
                if (direct) e["direct"] = true;
                out.push_back(std::move(e));
            }
        for (const auto& [s, t] : owned_tables_) {
            json::object e = element("table_ownership");
            e["schema"] = s;
            e["table"] = t;
            out.push_back(std::move(e));
        }
        for (const auto& [s, t, direct] : select_) {
            json::object e = element("table_select");
            e["schema"] = s;
            e["table"] = t;
            if (direct) e["direct"] = true;
            out.push_back(std::move(e));
        }
        for (const NotExpressible& n : notes_) {
            json::object e = element(spec::kNotExpressible);
            e["privilege"] = n.privilege;
            e["object"] = n.object;
            out.push_back(std::move(e));
        }
        return out;
    }

    const Snapshot& snap_;
    const RoleFacts& facts_;
    const std::string& name_;
    const RoleState& st_;
    std::set<std::string> connect_, member_, owned_schemas_;
    std::set<std::pair<std::string, bool>> usage_, create_;  // (schema, direct)
    std::set<std::pair<std::string, std::string>> owned_tables_;
    std::set<std::tuple<std::string, std::string, bool>> select_;  // (schema, table, direct)
    std::set<NotExpressible> notes_;
};

// days_from_civil, inverted (Howard Hinnant's civil_from_days).
void civil(std::int64_t days, int& y, unsigned& m, unsigned& d) {
    days += 719468;
    std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
    unsigned doe = static_cast<unsigned>(days - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    d = doy - (153 * mp + 2) / 5 + 1;
    m = mp < 10 ? mp + 3 : mp - 9;
    y = static_cast<int>(yoe + era * 400 + (m <= 2));
}

}  // namespace

std::string iso_timestamp(Timestamp t) {
    if (t == kForever) return "infinity";
    if (t == INT64_MIN) return "-infinity";
    constexpr std::int64_t kDay = 86400LL * 1000000;
    constexpr std::int64_t kEpochDays = 10957;  // 1970-01-01 to 2000-01-01
    std::int64_t days = t / kDay, rest = t % kDay;
    if (rest < 0) {
        rest += kDay;
        --days;
    }
    int y;
    unsigned mo, d;
    civil(days + kEpochDays, y, mo, d);
    std::int64_t secs = rest / 1000000, micros = rest % 1000000;
    char buf[64];
    // Years before 1 AD are written as BC, as timestamptz input takes them.
    int year = y > 0 ? y : 1 - y;
    int n = std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d", year, mo, d, static_cast<int>(secs / 3600),
                          static_cast<int>(secs / 60 % 60), static_cast<int>(secs % 60));
    std::string out(buf, static_cast<std::size_t>(n));
    if (micros) {
        std::snprintf(buf, sizeof buf, ".%06d", static_cast<int>(micros));
        out += buf;
    }
    out += "Z";
    if (y <= 0) out += " BC";
    return out;
}

std::optional<spec::Error> may_describe(const Snapshot& snap, const RoleFacts& role) {
    const Caller& caller = snap.caller;
    auto denied = [&](const std::string& why, const std::string& hint = {}) {
        return spec::Error{"42501", "permission denied to describe role \"" + role.name + "\": " + why, "", hint};
    };
    if (role.name == caller.name) return denied("it is the calling role, which cannot sync itself");
    if (caller.superuser) return std::nullopt;
    if (role.superuser) return denied("it is a superuser");
    if (!snap.server.role_options)
        return caller.createrole ? std::nullopt
                                 : std::optional(denied("the calling role \"" + caller.name + "\" has no CREATEROLE"));
    std::optional<Standing> st;
    if (auto it = snap.standing.find(role.name); it != snap.standing.end())
        st = it->second;
    else if (snap.deferred)
        st = snap.deferred->standing(role.name);
    if (st && st->admin) return std::nullopt;
    return denied("the calling role \"" + caller.name + "\" has no ADMIN OPTION on it",
                  "A superuser can run: GRANT " + dq(role.name) + " TO " + dq(caller.name) +
                      " WITH ADMIN OPTION, INHERIT FALSE, SET FALSE;");
}

std::string describe(const Snapshot& snap, const RoleFacts& role) {
    return json::serialize(Describer(snap, role).run());
}

std::string describe_many(const Snapshot& snap, const std::vector<RoleFacts>& roles) {
    json::object out;
    for (const RoleFacts& r : roles) out[r.name] = Describer(snap, r).run();
    return json::serialize(out);
}

}  // namespace pgsr::plan
