import time

from django.core.management.base import BaseCommand

from matching.search.outbox import index_rebuild_all


class Command(BaseCommand):
    help = "Build new search indexes from the database and swap the aliases to them atomically."

    def handle(self, *args, **options) -> None:
        started = time.monotonic()
        index_rebuild_all()
        self.stdout.write(f"Indexes rebuilt in {time.monotonic() - started:.1f} s.")
