from django.core.management.base import BaseCommand, CommandError

from matching.search import indexing
from matching.search.kinds import INDEXED_KINDS


class Command(BaseCommand):
    help = "Compare the database with the search index; report differences and, with --fix, repair them."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--fix", action="store_true", help="Re-sync every differing record.")

    def handle(self, *args, fix: bool, **options) -> None:
        total = 0
        for kind in INDEXED_KINDS:
            diff = indexing.index_diff(kind)
            total += diff.total
            self.stdout.write(
                f"{kind}: {len(diff.missing)} missing, {len(diff.stale)} stale, {len(diff.extra)} extra"
            )
            if fix and diff.total:
                indexing.index_repair(kind, diff)
                self.stdout.write(f"{kind}: {diff.total} repaired")
        if total and not fix:
            raise CommandError(f"{total} difference(s) between the database and the index; run with --fix.")
