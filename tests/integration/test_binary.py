#!/usr/bin/env python3
"""Starts the real jicofo binary on a free port and checks it from the outside with a real HTTP client.

Run one case: test_binary.py BinaryTest.test_version_endpoint (JICOFO_BINARY names the executable)."""

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest

BINARY = os.environ.get("JICOFO_BINARY", "jicofo")
STARTUP_DEADLINE_S = 10.0


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Jicofo:
    """A running jicofo process with its own config file and log."""

    def __init__(self, config_text, extra_env=None, args=None):
        self.dir = tempfile.TemporaryDirectory(prefix="jicofo-it-")
        self.config_path = os.path.join(self.dir.name, "jicofo.conf")
        with open(self.config_path, "w") as f:
            f.write(config_text)
        self.log_path = os.path.join(self.dir.name, "jicofo.log")
        env = dict(os.environ)
        env.pop("NOTIFY_SOCKET", None)
        env.update(extra_env or {})
        self.log = open(self.log_path, "w")
        command = [BINARY] + (args if args is not None else ["--config", self.config_path])
        self.process = subprocess.Popen(command, stdout=self.log, stderr=subprocess.STDOUT, env=env)

    def log_text(self):
        self.log.flush()
        with open(self.log_path) as f:
            return f.read()

    def stop(self):
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        self.log.close()
        self.dir.cleanup()


def config(port, health=True, prometheus=True, max_body=1024, extra=""):
    return f"""
jicofo {{
  rest {{
    host = "127.0.0.1"
    port = {port}
    max-body-bytes = {max_body}
    prometheus.enabled = {"true" if prometheus else "false"}
  }}
  health.enabled = {"true" if health else "false"}
  # These tests look at the process and REST only; XMPP is tested against a real Prosody in shard_test.
  xmpp.client.enabled = false
  {extra}
}}
"""


def request(port, method, path, body=None, headers=None, timeout=5.0):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read().decode("utf-8", "replace")
    finally:
        connection.close()


def wait_until_serving(port, jicofo):
    deadline = time.monotonic() + STARTUP_DEADLINE_S
    while time.monotonic() < deadline:
        if jicofo.process.poll() is not None:
            raise AssertionError(f"jicofo exited with {jicofo.process.returncode}:\n{jicofo.log_text()}")
        try:
            status, _, _ = request(port, "GET", "/about/version", timeout=1.0)
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.05)
    raise AssertionError(f"jicofo did not serve on port {port} in time:\n{jicofo.log_text()}")


