"""tutorial/build.py: generated files up to date, deterministic, well-formed."""
import json
import subprocess
import sys

import pytest

from conftest import TUTORIAL

sys.path.insert(0, str(TUTORIAL))
import build  # noqa: E402

OUTPUTS = build.all_outputs()
NOTEBOOK_PATHS = sorted(p for p in OUTPUTS if p.suffix == ".ipynb")


def test_generated_files_are_up_to_date():
    stale = build.stale_files(OUTPUTS)
    assert not stale, "stale: " + ", ".join(map(str, stale)) + "\nrun: python tutorial/build.py"


def test_check_cli_exits_0_when_up_to_date():
    proc = subprocess.run([sys.executable, str(TUTORIAL / "build.py"), "--check"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


def test_check_reports_stale_file_and_fix(tmp_path, monkeypatch, capsys):
    victim = NOTEBOOK_PATHS[0]
    outputs = dict(OUTPUTS)
    outputs[victim] = outputs[victim] + " "  # pretend the build would write something else
    monkeypatch.setattr(build, "all_outputs", lambda: outputs)
    assert build.main(["--check"]) == 1
    err = capsys.readouterr().err
    assert victim.name in err and "python tutorial/build.py" in err


def test_build_is_deterministic():
    assert build.digest(build.all_outputs()) == build.digest(OUTPUTS)


@pytest.mark.parametrize("path", NOTEBOOK_PATHS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_notebook_format(path):
    text = OUTPUTS[path]
    assert text.endswith("}\n")
    nb = json.loads(text)
    assert (nb["nbformat"], nb["nbformat_minor"]) == (4, 5)
    assert nb["metadata"]["kernelspec"]["name"] == "python3"
    ids = [c["id"] for c in nb["cells"]]
    assert len(set(ids)) == len(ids)
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None
    assert text == json.dumps(nb, sort_keys=True, indent=1, ensure_ascii=False) + "\n"


def _code(path):
    nb = json.loads(OUTPUTS[path])
    return "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")


@pytest.mark.parametrize("path", [p for p in NOTEBOOK_PATHS if p.parent.name == "notebooks"], ids=lambda p: p.name)
def test_exercise_versions_have_stubs_not_solutions(path):
    code = _code(path)
    assert build.BEGIN not in code and build.END not in code
    assert 'raise NotImplementedError("not implemented yet")' in code
    for marker_region in _solution_regions(path):
        assert marker_region not in code


def _solution_regions(path):
    """Text of every solution region of the source (directives expanded)."""
    source = (build.SOURCES / f"{path.stem}.py").read_text(encoding="utf-8")
    regions = []
    for cell in build.parse_percent(source, path.name):
        if cell["type"] != "code":
            continue
        lines = build.expand_directives(cell["lines"], path.name)
        inside, current = False, []
        for line in lines:
            if line.strip() == build.BEGIN:
                inside, current = True, []
            elif line.strip() == build.END:
                inside = False
                regions.append("\n".join(current))
            elif inside:
                current.append(line)
    return regions


@pytest.mark.parametrize("path", [p for p in NOTEBOOK_PATHS if p.parent.name == "solutions"], ids=lambda p: p.name)
def test_solution_versions_have_no_stubs(path):
    code = _code(path)
    assert "NotImplementedError" not in code
    assert build.BEGIN not in code and build.END not in code


def test_solution_notebooks_do_not_import_reference():
    for path in NOTEBOOK_PATHS:
        assert "numpy_transformer" not in _code(path), path


def test_parser_and_markers():
    src = ('# %% [markdown]\n# # Title\n#\n# text\n\n# %%\ndef f():\n    """doc"""\n'
           '    ### BEGIN SOLUTION\n    return 1\n    ### END SOLUTION\n\n'
           '# %% tags=["solution-only"]\nprint(f())\n')
    cells = build.parse_percent(src)
    assert [c["type"] for c in cells] == ["markdown", "code", "code"]
    assert cells[0]["lines"] == ["# Title", "", "text"]
    ex = build.render_cells(cells, "exercise", "t")
    sol = build.render_cells(cells, "solution", "t")
    assert len(ex) == 2 and len(sol) == 3
    assert ex[1][1].splitlines()[-2:] == ["    # YOUR CODE HERE", '    raise NotImplementedError("not implemented yet")']
    assert "return 1" in sol[1][1] and "###" not in sol[1][1]


def test_malformed_sources_are_rejected():
    with pytest.raises(build.SourceError):
        build.apply_markers(["### BEGIN SOLUTION", "x = 1"], "exercise", "t")
    with pytest.raises(build.SourceError):
        build.parse_percent("x = 1\n# %%\n")
    with pytest.raises(build.SourceError):
        build.expand_directives(["#| exercise numpy_transformer.no_such_thing"], "t")


def test_notebooks_use_only_numpy_matplotlib_and_the_standard_library():
    """The course promises NumPy and matplotlib only (plus `course`, its own helpers)."""
    import ast

    allowed = set(sys.stdlib_module_names) | {"numpy", "matplotlib", "course"}
    for path in sorted((TUTORIAL / "notebooks").glob("*.ipynb")) + sorted((TUTORIAL / "solutions").glob("*.ipynb")):
        for cell in json.loads(path.read_text())["cells"]:
            if cell["cell_type"] != "code":
                continue
            tree = ast.parse("".join(cell["source"]))
            for node in ast.walk(tree):
                names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                    [node.module] if isinstance(node, ast.ImportFrom) and node.module and not node.level else []
                for name in names:
                    assert name.split(".")[0] in allowed, f"{path.name} imports {name}"


def test_checks_name_the_earlier_exercises_a_function_builds_on():
    """`uses=` of each check must match what the solution's function really calls
    (directly or through given code), so a stub or bug upstream is pointed at."""
    import ast
    import re

    from course import checking

    for path in sorted((TUTORIAL / "solutions").glob("*.ipynb")):
        code = ["".join(c["source"]) for c in json.loads(path.read_text())["cells"] if c["cell_type"] == "code"]
        calls = {}
        for cell in code:
            for node in ast.parse(cell).body:
                if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                    calls[node.name] = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)} | \
                        {n.attr for n in ast.walk(node) if isinstance(n, ast.Attribute)}
        checked = {m.group(2): m.group(1) for cell in code for m in re.finditer(r"check\.(\w+)\((\w+)", cell)}
        for fn, name in checked.items():
            seen, todo = set(), [fn]
            while todo:
                for callee in calls.get(todo.pop(), ()):
                    if callee in calls and callee not in seen and callee != fn:
                        seen.add(callee)
                        todo.append(callee)
            expected = {checked[f] for f in seen if f in checked}
            assert set(checking.USES.get(name, ())) == expected, f"{path.name}: check.{name} uses {sorted(expected)}"
