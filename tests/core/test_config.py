from pathlib import Path

import pytest

from registry.config import load_settings
from registry.errors import ConfigError


def test_defaults_use_sqlite_in_instance_folder(tmp_path: Path):
    settings = load_settings(None, {"SVA_REGISTRY_INSTANCE_PATH": str(tmp_path)})
    assert settings.database_url == f"sqlite:///{tmp_path.resolve() / 'registry.sqlite3'}"
    assert settings.github.api_url == "https://api.github.com"


def test_file_then_environment_override(tmp_path: Path):
    config = tmp_path / "c.toml"
    config.write_text(
        '[database]\nurl = "sqlite:///x.db"\n[github]\ntoken = "from-file"\n'
        '[server]\nworkers = 3\n[policy]\nallowed_licenses = ["MIT"]\n'
    )
    settings = load_settings(
        None,
        {
            "SVA_REGISTRY_CONFIG": str(config),
            "SVA_REGISTRY_GITHUB_TOKEN": "from-env",
            "SVA_REGISTRY_GITHUB_API_URL": "http://127.0.0.1:9999",
            "SVA_REGISTRY_POLICY_ALLOWED_LICENSES": "MIT, EUPL-1.2",
        },
    )
    assert settings.database.url == "sqlite:///x.db"
    assert settings.github.token == "from-env"
    assert settings.github.api_url == "http://127.0.0.1:9999"
    assert settings.server.workers == 3
    assert settings.policy.allowed_licenses == ("MIT", "EUPL-1.2")


def test_every_problem_is_listed_at_once(tmp_path: Path):
    config = tmp_path / "c.toml"
    config.write_text(
        '[server]\nport = "eighty"\nworkers = 0\ncolour = "blue"\n[nonsense]\na = 1\n'
    )
    with pytest.raises(ConfigError) as caught:
        load_settings(
            None,
            {
                "SVA_REGISTRY_CONFIG": str(config),
                "SVA_REGISTRY_GITHUB_API_URL": "ftp://x",
                "SVA_REGISTRY_DATABASE_URL": "mysql://x",
                "SVA_REGISTRY_GITHUB_TOKN": "typo",
            },
        )
    text = "\n".join(caught.value.details)
    assert "[server] port: expected a number" in text
    assert "[server] colour: unknown setting" in text
    assert "nonsense: unknown setting or section" in text
    assert "[github] api_url: not an http(s) URL" in text
    assert "[database] url: unsupported database" in text
    assert "SVA_REGISTRY_GITHUB_TOKN: unknown setting [github] tokn" in text


def test_missing_and_broken_files(tmp_path: Path):
    with pytest.raises(ConfigError, match="settings file not found"):
        load_settings(tmp_path / "absent.toml", {})
    broken = tmp_path / "broken.toml"
    broken.write_text("[server\nport = 1")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_settings(broken, {})


def test_example_config_is_valid():
    example = Path(__file__).parents[2] / "config.example.toml"
    settings = load_settings(example, {})
    assert settings.server.port == 8000
