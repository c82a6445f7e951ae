#!/usr/bin/env python3
"""Checks what `meson install` puts in place, installing the build into a scratch DESTDIR.

    check_install.py MESON BUILD_DIR CHECK [PROGRAM | SOURCE_DIR]

CHECK is one of:
    files             the two programs, their man pages and the completion files are installed,
                      and the installed programs run with no LD_LIBRARY_PATH (their rpath finds
                      the staged libtrawl) and print the project's version
    man-render PROG   `man -l` renders PROG's page without warnings, in the C and UTF-8 locales
    man-flags PROG    PROG's man page documents exactly the flags `PROG --help` lists
    completion        the completion script loads in bash and completes flags and values
    completion-flags PROG
                      completing "PROG -" offers every flag `PROG --help` lists
    library           libtrawl.so with its soname, trawl.h (and no internal header) and
                      trawl.pc (its --cflags only -I) are installed; tests/install/example.c,
                      compiled against them with `pkg-config --cflags --libs trawl` and an
                      rpath to its libdir, as the README says, runs with no LD_LIBRARY_PATH,
                      indexes corpus/ and finds the passage that answers "Facebook likes
                      target"
Prints PASS, or FAIL and why (exit 1); exit 77 when a tool the check needs is missing."""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

PROGRAMS = ("trawl-index", "trawl-search")

# Runs the completion function the way bash does for the words given as arguments (the last
# one is the word being completed) and prints the candidates, one per line.
COMPLETE_SH = r'''
source "$1" || exit 3
shift
COMP_WORDS=("$@")
COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
COMP_LINE="$*"
COMP_POINT=${#COMP_LINE}
spec=$(complete -p "$1") || exit 4
fn=${spec#*-F }
fn=${fn%% *}
"$fn" "$1" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
printf '%s\n' "${COMPREPLY[@]}"
'''


class Fail(Exception):
    pass


class Skip(Exception):
    pass


def run(argv, **kw):
    return subprocess.run(argv, capture_output=True, text=True, timeout=120, **kw)


def install(meson, build, destdir):
    """Installs the build into destdir; returns {bindir, mandir, completions} under it."""
    r = run([meson, "install", "-C", build, "--destdir", destdir, "--no-rebuild"])
    if r.returncode != 0:
        raise Fail(f"meson install failed ({r.returncode}):\n{r.stdout}{r.stderr}")
    r = run([meson, "introspect", build, "--buildoptions"])
    if r.returncode != 0:
        raise Fail(f"meson introspect failed: {r.stderr}")
    opts = {o["name"]: o["value"] for o in json.loads(r.stdout)}

    def under(*parts):
        # DESTDIR is prepended to the absolute install path, as `meson install` does.
        path = os.path.join(opts["prefix"], *parts)
        return os.path.join(destdir, path.lstrip(os.sep))

    return {"sanitize": opts.get("b_sanitize", "none"), "bindir": under(opts["bindir"]), "mandir": under(opts["mandir"]),
            "completions": under(opts["datadir"], "bash-completion", "completions"),
            "libdir": under(opts["libdir"]), "includedir": under(opts["includedir"]),
            "destdir": destdir}


def clean_env():
    """The environment a user runs installed programs in: nothing points the dynamic loader
    at the staged libdir, so the programs must find libtrawl through their own rpath."""
    env = dict(os.environ)
    for var in ("LD_LIBRARY_PATH", "LD_PRELOAD", "LD_RUN_PATH"):
        env.pop(var, None)
    return env


def check_loads_from(exe, dirs):
    """exe resolves libtrawl.so.N inside the staged libdir (not from a trawl installed elsewhere
    on the machine, nor from the build folder)."""
    if shutil.which("ldd") is None:
        return
    r = run(["ldd", exe], env=clean_env())
    lines = [l.strip() for l in r.stdout.splitlines() if "libtrawl.so" in l]
    want = os.path.realpath(dirs["libdir"]) + os.sep
    if len(lines) != 1 or "=>" not in lines[0]:
        raise Fail(f"ldd {exe} does not list libtrawl:\n{r.stdout}{r.stderr}")
    found = lines[0].split("=>", 1)[1].split("(")[0].strip()
    if found == "not found" or not os.path.realpath(found).startswith(want):
        raise Fail(f"{exe} finds libtrawl at {found!r}, not in {dirs['libdir']}")


def help_flags(program):
    """The flags `program --help` lists: the first word of each comma-separated item at the
    start of an indented line that begins with '-'."""
    r = run([program, "--help"])
    if r.returncode != 0:
        raise Fail(f"{program} --help exited {r.returncode}")
    flags = set()
    for line in r.stdout.splitlines():
        if re.match(r"^\s+-", line):
            flags |= item_flags(re.split(r"\s{2,}", line.strip())[0])
    if len(flags) < 4:
        raise Fail(f"found only {sorted(flags)} in {program} --help:\n{r.stdout}")
    return flags


