"""Generate exercise notebooks, solution notebooks and the checks' expected data.

One source per notebook: tutorial/sources/NN_name.py in jupytext "percent" format.

    python tutorial/build.py           # regenerate everything
    python tutorial/build.py --check   # exit 1 if any generated file is stale

Outputs (all fully generated, never edit them by hand):
    tutorial/notebooks/NN_name.ipynb       exercise version (stubs)
    tutorial/solutions/NN_name.ipynb       solution version
    tutorial/course/data/expected/*.json   expected values for course.check, computed
                                           from the reference by tutorial/expected_data/

Source syntax (see tutorial/sources/README.md for the teacher's guide):
    # %%                          code cell
    # %% [markdown]               markdown cell, lines prefixed with "# "
    # %% tags=["solution-only"]   cell kept only in the solution (or "exercise-only")
    #| exercise pkg.module.obj    replaced by the source of obj, solution regions stubbed
    #| given pkg.module.obj       replaced by the full source of obj in both versions
    ### BEGIN SOLUTION / ### END SOLUTION   region a student writes
"""
import argparse
import hashlib
import importlib
import inspect
import json
import re
import sys
import textwrap
from pathlib import Path

TUTORIAL = Path(__file__).resolve().parent
SOURCES = TUTORIAL / "sources"
NOTEBOOKS = TUTORIAL / "notebooks"
SOLUTIONS = TUTORIAL / "solutions"
EXPECTED = TUTORIAL / "course" / "data" / "expected"

CELL_HEADER = re.compile(r"^# %%(?P<rest>.*)$")
DIRECTIVE = re.compile(r"^#\| (?P<kind>exercise|given) (?P<target>[\w.]+)\s*$")
BEGIN = "### BEGIN SOLUTION"
END = "### END SOLUTION"
STUB = ["# YOUR CODE HERE", 'raise NotImplementedError("not implemented yet")']
VERSIONS = ("exercise", "solution")


class SourceError(ValueError):
    """A notebook source is malformed (message names file and line)."""


# ---------------------------------------------------------------- parsing

def parse_percent(text, name="<source>"):
    """Split a percent-format source into cells: dicts with type, lines, tags, line."""
    cells = []
    for lineno, line in enumerate(text.splitlines(), start=1):
        match = CELL_HEADER.match(line)
        if match:
            rest = match.group("rest")
            tags = []
            tag_match = re.search(r"tags=(\[.*?\])", rest)
            if tag_match:
                tags = json.loads(tag_match.group(1))
                rest = rest.replace(tag_match.group(0), "")
            cell_type = "markdown" if "[markdown]" in rest else "code"
            for tag in tags:
                if tag not in ("solution-only", "exercise-only"):
                    raise SourceError(f"{name}:{lineno}: unknown tag {tag!r}")
            cells.append({"type": cell_type, "lines": [], "tags": tags, "line": lineno})
        elif cells:
            cells[-1]["lines"].append(line)
        elif line.strip():
            raise SourceError(f"{name}:{lineno}: text before the first '# %%' cell header")
    for cell in cells:
        lines = cell["lines"]
        while lines and not lines[0].strip():
            lines.pop(0)
        while lines and not lines[-1].strip():
            lines.pop()
        if cell["type"] == "markdown":
            cell["lines"] = [_uncomment(line, name, cell["line"]) for line in lines]
    return cells


def _uncomment(line, name, lineno):
    if line == "#":
        return ""
    if line.startswith("# "):
        return line[2:]
    raise SourceError(f"{name}: markdown cell at line {lineno}: line without '# ' prefix: {line!r}")


# ---------------------------------------------------------------- code cells

def object_source(target):
    """Source code of a dotted target such as numpy_transformer.embeddings.embed."""
    module_name, _, attr = target.rpartition(".")
    obj = importlib.import_module(module_name)
    for part in attr.split("."):
        obj = getattr(obj, part)
    return textwrap.dedent(inspect.getsource(obj)).rstrip("\n").splitlines()


def expand_directives(lines, name):
    out = []
    for line in lines:
        match = DIRECTIVE.match(line.strip())
        if match:
            try:
                source = object_source(match.group("target"))
                if match.group("kind") == "given":  # full code in both versions
                    source = apply_markers(source, "solution", name)
                out.extend(source)
            except (ImportError, AttributeError) as exc:
                raise SourceError(f"{name}: cannot include {match.group('target')}: {exc}") from exc
        elif line.strip().startswith("#|"):
            raise SourceError(f"{name}: unknown directive {line.strip()!r}")
        else:
            out.append(line)
    return out


def apply_markers(lines, version, name):
    """Keep solution regions (solution) or replace them by an indented stub (exercise)."""
    out = []
    inside = False
    for line in lines:
        stripped = line.strip()
        if stripped == BEGIN:
            if inside:
                raise SourceError(f"{name}: nested {BEGIN}")
            inside = True
            if version == "exercise":
                indent = line[: len(line) - len(line.lstrip())]
                out.extend(indent + stub for stub in STUB)
        elif stripped == END:
            if not inside:
                raise SourceError(f"{name}: {END} without {BEGIN}")
            inside = False
        elif not inside or version == "solution":
            out.append(line)
    if inside:
        raise SourceError(f"{name}: {BEGIN} without {END}")
    return out


