"""Drive headless Chromium over the DevTools protocol to look at a Flet dashboard.

`visit_dashboard(base_url, cards, viewport, out_dir)` opens `<base_url>/dashboard/` in a
window of the viewport's size (a phone, a desktop), turns on Flutter's accessibility
semantics (so the texts drawn on the canvas also exist in the DOM, with their positions),
then scrolls the page to its end, opening every "Details" section on the way. It reports
which cards came into view, every text seen, how many sections it opened, every request
the page made, and saves screenshots (top of the page, details open, end of the page).
Chromium is always killed.
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
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
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

# The top of every card in the window (CSS pixels): a card is found by its title, the
# text node that is exactly the check's name (the first one, from the top of the page).
CARDS_JS = """
((names) => {
  const tops = {};
  for (const el of document.querySelectorAll('flt-semantics')) {
    const text = (el.innerText || '').trim();
    const leaf = el.querySelector('flt-semantics') === null;
    if (leaf && names.includes(text) && !(text in tops)) {
      tops[text] = el.getBoundingClientRect().top;
    }
  }
  return tops;
})(%s)
"""

# Clicks every collapsed "Details" button that is inside the window (with `true`;
# with `false`, only counts them); returns how many.
COLLAPSED_DETAILS_JS = """
((click) => {
  let found = 0;
  for (const el of document.querySelectorAll('flt-semantics[role="button"]')) {
    const box = el.getBoundingClientRect();
    const inside = box.top >= 0 && box.bottom <= window.innerHeight;
    if (el.innerText.trim() === 'Details' && inside
        && el.getAttribute('aria-description') === 'Collapsed') {
      if (click) el.click();
      found += 1;
    }
  }
  return found;
})(%s)
"""


@dataclass(frozen=True)
class Viewport:
    """A browser window: CSS size, pixel ratio, and whether it acts as a phone."""

    name: str
    width: int
    height: int
    scale: float = 1.0
    mobile: bool = False


PHONE = Viewport("phone", 390, 844, scale=2.0, mobile=True)
DESKTOP = Viewport("desktop", 1440, 900)


@dataclass
class DashboardVisit:
    """What the browser saw while scrolling through the dashboard."""

    texts: set[str] = field(default_factory=set)
    cards_in_view: set[str] = field(default_factory=set)
    details_opened: int = 0
    scrolled_px: float = 0.0
    requests: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    screenshots: list[Path] = field(default_factory=list)

    def foreign_requests(self, base_url: str) -> list[str]:
        """Requests to anywhere but the server that were not blocked in the browser."""
        local = (base_url.rstrip("/") + "/", "data:", "blob:")
        return [
            url for url in self.requests if not url.startswith(local) and url not in self.blocked
        ]


class DevTools:
    """A minimal DevTools protocol client over one page target's websocket."""

    def __init__(self, websocket: ClientConnection) -> None:
        self.websocket = websocket
        self.next_id = 0
        self.events: list[dict[str, Any]] = []

    def call(self, method: str, timeout: float = 30.0, **params: Any) -> dict[str, Any]:
        """Send a command and return its result (events in between are kept)."""
        self.next_id += 1
        call_id = self.next_id
        self.websocket.send(json.dumps({"id": call_id, "method": method, "params": params}))
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"DevTools {method} did not answer")
            message = json.loads(self.websocket.recv(timeout=remaining))
            if "method" in message:
                self.events.append(message)
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

    def capture(self) -> bytes:
        """What the window shows, as PNG bytes."""
        return base64.b64decode(self.call("Page.captureScreenshot", format="png")["data"])

    def screenshot(self, path: Path, unlike: bytes = b"", timeout: float = 10.0) -> Path:
        """Save what the window shows as a PNG; with `unlike`, wait (up to `timeout`)
        until the picture differs from it: a change is painted some frames later."""
        picture = self.capture()
        deadline = time.monotonic() + timeout
        while picture == unlike and time.monotonic() < deadline:
            time.sleep(0.2)
            picture = self.capture()
        path.write_bytes(picture)
        return path

    def wheel(self, viewport: Viewport, delta_y: float) -> None:
        """Turn the mouse wheel over the middle of the window."""
        self.call(
            "Input.dispatchMouseEvent",
            type="mouseWheel",
            x=viewport.width / 2,
            y=viewport.height / 2,
            deltaX=0,
            deltaY=delta_y,
        )


