"""The layering the README promises: the case file knows nothing of the report, and no
app module imports in a circle. Reads the source with `ast`, so a function-level import
counts as much as one at the top of a file."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
APPS = ("plp", "participants", "reporting")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path) -> set[str]:
    """The project modules `path` imports, resolved to module names."""
    package = _module_name(path).rsplit(".", 1)[0] if path.name != "__init__.py" else _module_name(path)
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return {name for name in found if name.split(".")[0] in APPS}


def _graph() -> dict[str, set[str]]:
    files = [
        p for app in APPS for p in (ROOT / app).rglob("*.py") if "migrations" not in p.parts and p.is_file()
    ]
    modules = {_module_name(p): p for p in files}
    graph = {}
    for name, path in modules.items():
        graph[name] = {m for m in _imports(path) if m in modules and m != name}
    return graph


def test_the_case_file_imports_nothing_from_the_report():
    offenders = {
        name: sorted(m for m in deps if m.startswith("reporting"))
        for name, deps in _graph().items()
        if name.startswith("participants")
    }
    assert not {k: v for k, v in offenders.items() if v}


def test_no_module_imports_in_a_circle():
    graph = _graph()
    cycles, state = [], {}

    def visit(node, stack):
        state[node] = "open"
        stack.append(node)
        for dep in sorted(graph[node]):
            if state.get(dep) == "open":
                cycles.append(stack[stack.index(dep) :] + [dep])
            elif dep not in state:
                visit(dep, stack)
        stack.pop()
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node, [])
    assert not cycles, " ; ".join(" -> ".join(c) for c in cycles)


WRITES = {"save", "delete", "create", "get_or_create", "update_or_create", "bulk_create", "bulk_update"}


def test_views_write_only_through_services():
    """A view reads a form and calls a service; the service writes, with its audit entry."""
    views = [p for app in APPS for p in (ROOT / app).rglob("views*.py")]
    views += [p for app in APPS for p in (ROOT / app).rglob("views/*.py")]
    assert views
    found = []
    for path in views:
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in WRITES
            ):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} .{node.func.attr}()")
    assert not found, found


def test_modules_a_newcomer_can_hold():
    """Split a module once it passes ~500 lines; every module says in its first line what
    it holds."""
    too_long, undocumented = [], []
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            text = path.read_text()
            if text.count("\n") > 500:
                too_long.append(str(path.relative_to(ROOT)))
            if text.strip() and path.name != "__init__.py" and not ast.get_docstring(ast.parse(text)):
                undocumented.append(str(path.relative_to(ROOT)))
    assert not too_long, too_long
    assert not undocumented, undocumented