def render_cells(cells, version, name):
    """The cells of one version: list of (cell_type, source_text)."""
    rendered = []
    for cell in cells:
        if "solution-only" in cell["tags"] and version != "solution":
            continue
        if "exercise-only" in cell["tags"] and version != "exercise":
            continue
        lines = cell["lines"]
        if cell["type"] == "code":
            lines = apply_markers(expand_directives(lines, name), version, name)
        rendered.append((cell["type"], "\n".join(lines)))
    return rendered


# ---------------------------------------------------------------- notebook JSON

def notebook_json(rendered, stem):
    """nbformat 4.5 JSON text: sorted keys, indent 1, no outputs, trailing newline."""
    cells = []
    for index, (cell_type, text) in enumerate(rendered):
        cell = {
            "cell_type": cell_type,
            # stable ids: regenerating never shows spurious diffs
            "id": f"{stem}-{index:03d}".replace("_", "-"),
            "metadata": {},
            "source": text.splitlines(keepends=True),
        }
        if cell_type == "code":
            cell["execution_count"] = None
            cell["outputs"] = []
        cells.append(cell)
    notebook = {
        "cells": cells,
        "metadata": {
            "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    return json.dumps(notebook, sort_keys=True, indent=1, ensure_ascii=False) + "\n"


# ---------------------------------------------------------------- expected data

def _round(x):
    # 12 significant digits: identical files on every CPU (last-bit differences of
    # sin/exp between SIMD implementations never reach the file)
    return float(f"{x:.12g}")


def encode_value(value):
    """JSON-able form of a case value; arrays become {"__array__": ...} dicts."""
    import numpy as np

    if isinstance(value, np.ndarray):
        data = value.tolist()
        if value.dtype.kind == "f":
            data = np.vectorize(_round, otypes=[float])(value).tolist() if value.size else data
        return {"__array__": True, "dtype": str(value.dtype), "shape": list(value.shape), "data": data}
    if isinstance(value, dict):
        return {str(k): encode_value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [encode_value(v) for v in value]
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return _round(float(value))
    return value


def expected_outputs():
    """{path: text} of every expected-data file, computed by tutorial/expected_data/*.py."""
    sys.path.insert(0, str(TUTORIAL))
    outputs = {}
    for module_path in sorted((TUTORIAL / "expected_data").glob("[!_]*.py")):
        module = importlib.import_module(f"expected_data.{module_path.stem}")
        for exercise, cases in sorted(module.generate().items()):
            path = EXPECTED / f"{exercise}.json"
            if path in outputs:
                raise SourceError(f"expected data for {exercise!r} generated twice")
            text = json.dumps(encode_value(cases), sort_keys=True, indent=1, ensure_ascii=False)
            outputs[path] = text + "\n"
    return outputs


# ---------------------------------------------------------------- driver

def notebook_outputs():
    """{path: text} of every generated notebook."""
    outputs = {}
    for source in sorted(SOURCES.glob("[0-9][0-9]_*.py")):
        cells = parse_percent(source.read_text(encoding="utf-8"), source.name)
        for version, folder in zip(VERSIONS, (NOTEBOOKS, SOLUTIONS)):
            rendered = render_cells(cells, version, source.name)
            outputs[folder / f"{source.stem}.ipynb"] = notebook_json(rendered, source.stem)
    return outputs


def all_outputs():
    if str(TUTORIAL) not in sys.path:
        sys.path.insert(0, str(TUTORIAL))
    outputs = notebook_outputs()
    outputs.update(expected_outputs())
    return outputs


def orphans(outputs):
    """Generated-looking files with no source any more."""
    found = set(NOTEBOOKS.glob("*.ipynb")) | set(SOLUTIONS.glob("*.ipynb")) | set(EXPECTED.glob("*.json"))
    return sorted(found - set(outputs))


def stale_files(outputs=None):
    """Paths whose content differs from what the build would write (or should not exist)."""
    outputs = all_outputs() if outputs is None else outputs
    stale = [p for p, text in sorted(outputs.items())
             if not p.exists() or p.read_text(encoding="utf-8") != text]
    return stale + orphans(outputs)


def digest(outputs):
    """One hash of every output, to test that two builds agree."""
    h = hashlib.sha256()
    for path, text in sorted(outputs.items()):
        h.update(str(path.relative_to(TUTORIAL)).encode() + b"\0" + text.encode() + b"\0")
    return h.hexdigest()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if a generated file is stale")
    args = parser.parse_args(argv)
    outputs = all_outputs()
    if args.check:
        stale = stale_files(outputs)
        if stale:
            print("Generated files are out of date with tutorial/sources, tutorial/expected_data "
                  "or the reference implementation:", file=sys.stderr)
            for path in stale:
                print(f"  {path.relative_to(TUTORIAL.parent)}", file=sys.stderr)
            print("Fix: run  python tutorial/build.py  and commit the result.", file=sys.stderr)
            return 1
        print(f"build --check: {len(outputs)} generated files up to date")
        return 0
    for path in orphans(outputs):
        path.unlink()
        print(f"removed {path.relative_to(TUTORIAL.parent)} (no source)")
    written = 0
    for path, text in sorted(outputs.items()):
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            written += 1
    print(f"build: {len(outputs)} files generated, {written} changed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
