#include "apply/request.hpp"

#include "pg/error.hpp"
#include "pg/values.hpp"
#include "plan/plan.hpp"

namespace pgsr::apply {

namespace {

[[noreturn]] void raise(const spec::Error& e) { throw pg::UserError(e.sqlstate, e.message); }

const Secret& required_text(const pg::Arguments& args, std::size_t i, const char* name) {
    if (args.is_null(i)) throw pg::UserError("22004", std::string(name) + " must not be null");
    return args.text(i);
}

// A document argument (jsonb), refused before it is read if it is over the
// size limits (see pg::Arguments).
spec::Reader& document(const pg::Arguments& args, std::size_t i, const char* name) {
    if (args.is_null(i)) throw pg::UserError("22004", std::string(name) + " must not be null");
    if (auto e = spec::check_size(args.elements(i), args.bytes(i), name)) raise(*e);
    spec::Reader* reader = args.document(i);
    if (!reader) throw pg::UserError("XX000", std::string("pg_sync_roles: ") + name + " was not read");
    return *reader;
}

std::set<std::string> schema_list(const pg::Arguments& args, std::size_t i) {
    return name_set(args, i, "preserve_existing_grants_in_schemas");
}


std::int64_t lock_key(const pg::Arguments& args, std::size_t i) {
    if (args.is_null(i)) throw pg::UserError("22004", "lock_key must not be null");
    return args.int8(i);
}

plan::DesiredLogin resolve_login(const std::string& role, const spec::Login& login,
                                 const std::string& path) {
    plan::DesiredLogin out;
    out.index = login.index;
    std::string epath = spec::element_path(path, login.index);
    pg::Timestamp until = pg::infinity();
    if (login.valid_until) {
        std::string error;
        auto parsed = pg::parse_timestamptz(*login.valid_until, &error);
        if (!parsed) throw pg::UserError("22023", epath + ".valid_until: " + error);
        until = *parsed;
    }
    out.valid_until = until.value;
    out.valid_until_text = until.text;
    if (!login.password) return out;

    const Secret& password = *login.password;
    switch (pg::password_kind(password)) {
        case pg::PasswordKind::scram:
            out.secret = password;
            break;
        case pg::PasswordKind::md5:
            throw pg::UserError("22023", epath + ".password: MD5 password hashes are not accepted",
                                "", "Give the plaintext password or a SCRAM-SHA-256 secret.");
        case pg::PasswordKind::plaintext:
            if (password.reveal().rfind("SCRAM-SHA-256$", 0) == 0)
                throw pg::UserError("22023", epath + ".password: malformed SCRAM-SHA-256 secret");
            pg::check_password(role, password, until);
            out.secret = pg::scram_secret(role, password);
            break;
    }
    out.declared = password;
    return out;
}

plan::DesiredRole resolve_role(const std::string& name, spec::Document doc, const std::string& path) {
    plan::DesiredRole role;
    role.name = name;
    role.path = path;
    for (const spec::Grant& g : doc.grants)
        if (!g.table_regex.empty())
            if (auto error = pg::regex_error(g.table_regex))
                throw pg::UserError("22023", spec::element_path(path, g.index) + ".table_regex: " + *error);
    if (doc.login) role.login = resolve_login(name, *doc.login, path);
    role.grants = std::move(doc.grants);
    return role;
}

}  // namespace

std::string role_name(const pg::Arguments& args, std::size_t i) {
    const std::string& name = required_text(args, i, "role_name").reveal();
    if (auto e = spec::check_name(name, "role_name")) raise(*e);
    return name;
}

std::set<std::string> name_set(const pg::Arguments& args, std::size_t i, const char* what) {
    if (args.is_null(i)) throw pg::UserError("22004", std::string(what) + " must not be null");
    std::set<std::string> out;
    std::size_t n = 0;
    for (const auto& v : args.array(i)) {
        std::string path = std::string(what) + "[" + std::to_string(++n) + "]";
        if (!v) throw pg::UserError("22004", path + " must not be null");
        if (auto e = spec::check_name(*v, path)) raise(*e);
        out.insert(*v);
    }
    return out;
}

Call sync_call(const pg::Arguments& args) {
    Call call;
    std::string name = role_name(args, 0);
    // Whether the statement is kept out of the log was decided when the
    // arguments were read, before anything could fail (pg/call.cpp).
    auto parsed = document(args, 1, "grants").grants("grants");
    if (auto* e = std::get_if<spec::Error>(&parsed)) raise(*e);
    call.request.roles.push_back(resolve_role(name, std::move(std::get<spec::Document>(parsed)), "grants"));
    call.request.preserve_schemas = schema_list(args, 2);
    call.lock_key = lock_key(args, 3);
    if (auto e = plan::validate(call.request)) raise(*e);
    return call;
}

Call sync_many_call(const pg::Arguments& args) {
    Call call;
    auto parsed = document(args, 0, "roles").roles("roles");
    if (auto* e = std::get_if<spec::Error>(&parsed)) raise(*e);
    for (spec::RoleDocument& r : std::get<std::vector<spec::RoleDocument>>(parsed)) {
        std::string path = spec::role_path("roles", r.name);
        call.request.roles.push_back(resolve_role(r.name, std::move(r.document), path));
    }
    call.request.preserve_schemas = schema_list(args, 1);
    call.lock_key = lock_key(args, 2);
    if (auto e = plan::validate(call.request)) raise(*e);
    return call;
}

}  // namespace pgsr::apply
