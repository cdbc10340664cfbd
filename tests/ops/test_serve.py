"""`lindungi serve`: binds where LINDUNGI_BIND says, and leaves no control socket that a
second instance on the same host would share."""

import os
import subprocess
import sys

from tests.core.test_settings import PRODUCTION_KEYS
from tests.deployments import free_port, wait_for


def test_serve_binds_to_lindungi_bind_and_keeps_no_control_socket(tmp_path):
    port = free_port()
    runtime = tmp_path / "runtime"
    runtime.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LINDUNGI_", "DATABASE_URL"))}
    env.update(
        PRODUCTION_KEYS,
        LINDUNGI_DATA_DIR=str(tmp_path / "data"),
        LINDUNGI_BIND=f"127.0.0.1:{port}",
        LINDUNGI_WORKERS="1",
        LINDUNGI_SSL_REDIRECT="0",
        XDG_RUNTIME_DIR=str(runtime),
        HOME=str(tmp_path),
    )
    server = subprocess.Popen(
        [sys.executable, "-m", "lindungi.cli", "serve"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert wait_for(f"http://127.0.0.1:{port}/healthz", server) == 200
        assert list(runtime.iterdir()) == []
        assert not (tmp_path / ".gunicorn").exists()
    finally:
        server.terminate()
        server.wait(timeout=30)
