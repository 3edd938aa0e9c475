from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from courses import clock
from trainer.backups import BackupError, database_backup, sqlite_file


class Command(BaseCommand):
    help = (
        "Write a consistent copy of the SQLite database to var/backups/trainer-YYYYmmdd-HHMMSS.sqlite3 "
        "with SQLite's online backup API. Safe while the server runs: the copy holds every transaction "
        "committed before it started and none after. The copy is checked with PRAGMA integrity_check. "
        "Refuses for PostgreSQL, which is backed up with pg_dump."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output-dir", type=Path, default=None,
            help="Folder for the copy (default: var/backups under TRAINER_VAR_DIR).",
        )
        parser.add_argument("--database", default="default", help="DATABASES alias (default: default).")

    def handle(self, *args, **options):
        try:
            source = sqlite_file(settings.DATABASES[options["database"]])
            path = database_backup(
                source=source, folder=options["output_dir"] or Path(settings.VAR_DIR) / "backups",
                at=timezone.localtime(clock.now()),
            )
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Backed up {source} to {path} ({path.stat().st_size // 1024} KiB).")
