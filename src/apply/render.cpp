#include "apply/render.hpp"

#include "pg/spi.hpp"

namespace pgsr::apply {

using namespace plan;

namespace {

std::string ident(const std::string& name) { return pg::quote_ident(name); }

std::string idents(const std::vector<std::string>& names) {
    std::string out;
    for (const auto& n : names) out += (out.empty() ? "" : ", ") + ident(n);
    return out;
}

std::string join(const std::vector<std::string>& words) {
    std::string out;
    for (const auto& w : words) out += (out.empty() ? "" : ", ") + w;
    return out;
}

std::string object_name(const ObjectRef& o) {
    return o.schema.empty() ? ident(o.name) : ident(o.schema) + "." + ident(o.name);
}

// The keyword GRANT and REVOKE use: views and the like are TABLEs there.
const char* grant_keyword(ObjectType t) {
    switch (t) {
        case ObjectType::database: return "DATABASE";
        case ObjectType::schema: return "SCHEMA";
        case ObjectType::sequence: return "SEQUENCE";
        default: return "TABLE";
    }
}

const char* alter_keyword(ObjectType t) {
    switch (t) {
        case ObjectType::database: return "DATABASE";
        case ObjectType::schema: return "SCHEMA";
        case ObjectType::sequence: return "SEQUENCE";
        case ObjectType::view: return "VIEW";
        case ObjectType::materialized_view: return "MATERIALIZED VIEW";
        case ObjectType::foreign_table: return "FOREIGN TABLE";
        default: return "TABLE";
    }
}

struct Renderer {
    Rendered operator()(const CreateRole& s) const {
        if (!s.login) return plain("CREATE ROLE " + ident(s.role));
        return login("CREATE ROLE " + ident(s.role), s.password, s.valid_until);
    }
    Rendered operator()(const SetLogin& s) const {
        return login("ALTER ROLE " + ident(s.role), s.password, s.valid_until);
    }
    Rendered operator()(const RemoveLogin& s) const {
        return plain("ALTER ROLE " + ident(s.role) + " WITH NOLOGIN PASSWORD NULL");
    }
    Rendered operator()(const GrantRoles& s) const {
        std::vector<std::string> options;
        if (s.inherit) options.push_back(*s.inherit ? "INHERIT TRUE" : "INHERIT FALSE");
        if (s.set) options.push_back(*s.set ? "SET TRUE" : "SET FALSE");
        return plain("GRANT " + idents(s.roles) + " TO " + idents(s.members) +
                     (options.empty() ? "" : " WITH " + join(options)));
    }
    Rendered operator()(const RevokeRoles& s) const {
        return plain(std::string("REVOKE ") + (s.admin_option ? "ADMIN OPTION FOR " : "") + idents(s.roles) +
                     " FROM " + idents(s.members) + (s.granted_by.empty() ? "" : " GRANTED BY " + ident(s.granted_by)));
    }
    Rendered operator()(const GrantPrivileges& s) const {
        return as(s.as_role, plain("GRANT " + join(s.privileges) + " ON " + grant_keyword(s.object.type) + " " +
                                   object_name(s.object) + " TO " + grantee(s.grantee) +
                                   (s.grant_option ? " WITH GRANT OPTION" : "")));
    }
    Rendered operator()(const RevokePrivileges& s) const {
        std::string what = join(s.privileges);
        if (!s.columns.empty()) what += " (" + idents(s.columns) + ")";
        return as(s.as_role, plain(std::string("REVOKE ") + (s.grant_option ? "GRANT OPTION FOR " : "") + what +
                                   " ON " + grant_keyword(s.object.type) + " " + object_name(s.object) + " FROM " +
                                   grantee(s.grantee) + (s.cascade ? " CASCADE" : "")));
    }
    Rendered operator()(const CreateSchema& s) const {
        return plain("CREATE SCHEMA " + ident(s.schema) + " AUTHORIZATION " + ident(s.owner));
    }
    Rendered operator()(const AlterOwner& s) const {
        return plain(std::string("ALTER ") + alter_keyword(s.object.type) + " " +
                     object_name(s.object) + " OWNER TO " + ident(s.owner));
    }
    Rendered operator()(const DropRole& s) const { return plain("DROP ROLE " + idents(s.roles)); }
    Rendered operator()(const CommentOnRole& s) const {
        return plain("COMMENT ON ROLE " + ident(s.role) + " IS " + pg::quote_literal(s.comment));
    }

    // `head` WITH LOGIN [PASSWORD ...] VALID UNTIL ...: the password is
    // shown redacted, and kept out of errors.
    static Rendered login(const std::string& role, const std::optional<Secret>& password,
                          const std::string& valid_until) {
        std::string head = role + " WITH LOGIN";
        std::string tail = " VALID UNTIL " + pg::quote_literal(valid_until);
        if (!password) return plain(head + tail);
        Rendered r;
        r.sql = head + " PASSWORD " + pg::quote_literal(password->reveal()) + tail;
        r.display = head + " PASSWORD '<redacted>'" + tail;
        r.secret = &password->reveal();
        return r;
    }

    // PUBLIC is the grantee with no name.
    static std::string grantee(const std::string& name) { return name.empty() ? "PUBLIC" : ident(name); }

    // A statement run as exactly one role: SET ROLE first, and the role
    // setting put back afterwards (as a function's SET clause would).
    static Rendered as(const std::string& role, Rendered r) {
        if (role.empty()) return r;
        r.sql = "SET ROLE " + ident(role) + "; " + r.sql;
        r.display = r.sql;
        r.scoped_settings = true;
        return r;
    }

    static Rendered plain(std::string sql) {
        Rendered r;
        r.display = sql;
        r.sql = std::move(sql);
        return r;
    }
};

}  // namespace

Rendered render(const Statement& statement) { return std::visit(Renderer{}, statement); }

}  // namespace pgsr::apply
