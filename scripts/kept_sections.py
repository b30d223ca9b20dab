"""Sections of BENCHMARKS.md measured by hand (a run of their own, recorded once) and not
written by scripts/bench_report.py: kept where they stood when the report is written again.
Such a section says so on the line after its heading, with `MARK`; nothing else is kept, so a
generated heading whose figures changed is never kept twice."""

import re

HEADING = re.compile(r"^#{2,3} ", re.M)
MARK = "<!-- measured by hand: kept by scripts/bench_report.py -->"


def blocks(text):
    """The text cut before each `##` or `###` heading: (heading line, block), the first one headless."""
    starts = [0] + [m.start() for m in HEADING.finditer(text)]
    cut = [text[a:b] for a, b in zip(starts, starts[1:] + [len(text)]) if b > a]
    return [(block.split("\n", 1)[0] if HEADING.match(block) else "", block) for block in cut]


def keep(new, old):
    """`new` with every headed block of `old` that `new` lacks, put before the heading that followed it in `old`."""
    have = {heading for heading, _ in blocks(new)}
    before = {}  # heading in `new` → the kept blocks that go before it
    pending = []
    for heading, block in blocks(old):
        if not heading or (heading not in have and MARK not in block):
            continue
        if heading in have:
            before.setdefault(heading, []).extend(pending)
            pending = []
        else:
            pending.append(block if block.endswith("\n") else block + "\n")
    out = []
    for heading, block in blocks(new):
        out.extend(before.get(heading, []))
        out.append(block)
    text = "".join(out)
    return text + ("\n" if pending and not text.endswith("\n") else "") + "".join(pending)


if __name__ == "__main__":
    old = f"# B\nintro\n## A\na\n### A by hand\n{MARK}\nkept\n## B\nb\n### B 4×\nold\n## C by hand\n{MARK}\nc\n"
    new = "# B\nnew intro\n## A\na2\n## B\nb2\n"
    got = keep(new, old)
    assert got == f"# B\nnew intro\n## A\na2\n### A by hand\n{MARK}\nkept\n## B\nb2\n## C by hand\n{MARK}\nc\n", got
    assert keep(new, new) == new
    print("kept_sections: ok")
