"""Production serving: gunicorn through ``sva-registry serve``, security headers, body limit."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from registry.services.tokens import create_token

HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
}


@pytest.mark.parametrize(
    "path", ["/api/v1/modules", "/api/v1/nope", "/healthz", "/badges/x.svg", "/api/v1/feed.json"]
)
def test_security_headers_on_every_answer(client, path):
    response = client.get(path)
    for name, value in HEADERS.items():
        assert response.headers[name] == value
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp and "*" not in csp


def test_too_large_body_is_413_in_the_json_error_shape(client, session, settings):
    _row, secret = create_token(session, "admin")
    session.commit()
    big = json.dumps({"repository": "x" * (settings.server.max_body_bytes + 10)})
    response = client.post(
        "/api/v1/modules",
        data=big,
        headers={"Authorization": f"Bearer {secret}", "Content-Type": "application/json"},
    )
    assert response.status_code == 413
    error = response.get_json()["error"]
    assert error["code"] == "request-entity-too-large"
    assert error["message"]
    hook = client.post("/api/v1/hooks/github", data=b"x" * (settings.server.max_body_bytes + 1))
    assert hook.status_code == 413
    assert hook.get_json()["error"]["code"] == "request-entity-too-large"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url, process, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"server exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.status, dict(response.headers), response.read()
        except OSError:  # refused, reset or timed out while the workers boot
            time.sleep(0.2)
    raise AssertionError(f"{url} did not answer within {timeout} s")


@pytest.mark.slow
def test_serve_runs_gunicorn_against_a_fresh_sqlite_database(tmp_path):
    port = free_port()
    env = {
        **os.environ,
        "SVA_REGISTRY_DATABASE_URL": f"sqlite:///{tmp_path / 'served.sqlite3'}",
        "SVA_REGISTRY_INSTANCE_PATH": str(tmp_path / "instance"),
        "SVA_REGISTRY_SERVER_WORKERS": "2",
        "SVA_REGISTRY_SERVER_SECRET_KEY": "serve-test",
    }
    env.pop("SVA_REGISTRY_CONFIG", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "registry", "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        status, headers, body = wait_for(f"http://127.0.0.1:{port}/healthz", process)
        assert status == 200
        assert json.loads(body) == {"status": "ok"}
        assert headers["X-Content-Type-Options"] == "nosniff"
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/modules", timeout=5) as r:
            assert json.loads(r.read())["total"] == 0
        ps = subprocess.run(
            ["ps", "-o", "args=", "--ppid", str(process.pid)],
            check=True,
            capture_output=True,
            text=True,
        )
        workers = [line for line in ps.stdout.splitlines() if line.strip()]
        assert len(workers) == 2  # gunicorn's arbiter forked the configured workers
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        _out, err = process.communicate(timeout=30)
    assert b"Traceback" not in err


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/api/v1/deployments/99999999999999999999", 404),  # beyond any database integer
        ("/api/v1/deployments/99999999999999999999/feed.json", 404),
        ("/api/v1/modules/a%00b", 404),  # PostgreSQL refuses NUL in text
        ("/api/v1/modules?q=%00", 400),
        ("/api/v1/feed.json?since%00=1", 400),
    ],
)
def test_unusable_input_is_refused_before_the_database(client, path, status):
    response = client.get(path)
    assert response.status_code == status
    assert response.get_json()["error"]["code"] in {"not-found", "invalid-input"}


def test_badge_with_nul_is_a_not_found_badge(client):
    response = client.get("/badges/a%00b.svg")
    assert response.status_code == 404
    assert response.mimetype == "image/svg+xml"
