import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from marketplace.catalog import catalog_load
from matching.evaluation import METRICS, evaluate_catalog


class Command(BaseCommand):
    help = (
        "Evaluate the matcher and a plain BM25 baseline against a catalogue's judgments, "
        "in throw-away indexes and a rolled-back database state."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--catalog", type=Path, required=True)
        parser.add_argument("--json", action="store_true", help="Print one JSON object.")

    def handle(self, *args, catalog: Path, **options) -> None:
        try:
            results = evaluate_catalog(catalog_load(catalog))
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        if options["json"]:
            self.stdout.write(json.dumps(results, indent=2))
            return
        self.stdout.write(f"| System | Direction | Queries | {' | '.join(METRICS)} |")
        self.stdout.write("|---|---|---|" + "---|" * len(METRICS))
        for system, directions in results.items():
            for direction, values in directions.items():
                cells = " | ".join(f"{values[name]:.3f}" for name in METRICS)
                self.stdout.write(
                    f"| {system} | {direction.replace('_', ' ')} | {values['queries']} | {cells} |"
                )
