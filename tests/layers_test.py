#!/usr/bin/env python3
"""The layers of common/LAYERS hold in the code (HACKING.md, "Layout").

    layers_test.py SOURCE_ROOT     check the tree; exit 0 when it agrees, 1 naming each problem
    layers_test.py --self-test     check small made-up trees, one per kind of problem, and fail
                                   unless each is caught (and a clean one passes)

What it reads: the #include "..." lines of common/, indexer/, searcher/ and bindings/ (when
present) C and C++ files, and, in their .c/.cc files, the functions each defines (not static)
and the names each uses. A module is foo.h + foo.c (or foo.cc) in common/; each program file is
a module of its own. What it fails on:

  upward    a file includes a header of a higher layer than its own
  only      a file includes a header of a layer marked `only: L` without being of layer L
  program   a program's file includes a header of common/ other than trawl.h
  circle    modules that depend on one another in a circle. A depends on B when a file of A
            includes B's header, or when A's .c uses a function B's .c defines: so two
            modules that call each other through a shared private header (index_priv.h) are a
            circle even though neither includes the other's header
  unlisted  a module of common/ that common/LAYERS does not place (a new file must be placed)
  unknown   an include of common/ that names no file
"""
import os
import re
import sys
import tempfile

SOURCE_EXT = (".c", ".h", ".cc")
SCANNED = ("common", "indexer", "searcher", "bindings")
PROGRAMS = ("indexer", "searcher", "bindings")
PUBLIC = "common/trawl.h"


def read_layers(path):
    """[(layer, [patterns], only-or-None)], lowest first."""
    layers = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            only = None
            if "only:" in line:
                line, only = line.split("only:", 1)
                only = only.strip()
            words = line.split()
            layers.append((words[0], words[1:], only))
    return layers


def strip_code(text):
    """The text without comments, string and character literals, and preprocessor lines (kept
    as empty lines, so offsets of lines stay close enough for messages)."""
    text = text.replace('extern "C"', "")
    out = re.sub(r'/\*.*?\*/|//[^\n]*|"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\'',
                 lambda m: "\n" * m.group(0).count("\n") if m.group(0)[0] == "/" else '""',
                 text, flags=re.S)
    return re.sub(r"^[ \t]*#(?:[^\n]*\\\n)*[^\n]*", "", out, flags=re.M)


# A function definition at the start of a line: a return type, the name, the parameters (one
# level of nested parentheses, for function pointer parameters) and the opening brace.
DEFINITION = re.compile(
    r"^(?!static\b|typedef\b|struct\s+\w+\s*\{|enum\b|union\b)[A-Za-z_][\w \t\*]*?"
    r"\b([A-Za-z_]\w*)\s*\((?:[^;{}()]|\([^;{}()]*\))*\)\s*\{", re.M)
# A name used, unless it is a struct, enum or union tag or a member.
USE = re.compile(r"(?<![\w.>])(?<!struct )(?<!enum )(?<!union )(?<!->)([A-Za-z_]\w*)")
INCLUDE = re.compile(r'^[ \t]*#[ \t]*include[ \t]*"([^"]+)"', re.M)


