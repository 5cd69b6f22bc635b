from pathlib import Path

import pytest

from webapp.settings import Settings, SettingsError


def test_defaults_match_the_documented_ones() -> None:
    settings = Settings.from_env({})
    assert settings.database == Path("data/webapp.db")
    assert settings.max_concurrency == 32
    assert settings.max_queued == 10_000
    assert settings.max_attempts == 4
    assert settings.job_ttl_seconds == 86_400
    assert settings.demo_delay_seconds == 3
    assert settings.source == "auto"


def test_values_come_from_webapp_variables() -> None:
    settings = Settings.from_env(
        {
            "WEBAPP_DATABASE": "/tmp/x.db",
            "WEBAPP_MAX_CONCURRENCY": "4",
            "WEBAPP_JOB_TTL_SECONDS": "60.5",
            "WEBAPP_DEMO_DELAY_SECONDS": "0",
            "WEBAPP_SOURCE": "demo",
            "WEBAPP_MAX_QUEUED": " ",  # blank means default
        }
    )
    assert settings.database == Path("/tmp/x.db")
    assert settings.max_concurrency == 4
    assert settings.job_ttl_seconds == 60.5
    assert settings.demo_delay_seconds == 0
    assert settings.source == "demo"
    assert settings.max_queued == 10_000


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("WEBAPP_MAX_CONCURRENCY", "many", "must be a whole number"),
        ("WEBAPP_MAX_CONCURRENCY", "0", "at least 1"),
        ("WEBAPP_JOB_TTL_SECONDS", "-1", "must not be negative"),
        ("WEBAPP_DEMO_DELAY_SECONDS", "soon", "number of seconds"),
        ("WEBAPP_SOURCE", "scrape", "'auto' or 'demo'"),
    ],
)
def test_bad_values_are_refused_with_the_variable_named(
    variable: str, value: str, message: str
) -> None:
    with pytest.raises(SettingsError) as caught:
        Settings.from_env({variable: value})
    assert variable in str(caught.value)
    assert message in str(caught.value)


def test_cli_reports_a_bad_setting_and_exits_2(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from webapp.cli import main

    monkeypatch.setenv("WEBAPP_MAX_ATTEMPTS", "lots")
    assert main(["serve", "--port", "1"]) == 2
    assert "WEBAPP_MAX_ATTEMPTS must be a whole number" in capsys.readouterr().err
