"""The package's layout: no import cycles, every import points down the stages, no hidden imports.

Read from the source with `ast` (nothing is imported). The stages, bottom first, are
LAYERS; a module may import its own layer and the layers below it, never above, and a
stage package only the packages its `__init__` docstring names after "May import". An
import inside a function is allowed only for start-up speed, and must say so in a
comment (on its line, or on a comment line just above the imports).
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "handouts"

# Bottom first. A module belongs to the first entry that is its name or a package above it.
LAYERS: list[tuple[str, ...]] = [
    ("handouts.core", "handouts", "handouts.data"),  # foundation; the root package holds only the version
    ("handouts.sources",),  # clinic settings, condition sheets, the shipped lexicon
    ("handouts.checks",),  # pure checks; drafting uses them to judge candidates
    ("handouts.drafting",),  # models, prompts, rules, the drafter
    ("handouts.signoff",),  # reviewers, audit log, approvals, state words
    ("handouts.publish",),  # render, PDFs, releases, build-verify-swap
    ("handouts.pipeline",),  # the orchestrator
    ("handouts.service", "handouts.evaluate", "handouts.verify", "handouts.scaffold"),  # commands' services
    ("handouts.review",),  # the review page
    ("handouts.cli",),
    ("handouts.__main__",),
]


def _name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def layer(module: str) -> int:
    for i, names in enumerate(LAYERS):
        if module in names or any(module.startswith(n + ".") for n in names if n != "handouts"):
            return i
    raise AssertionError(f"{module} is in no layer: add it to LAYERS in {Path(__file__).name}")


def _target(module: str, node: ast.ImportFrom | ast.Import, alias: ast.alias) -> str | None:
    """The handouts module an import loads (the longest module name it names), or None."""
    if isinstance(node, ast.Import):
        name = alias.name
    else:
        base = node.module or ""
        if node.level:
            here = module.split(".") if MODULES[module].name == "__init__.py" else module.split(".")[:-1]
            base = ".".join(here[: len(here) - node.level + 1] + ([base] if base else []))
        name = f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def imports(module: str) -> list[tuple[int, str]]:
    """(line, imported handouts module) for every import in `module`, at any depth."""
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    out = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                target = _target(module, node, alias)
                if target and target != module:
                    out.append((node.lineno, target))
    return out


GRAPH = {m: sorted({t for _, t in imports(m)}) for m in MODULES}


def cycles(graph: dict[str, list[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (or a module importing itself)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1 or v in graph.get(v, ()):
                found.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def uncommented_function_imports(source: str) -> list[tuple[int, str]]:
    """(line, text) of each import inside a function with no comment saying why it is there."""
    lines = source.splitlines()
    commented = {tok.start[0] for tok in tokenize.generate_tokens(io.StringIO(source).readline)
                 if tok.type == tokenize.COMMENT}
    out = []
    for fn in ast.walk(ast.parse(source)):
        if not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        for node in ast.walk(fn):
            if not isinstance(node, (ast.Import, ast.ImportFrom)):
                continue
            if any(n in commented for n in range(node.lineno, node.end_lineno + 1)):
                continue
            above = node.lineno - 1  # walk up over the imports of the same block to the line before them
            while above >= 1 and lines[above - 1].strip().startswith(("import ", "from ")):
                above -= 1
            if above >= 1 and lines[above - 1].strip().startswith("#"):
                continue
            out.append((node.lineno, lines[node.lineno - 1].strip()))
    return out


def test_every_module_is_in_a_layer():
    for module in MODULES:
        layer(module)


def test_no_import_cycles():
    assert cycles(GRAPH) == []


def test_every_import_points_down_the_layers():
    up = [f"{MODULES[m].relative_to(PACKAGE.parent)}:{line}: {m} (layer {layer(m)}) imports {t} (layer {layer(t)})"
          for m in MODULES for line, t in imports(m) if layer(t) > layer(m)]
    assert up == []


def test_imports_inside_functions_say_why():
    found = [f"{MODULES[m].relative_to(PACKAGE.parent)}:{line}: {text}"
             for m in MODULES for line, text in uncommented_function_imports(MODULES[m].read_text(encoding="utf-8"))]
    assert found == []


def test_every_package_says_what_it_owns_and_may_import():
    for init in sorted(PACKAGE.glob("*/__init__.py")):
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))) or ""
        if init.parent.name in ("data",):
            continue
        assert "May import" in doc or "may import" in doc, f"{init.relative_to(PACKAGE.parent)}: say what it may import"


def allowed(package_init: Path) -> set[str]:
    """The handouts packages a stage package's docstring says it may import (besides itself)."""
    doc = ast.get_docstring(ast.parse(package_init.read_text(encoding="utf-8"))) or ""
    para = doc[doc.index("May import"):].split("\n\n")[0]
    return set(re.findall(r"handouts\.\w+", para))


def test_every_package_imports_only_what_its_docstring_allows():
    wrong = []
    for init in sorted(PACKAGE.glob("*/__init__.py")):
        package = _name(init)
        if package == "handouts.data":
            continue
        ok = allowed(init) | {package}
        for module in (m for m in MODULES if m == package or m.startswith(package + ".")):
            for line, target in imports(module):
                stage = ".".join(target.split(".")[:2])
                if target != "handouts" and stage not in ok:
                    wrong.append(f"{MODULES[module].relative_to(PACKAGE.parent)}:{line}: imports {target}, "
                                 f"but {package} may import only {', '.join(sorted(ok - {package})) or 'no stage'}")
    assert wrong == []


@pytest.mark.parametrize("source, expected", [
    ("def f():\n    import json\n", [(2, "import json")]),
    ("def f():\n    import json  # deferred: slow\n", []),
    ("def f():\n    # deferred for start-up\n    import json\n    import os\n", []),
    ("def f():\n    x = 1\n    import json\n", [(3, "import json")]),
    ("import json\n\n\ndef f():\n    return json\n", []),
])
def test_the_in_function_rule_itself(source, expected):
    assert uncommented_function_imports(source) == expected


def test_the_cycle_and_layer_rules_themselves():
    assert cycles({"a": ["b"], "b": ["c"], "c": ["a"], "d": ["a"]}) == [["a", "b", "c"]]
    assert cycles({"a": ["b"], "b": []}) == []
    assert layer("handouts.core.memo") < layer("handouts.sources.sheets") < layer("handouts.checks.content") \
        < layer("handouts.drafting.drafting") < layer("handouts.signoff.audit") < layer("handouts.publish.pdf") \
        < layer("handouts.pipeline") < layer("handouts.service") < layer("handouts.review") < layer("handouts.cli")
