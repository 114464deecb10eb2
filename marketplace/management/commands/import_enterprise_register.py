import datetime
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from marketplace.register import register_import_file


class Command(BaseCommand):
    help = (
        "Replace the stored extract of the Quebec enterprise register with a CSV extract "
        "(docs/enterprise-register.md), all or nothing."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--extract-date",
            type=datetime.date.fromisoformat,
            default=None,
            help="The date the register produced the extract (YYYY-MM-DD); today if omitted.",
        )

    def handle(self, *args, path: Path, extract_date: datetime.date | None, **options) -> None:
        try:
            count = register_import_file(path=path, extract_date=extract_date or timezone.localdate())
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        except OSError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Enterprise register: {count} entries imported from {path.name}.")
