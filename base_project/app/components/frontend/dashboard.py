"""The Flet dashboard: one card per registered health check, refreshed periodically.

The cards come from the health registry, so every check a component registers in
`app.core.checks.HEALTH_CHECKS` shows up here without touching this module.
"""

import asyncio
from concurrent.futures import Future
from datetime import datetime

import flet as ft
import flet.fastapi as flet_fastapi
from fastapi import FastAPI

from app.core.checks import get_registry
from app.core.config import get_settings
from app.core.health import CheckResult, HealthReport, Status

STATUS_COLORS: dict[Status, ft.Colors] = {
    Status.HEALTHY: ft.Colors.GREEN_700,
    Status.WARNING: ft.Colors.AMBER_800,
    Status.UNHEALTHY: ft.Colors.RED_700,
}


def check_card(result: CheckResult) -> ft.Card:
    """A card showing one check: name, status, message and latency."""
    color = STATUS_COLORS[result.status]
    return ft.Card(
        content=ft.Container(
            padding=16,
            width=260,
            content=ft.Column(
                tight=True,
                spacing=6,
                controls=[
                    ft.Row(
                        controls=[
                            ft.Icon(ft.Icons.CIRCLE, color=color, size=14),
                            ft.Text(result.name, size=18, weight=ft.FontWeight.BOLD),
                        ],
                    ),
                    ft.Text(
                        result.status.value.upper(),
                        color=color,
                        weight=ft.FontWeight.BOLD,
                    ),
                    ft.Text(result.message or "-"),
                    ft.Text(f"{result.latency_ms:.1f} ms", size=12),
                ],
            ),
        ),
    )


class HealthDashboard:
    """The controls of one dashboard page and how they follow the registry."""

    def __init__(self, page: ft.Page) -> None:
        self.page = page
        self.overall = ft.Text(size=20, weight=ft.FontWeight.BOLD)
        self.updated = ft.Text(size=12)
        self.cards = ft.Row(wrap=True, spacing=16, run_spacing=16)
        self.refresher: Future[None] | None = None

    def mount(self) -> None:
        """Add the dashboard's controls to the page."""
        settings = get_settings()
        self.page.title = f"{settings.app_name} health"
        self.page.padding = 24
        self.page.on_close = self.stop
        self.page.add(
            ft.Text(settings.app_name, size=28, weight=ft.FontWeight.BOLD),
            ft.Row(controls=[self.overall, self.updated], spacing=24),
            self.cards,
        )

    def show(self, report: HealthReport) -> None:
        """Render a report into the controls (without sending them)."""
        self.overall.value = f"Overall: {report.status.value.upper()}"
        self.overall.color = STATUS_COLORS[report.status]
        self.updated.value = f"updated {datetime.now():%H:%M:%S}"
        self.cards.controls = [check_card(result) for result in report.checks]

    async def refresh(self) -> None:
        """Run every check and send the new cards to the browser."""
        self.show(await get_registry().run())
        self.page.update()

    async def refresh_forever(self, interval: float) -> None:
        """Refresh every `interval` seconds while a browser is connected."""
        while True:
            await asyncio.sleep(interval)
            if self.page.session.connection is not None:
                await self.refresh()

    def start(self) -> None:
        """Start the periodic refresh for this page's session."""
        interval = get_settings().dashboard_refresh_seconds
        self.refresher = self.page.run_task(self.refresh_forever, interval)

    def stop(self, _: ft.ControlEvent) -> None:
        """Stop refreshing once the session has expired."""
        if self.refresher is not None:
            self.refresher.cancel()


async def main(page: ft.Page) -> None:
    """Flet entry point, called for each new browser session."""
    dashboard = HealthDashboard(page)
    dashboard.mount()
    await dashboard.refresh()
    dashboard.start()


def create_dashboard_app() -> FastAPI:
    """The Flet web app (page shell, client files, websocket), to be mounted."""
    settings = get_settings()
    return flet_fastapi.app(
        main,
        no_cdn=True,
        app_name=settings.app_name,
        app_short_name=settings.app_name,
        app_description=f"{settings.app_name} health dashboard",
    )
