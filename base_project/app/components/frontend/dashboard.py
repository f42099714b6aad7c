"""The Flet dashboard: the overall status and one card per registered health check.

The cards come from the health registry, so every check a component registers in
`app.core.checks.HEALTH_CHECKS` shows up here without touching this module. Each
card says what is wrong (the check's message, and the error it reported) and opens
its details on demand. The page scrolls, and the cards flow from one column on a
phone to four on a wide screen.
"""

import asyncio
from concurrent.futures import Future
from datetime import datetime

import flet as ft
import flet.fastapi as flet_fastapi
from fastapi import FastAPI

from app.components.frontend.details import DetailSection, describe
from app.core.checks import get_registry
from app.core.config import get_settings
from app.core.health import CheckResult, HealthReport, Status

STATUS_COLORS: dict[Status, ft.Colors] = {
    Status.HEALTHY: ft.Colors.GREEN_700,
    Status.WARNING: ft.Colors.AMBER_800,
    Status.UNHEALTHY: ft.Colors.RED_700,
}
CARD_COLUMNS: dict[str | ft.ResponsiveRowBreakpoint, int | float] = {
    "xs": 12,
    "md": 6,
    "lg": 4,
    "xxl": 3,
}
LABEL_WIDTH = 130


def detail_controls(section: DetailSection) -> list[ft.Control]:
    """A section's rows (label, value) followed by its titled sub-sections."""
    controls: list[ft.Control] = [
        ft.Row(
            vertical_alignment=ft.CrossAxisAlignment.START,
            controls=[
                ft.Text(
                    row.label, width=LABEL_WIDTH, color=ft.Colors.ON_SURFACE_VARIANT
                ),
                ft.Text(row.value, expand=True),
            ],
        )
        for row in section.rows
    ]
    for sub in section.sections:
        controls.append(
            ft.Container(
                padding=ft.Padding.only(left=12, top=6),
                border=ft.Border.only(left=ft.BorderSide(2, ft.Colors.OUTLINE_VARIANT)),
                content=ft.Column(
                    spacing=4,
                    controls=[
                        ft.Text(sub.title, weight=ft.FontWeight.BOLD),
                        *(detail_controls(sub) if not sub.empty else [ft.Text("-")]),
                    ],
                ),
            )
        )
    return controls


class CheckCard:
    """The card of one check; kept across refreshes, so an open card stays open."""

    def __init__(self, name: str) -> None:
        self.dot = ft.Icon(ft.Icons.CIRCLE, size=14)
        self.status = ft.Text(weight=ft.FontWeight.BOLD)
        self.message = ft.Text()
        self.error = ft.Text(visible=False)
        self.latency = ft.Text(size=12, color=ft.Colors.ON_SURFACE_VARIANT)
        self.details = ft.ExpansionTile(
            title=ft.Text("Details"),
            dense=True,
            tile_padding=ft.Padding.all(0),
            controls_padding=ft.Padding.only(bottom=8),
            expanded_cross_axis_alignment=ft.CrossAxisAlignment.START,
            on_change=self.toggled,
        )
        self.control = ft.Card(
            col=CARD_COLUMNS,
            semantic_container=False,  # each text is read (and found) on its own
            content=ft.Container(
                padding=16,
                content=ft.Column(
                    spacing=6,
                    controls=[
                        ft.Row(
                            controls=[
                                self.dot,
                                ft.Text(name, size=18, weight=ft.FontWeight.BOLD),
                                self.status,
                            ],
                        ),
                        self.message,
                        self.error,
                        self.latency,
                        self.details,
                    ],
                ),
            ),
        )

    def toggled(self, event: ft.Event[ft.ExpansionTile]) -> None:
        """Remember whether the details are open (they stay so across refreshes)."""
        self.details.expanded = bool(event.data)

    def show(self, result: CheckResult) -> None:
        """Put a new result in the card's controls."""
        color = STATUS_COLORS[result.status]
        self.dot.color = color
        self.status.value = result.status.value.upper()
        self.status.color = color
        self.message.value = result.message or "-"
        self.message.color = None if result.status is Status.HEALTHY else color
        error = str(result.details.get("error") or "")
        self.error.value = error
        self.error.visible = bool(error) and error not in result.message
        self.latency.value = f"checked in {result.latency_ms:.1f} ms"
        section = describe(result.details)
        self.details.visible = not section.empty
        self.details.controls = detail_controls(section)


class HealthDashboard:
    """The controls of one dashboard page and how they follow the registry."""

    def __init__(self, page: ft.Page) -> None:
        self.page = page
        self.overall = ft.Text(size=20, weight=ft.FontWeight.BOLD)
        self.summary = ft.Text(size=14)
        self.updated = ft.Text(size=12, color=ft.Colors.ON_SURFACE_VARIANT)
        self.grid = ft.ResponsiveRow(spacing=16, run_spacing=16)
        self.cards: dict[str, CheckCard] = {}
        self.refresher: Future[None] | None = None

    def mount(self) -> None:
        """Add the dashboard's controls to the page."""
        settings = get_settings()
        self.page.title = f"{settings.app_name} health"
        self.page.padding = 16
        self.page.scroll = ft.ScrollMode.AUTO
        self.page.on_close = self.stop
        self.page.add(
            ft.Text(settings.app_name, size=28, weight=ft.FontWeight.BOLD),
            ft.Row(
                wrap=True,
                spacing=16,
                vertical_alignment=ft.CrossAxisAlignment.CENTER,
                controls=[self.overall, self.summary, self.updated],
            ),
            self.grid,
        )

    def card(self, name: str) -> CheckCard:
        """The card of a check, made the first time the check is seen."""
        if name not in self.cards:
            self.cards[name] = CheckCard(name)
        return self.cards[name]

    def show(self, report: HealthReport) -> None:
        """Render a report into the controls (without sending them)."""
        self.overall.value = f"Overall: {report.status.value.upper()}"
        self.overall.color = STATUS_COLORS[report.status]
        counts = {status: 0 for status in Status}
        for result in report.checks:
            counts[result.status] += 1
        self.summary.value = " · ".join(
            f"{count} {status.value}" for status, count in counts.items() if count
        )
        self.updated.value = f"updated {datetime.now():%H:%M:%S}"
        cards = [self.card(result.name) for result in report.checks]
        for card, result in zip(cards, report.checks, strict=True):
            card.show(result)
        self.grid.controls = [card.control for card in cards]

    async def refresh(self) -> None:
        """Run every check and send the new state to the browser."""
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

    def stop(self, _: ft.Event[ft.Page]) -> None:
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
    app: FastAPI = flet_fastapi.app(
        main,
        no_cdn=True,
        app_name=settings.app_name,
        app_short_name=settings.app_name,
        app_description=f"{settings.app_name} health dashboard",
    )
    return app
