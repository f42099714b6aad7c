"""The ConfigMap of the Kubernetes manifests holds settings the app reads, with values
it accepts."""

from pathlib import Path

from app.core.config import Settings

DEPLOY = Path(__file__).resolve().parents[1] / "deploy/kubernetes"
SETTINGS_ENV = DEPLOY / "base/settings.env"


def test_every_line_of_the_configmap_is_a_setting_the_app_accepts() -> None:
    lines = SETTINGS_ENV.read_text().splitlines()
    values = dict(
        line.split("=", 1) for line in lines if line and not line.startswith("#")
    )
    assert set(values) <= {name.upper() for name in Settings.model_fields}
    settings = Settings.model_validate({k.lower(): v for k, v in values.items()})
    assert settings.environment == "production"
    assert settings.model_dump()["metrics_port"] == int(values["METRICS_PORT"])
