import json
from pathlib import Path

from django.core.management.base import BaseCommand

from marketplace.catalog import catalog_export


class Command(BaseCommand):
    help = "Export the marketplace to a hub-catalog/1 file."

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", type=Path)

    def handle(self, *args, path: Path, **options) -> None:
        data = catalog_export()
        path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        self.stdout.write(
            f"{len(data['vendors'])} vendors and {len(data['challenges'])} challenges written to {path}"
        )
