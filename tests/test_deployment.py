"""The production shape: compose file validation, the health probe, production settings."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
VALIDATE = [sys.executable, str(ROOT / "scripts" / "validate_compose.py")]


def test_compose_file_is_valid():
    result = subprocess.run(
        [*VALIDATE, str(ROOT / "docker-compose.yml")], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert "valid (6 services)" in result.stdout


@pytest.mark.parametrize(
    ("mutation", "expected"),
    [
        (("condition: service_healthy", "condition: service_healty"), "service_healty"),
        (
            ("      - pgdata:/var/lib/postgresql/data", "      - pgdat:/var/lib/postgresql/data"),
            "pgdat",
        ),
        (("      migrate:\n        condition", "      migrat:\n        condition"), "migrat"),
    ],
)
def test_compose_validation_catches_mistakes(tmp_path, mutation, expected):
    text = (ROOT / "docker-compose.yml").read_text()
    assert mutation[0] in text
    broken = tmp_path / "docker-compose.yml"
    broken.write_text(text.replace(mutation[0], mutation[1], 1))
    result = subprocess.run([*VALIDATE, str(broken)], capture_output=True, text=True)
    assert result.returncode != 0
    assert expected in result.stderr


@pytest.mark.django_db
def test_health_probe_reports_database_ok(client):
    response = client.get("/healthz/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def _production_check(env_overrides):
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL", "CELERY_"))
    }
    env.update({"DJANGO_SETTINGS_MODULE": "config.settings.production", **env_overrides})
    return subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True
    )


def test_production_refuses_to_start_without_secrets():
    result = _production_check({})
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_production_refuses_the_development_key():
    result = _production_check(
        {
            "DJANGO_SECRET_KEY": "django-insecure-" + "x" * 60,
            "DJANGO_ALLOWED_HOSTS": "registry.example.jp",
            "DATABASE_URL": "postgres://portal:portal@127.0.0.1:5432/portal",
            "REDIS_URL": "redis://127.0.0.1:6379/2",
            "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
        }
    )
    assert result.returncode != 0
    assert "at least 50 characters" in result.stderr