class Tree:
    def __init__(self, root):
        self.root = root
        self.layers = read_layers(os.path.join(root, "common", "LAYERS"))
        self.rank = {name: i for i, (name, _, _) in enumerate(self.layers)}
        self.files = []
        for top in SCANNED:
            for d, dirs, fs in os.walk(os.path.join(root, top)):
                dirs.sort()
                for f in sorted(fs):
                    if f.endswith(SOURCE_EXT):
                        self.files.append(os.path.relpath(os.path.join(d, f), root))

    def module(self, rel):
        if rel == PUBLIC:
            return os.path.basename(PUBLIC)
        base = os.path.splitext(rel)[0]
        return base[len("common/"):] if rel.startswith("common/") else base

    def layer(self, module):
        """The layer of a module, or None when LAYERS does not place it. A listed name wins over
        a prefix, and a longer prefix over a shorter one."""
        best, best_len = None, -1
        for name, patterns, _ in self.layers:
            for p in patterns:
                if p == module:
                    return name
                if p.endswith("*") and module.startswith(p[:-1]) and len(p) > best_len:
                    best, best_len = name, len(p)
        return best

    def only(self, layer):
        return next((o for n, _, o in self.layers if n == layer), None)

    def resolve(self, rel, inc):
        """The repository path an include names, or None when it is not ours (generated)."""
        for cand in (inc, os.path.join(os.path.dirname(rel), inc)):
            cand = os.path.normpath(cand)
            if os.path.isfile(os.path.join(self.root, cand)):
                return cand
        return None

    def check(self):
        problems = []
        deps = {}  # module -> {module: why}

        def dep(a, b, why):
            if a != b:
                deps.setdefault(a, {}).setdefault(b, why)

        texts = {}
        for rel in self.files:
            with open(os.path.join(self.root, rel), encoding="utf-8", errors="replace") as f:
                texts[rel] = f.read()
        for rel in self.files:
            mod = self.module(rel)
            lay = self.layer(mod)
            program = rel.split("/")[0] in PROGRAMS
            if lay is None:
                problems.append(f"unlisted: {rel}: module '{mod}' is in no layer of "
                                "common/LAYERS")
                continue
            for inc in INCLUDE.findall(texts[rel]):
                target = self.resolve(rel, inc)
                if target is None:
                    if inc.startswith("common/"):
                        problems.append(f"unknown: {rel} includes '{inc}', which is no file")
                    continue
                tmod = self.module(target)
                tlay = self.layer(tmod)
                dep(mod, tmod, f"{rel} includes {target}")
                if program and target.startswith("common/") and target != PUBLIC:
                    problems.append(f"program: {rel} includes {target}: programs include "
                                    f"{PUBLIC} alone")
                    continue
                if tlay is None:
                    continue  # reported as unlisted on its own
                if self.rank[tlay] > self.rank[lay]:
                    problems.append(f"upward: {rel} ({lay}) includes {target} ({tlay})")
                only = self.only(tlay)
                if only is not None and lay not in (tlay, only):
                    problems.append(f"only: {rel} ({lay}) includes {target} ({tlay}), which "
                                    f"only {only} may include")
        # Functions defined (not static) by each module's .c/.cc files, and their users.
        defined = {}
        code = {rel: strip_code(texts[rel]) for rel in self.files if not rel.endswith(".h")}
        for rel, text in code.items():
            for name in DEFINITION.findall(text):
                if name != "main":
                    defined.setdefault(name, (self.module(rel), rel))
        for rel, text in code.items():
            mod = self.module(rel)
            for name in set(USE.findall(text)):
                if name in defined and defined[name][0] != mod:
                    dep(mod, defined[name][0], f"{rel} uses {name}() of {defined[name][1]}")
        for scc in strongly_connected(deps):
            if len(scc) > 1:
                why = [deps[a][b] for a in scc for b in scc if b in deps.get(a, {})]
                problems.append(f"circle: {' <-> '.join(sorted(scc))}: " + "; ".join(sorted(why)))
        return problems, deps


def strongly_connected(graph):
    """Tarjan's strongly connected components of {node: {node: ...}}, iteratively."""
    index, low, on, stack, out = {}, {}, set(), [], []
    nodes = set(graph) | {b for e in graph.values() for b in e}
    for start in sorted(nodes):
        if start in index:
            continue
        work = [(start, iter(sorted(graph.get(start, {}))))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on.add(start)
        while work:
            v, it = work[-1]
            for w in it:
                if w not in index:
                    index[w] = low[w] = len(index)
                    stack.append(w)
                    on.add(w)
                    work.append((w, iter(sorted(graph.get(w, {})))))
                    break
                if w in on:
                    low[v] = min(low[v], index[w])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[v])
                if low[v] == index[v]:
                    scc = []
                    while True:
                        w = stack.pop()
                        on.discard(w)
                        scc.append(w)
                        if w == v:
                            break
                    out.append(scc)
    return out


# ---- Self-test: one small tree per kind of problem ------------------------------------------

