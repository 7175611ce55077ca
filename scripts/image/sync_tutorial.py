"""Place the course's notebooks into the student's home at server start.

The image keeps the original tutorial read-only outside the home (/opt/course/tutorial);
the home is a per-student volume (or a bind mount) that hides anything the image put
there, so the tutorial has to be copied in at every start. The rules, so that nothing a
student wrote is ever lost:

- a file that is missing in the home is copied (a fresh volume, an empty bind mount,
  or a notebook the student deleted to get a clean copy);
- a file the student never changed since we placed it is replaced by a newer course
  version (a manifest remembers the hash of what we placed);
- a file the student changed is never touched.

Run as the student (uid 1000). Usage: sync_tutorial.py [SOURCE [DEST]]
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

MANIFEST = ".course-manifest.json"


def file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def load_manifest(dest: Path) -> dict[str, str]:
    try:
        data = json.loads((dest / MANIFEST).read_text())
        return {str(k): str(v) for k, v in data.get("placed", {}).items()}
    except (FileNotFoundError, ValueError, AttributeError):
        # A missing or damaged manifest only means we treat every existing file as
        # the student's own: we copy nothing over it.
        return {}


def atomic_copy(src: Path, dst: Path) -> None:
    """Copy src to dst so that a crash never leaves a half-written notebook."""
    dst.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=dst.parent, prefix=f".{dst.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out, src.open("rb") as inp:
            shutil.copyfileobj(inp, out)
        os.chmod(tmp, 0o644)
        os.replace(tmp, dst)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def sync(source: Path, dest: Path) -> dict[str, list[str]]:
    """Bring dest up to date with source under the rules above; return what happened.

    A file that cannot be placed (a folder in its way, no permission, a full disk) is
    reported under "failed" and skipped: the student's server must start regardless.
    """
    placed = load_manifest(dest)
    report: dict[str, list[str]] = {"copied": [], "updated": [], "kept": [], "failed": []}
    for src in sorted(p for p in source.rglob("*") if p.is_file()):
        rel = src.relative_to(source).as_posix()
        dst = dest / rel
        try:
            new_hash = file_hash(src)
            if not dst.exists():
                atomic_copy(src, dst)
                report["copied"].append(rel)
            else:
                dst_hash = file_hash(dst)
                if dst_hash == new_hash:
                    pass  # already the current course version
                elif dst_hash == placed.get(rel):
                    atomic_copy(src, dst)  # untouched since we placed it: safe to update
                    report["updated"].append(rel)
                else:
                    # The student's own version: never touched. Say so only when the
                    # course has a version the student has not seen.
                    if new_hash != placed.get(rel):
                        report["kept"].append(rel)
                    continue
            placed[rel] = new_hash
        except OSError as exc:
            report["failed"].append(f"{rel} ({exc.strerror or exc})")
    try:
        tmp = dest / f".{MANIFEST}.tmp"
        tmp.write_text(json.dumps({"placed": placed}, indent=1, sort_keys=True) + "\n")
        os.replace(tmp, dest / MANIFEST)
    except OSError as exc:
        report["failed"].append(f"{MANIFEST} ({exc.strerror or exc})")
    return report


def main(argv: list[str]) -> int:
    """Exit 1 only when the home itself cannot be written (the server would be useless);
    every other problem is reported and the server starts."""
    source = Path(argv[1] if len(argv) > 1 else "/opt/course/tutorial")
    home = Path(os.environ.get("HOME", "/home/jovyan"))
    dest = Path(argv[2] if len(argv) > 2 else home / "tutorial")
    if not source.is_dir():
        print(f"course: tutorial source {source} is missing; the image is broken, rebuild it", file=sys.stderr)
        return 1
    if not os.access(dest.parent, os.W_OK):
        st = dest.parent.stat()
        if st.st_uid != os.getuid():
            fix = (f"it belongs to uid {st.st_uid}, the server runs as uid {os.getuid()}: give it to "
                   f"the student user, e.g. 'sudo chown -R 1000:100 <host folder>'")
        else:
            fix = "it is read-only (a ':ro' mount or --read-only?): mount a writable folder or volume"
        print(f"course: cannot write to {dest.parent}; {fix}, and start again", file=sys.stderr)
        return 1
    if dest.exists() and not dest.is_dir():
        print(f"course: {dest} is not a folder, so the tutorial was not placed; rename it "
              f"(e.g. in a terminal: mv {dest} {dest}.old) and restart your server", file=sys.stderr)
        return 0
    dest.mkdir(parents=True, exist_ok=True)
    report = sync(source, dest)
    parts = [f"{len(v)} {k}" for k, v in report.items() if v]
    print(f"course: tutorial in {dest}: " + (", ".join(parts) or "up to date"))
    for rel in report["kept"]:
        print(f"course: kept your edited {rel} (a newer course version exists in {source / rel})")
    for problem in report["failed"]:
        print(f"course: could not place {problem}; the rest of the tutorial is there", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