def missing(wanted: Iterable[str], texts: Iterable[str]) -> set[str]:
    """The wanted texts not shown, as a whole text or as whole words of one.

    Flutter merges the texts of a card into one label ("cpu HEALTHY 2.5% used").
    """
    padded = [f" {' '.join(text.split())} " for text in texts]
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


@contextlib.contextmanager
def chromium(viewport: Viewport, timeout: float) -> Iterator[DevTools]:
    """A headless Chromium with one page of the viewport's size, killed on exit."""
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
            f"--window-size={viewport.width},{viewport.height}",
            f"--user-data-dir={profile}",
            f"--remote-debugging-port={port}",
            "about:blank",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group: killed as a whole below
    )
    try:
        ws_url = page_websocket_url(port, time.monotonic() + timeout)
        with connect(ws_url, open_timeout=10, max_size=None) as websocket:
            devtools = DevTools(websocket)
            for domain in ("Page", "Runtime", "Network"):
                devtools.call(f"{domain}.enable")
            devtools.call(
                "Emulation.setDeviceMetricsOverride",
                width=viewport.width,
                height=viewport.height,
                deviceScaleFactor=viewport.scale,
                mobile=viewport.mobile,
            )
            yield devtools
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
        shutil.rmtree(profile, ignore_errors=True)


def record_network(devtools: DevTools, visit: DashboardVisit) -> None:
    """Every URL the page requested, and those the browser itself refused to load."""
    urls: dict[str, str] = {}
    for event in devtools.events:
        params = event.get("params", {})
        if event["method"] == "Network.requestWillBeSent":
            urls[params["requestId"]] = params["request"]["url"]
            visit.requests.append(params["request"]["url"])
        elif event["method"] == "Network.loadingFailed" and params.get("blockedReason"):
            visit.blocked.append(urls.get(params["requestId"], params["requestId"]))


def visit_dashboard(
    base_url: str,
    cards: Iterable[str],
    viewport: Viewport,
    out_dir: Path,
    timeout: float = 120.0,
) -> DashboardVisit:
    """Open the dashboard, scroll to its end opening every card's details on the way.

    Stops once every expected card has been in view and the page no longer moves (or
    when `timeout` is reached). A card is in view when its top edge is inside the
    window. Screenshots go to `out_dir/<viewport>-{top,details,end}.png`.
    """
    wanted = set(cards)
    visit = DashboardVisit()
    deadline = time.monotonic() + timeout
    with chromium(viewport, timeout) as devtools:
        devtools.call("Page.navigate", url=f"{base_url.rstrip('/')}/dashboard/")
        while time.monotonic() < deadline:
            visit.texts.update(devtools.evaluate(COLLECT_TEXTS_JS) or [])
            if any(t.startswith("Overall:") for t in visit.texts):
                break
            time.sleep(0.5)
        time.sleep(1.0)  # the first frame with every card painted
        visit.screenshots.append(devtools.screenshot(out_dir / f"{viewport.name}-top.png"))
        still = 0
        previous: dict[str, float] = {}
        while time.monotonic() < deadline and still < 3:
            tops: dict[str, float] = devtools.evaluate(CARDS_JS % json.dumps(sorted(wanted)))
            visit.cards_in_view.update(
                name for name, top in tops.items() if 0 <= top < viewport.height - 48
            )
            before = devtools.capture()
            opened = devtools.evaluate(COLLAPSED_DETAILS_JS % "true") or 0
            if opened:
                settled = time.monotonic() + 10
                while devtools.evaluate(COLLAPSED_DETAILS_JS % "false"):
                    if time.monotonic() > settled:
                        break
                    time.sleep(0.2)
                if not visit.details_opened:
                    path = out_dir / f"{viewport.name}-details.png"
                    devtools.screenshot(path, unlike=before)  # the opening is painted
                    time.sleep(0.5)  # the end of the expansion animation
                    visit.screenshots.append(devtools.screenshot(path))
                visit.details_opened += opened
            visit.texts.update(devtools.evaluate(COLLECT_TEXTS_JS) or [])
            moved = [previous[n] - tops[n] for n in tops.keys() & previous.keys()]
            if moved and max(moved) > 1:
                visit.scrolled_px += max(moved)
            done = wanted <= visit.cards_in_view
            still = still + 1 if (done and previous == tops and not opened) else 0
            previous = tops
            devtools.wheel(viewport, viewport.height * 0.5)
            time.sleep(0.4)
        visit.screenshots.append(devtools.screenshot(out_dir / f"{viewport.name}-end.png"))
        record_network(devtools, visit)
    return visit
