"""What the hub's configuration needs beyond plain settings: reading the environment,
the workshop passwords, and the checks that turn a confusing failure into one clear
line. Kept apart from jupyterhub_config.py so it can be tested without a hub.

Also a command: `course-logins` (in the hub image) prints how to log in again.
"""
from __future__ import annotations

import os
import re
import secrets
import sys
from dataclasses import dataclass
from pathlib import Path

STATE_DIR = Path(os.environ.get("COURSE_STATE_DIR", "/srv/jupyterhub/state"))

USER_PASSWORD_MIN = 8  # SharedPasswordAuthenticator's own minimums
ADMIN_PASSWORD_MIN = 32


class SettingsError(Exception):
    """A setting is wrong; the message says which and what to do."""


def fail(message: str) -> "NoReturn":  # noqa: F821
    """Stop the hub with one clear line instead of a traceback."""
    print(f"\n*** course hub: {message}\n", file=sys.stderr, flush=True)
    raise SystemExit(1)


@dataclass(frozen=True)
class Settings:
    name: str  # network name, and prefix of student containers and volumes
    student_image: str
    admin_users: frozenset[str]
    student_password: str  # "" = generate on first start
    admin_password: str  # "" = generate on first start
    mem_limit: int | None  # bytes
    cpu_limit: float | None
    port: str  # the host port, only for the login message

    @classmethod
    def from_env(cls, env: dict[str, str] | os._Environ = os.environ) -> "Settings":
        def get(key: str, default: str = "") -> str:
            return env.get(key, "").strip() or default

        admins = frozenset(u.strip().lower() for u in get("COURSE_ADMIN_USERS", "admin").split(",") if u.strip())
        cpu = get("COURSE_CPU_LIMIT")
        try:
            cpu_limit = float(cpu) if cpu else None
        except ValueError:
            raise SettingsError(f"COURSE_CPU_LIMIT={cpu!r} is not a number of CPUs (e.g. 1 or 0.5)") from None
        settings = cls(
            name=get("COURSE_NAME", "transformer-course"),
            student_image=get("STUDENT_IMAGE", "transformer-course-student:latest"),
            admin_users=admins,
            student_password=env.get("COURSE_STUDENT_PASSWORD", ""),
            admin_password=env.get("COURSE_ADMIN_PASSWORD", ""),
            mem_limit=parse_size(get("COURSE_MEM_LIMIT", "2G"), "COURSE_MEM_LIMIT"),
            cpu_limit=cpu_limit,
            port=get("COURSE_PORT", "8000"),
        )
        settings.validate()
        return settings

    def validate(self) -> None:
        if self.student_password and len(self.student_password) < USER_PASSWORD_MIN:
            raise SettingsError(
                f"COURSE_STUDENT_PASSWORD has {len(self.student_password)} characters; it needs at least "
                f"{USER_PASSWORD_MIN}. Set a longer one in .env, or leave it empty to have one generated"
            )
        if self.admin_password and len(self.admin_password) < ADMIN_PASSWORD_MIN:
            raise SettingsError(
                f"COURSE_ADMIN_PASSWORD has {len(self.admin_password)} characters; it needs at least "
                f"{ADMIN_PASSWORD_MIN}. Set a longer one in .env, or leave it empty to have one generated"
            )
        if self.student_password and self.student_password == self.admin_password:
            raise SettingsError("COURSE_STUDENT_PASSWORD and COURSE_ADMIN_PASSWORD must differ")
        if not re.fullmatch(r"[a-z0-9][a-z0-9_.-]{0,40}", self.name):
            raise SettingsError(
                f"COURSE_NAME={self.name!r} cannot name Docker networks and volumes; use lower-case "
                "letters, digits, '-', '_' or '.' (e.g. COURSE_NAME=transformer-course)"
            )
        if not self.admin_users:
            raise SettingsError("COURSE_ADMIN_USERS is empty; name at least one admin, e.g. COURSE_ADMIN_USERS=admin")


_UNITS = {"": 1, "k": 2**10, "m": 2**20, "g": 2**30, "t": 2**40}


