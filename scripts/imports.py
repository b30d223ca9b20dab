#!/usr/bin/env python3
"""Module import loops in Lapak's crates.

Every `.rs` file under a crate's `src/` is a module. A file imports another when
its code names something defined there (`crate::a::b::Item`, `super::Item`,
`child::Item`, in a `use` or anywhere else; re-exports are followed to where the
item is defined). `mod child;` alone is not an import: a parent may declare its
children, and only naming something is a dependency.

The rule: a module and what is inside it are one unit, and loops are looked for
between siblings, level by level (`a::x -> b::y` counts as `a -> b`); the crate
root's own items count as a module of their own, so a root should only declare
modules and re-export. Inline `#[cfg(test)]` modules are left out: tests sit on
top of everything, as `tests/` files do.

    scripts/imports.py                 fail (exit 1) on any loop, listing it
    scripts/imports.py --report        every loop, its size, and the edges in it
    scripts/imports.py --edges CRATE   every import edge of one crate
    scripts/imports.py --self-test     the rule on small crates with known loops
"""

import os
import re
import sys

CRATES = {"viewer": "src", "protocol": "protocol/src", "server": "server/src", "studio": "studio/src",
          "player": "player/src", "intl": "intl/src"}
# Files that are not part of the crate's module tree (binaries' own roots are).
ROOT_NAMES = ("lib.rs", "main.rs")


def strip(code):
    """Code with comments, strings and char literals blanked (lengths kept)."""
    out = []
    i, n = 0, len(code)
    while i < n:
        c = code[i]
        if code.startswith("//", i):
            j = code.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        elif code.startswith("/*", i):
            depth, j = 1, i + 2
            while j < n and depth:
                if code.startswith("/*", j):
                    depth, j = depth + 1, j + 2
                elif code.startswith("*/", j):
                    depth, j = depth - 1, j + 2
                else:
                    j += 1
            out.append(re.sub(r"[^\n]", " ", code[i:j]))
            i = j
        elif c == "r" and re.match(r'r#*"', code[i:]) and (i == 0 or not (code[i - 1].isalnum() or code[i - 1] == "_")):
            m = re.match(r'r(#*)"', code[i:])
            end = code.find('"' + m.group(1), i + len(m.group(0)))
            end = n if end < 0 else end + 1 + len(m.group(1))
            out.append(re.sub(r"[^\n]", " ", code[i:end]))
            i = end
        elif c == '"':
            j = i + 1
            while j < n and code[j] != '"':
                j += 2 if code[j] == "\\" else 1
            out.append(re.sub(r"[^\n]", " ", code[i : j + 1]))
            i = j + 1
        elif c == "'" and re.match(r"'(\\.|[^\\'])'|'\\u\{[0-9a-fA-F]+\}'|'\\x..'", code[i:]):
            m = re.match(r"'(\\.|[^\\'])'|'\\u\{[0-9a-fA-F]+\}'|'\\x..'", code[i:])
            out.append(" " * len(m.group(0)))
            i += len(m.group(0))
        else:
            out.append(c)
            i += 1
    return "".join(out)


def module_files(root):
    """{module path tuple: file} for every .rs file of a crate's src/."""
    mods = {}
    for dirpath, _, files in os.walk(root):
        for f in files:
            if not f.endswith(".rs"):
                continue
            rel = os.path.relpath(os.path.join(dirpath, f), root)
            parts = rel[:-3].split(os.sep)
            if parts[-1] == "mod":
                parts = parts[:-1]
            if len(parts) == 1 and f in ROOT_NAMES:
                # A library's root; a binary beside it is a crate of its own.
                if f == "main.rs" and os.path.exists(os.path.join(root, "lib.rs")):
                    continue
                parts = []
            elif parts and parts[0] == "bin":
                continue
            mods[tuple(parts)] = os.path.join(root, rel)
    return mods


def expand_use(tree):
    """`a::{b, c::{d as e}}` -> [('a::b', 'b'), ('a::c::d', 'e')]: path and local name."""
    out = []

    def walk(prefix, s):
        s = s.strip()
        i = s.find("{")
        if i < 0:
            m = re.match(r"(.*?)\s+as\s+(\w+)$", s)
            path, alias = (m.group(1), m.group(2)) if m else (s, None)
            path = re.sub(r"\s+", "", prefix + path)
            last = path.split("::")[-1]
            out.append((path, alias or (None if last == "*" else last)))
            return
        head, body = s[:i], s[i + 1 : s.rindex("}")]
        depth, start = 0, 0
        for j, c in enumerate(body + ","):
            if c == "{":
                depth += 1
            elif c == "}":
                depth -= 1
            elif c == "," and depth == 0:
                part = body[start:j]
                if part.strip():
                    walk(prefix + head.strip(), part)
                start = j + 1

    walk("", tree)
    return out


