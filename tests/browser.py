"""Drive headless Chromium over the DevTools protocol to look at a Flet dashboard.

`capture_dashboard(base_url, expected, screenshot)` opens `<base_url>/dashboard/`,
turns on Flutter's accessibility semantics (so the texts drawn on the canvas also
exist in the DOM), waits until every expected text is there (or the time is up),
saves a PNG screenshot and returns the texts it found. Chromium is always killed.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from websockets.sync.client import ClientConnection, connect

CHROMIUM = "/usr/bin/chromium"

# Clicks Flutter's "enable accessibility" placeholder, then collects every text of
# the semantics tree (labels and visible text), looking inside shadow roots too.
COLLECT_TEXTS_JS = """
(() => {
  const roots = [document];
  const texts = new Set();
  let placeholder = null;
  while (roots.length) {
    const root = roots.pop();
    for (const el of root.querySelectorAll('*')) {
      if (el.shadowRoot) roots.push(el.shadowRoot);
      const tag = el.tagName.toLowerCase();
      if (tag === 'flt-semantics-placeholder') placeholder = el;
      if (!tag.startsWith('flt-semantics') && !el.closest('flt-semantics-host')) {
        continue;
      }
      for (const value of [el.getAttribute('aria-label'), el.innerText]) {
        for (const line of (value || '').split('\\n')) {
          if (line.trim()) texts.add(line.trim());
        }
      }
    }
  }
  if (placeholder) placeholder.click();
  return Array.from(texts);
})()
"""


@dataclass
class DashboardCapture:
    """What the browser showed: the texts of the page, and where its picture is."""

    texts: list[str]
    screenshot: Path
    complete: bool


class DevTools:
    """A minimal DevTools protocol client over one page target's websocket."""

    def __init__(self, websocket: ClientConnection) -> None:
        self.websocket = websocket
        self.next_id = 0

    def call(self, method: str, timeout: float = 30.0, **params: Any) -> dict[str, Any]:
        """Send a command and return its result (events in between are skipped)."""
        self.next_id += 1
        call_id = self.next_id
        self.websocket.send(json.dumps({"id": call_id, "method": method, "params": params}))
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"DevTools {method} did not answer")
            message = json.loads(self.websocket.recv(timeout=remaining))
            if message.get("id") != call_id:
                continue
            if "error" in message:
                raise RuntimeError(f"DevTools {method}: {message['error']}")
            result: dict[str, Any] = message.get("result", {})
            return result

    def evaluate(self, expression: str) -> Any:
        """Evaluate JavaScript in the page and return its JSON value."""
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        return result.get("result", {}).get("value")


def missing(wanted: Iterable[str], texts: Iterable[str]) -> set[str]:
    """The wanted texts not shown, as a whole text or as whole words of one.

    Flutter merges the texts of a card into one label ("cpu HEALTHY 2.5% used").
    """
    padded = [f" {text} " for text in texts]
    return {w for w in wanted if not any(f" {w} " in text for text in padded)}


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def page_websocket_url(port: int, deadline: float) -> str:
    """Wait for Chromium's DevTools endpoint; return the first page's websocket URL."""
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=2) as r:
                targets = json.load(r)
            for target in targets:
                if target.get("type") == "page":
                    url: str = target["webSocketDebuggerUrl"]
                    return url
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise TimeoutError("Chromium's DevTools endpoint did not come up")
        time.sleep(0.2)


def capture_dashboard(
    base_url: str,
    expected: Iterable[str],
    screenshot: Path,
    timeout: float = 60.0,
    settle: float = 1.0,
) -> DashboardCapture:
    """Open the dashboard, wait for every `expected` text, save a screenshot.

    Returns when all expected texts are in the page (after `settle` more seconds,
    so the last frame is painted) or when `timeout` is reached; `complete` says
    which. The screenshot is saved in both cases. Texts are matched as whole words.
    """
    wanted = set(expected)
    port = free_port()
    profile = Path(tempfile.mkdtemp(prefix="aegis-chromium-"))
    process = subprocess.Popen(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--disable-dev-shm-usage",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--window-size=1280,900",
            f"--user-data-dir={profile}",
            f"--remote-debugging-port={port}",
            "about:blank",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group: killed as a whole below
    )
    try:
        deadline = time.monotonic() + timeout
        ws_url = page_websocket_url(port, deadline)
        with connect(ws_url, open_timeout=10, max_size=None) as websocket:
            devtools = DevTools(websocket)
            devtools.call("Page.enable")
            devtools.call("Runtime.enable")
            devtools.call("Page.navigate", url=f"{base_url.rstrip('/')}/dashboard/")
            texts: list[str] = []
            complete = False
            while time.monotonic() < deadline:
                texts = devtools.evaluate(COLLECT_TEXTS_JS) or []
                if not missing(wanted, texts):
                    complete = True
                    time.sleep(settle)
                    texts = devtools.evaluate(COLLECT_TEXTS_JS) or texts
                    break
                time.sleep(0.5)
            shot = devtools.call("Page.captureScreenshot", format="png")
            screenshot.write_bytes(base64.b64decode(shot["data"]))
            return DashboardCapture(texts=texts, screenshot=screenshot, complete=complete)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
        shutil.rmtree(profile, ignore_errors=True)
