import sqlite3
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections
from django.utils import timezone

from courses import clock
from trainer.backups import BackupError, database_backup, database_restore, sqlite_file, sqlite_problems

CONFIRM_WITH_YES = (
    "{backup} is a sound backup. Restoring replaces every row of {target}: stop the server "
    "(and anything else that writes), then run again with --yes."
)
CANNOT_KEEP_CURRENT = (
    "Could not keep a copy of the current database {target} ({error}); nothing was changed. "
    "If it is damaged, move it aside and run restore_db again."
)


class Command(BaseCommand):
    help = (
        "Replace the SQLite database with a backup made by backup_db. Checks the file first (an SQLite "
        "database that passes PRAGMA integrity_check and has Django's migration table with our apps), "
        "keeps a copy of the current database in var/backups (…-before-restore.sqlite3), then copies the "
        "backup in with SQLite's backup API. Stop the server first; nothing happens without --yes. "
        "Run `manage.py migrate` afterwards if the backup is older than the code."
    )

    def add_arguments(self, parser):
        parser.add_argument("backup", type=Path, help="The backup file, e.g. var/backups/trainer-20250101-120000.sqlite3.")
        parser.add_argument("--yes", action="store_true", help="Really replace the current database.")
        parser.add_argument("--database", default="default", help="DATABASES alias (default: default).")

    def handle(self, *args, **options):
        backup: Path = options["backup"]
        try:
            target = sqlite_file(settings.DATABASES[options["database"]])
            problems = sqlite_problems(backup)
            if problems:
                raise BackupError(" ".join(problems))
            if not options["yes"]:
                raise BackupError(CONFIRM_WITH_YES.format(backup=backup, target=target))
            connections.close_all()
            if target.exists():
                try:
                    kept = database_backup(
                        source=target, folder=Path(settings.VAR_DIR) / "backups",
                        at=timezone.localtime(clock.now()), suffix="-before-restore",
                    )
                except (BackupError, sqlite3.DatabaseError) as error:
                    raise BackupError(CANNOT_KEEP_CURRENT.format(target=target, error=error)) from error
                self.stdout.write(f"Kept the current database as {kept}.")
            database_restore(backup=backup, target=target)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Restored {target} from {backup}.")
