"""META.json against PGXN's meta spec 1.0.0 and against the build.

  python3 test/upgrade/meta.py [SOURCE_DIR]

Prints one "ok - ..." or "not ok - ..." line per check (with the reasons
under a failed one, as "#   ..." lines).  Checked: META.json parses; it has
every key PGXN requires, each of the right type (name, abstract, version,
maintainer, license, provides with each extension's file and version,
meta-spec); its versions are semantic versions; its release version and the
version it provides equal the control file's default_version, and the file it
provides is that version's full install script; the Makefile's DATA installs
every script in sql/ named for the extension, so that an update script
cannot be left out of the package.  Only the standard library is used.
"""
import json
import os
import re
import sys

ROOT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "..")
EXTENSION = "pg_sync_roles"
# PGXN's "version" is a semantic version (semver 1.0.0, as the spec says).
SEMVER = re.compile(r"^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)([a-zA-Z][0-9a-zA-Z-]*)?$")
# The license strings the spec defines (a list of them, or an object of
# name -> URL, is also allowed).
LICENSES = {"agpl_3", "apache_1_1", "apache_2_0", "artistic_1", "artistic_2", "bsd", "freebsd",
            "gfdl_1_2", "gfdl_1_3", "gpl_1", "gpl_2", "gpl_3", "lgpl_2_1", "lgpl_3_0", "mit",
            "mozilla_1_0", "mozilla_1_1", "openssl", "perl_5", "postgresql", "qpl_1_0", "ssleay",
            "sun", "zlib", "open_source", "restricted", "unrestricted", "unknown"}

results = []


def check(name, problems):
    results.append((name, problems))


def read(path):
    with open(os.path.join(ROOT, path), encoding="utf-8") as f:
        return f.read()


def control_default_version():
    m = re.search(r"^\s*default_version\s*=\s*'([^']*)'", read(EXTENSION + ".control"), re.M)
    return m.group(1) if m else None


def makefile_data():
    text = read("Makefile").replace("\\\n", " ")
    m = re.search(r"^DATA\s*=(.*)$", text, re.M)
    return m.group(1).split() if m else []


def is_str(v):
    return isinstance(v, str) and v.strip() != ""


def required_keys(meta):
    p = []
    for key in ("name", "abstract", "version"):
        if not is_str(meta.get(key)):
            p.append(f"{key}: missing or not a non-empty string")
    if is_str(meta.get("name")) and not re.fullmatch(r"[A-Za-z0-9_.-]{2,}", meta["name"]):
        p.append(f"name: {meta['name']!r} is not a valid distribution name")
    maint = meta.get("maintainer")
    if not (is_str(maint) or (isinstance(maint, list) and maint and all(is_str(x) for x in maint))):
        p.append("maintainer: missing, or not a string or a list of strings")
    lic = meta.get("license")
    if isinstance(lic, str):
        lics = [lic]
    elif isinstance(lic, list) and lic:
        lics = lic
    elif isinstance(lic, dict) and lic:
        lics = []
    else:
        lics = None
    if lics is None:
        p.append("license: missing, or not a string, a list or an object")
    else:
        p += [f"license: {x!r} is not one PGXN knows" for x in lics if x not in LICENSES]
    spec = meta.get("meta-spec")
    if not isinstance(spec, dict) or spec.get("version") != "1.0.0":
        p.append('meta-spec: missing, or its "version" is not "1.0.0"')
    provides = meta.get("provides")
    if not isinstance(provides, dict) or not provides:
        p.append("provides: missing, or not an object naming at least one extension")
    else:
        for ext, info in provides.items():
            if not isinstance(info, dict):
                p.append(f"provides.{ext}: not an object")
                continue
            for key in ("file", "version"):
                if not is_str(info.get(key)):
                    p.append(f"provides.{ext}.{key}: missing or not a non-empty string")
            if is_str(info.get("file")) and not os.path.isfile(os.path.join(ROOT, info["file"])):
                p.append(f"provides.{ext}.file: {info['file']} does not exist")
            if is_str(info.get("docfile")) and not os.path.isfile(os.path.join(ROOT, info["docfile"])):
                p.append(f"provides.{ext}.docfile: {info['docfile']} does not exist")
    return p


def versions(meta):
    p = []
    default = control_default_version()
    if default is None:
        return [f"{EXTENSION}.control: no default_version"]
    ours = (meta.get("provides") or {}).get(EXTENSION) or {}
    for where, v in (("version", meta.get("version")), (f"provides.{EXTENSION}.version", ours.get("version"))):
        if not isinstance(v, str) or not SEMVER.match(v):
            p.append(f"{where}: {v!r} is not a semantic version")
        elif v != default:
            p.append(f"{where}: {v} differs from the control file's default_version {default}")
    want = f"sql/{EXTENSION}--{default}.sql"
    if ours.get("file") != want:
        p.append(f"provides.{EXTENSION}.file: {ours.get('file')!r}, expected {want} (the full script of {default})")
    return p


def data_installs_every_script():
    data = set(makefile_data())
    scripts = {f"sql/{f}" for f in os.listdir(os.path.join(ROOT, "sql"))
               if f.startswith(EXTENSION + "--") and f.endswith(".sql")}
    p = [f"Makefile DATA: {s} is not installed" for s in sorted(scripts - data)]
    p += [f"Makefile DATA: {s} does not exist" for s in sorted(data - scripts)]
    default = control_default_version()
    if default and f"sql/{EXTENSION}--{default}.sql" not in data:
        p.append(f"Makefile DATA: no full script for default_version {default}")
    return p


try:
    meta = json.loads(read("META.json"))
    check("META.json parses as JSON", [] if isinstance(meta, dict) else ["not a JSON object"])
except (OSError, ValueError) as e:
    meta = None
    check("META.json parses as JSON", [str(e)])
if isinstance(meta, dict):
    check("META.json has PGXN's required keys (name, abstract, version, maintainer, license, "
          "provides with file and version, meta-spec)", required_keys(meta))
    check("META.json's version and provided version equal default_version; it provides that "
          "version's full script", versions(meta))
check("Makefile DATA installs every install and update script in sql/", data_installs_every_script())

for name, problems in results:
    print(("not ok - " if problems else "ok - ") + name)
    for problem in problems:
        print("#   " + problem)
sys.exit(1 if any(problems for _, problems in results) else 0)
