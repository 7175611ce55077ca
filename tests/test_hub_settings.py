"""The hub's settings and passwords (hub_config/course_hub.py), without a hub."""
import sys
import stat
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "hub_config"))
import course_hub  # noqa: E402


def settings(**env):
    return course_hub.Settings.from_env(env)


def test_defaults_need_no_environment():
    s = settings()
    assert s.name == "transformer-course" and s.admin_users == {"admin"} and s.port == "8000"
    assert s.student_password == "" and s.admin_password == ""


@pytest.mark.parametrize("env, message", [
    ({"COURSE_STUDENT_PASSWORD": "short"}, "at least 8"),
    ({"COURSE_ADMIN_PASSWORD": "x" * 31}, "at least 32"),
    ({"COURSE_STUDENT_PASSWORD": "y" * 40, "COURSE_ADMIN_PASSWORD": "y" * 40}, "must differ"),
    ({"COURSE_ADMIN_USERS": " , "}, "COURSE_ADMIN_USERS"),
    ({"COURSE_CPU_LIMIT": "two"}, "COURSE_CPU_LIMIT"),
])
def test_bad_settings_say_what_to_do(env, message):
    with pytest.raises(course_hub.SettingsError, match=message):
        settings(**env)


def test_passwords_are_generated_once_and_kept_private(tmp_path):
    first = course_hub.ensure_passwords(settings(), tmp_path)
    assert first.generated == ("student", "admin")
    assert len(first.student) >= 8 and len(first.admin) >= 32 and first.student != first.admin
    for name in ("student-password", "admin-password"):
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o600
    again = course_hub.ensure_passwords(settings(), tmp_path)
    assert (again.student, again.admin, again.generated) == (first.student, first.admin, ())


def test_passwords_from_the_environment_win_and_are_not_stored(tmp_path):
    env = {"COURSE_STUDENT_PASSWORD": "orion-belt-42", "COURSE_ADMIN_PASSWORD": "a" * 32}
    pw = course_hub.ensure_passwords(settings(**env), tmp_path)
    assert (pw.student, pw.admin, pw.generated) == ("orion-belt-42", "a" * 32, ())
    assert not list(tmp_path.iterdir())


def test_login_message_reveals_only_what_was_just_generated(tmp_path):
    s = settings(COURSE_STUDENT_PASSWORD="orion-belt-42")
    pw = course_hub.ensure_passwords(s, tmp_path)
    first = course_hub.login_message(s, pw, reveal=pw.generated)
    assert pw.admin in first and "orion-belt-42" not in first and "COURSE_STUDENT_PASSWORD" in first
    later = course_hub.login_message(s, pw, reveal=())
    assert pw.admin not in later and "course-logins" in later


@pytest.mark.parametrize("text, size", [("2G", 2 * 2**30), ("2g", 2 * 2**30), ("512m", 512 * 2**20),
                                         ("1.5GB", int(1.5 * 2**30)), ("2GiB", 2 * 2**30), ("none", None),
                                         ("", 2 * 2**30)])
def test_memory_limits_as_docker_users_write_them(text, size):
    assert settings(COURSE_MEM_LIMIT=text).mem_limit == size


@pytest.mark.parametrize("env, message", [
    ({"COURSE_MEM_LIMIT": "lots"}, "COURSE_MEM_LIMIT"),
    ({"COURSE_MEM_LIMIT": "10"}, "COURSE_MEM_LIMIT"),
    ({"COURSE_NAME": "BRK Test"}, "COURSE_NAME"),
])
def test_settings_that_would_break_every_login_stop_the_hub(env, message):
    with pytest.raises(course_hub.SettingsError, match=message):
        settings(**env)