DEF = re.compile(r"\b(?:struct|enum|fn|trait|type|const|static|union|mod)\s+(\w+)|macro_rules!\s*(\w+)")


INLINE_MOD = re.compile(r"\bmod\s+\w+\s*\{")
TEST_MOD = re.compile(r"#\[cfg\(test\)\]\s*(?:pub(?:\([\w:]+\))?\s+)?mod\s+\w+\s*\{")


def without_test_mods(code):
    """Code without its inline `#[cfg(test)] mod tests { .. }` blocks: tests sit
    on top of everything and may use any layer, the way a `tests/` file does,
    so they are not the module's own imports."""
    out, i = [], 0
    for m in TEST_MOD.finditer(code):
        if m.start() < i:
            continue
        depth, j = 1, m.end()
        while j < len(code) and depth:
            depth += {"{": 1, "}": -1}.get(code[j], 0)
            j += 1
        out.append(code[i : m.start()])
        i = j
    out.append(code[i:])
    return "".join(out)


def flatten_inline_mods(code):
    """Code whose inline `mod name { .. }` blocks read as the file's own code: inside
    one, `super` is the file's module, so it is rewritten as `self` (the block's
    own items count as the file's)."""
    out, i = [], 0
    for m in INLINE_MOD.finditer(code):
        if m.start() < i:
            continue
        depth, j = 1, m.end()
        while j < len(code) and depth:
            depth += {"{": 1, "}": -1}.get(code[j], 0)
            j += 1
        inner = flatten_inline_mods(code[m.end() : j - 1])
        out.append(code[i : m.end()])
        out.append(re.sub(r"(?<![\w:])super\b", "self", inner))
        out.append(code[j - 1 : j])
        i = j
    out.append(code[i:])
    return "".join(out)


class Module:
    """One file: what it defines, what it brings in by `use`, and the paths it names."""

    def __init__(self, mod, code, children):
        self.mod = mod
        self.defs = {a or b for a, b in DEF.findall(code)}
        heads = ["crate", "super", "self"] + sorted(children)
        path = re.compile(r"(?<![\w:])(" + "|".join(heads) + r")((?:\s*::\s*(?:\w+|\{))+)")
        use = re.compile(r"\buse\s+((?:" + "|".join(heads) + r")\s*::[^;]*);")
        self.uses, self.globs, self.named = {}, [], []
        for m in use.finditer(code):
            for p, local in expand_use(m.group(1)):
                if p.endswith("::*"):
                    self.globs.append(p[:-3])
                elif local:
                    self.uses[local] = p
                self.named.append(p.removesuffix("::*"))
        without_uses = use.sub(lambda m: " " * len(m.group(0)), code)
        for m in path.finditer(without_uses):
            self.named.append(re.sub(r"\s+", "", m.group(0)).rstrip(":{").rstrip(":"))


def walk_modules(path, here, mods):
    """(deepest module file the path reaches from `here`, the segments after it)."""
    parts = [p for p in path.split("::") if p]
    base = list(here)
    if parts[0] not in ("crate", "super", "self"):
        parts = ["self"] + parts
    if parts[0] == "crate":
        base, parts = [], parts[1:]
    while parts and parts[0] in ("super", "self"):
        if parts[0] == "super":
            base = base[:-1]
        parts = parts[1:]
    k = 0
    while k < len(parts) and tuple(base + parts[: k + 1]) in mods:
        k += 1
    return tuple(base + parts[:k]), parts[k:]


def resolve(path, here, mods, files, depth=0):
    """The module file that defines what a path names, following re-exports."""
    mod, rest = walk_modules(path, here, mods)
    if not rest or depth > 8 or mod not in files:
        return mod
    item, f = rest[0], files[mod]
    if item in f.defs:
        return mod
    if item in f.uses:
        return resolve(f.uses[item], mod, mods, files, depth + 1)
    for glob in f.globs:
        target, more = walk_modules(glob, mod, mods)
        if not more and target in files and (item in files[target].defs or item in files[target].uses):
            return resolve(glob + "::" + item, mod, mods, files, depth + 1)
    return mod


def graph(root):
    mods = module_files(root)
    files = {}
    for mod, file in mods.items():
        with open(file, encoding="utf-8") as fh:
            code = flatten_inline_mods(without_test_mods(strip(fh.read())))
        children = {m[-1] for m in mods if len(m) == len(mod) + 1 and m[: len(mod)] == mod}
        files[mod] = Module(mod, code, children)
    edges = {m: set() for m in mods}
    for mod, f in files.items():
        for p in f.named:
            target = resolve(p, mod, mods, files)
            if target != mod and target in mods:
                edges[mod].add(target)
    return mods, edges


