"""`lindungi serve`: binds where LINDUNGI_BIND says, and leaves no control socket that a
second instance on the same host would share."""

import os
import subprocess
import sys

from tests.core.test_settings import PRODUCTION_KEYS
from tests.deployments import listening_port, server_log, wait_for

# Not the default 127.0.0.1:8000 in either part: a loopback address of its own, and port 0
# for a free port the server picks itself (a fixed one could be taken by a parallel test).
HOST = "127.0.0.2"


def test_serve_binds_to_lindungi_bind_and_keeps_no_control_socket(tmp_path):
    runtime = tmp_path / "runtime"
    runtime.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LINDUNGI_", "DATABASE_URL"))}
    env.update(
        PRODUCTION_KEYS,
        LINDUNGI_DATA_DIR=str(tmp_path / "data"),
        LINDUNGI_BIND=f"{HOST}:0",
        LINDUNGI_ALLOWED_HOSTS=HOST,
        LINDUNGI_WORKERS="1",
        LINDUNGI_SSL_REDIRECT="0",
        XDG_RUNTIME_DIR=str(runtime),
        HOME=str(tmp_path),
    )
    log = server_log()
    server = subprocess.Popen(
        [sys.executable, "-m", "lindungi.cli", "serve"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log,
    )
    try:
        port = listening_port(server, log, host=HOST)
        assert wait_for(f"http://{HOST}:{port}/healthz", server, log) == 200
        assert list(runtime.iterdir()) == []
        assert not (tmp_path / ".gunicorn").exists()
    finally:
        server.terminate()
        server.wait(timeout=30)