def item_flags(head):
    """"-d, --db DIR" -> {"-d", "--db"}; "--color[=WHEN]" -> {"--color"}."""
    out = set()
    for piece in head.split(", "):
        word = re.split(r"[\s=\[]", piece.strip(), maxsplit=1)[0]
        if re.match(r"^--?[A-Za-z0-9]", word):
            out.add(word)
    return out


def render_man(page, locale, width=80):
    env = dict(os.environ, LC_ALL=locale, MANWIDTH=str(width), MANPAGER="cat", PAGER="cat")
    env.pop("MAN_KEEP_FORMATTING", None)
    r = run(["man", "-l", "--warnings", page], env=env)
    # Remove overstrike bold and underline, should man keep them.
    return r.returncode, re.sub(r".\x08", "", r.stdout), r.stderr


def man_flags(page):
    """The flags the OPTIONS section defines: its least-indented lines that begin with '-'."""
    rc, text, err = render_man(page, "C.UTF-8", width=200)
    if rc != 0:
        raise Fail(f"man -l {page} exited {rc}: {err}")
    section, inside = [], False
    for line in text.splitlines():
        if re.match(r"^\S", line):
            inside = line.strip() == "OPTIONS"
        elif inside and line.strip():
            section.append(line)
    if not section:
        raise Fail(f"{page} has no OPTIONS section")
    indent = min(len(l) - len(l.lstrip()) for l in section)
    flags = set()
    for line in section:
        if len(line) - len(line.lstrip()) == indent and line.lstrip().startswith("-"):
            flags |= item_flags(line.strip())
    return flags


def complete(script, *words):
    r = run(["bash", "--norc", "--noprofile", "-c", COMPLETE_SH, "complete", script, *words])
    if r.returncode != 0:
        raise Fail(f"completing {words} failed ({r.returncode}): {r.stderr}")
    return [w for w in r.stdout.split("\n") if w]


def expect(got, want, what):
    if got != want:
        raise Fail(f"{what}: got {got!r}, expected {want!r}")


def check_files(dirs, version):
    for prog in PROGRAMS:
        exe = os.path.join(dirs["bindir"], prog)
        if not os.access(exe, os.X_OK):
            raise Fail(f"{exe} is not installed or not executable")
        # With no LD_LIBRARY_PATH, as after `meson install --prefix=$HOME/.local`: the staged
        # folder is not the configured prefix, so this also checks that the rpath is relative.
        check_loads_from(exe, dirs)
        r = run([exe, "--version"], env=clean_env())
        if r.returncode != 0:
            raise Fail(f"{exe} --version exited {r.returncode}: {r.stderr}")
        first = r.stdout.split("\n")[0]
        expect((r.returncode, first), (0, f"{prog} {version}"), f"{exe} --version")
        if not re.search(r"^Xapian \d+\.\d+\.\d+, libstemmer \S+, utf8proc \d+\.\d+",
                         r.stdout, re.M):
            raise Fail(f"{exe} --version lacks the library versions:\n{r.stdout}")
        if os.environ.get("TRAWL_MAN_PAGES") == "0":
            continue  # configured without scdoc: no man pages to install
        page = os.path.join(dirs["mandir"], "man1", prog + ".1")
        if not os.path.isfile(page) or os.path.getsize(page) == 0:
            raise Fail(f"{page} is not installed")
        with open(page, encoding="utf-8") as f:
            if not f.read().startswith('.\\" Generated by scdoc'):
                raise Fail(f"{page} is not a roff page generated by scdoc")
    comp = dirs["completions"]
    with open(os.path.join(comp, "trawl-search"), encoding="utf-8") as f:
        text = f.read()
    if "complete -F _trawl trawl-search trawl-index" not in text:
        raise Fail(f"{comp}/trawl-search is not the trawl completion script")
    # bash-completion loads a script by command name, so both names must lead to it.
    link = os.path.join(comp, "trawl-index")
    if not os.path.islink(link) or os.readlink(link) != "trawl-search":
        raise Fail(f"{link} is not a symlink to trawl-search")