CLEAN = {
    "common/LAYERS": "base lo err\nsealed st only: mid\nmid mid_* priv\napi trawl.h trawl\n"
                     "programs indexer/*\n",
    "common/err.h": "enum trawl_status {\n    TRAWL_OK = 0, /* fine */\n    TRAWL_EIO,\n};\n",
    "common/lo.h": "int lo_f(void);\n",
    "common/lo.c": '#include "common/lo.h"\nint lo_f(void)\n{\n    return 0;\n}\n',
    "common/st.h": '#include "common/lo.h"\nint st_f(void);\n',
    "common/st.c": '#include "common/st.h"\nint st_f(void)\n{\n    return lo_f();\n}\n',
    "common/priv.h": '#include "common/st.h"\nint mid_a_f(int (*fn)(void *ctx));\n'
                     "int mid_b_f(void);\n",
    "common/mid_a.c": '#include "common/priv.h"\nint mid_a_f(int (*fn)(void *ctx))\n{\n'
                      "    return fn(0) + st_f();\n}\n",
    "common/mid_b.c": '#include "common/priv.h"\n/* mid_a_f( in a comment is no use */\n'
                      "int mid_b_f(void)\n{\n    return 1;\n}\n",
    "common/trawl.h": "enum trawl_status { TRAWL_OK = 0, TRAWL_EIO };\nint trawl_f(void);\n",
    "common/trawl.c": '#include "common/trawl.h"\n#include "common/priv.h"\n'
                      '#include "trawl_config.h"\nint trawl_f(void)\n{\n'
                      '    return mid_b_f() + lo_f() + sizeof "st_f()";\n}\n',
    "indexer/main.c": '#include "common/trawl.h"\n#include "indexer/walk.h"\n'
                      "int main(void)\n{\n    return trawl_f();\n}\n",
    "indexer/walk.h": "",
}
BROKEN = {
    "upward": {"common/lo.c": '#include "common/lo.h"\n#include "common/trawl.h"\n'
                              "int lo_f(void)\n{\n    return 0;\n}\n"},
    "only": {"common/trawl.c": '#include "common/trawl.h"\n#include "common/st.h"\n'
                               "int trawl_f(void)\n{\n    return st_f();\n}\n"},
    "program": {"indexer/main.c": '#include "common/trawl.h"\n#include "common/lo.h"\n'
                                  "int main(void)\n{\n    return lo_f();\n}\n"},
    # Each calls the other through the private header: no include says so.
    "circle": {"common/mid_b.c": '#include "common/priv.h"\nint mid_b_f(void)\n{\n'
                                 "    return mid_a_f(0);\n}\n",
               "common/mid_a.c": '#include "common/priv.h"\nint mid_a_f(int (*fn)(void *))\n'
                                 "{\n    return fn == 0 ? mid_b_f() : 0;\n}\n"},
    "unlisted": {"common/new.c": '#include "common/lo.h"\n'},
    "unknown": {"common/lo.c": '#include "common/lo.h"\n#include "common/gone.h"\n'},
}


def self_test():
    failures = 0
    cases = [("clean", {})] + list(BROKEN.items())
    print(f"1..{len(cases)}")
    for n, (kind, change) in enumerate(cases, 1):
        with tempfile.TemporaryDirectory() as d:
            for rel, text in {**CLEAN, **change}.items():
                os.makedirs(os.path.join(d, os.path.dirname(rel)), exist_ok=True)
                with open(os.path.join(d, rel), "w", encoding="utf-8") as f:
                    f.write(text)
            problems, _ = Tree(d).check()
        kinds = {p.split(":", 1)[0] for p in problems}
        ok = not problems if kind == "clean" else kinds == {kind}
        failures += not ok
        print(f"{'ok' if ok else 'not ok'} {n} - {kind}" + ("" if ok else f": {problems}"))
    return 1 if failures else 0


def main():
    if sys.argv[1:] == ["--self-test"]:
        return self_test()
    if len(sys.argv) != 2:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    tree = Tree(sys.argv[1])
    problems, deps = tree.check()
    for p in problems:
        print("FAIL: " + p)
    if problems:
        return 1
    print(f"PASS: {len(tree.files)} files, {len(deps)} modules, "
          f"{sum(len(e) for e in deps.values())} dependencies, layers "
          + " < ".join(n for n, _, _ in tree.layers))
    return 0


if __name__ == "__main__":
    sys.exit(main())
