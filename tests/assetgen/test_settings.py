"""Settings: every environment variable is read here, once; bad values are errors naming the variable."""

from __future__ import annotations

from pathlib import Path

import pytest

from assetgen.errors import InvalidInput
from assetgen.settings import Settings


def test_worker_and_token_settings_come_from_the_environment(tmp_path: Path) -> None:
    env = {
        "ASSETGEN_WORKER_PROJECT_CONCURRENCY": "3",
        "ASSETGEN_WORKER_PROJECT_LOCK_TTL_MS": " 5000 ",
        "ASSETGEN_API_TOKEN": "  s3cret ",
    }
    settings = Settings.from_env(env, data_dir=tmp_path)
    assert (settings.worker_project_concurrency, settings.worker_project_lock_ttl_ms) == (3, 5000)
    assert settings.api_token == "s3cret" and "s3cret" not in repr(settings)
    defaults = Settings.from_env({"ASSETGEN_API_TOKEN": "  "}, data_dir=tmp_path)
    assert (defaults.worker_project_concurrency, defaults.worker_project_lock_ttl_ms) == (1, 30000)
    assert defaults.api_token is None


def test_a_non_integer_is_an_error_naming_the_variable(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="ASSETGEN_WORKER_PROJECT_LOCK_TTL_MS"):
        Settings.from_env({"ASSETGEN_WORKER_PROJECT_LOCK_TTL_MS": "soon"}, data_dir=tmp_path)