class BinaryTest(unittest.TestCase):
    def start(self, **config_options):
        self.port = free_port()
        self.jicofo = Jicofo(config(self.port, **config_options))
        self.addCleanup(self.jicofo.stop)
        wait_until_serving(self.port, self.jicofo)

    def test_version_endpoint(self):
        self.start()
        status, headers, body = request(self.port, "GET", "/about/version")
        self.assertEqual(status, 200)
        self.assertIn("application/json", headers.get("Content-Type", ""))
        version = json.loads(body)
        self.assertEqual(version["name"], "JiCoFo")
        self.assertEqual(version["os"], "Linux")
        self.assertRegex(version["version"], r"^\d+\.\d+")
        cli = subprocess.run([BINARY, "--version"], capture_output=True, text=True, timeout=10)
        self.assertEqual(cli.returncode, 0)
        self.assertIn(version["version"], cli.stdout)

    def test_metrics_in_prometheus_text_and_json(self):
        self.start()
        status, headers, body = request(self.port, "GET", "/metrics")
        self.assertEqual(status, 200)
        self.assertIn("text/plain", headers.get("Content-Type", ""))
        self.assertRegex(body, r"(?m)^jitsi_jicofo_threads [1-9]")
        self.assertRegex(body, r"(?m)^process_resident_memory_bytes [1-9]")
        status, headers, body = request(self.port, "GET", "/metrics", headers={"Accept": "application/json"})
        self.assertEqual(status, 200)
        self.assertIn("application/json", headers.get("Content-Type", ""))
        self.assertIsInstance(json.loads(body), dict)
        self.assertIn("threads", body)

    def test_health_answers_ok_once_started(self):
        self.start()
        deadline = time.monotonic() + 5
        while True:
            status, _, body = request(self.port, "GET", "/about/health")
            if status == 200 or time.monotonic() > deadline:
                break
            time.sleep(0.1)
        self.assertEqual((status, body.strip()), (200, "OK"))

    def test_health_route_absent_when_health_disabled(self):
        self.start(health=False)
        status, _, _ = request(self.port, "GET", "/about/health")
        self.assertEqual(status, 404)

    def test_disabled_group_answers_404(self):
        self.start(prometheus=False)
        status, _, _ = request(self.port, "GET", "/metrics")
        self.assertEqual(status, 404)

    def test_http_errors(self):
        self.start(max_body=1024)
        status, _, _ = request(self.port, "GET", "/no/such/path")
        self.assertEqual(status, 404)
        status, headers, _ = request(self.port, "POST", "/about/version", body="{}")
        self.assertEqual(status, 405)
        self.assertIn("GET", headers.get("Allow", ""))
        status, _, _ = request(self.port, "POST", "/about/version", body="x" * 4096,
                               headers={"Content-Type": "application/json"})
        self.assertEqual(status, 413)
        with socket.create_connection(("127.0.0.1", self.port), timeout=5) as raw:
            raw.sendall(b"THIS IS NOT HTTP\r\n\r\n")
            answer = raw.recv(4096).decode("latin-1")
        self.assertTrue(answer.startswith("HTTP/1.1 400"), answer)

    def test_keep_alive_serves_several_requests_on_one_connection(self):
        self.start()
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
        try:
            for _ in range(3):
                connection.request("GET", "/about/version")
                response = connection.getresponse()
                response.read()
                self.assertEqual(response.status, 200)
        finally:
            connection.close()

    def test_sigterm_shuts_down_gracefully_with_exit_code_0(self):
        self.start()
        started = time.monotonic()
        self.jicofo.process.send_signal(signal.SIGTERM)
        code = self.jicofo.process.wait(timeout=15)
        self.assertEqual(code, 0, self.jicofo.log_text())
        self.assertLess(time.monotonic() - started, 10.0)
        with self.assertRaises(OSError):
            request(self.port, "GET", "/about/version", timeout=1.0)

    def test_sighup_rereads_the_log_level(self):
        self.start()
        with open(self.jicofo.config_path, "a") as f:
            f.write('\njicofo.logging.level = "DEBUG"\n')
        self.jicofo.process.send_signal(signal.SIGHUP)
        deadline = time.monotonic() + 5
        while "log level is now debug" not in self.jicofo.log_text() and time.monotonic() < deadline:
            time.sleep(0.05)
        self.assertIn("log level is now debug", self.jicofo.log_text())
        self.assertIsNone(self.jicofo.process.poll())

    def test_config_file_from_environment_when_no_option_is_given(self):
        self.port = free_port()
        holder = tempfile.TemporaryDirectory(prefix="jicofo-env-")
        self.addCleanup(holder.cleanup)
        path = os.path.join(holder.name, "from-env.conf")
        with open(path, "w") as f:
            f.write(config(self.port))
        self.jicofo = Jicofo("", extra_env={"JICOFO_CONFIG": path}, args=[])
        self.addCleanup(self.jicofo.stop)
        wait_until_serving(self.port, self.jicofo)


class SystemdTest(unittest.TestCase):
    """jicofo speaks sd_notify(3) to the socket systemd names, as a Type=notify service with a watchdog."""

    def test_ready_watchdog_and_stopping_are_notified(self):
        holder = tempfile.TemporaryDirectory(prefix="jicofo-notify-")
        self.addCleanup(holder.cleanup)
        socket_path = os.path.join(holder.name, "notify.sock")
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.addCleanup(listener.close)
        listener.bind(socket_path)
        listener.settimeout(10)
        port = free_port()
        jicofo = Jicofo(config(port), extra_env={"NOTIFY_SOCKET": socket_path, "WATCHDOG_USEC": "400000"})
        self.addCleanup(jicofo.stop)

        def receive_until(word):
            seen = []
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                message = listener.recv(4096).decode()
                seen.append(message)
                if word in message.split("\n"):
                    return message
            self.fail(f"no {word} among {seen}")

        ready = receive_until("READY=1")
        self.assertIn(f"MAINPID={jicofo.process.pid}", ready)
        wait_until_serving(port, jicofo)
        receive_until("WATCHDOG=1")
        receive_until("WATCHDOG=1")  # pinged repeatedly, at half the watchdog interval
        jicofo.process.send_signal(signal.SIGTERM)
        receive_until("STOPPING=1")
        self.assertEqual(jicofo.process.wait(timeout=15), 0)


