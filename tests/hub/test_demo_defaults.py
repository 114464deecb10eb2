"""`make run`'s embedded defaults: the demo starts on a fresh checkout whatever else already runs."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_demo_database_is_created_when_its_folder_does_not_exist_yet(tmp_path):
    # As when a search node from another checkout answers: the services script then makes no .var/.
    var_dir = tmp_path / "fresh-checkout" / ".var"
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("DJANGO_", "DATABASE_", "CELERY_", "SEARCH_"))
    }
    environment.update(DJANGO_DEBUG="1", MAILLAGE_VAR_DIR=str(var_dir))

    migrated = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )

    assert migrated.returncode == 0, migrated.stderr
    assert (var_dir / "maillage.sqlite3").is_file()