def check_library(dirs, source):
    """The shared library, its one public header and its pkg-config file, used for real."""
    lib = dirs["libdir"]
    so = os.path.join(lib, "libtrawl.so")
    if not os.path.islink(so):
        raise Fail(f"{so} (the link-time name) is not installed as a symlink")
    sonames = [f for f in os.listdir(lib) if re.fullmatch(r"libtrawl\.so\.\d+", f)]
    if len(sonames) != 1 or not os.path.islink(os.path.join(lib, sonames[0])):
        raise Fail(f"expected one libtrawl.so.N symlink in {lib}, found {sonames}")
    r = run(["objdump", "-p", os.path.realpath(so)]) if shutil.which("objdump") else None
    if r is not None and f"SONAME               {sonames[0]}" not in r.stdout:
        raise Fail(f"{so} does not carry the soname {sonames[0]}")
    headers = sorted(os.path.relpath(os.path.join(d, f), dirs["includedir"])
                     for d, _, fs in os.walk(dirs["includedir"]) for f in fs)
    expect(headers, ["trawl.h"], "installed headers")
    pcdir = os.path.join(lib, "pkgconfig")
    if not os.path.isfile(os.path.join(pcdir, "trawl.pc")):
        raise Fail(f"{pcdir}/trawl.pc is not installed")
    cc = shutil.which("cc")
    if cc is None or shutil.which("pkg-config") is None:
        raise Skip("cc or pkg-config is not installed")
    # The .pc file names the real prefix: the sysroot variable points it into DESTDIR (its
    # private requirements, Xapian and the rest, are found where the system keeps them).
    env = dict(clean_env(), PKG_CONFIG_PATH=pcdir, PKG_CONFIG_SYSROOT_DIR=dirs["destdir"])
    r = run(["pkg-config", "--cflags", "--libs", "trawl"], env=env)
    if r.returncode != 0:
        raise Fail(f"pkg-config --cflags --libs trawl: {r.stderr}")
    flags = r.stdout.split()
    # trawl.h includes no other library's header: a program needs no flag but trawl's -I
    # (utf8proc's -DUTF8PROC_EXPORTS came along through Requires.private once).
    r = run(["pkg-config", "--cflags", "trawl"], env=env)
    defines = [f for f in r.stdout.split() if not f.startswith("-I")]
    if r.returncode != 0 or defines:
        raise Fail(f"pkg-config --cflags trawl gives more than -I: {r.stdout}{r.stderr}")
    # The README's `-Wl,-rpath,$(pkg-config --variable=libdir trawl)`: pkg-config gives the
    # staged libdir in -L (the sysroot applies there, not to --variable).
    libdirs = [f[2:] for f in flags if f.startswith("-L")]
    if [os.path.realpath(d) for d in libdirs] != [os.path.realpath(lib)]:
        raise Fail(f"pkg-config --libs trawl names {libdirs}, not {lib}")
    flags.append("-Wl,-rpath," + libdirs[0])
    work = tempfile.mkdtemp(prefix="trawl-example-")
    try:
        exe = os.path.join(work, "example")
        # A sanitized library needs its runtime in the program too (ASan must come first).
        san = [] if dirs["sanitize"] in ("none", "") else ["-fsanitize=" + dirs["sanitize"]]
        r = run([cc, "-std=c11", "-Wall", "-Wextra", "-Werror", *san, "-o", exe,
                 os.path.join(source, "tests", "install", "example.c")] + flags)
        if r.returncode != 0:
            raise Fail(f"the example does not build against the installed library:\n"
                       f"{r.stdout}{r.stderr}")
        check_loads_from(exe, dirs)
        r = run([exe, os.path.join(work, "db"), os.path.join(source, "corpus"),
                 "Facebook likes target"], env=clean_env())
        if r.returncode != 0:
            raise Fail(f"the example exited {r.returncode}: {r.stderr}")
        lines = r.stdout.split("\n")
        expect(lines[0], "000_251854af372bd607 ¶0", "the example's top passage")
        for want in ("300,000 [likes] on their [Facebook] page", "if the [target] is achieved"):
            if want not in lines[1]:
                raise Fail(f"the example's passage lacks {want!r}:\n{r.stdout}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


def check_man_render(dirs, prog):
    if shutil.which("man") is None:
        raise Skip("man is not installed")
    page = os.path.join(dirs["mandir"], "man1", prog + ".1")
    for locale in ("C", "C.UTF-8"):
        rc, text, err = render_man(page, locale)
        if rc != 0 or err:
            raise Fail(f"LC_ALL={locale} man -l --warnings {page}: exit {rc}\n{err}")
        for section in ("NAME", "SYNOPSIS", "DESCRIPTION", "OPTIONS", "EXIT STATUS",
                        "ENVIRONMENT", "FILES", "EXAMPLES"):
            if not re.search(rf"^{section}$", text, re.M):
                raise Fail(f"{page} rendered without a {section} section")
        if not re.search(rf"^\s+{prog} - ", text, re.M):
            raise Fail(f"{page}: NAME does not start with '{prog} - '")


def check_man_flags(dirs, build, prog):
    if shutil.which("man") is None:
        raise Skip("man is not installed")
    sub = "indexer" if prog == "trawl-index" else "searcher"
    listed = help_flags(os.path.join(build, sub, prog))
    documented = man_flags(os.path.join(dirs["mandir"], "man1", prog + ".1"))
    missing, extra = sorted(listed - documented), sorted(documented - listed)
    if missing or extra:
        raise Fail(f"{prog}: --help lists {missing} that the man page's OPTIONS lack; "
                   f"the man page documents {extra} that --help does not list")


def check_completion(dirs):
    script = os.path.join(dirs["completions"], "trawl-search")
    r = run(["bash", "--norc", "--noprofile", "-c",
             'source "$1" && complete -p trawl-search && complete -p trawl-index', "load",
             script])
    expect((r.returncode, r.stderr), (0, ""), "loading the completion script")
    expect(r.stdout.split("\n")[:2],
           ["complete -F _trawl trawl-search", "complete -F _trawl trawl-index"],
           "complete -p")
    expect(sorted(complete(script, "trawl-search", "--co")), ["--color", "--compare", "--context"],
           "trawl-search --co")
    expect(complete(script, "trawl-search", "--color", ""), ["auto", "always", "never"],
           "trawl-search --color ''")
    # "--color=al" reaches the function as three words when '=' breaks words (the default)
    expect(complete(script, "trawl-search", "--color", "=", "al"), ["always"],
           "trawl-search --color=al")
    expect(complete(script, "trawl-index", "--lang", "sw"), ["swedish"], "trawl-index --lang sw")
    langs = complete(script, "trawl-index", "--lang", "")
    for lang in ("english", "porter", "yiddish", "none"):
        if lang not in langs:
            raise Fail(f"trawl-index --lang '' lacks {lang}: {langs}")
    # after "--", trawl-search's words are the query
    expect(complete(script, "trawl-search", "--", "-"), [], "trawl-search -- -")
    tmp = tempfile.mkdtemp(prefix="trawl-comp-")
    try:
        os.mkdir(os.path.join(tmp, "news.db"))
        with open(os.path.join(tmp, "news.txt"), "w", encoding="utf-8") as f:
            f.write(" date 2020-01-01 text\n")
        prefix = os.path.join(tmp, "new")
        # --db offers folders only; trawl-index's operands are files and folders
        expect(complete(script, "trawl-search", "--db", prefix), [prefix + "s.db"],
               "trawl-search --db DIR")
        expect(complete(script, "trawl-index", "-d", prefix), [prefix + "s.db"],
               "trawl-index -d DIR")
        expect(sorted(complete(script, "trawl-index", prefix)),
               [prefix + "s.db", prefix + "s.txt"], "trawl-index PATH")
        # trawl-index's -n is --dry-run: a PATH follows it, not a number
        expect(sorted(complete(script, "trawl-index", "-n", prefix)),
               [prefix + "s.db", prefix + "s.txt"], "trawl-index -n PATH")
        expect(complete(script, "trawl-search", prefix), [], "trawl-search QUERY")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def check_completion_flags(dirs, build, prog):
    script = os.path.join(dirs["completions"], "trawl-search")
    sub = "indexer" if prog == "trawl-index" else "searcher"
    listed = help_flags(os.path.join(build, sub, prog))
    offered = set(complete(script, prog, "-"))
    missing = sorted(listed - offered)
    if missing:
        raise Fail(f"completing '{prog} -' does not offer {missing}")


def main():
    meson, build, check = sys.argv[1], sys.argv[2], sys.argv[3]
    arg = sys.argv[4] if len(sys.argv) > 4 else None
    if check == "library":
        source, arg = arg, None
    if arg is not None and arg not in PROGRAMS:
        print(f"FAIL: unknown program {arg!r}")
        return 1
    if check.startswith("completion") and shutil.which("bash") is None:
        print("SKIP: bash is not installed")
        return 77
    destdir = tempfile.mkdtemp(prefix="trawl-install-")
    try:
        dirs = install(meson, build, destdir)
        if check == "files":
            r = run([meson, "introspect", build, "--projectinfo"])
            check_files(dirs, json.loads(r.stdout)["version"])
        elif check == "man-render":
            check_man_render(dirs, arg)
        elif check == "man-flags":
            check_man_flags(dirs, build, arg)
        elif check == "completion":
            check_completion(dirs)
        elif check == "completion-flags":
            check_completion_flags(dirs, build, arg)
        elif check == "library":
            check_library(dirs, source)
        else:
            raise Fail(f"unknown check {check!r}")
    except Skip as e:
        print(f"SKIP: {e}")
        return 77
    except Fail as e:
        print(f"FAIL: {e}")
        return 1
    finally:
        shutil.rmtree(destdir, ignore_errors=True)
    print("PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