class CommandLineTest(unittest.TestCase):
    def run_jicofo(self, args, config_text=None):
        with tempfile.TemporaryDirectory(prefix="jicofo-cli-") as directory:
            if config_text is not None:
                path = os.path.join(directory, "jicofo.conf")
                with open(path, "w") as f:
                    f.write(config_text)
                args = [a.replace("{config}", path) for a in args]
            env = dict(os.environ)
            env.pop("JICOFO_CONFIG", None)
            result = subprocess.run([BINARY] + args, capture_output=True, text=True, timeout=20, env=env)
            return result, directory

    def test_help_lists_every_option(self):
        result, _ = self.run_jicofo(["--help"])
        self.assertEqual(result.returncode, 0)
        for option in ["--config", "--check-config", "--print-routes", "--log-level", "--version", "--help"]:
            self.assertIn(option, result.stdout)

    def test_print_routes_follows_the_configuration(self):
        # The client connection and a brewery as in a deployment (nothing listens there: the listing connects
        # nowhere), two groups switched off.
        result, _ = self.run_jicofo(["--print-routes", "--config", "{config}"], """
jicofo {
  xmpp.client { hostname = "127.0.0.1", port = 9, domain = "auth.meet.test", xmpp-domain = "meet.test",
                password = "unused" }
  bridge.brewery-jid = "jvbbrewery@internal.auth.meet.test"
  rest { debug.enabled = false, pin.enabled = false }
}
""")
        self.assertEqual(result.returncode, 0, result.stderr)
        lines = result.stdout.splitlines()
        for line in lines:
            self.assertRegex(line, r"^[A-Z]+ /\S*$")
        self.assertIn("GET /about/version", lines)
        self.assertIn("POST /conference-request/v1", lines)
        self.assertIn("POST /move-endpoints/move-endpoint", lines)
        self.assertFalse([line for line in lines if "/debug" in line or "/pin" in line], lines)

    def test_print_routes_lists_nothing_without_rest(self):
        result, _ = self.run_jicofo(["--print-routes", "--config", "{config}"],
                                    "jicofo.rest.enabled = false\njicofo.xmpp.client.enabled = false\n")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stdout, "")

    def test_check_config_prints_effective_configuration_as_json(self):
        result, _ = self.run_jicofo(["--check-config", "--config", "{config}"],
                                    'jicofo.rest.port = 9999\njicofo.xmpp.client.password = "s3cret"\n')
        self.assertEqual(result.returncode, 0, result.stderr)
        effective = json.loads(result.stdout)
        self.assertEqual(effective["jicofo"]["rest"]["port"], 9999)
        self.assertEqual(effective["jicofo"]["xmpp"]["client"]["port"], 5222)
        self.assertNotIn("s3cret", result.stdout)

    def test_check_config_names_file_line_column_and_key_of_an_error(self):
        result, _ = self.run_jicofo(["--check-config", "--config", "{config}"],
                                    "jicofo {\n  rest {\n    port = \"not a port\"\n  }\n}\n")
        self.assertNotEqual(result.returncode, 0)
        self.assertRegex(result.stderr, r"jicofo\.conf:3:\d+")
        self.assertIn("jicofo.rest.port", result.stderr)

    def test_check_config_reports_syntax_errors_with_position(self):
        result, _ = self.run_jicofo(["--check-config", "--config", "{config}"], "jicofo {\n  rest {\n    port = 1\n")
        self.assertNotEqual(result.returncode, 0)
        self.assertRegex(result.stderr, r"jicofo\.conf:\d+:\d+")

    def test_missing_config_file_is_a_clear_error(self):
        result, _ = self.run_jicofo(["--config", "/nonexistent/jicofo.conf"])
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("/nonexistent/jicofo.conf", result.stderr)

    def test_unknown_argument_is_a_usage_error(self):
        result, _ = self.run_jicofo(["--bogus"])
        self.assertEqual(result.returncode, 2)
        self.assertIn("--bogus", result.stderr)

    def test_unknown_key_is_a_warning_with_a_suggestion(self):
        result, _ = self.run_jicofo(["--check-config", "--config", "{config}"], "jicofo.rest.prot = 1\n")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("jicofo.rest.prot", result.stderr)
        self.assertIn("jicofo.rest.port", result.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
