# Two images from one file (build targets):
#   hub      JupyterHub, DockerSpawner and configurable-http-proxy
#   student  what every student runs: JupyterLab, the tutorial, NumPy, matplotlib
#            (the last stage, so a plain `docker build .` gives the student image)
#
# Behind a TLS-inspecting proxy, give the build your proxy's CA certificate(s):
#   docker build --secret id=extra_ca,src=/path/to/ca.pem --target student .
#   (with compose: EXTRA_CA_BUNDLE=/path/to/ca.pem in .env)
# No registry? scripts/build-base-image makes the base image from Debian's archive.

FROM debian:trixie-slim AS base
ENV LANG=C.UTF-8 \
    LC_ALL=C.UTF-8 \
    DEBIAN_FRONTEND=noninteractive \
    PYTHONUNBUFFERED=1
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 python3-venv ca-certificates tini \
 && rm -rf /var/lib/apt/lists/*
COPY scripts/image/pip-install-locked /usr/local/sbin/


FROM base AS hub
RUN apt-get update \
 && apt-get install -y --no-install-recommends node-configurable-http-proxy \
 && rm -rf /var/lib/apt/lists/*
COPY hub_config/requirements.lock /tmp/requirements.lock
RUN --mount=type=secret,id=extra_ca pip-install-locked /opt/hub /tmp/requirements.lock \
 && rm /tmp/requirements.lock
ENV PATH=/opt/hub/bin:$PATH
COPY hub_config/ /etc/jupyterhub/
RUN printf '#!/bin/sh\nexec python3 /etc/jupyterhub/course_hub.py "$@"\n' >/usr/local/bin/course-logins \
 && chmod 0755 /usr/local/bin/course-logins
WORKDIR /srv/jupyterhub
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["python3", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/hub/health', timeout=4)"]
ENTRYPOINT ["tini", "-g", "--"]
CMD ["jupyterhub", "-f", "/etc/jupyterhub/jupyterhub_config.py"]


FROM base AS student
# uid 1000, gid 100 (users), as in the Jupyter Docker Stacks.
RUN useradd --create-home --uid 1000 --gid 100 --shell /bin/bash jovyan
COPY tutorial/requirements.lock /tmp/requirements.lock
RUN --mount=type=secret,id=extra_ca pip-install-locked /opt/venv /tmp/requirements.lock \
 && rm /tmp/requirements.lock
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONPATH=/opt/course/lib
# Offline JupyterLab: no news feed, no update check, no announcements, no extension
# manager asking PyPI: on the server side and in the browser.
COPY scripts/image/jupyter_lab_config.json /opt/venv/etc/jupyter/jupyter_lab_config.json
COPY scripts/image/jupyterlab-overrides.json /opt/venv/share/jupyter/lab/settings/overrides.json
RUN jupyter labextension disable --level=sys_prefix "@jupyterlab/apputils-extension:announcements" >/dev/null

COPY scripts/image/course-start scripts/image/course-healthcheck /usr/local/bin/
COPY scripts/image/sync_tutorial.py /opt/course/sync_tutorial.py
# Student-readable: the exercise notebooks (copied into the home at start) and the
# `course` package (checks, corpus, helpers).
COPY tutorial/notebooks/ /opt/course/tutorial/
COPY tutorial/course/ /opt/course/lib/course/
# Root only: reference implementation, solution notebooks and the tests that prove
# them (`docker run --user root IMAGE python -m pytest /opt/course/solutions`).
COPY pytest.ini /opt/course/solutions/
COPY hub_config/ /opt/course/solutions/hub_config/
COPY scripts/ /opt/course/solutions/scripts/
COPY tests/ /opt/course/solutions/tests/
COPY tutorial/ /opt/course/solutions/tutorial/
# Matplotlib's font cache, built once here instead of in every student's first kernel;
# course-start copies this skeleton into homes that lack it (volumes hide /home/jovyan).
RUN XDG_CACHE_HOME=/opt/course/home-skel/.cache python3 -c "import matplotlib.pyplot" \
 && cp -a /opt/course/home-skel/. /home/jovyan/ \
 && chown -R 1000:100 /home/jovyan \
 && chmod -R a+rX,go-w /opt/course \
 && chown -R root:root /opt/course/solutions \
 && chmod 0700 /opt/course/solutions

USER 1000:100
WORKDIR /home/jovyan
EXPOSE 8888
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 CMD ["course-healthcheck"]
ENTRYPOINT ["tini", "-g", "--"]
CMD ["course-start"]