def parse_size(text: str, variable: str) -> int | None:
    """Bytes from a size as people write it for Docker: 512m, 2G, 1.5GB, 2GiB; "none" = no limit."""
    if text.strip().lower() == "none":
        return None
    match = re.fullmatch(r"(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?", text.strip().lower())
    if not match or (match.group(2) == "" and float(match.group(1)) < 2**20):
        raise SettingsError(
            f"{variable}={text!r} is not a memory size; write it like 512M or 2G (none: no limit)"
        )
    return int(float(match.group(1)) * _UNITS[match.group(2)])


@dataclass(frozen=True)
class Passwords:
    student: str
    admin: str
    generated: tuple[str, ...]  # which of them were generated just now


def _stored(path: Path, length: int) -> tuple[str, bool]:
    """The password stored at path, creating a new random one if there is none."""
    if path.exists():
        return path.read_text().strip(), False
    path.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(length)[:length]
    # Create with 0600 from the start: the secret is never world-readable, not even briefly.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(value + "\n")
    return value, True


def ensure_passwords(settings: Settings, state_dir: Path = STATE_DIR) -> Passwords:
    """Passwords from the environment, or generated once and kept in the state volume."""
    generated = []
    student, admin = settings.student_password, settings.admin_password
    if not student:
        student, new = _stored(state_dir / "student-password", 16)
        generated += ["student"] if new else []
    if not admin:
        admin, new = _stored(state_dir / "admin-password", 40)
        generated += ["admin"] if new else []
    return Passwords(student=student, admin=admin, generated=tuple(generated))


def login_message(settings: Settings, passwords: Passwords, reveal: frozenset[str] | tuple[str, ...]) -> str:
    """How to log in; the passwords named in `reveal` ("student", "admin") are shown."""
    def shown(kind: str, value: str, env_var: str, from_env: str) -> str:
        if kind in reveal:
            return value
        if from_env:
            return f"(your {env_var} from .env, {len(from_env)} characters)"
        return "(show it with: docker compose exec hub course-logins)"

    return "\n".join([
        "",
        "=" * 72,
        f"  The course hub: http://<this machine>:{settings.port}/",
        "",
        "  Students: any user name they like (e.g. their first name), and the",
        "            student password: "
        + shown("student", passwords.student, "COURSE_STUDENT_PASSWORD", settings.student_password),
        f"  Admin:    user name {', '.join(sorted(settings.admin_users))}, and the",
        "            admin password:   "
        + shown("admin", passwords.admin, "COURSE_ADMIN_PASSWORD", settings.admin_password),
        "",
        "  Anyone with the student password can log in as any student: fine for a",
        "  workshop room, not for graded work.",
        "=" * 72,
        "",
    ])


def resolve_image_id(client, tag: str) -> str:
    """The ID of the student image, so every student of this hub run gets the same bytes."""
    import docker.errors

    try:
        return client.images.get(tag).id
    except docker.errors.ImageNotFound:
        raise SettingsError(
            f"the student image {tag!r} does not exist; build it with 'docker compose build' "
            "(or start with 'docker compose up --build')"
        ) from None


def docker_client():
    """A Docker client that is known to answer, or one clear line saying why not."""
    import docker

    try:
        client = docker.from_env(timeout=10)
        client.ping()
        return client
    except Exception as exc:  # docker raises several kinds; all mean the same here
        raise SettingsError(
            f"cannot reach the Docker engine ({type(exc).__name__}). The hub starts student containers "
            "through /var/run/docker.sock: check that Docker runs on this machine and that "
            "docker-compose.yml mounts the socket into the hub"
        ) from None


def show_logins() -> int:
    """`course-logins`: print how to log in, with the passwords, for the organiser."""
    try:
        settings = Settings.from_env()
    except SettingsError as exc:
        print(f"course-logins: {exc}", file=sys.stderr)
        return 1
    print(login_message(settings, ensure_passwords(settings), reveal=("student", "admin")))
    return 0


if __name__ == "__main__":
    sys.exit(show_logins())
