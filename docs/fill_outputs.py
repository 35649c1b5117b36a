"""Rewrite the expected outputs of the '>>>' examples of Markdown pages by executing them, doctest-style.

    .venv/bin/python docs/fill_outputs.py docs/tutorials/ti_surface.md [...]

For when an intended change alters what a tutorial prints: review the diff (``git diff docs/``) before
committing; ``make test`` doctests the pages against what is written.  Each page runs in one namespace,
top to bottom, as doctest runs it.  An example's output ends at a blank line, the next example or a
code fence, so every fenced block ends with a blank line before its closing fence.
"""
import ast
import contextlib
import io
import sys


def _run(source, namespace):
    """Execute ``source``; return what it prints, plus the repr of a final expression (not None)."""
    tree = ast.parse(source, mode="exec")
    last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        exec(compile(tree, "<doc>", "exec"), namespace)
        if last is not None:
            value = eval(compile(ast.Expression(last.value), "<doc>", "eval"), namespace)
            if value is not None:
                print(repr(value))
    return buf.getvalue().rstrip("\n")


def _is_continuation(line):
    s = line.lstrip()
    return s.startswith("... ") or s.rstrip() == "..."


def fill(path):
    lines = open(path, encoding="utf-8").read().split("\n")
    out, namespace, i = [], {}, 0
    while i < len(lines):
        line = lines[i]
        if not line.lstrip().startswith(">>> "):
            out.append(line)
            i += 1
            continue
        indent = line[: len(line) - len(line.lstrip())]
        source = [line.lstrip()[4:]]
        out.append(line)
        i += 1
        while i < len(lines) and _is_continuation(lines[i]):
            source.append(lines[i].lstrip()[4:])
            out.append(lines[i])
            i += 1
        while i < len(lines) and lines[i].strip() and not lines[i].lstrip().startswith((">>>", "```")):
            i += 1  # the old expected output
        result = _run("\n".join(source), namespace)
        if result:
            out.extend(indent + (r if r.strip() else "<BLANKLINE>") for r in result.split("\n"))
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("\n".join(out))


if __name__ == "__main__":
    for p in sys.argv[1:]:
        fill(p)
