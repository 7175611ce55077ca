# JupyterHub configuration of the course hub. Every setting an organiser may change
# comes from an environment variable documented in .env.example; course_hub.py
# (beside this file) reads and checks them.
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import course_hub  # noqa: E402

c = get_config()  # noqa: F821 (provided by JupyterHub)

try:
    settings = course_hub.Settings.from_env()
    client = course_hub.docker_client()
    image_id = course_hub.resolve_image_id(client, settings.student_image)
except course_hub.SettingsError as exc:
    course_hub.fail(str(exc))
state = course_hub.STATE_DIR

# --- The hub itself: state on the volume, so a restart keeps everyone logged in.
c.JupyterHub.bind_url = "http://:8000"
c.JupyterHub.hub_ip = "0.0.0.0"  # students' containers connect from the course network...
c.JupyterHub.hub_connect_ip = "hub"  # ...by the compose service name
c.JupyterHub.db_url = f"sqlite:///{state}/jupyterhub.sqlite"
c.JupyterHub.cookie_secret_file = str(state / "jupyterhub_cookie_secret")

# --- Logins: one shared student password, a separate admin password for the organisers.
passwords = course_hub.ensure_passwords(settings)
c.JupyterHub.authenticator_class = "shared-password"
c.SharedPasswordAuthenticator.user_password = passwords.student
c.SharedPasswordAuthenticator.admin_password = passwords.admin
c.Authenticator.admin_users = set(settings.admin_users)
c.Authenticator.allow_all = True
print(course_hub.login_message(settings, passwords, reveal=passwords.generated), flush=True)

# --- One container per student, from the student image as it is right now (by ID).
c.JupyterHub.spawner_class = "docker"
c.DockerSpawner.image = image_id
c.DockerSpawner.pull_policy = "never"  # the image is built here, never pulled
c.DockerSpawner.network_name = settings.name
c.DockerSpawner.use_internal_ip = True
c.DockerSpawner.prefix = settings.name
c.DockerSpawner.remove = True  # no stale containers: everything a student keeps is on the volume
c.DockerSpawner.volumes = {f"{settings.name}-home-{{username}}": "/home/jovyan"}
c.DockerSpawner.notebook_dir = "/home/jovyan"
c.DockerSpawner.mem_limit = settings.mem_limit
c.DockerSpawner.cpu_limit = settings.cpu_limit
# A runaway loop or fork bomb in one notebook must not starve the whole class.
c.DockerSpawner.extra_host_config = {"pids_limit": 512, "security_opt": ["no-new-privileges"]}
print(f"course hub: students get {settings.student_image} = {image_id[:19]}; after a rebuild, "
      "restart the hub to give new servers the new image", flush=True)
c.Spawner.default_url = "/lab/tree/tutorial"
# A whole class logging in at once queues on one Docker engine: give starts time.
c.Spawner.start_timeout = 180
c.Spawner.http_timeout = 120
