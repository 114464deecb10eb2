from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from marketplace.catalog import catalog_import, catalog_load


class Command(BaseCommand):
    help = "Import (upsert by key) a hub-catalog/1 file, in one transaction."

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", type=Path)

    def handle(self, *args, path: Path, **options) -> None:
        try:
            report = catalog_import(data=catalog_load(path))
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        for section in ("regions", "taxonomy", "organizations", "vendors", "challenges", "judgments"):
            self.stdout.write(
                f"{section}: {report.created.get(section, 0)} created, {report.updated.get(section, 0)} updated"
            )
