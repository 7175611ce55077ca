"""A student's browser, reduced to HTTP: log into the hub through its login form,
start the server, use the Jupyter REST API and run code in a kernel over the
websocket, all through the hub's proxy with the cookies and XSRF tokens a browser
would send."""
from __future__ import annotations

import json
import time
import uuid
from urllib.parse import urlparse

import requests
import websocket


class HubUser:
    def __init__(self, base_url: str, username: str):
        self.base = base_url.rstrip("/")
        self.name = username
        self.http = requests.Session()

    # --- the hub ------------------------------------------------------------------
    def login(self, password: str) -> None:
        """Fill in and submit the login form, as a browser does."""
        form = self.http.get(f"{self.base}/hub/login", timeout=30)
        form.raise_for_status()
        xsrf = self.http.cookies.get("_xsrf")
        assert xsrf, "the login page set no _xsrf cookie"
        reply = self.http.post(
            f"{self.base}/hub/login?next=", timeout=30, allow_redirects=False,
            data={"username": self.name, "password": password, "_xsrf": xsrf},
        )
        if reply.status_code != 302:
            raise AssertionError(f"login as {self.name} failed: HTTP {reply.status_code}")

    def hub_api(self, method: str, path: str, **kw) -> requests.Response:
        headers = {"X-XSRFToken": self.http.cookies.get("_xsrf", path="/hub/") or ""}
        return self.http.request(method, f"{self.base}/hub/api{path}", headers=headers, timeout=60, **kw)

    def start_server(self, timeout: float = 240) -> float:
        """Start this user's server as the 'Start' button does; seconds until ready."""
        t0 = time.monotonic()
        reply = self.hub_api("POST", f"/users/{self.name}/server")
        assert reply.status_code in (201, 202, 400), reply.text  # 400: already running
        while time.monotonic() - t0 < timeout:
            server = self.hub_api("GET", f"/users/{self.name}").json()["servers"].get("")
            if server and server.get("ready"):
                return time.monotonic() - t0
            time.sleep(0.5)
        raise AssertionError(f"{self.name}'s server was not ready after {timeout}s")

    def stop_server(self) -> None:
        self.hub_api("DELETE", f"/users/{self.name}/server")

    # --- the student's Jupyter server, through the proxy ----------------------------
    def open_lab(self) -> str:
        """Open JupyterLab (the OAuth round trip to the hub happens on the way)."""
        page = self.http.get(f"{self.base}/user/{self.name}/lab", timeout=60)
        page.raise_for_status()
        return page.text

    def api(self, method: str, path: str, **kw) -> requests.Response:
        xsrf = self.http.cookies.get("_xsrf", path=f"/user/{self.name}/") or ""
        return self.http.request(method, f"{self.base}/user/{self.name}/api{path}",
                                 headers={"X-XSRFToken": xsrf}, timeout=60, **kw)

    def run_cells(self, sources: list[str], timeout: float = 120) -> list[list[dict]]:
        """Execute code cells in a new kernel; the outputs of each cell, as in a notebook."""
        kernel = self.api("POST", "/kernels", json={"name": "python3"})
        kernel.raise_for_status()
        kernel_id = kernel.json()["id"]
        url = urlparse(self.base)
        ws_url = f"ws://{url.netloc}/user/{self.name}/api/kernels/{kernel_id}/channels"
        cookie = "; ".join(f"{c.name}={c.value}" for c in self.http.cookies)
        ws = websocket.create_connection(ws_url, cookie=cookie, timeout=timeout,
                                         header={"X-XSRFToken": self.http.cookies.get("_xsrf", path=f"/user/{self.name}/") or ""})
        try:
            return [self._execute(ws, src, timeout) for src in sources]
        finally:
            ws.close()
            self.api("DELETE", f"/kernels/{kernel_id}")

    @staticmethod
    def _execute(ws, code: str, timeout: float) -> list[dict]:
        msg_id = uuid.uuid4().hex
        ws.send(json.dumps({
            "header": {"msg_id": msg_id, "msg_type": "execute_request", "username": "test",
                       "session": uuid.uuid4().hex, "version": "5.3"},
            "parent_header": {}, "metadata": {}, "channel": "shell",
            "content": {"code": code, "silent": False, "store_history": True,
                        "user_expressions": {}, "allow_stdin": False, "stop_on_error": True},
        }))
        outputs, replied, idle = [], False, False
        deadline = time.monotonic() + timeout
        while not (replied and idle):
            assert time.monotonic() < deadline, f"cell did not finish in {timeout}s:\n{code[:300]}"
            msg = json.loads(ws.recv())
            if msg.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind = msg["header"]["msg_type"]
            if kind in ("stream", "display_data", "execute_result", "error"):
                outputs.append({"output_type": kind, **msg["content"]})
            elif kind == "execute_reply":
                replied = True
            elif kind == "status" and msg["content"]["execution_state"] == "idle":
                idle = True
        return outputs