def loops(edges):
    """Strongly connected components with more than one module (Tarjan)."""
    index, low, on, stack, out = {}, {}, set(), [], []
    counter = [0]
    sys.setrecursionlimit(10000)

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in edges[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return out


ROOT = ("<root>",)


def name(mod):
    return "::".join(mod) or "crate"


def lifted(edges):
    """Edges between siblings: `a::x -> b::y` is `a -> b` under their common parent.

    A module and what is inside it are one unit (a parent declares its children and
    re-exports them, a child reads its parent's types): only edges between two
    modules neither of which contains the other count, lifted to the children of
    their nearest common parent. Loops are looked for among siblings, level by level.
    """
    out = {}
    for src, dsts in edges.items():
        for dst in dsts:
            # The crate root's own items are a module of their own: a root that holds
            # the state every module reads, and reads them back, is the loop to catch.
            src = src or ROOT
            dst = dst or ROOT
            k = 0
            while k < min(len(src), len(dst)) and src[k] == dst[k]:
                k += 1
            if k == len(src) or k == len(dst):
                continue
            a, b = src[: k + 1], dst[: k + 1]
            out.setdefault(a, set()).add(b)
            out.setdefault(b, set())
            out.setdefault(a, set())
            out[a].add(b)
    return out


def witnesses(edges, a, b):
    """The file-level imports behind the lifted edge a -> b."""
    def under(m, unit):
        return (m or ROOT)[: len(unit)] == unit
    return [(s, d) for s in edges for d in edges[s] if under(s, a) and under(d, b)]


def self_test():
    """The rule on small crates written here: each case must find exactly its loops."""
    import tempfile

    cases = {
        # siblings naming each other, one through a re-export of the parent
        "sibling loop": ({"lib.rs": "mod a; mod b;",
                          "a.rs": "use crate::b::Thing; pub struct Other;",
                          "b/mod.rs": "mod inner; pub use inner::Thing;",
                          "b/inner.rs": "pub struct Thing; fn f() -> crate::a::Other { todo!() }"},
                         [["a", "b"]]),
        # a root that defines what its modules read, and reads them back
        "root loop": ({"lib.rs": "mod a; pub struct Server; fn run() { a::go() }",
                       "a.rs": "use crate::Server; pub fn go() {}"},
                      [["<root>", "a"]]),
        # a root that only re-exports is no loop; neither are a parent and its child
        "facade": ({"lib.rs": "mod a; mod b; pub use a::Money;",
                    "a/mod.rs": "mod child; pub use child::Money; pub struct State;",
                    "a/child.rs": "use super::State; pub struct Money;",
                    "b.rs": "use crate::Money; // crate::b::nothing\nconst S: &str = \"crate::b\";"},
                   []),
        # an inline test module's `super` is its file, not the file's parent
        "inline module": ({"lib.rs": "mod b; pub fn run() { b::go() }",
                           "b.rs": "pub fn go() {}\n#[cfg(test)]\nmod tests { use super::*; fn t() { super::go() } }"},
                          []),
        # a unit test may start the whole crate from inside a module it tests
        "unit test": ({"lib.rs": "mod ws; pub fn start() { ws::serve() }",
                       "ws.rs": "pub fn serve() {}\n#[cfg(test)]\nmod tests { #[test] fn t() { crate::start() } }"},
                      []),
    }
    failed = False
    for label, (files, want) in cases.items():
        with tempfile.TemporaryDirectory() as d:
            for path, code in files.items():
                os.makedirs(os.path.dirname(os.path.join(d, path)), exist_ok=True)
                with open(os.path.join(d, path), "w") as fh:
                    fh.write(code)
            got = [[name(m) for m in c] for c in loops(lifted(graph(d)[1]))]
            if sorted(got) != sorted(want):
                failed = True
                print(f"self-test {label}: found {got}, wanted {want}")
    print("self-test: " + ("FAILED" if failed else f"{len(cases)} cases pass"))
    return 1 if failed else 0


def main():
    os.chdir(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    args = sys.argv[1:]
    if args[:1] == ["--self-test"]:
        return self_test()
    if args[:1] == ["--edges"]:
        _, edges = graph(CRATES[args[1]])
        for m in sorted(edges):
            for t in sorted(edges[m]):
                print(f"{name(m)} -> {name(t)}")
        return 0
    failed = False
    for crate, root in CRATES.items():
        mods, edges = graph(root)
        up = lifted(edges)
        found = loops(up)
        print(f"{crate}: {len(mods)} modules, {sum(len(e) for e in edges.values())} imports, "
              f"{len(found)} loops")
        for comp in found:
            failed = True
            members = set(comp)
            print(f"  loop of {len(comp)}: " + ", ".join(name(m) for m in comp))
            if "--report" in args:
                for m in comp:
                    for t in sorted(up[m] & members):
                        shown = ", ".join(f"{name(s)} -> {name(d)}" for s, d in witnesses(edges, m, t)[:4])
                        print(f"    {name(m)} -> {name(t)}   ({shown})")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
