from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from trainer.people import rows as people_rows
from trainer.people.selectors import people_import_check
from trainer.people.services import CREDENTIAL_KINDS, LINK, people_import


class Command(BaseCommand):
    help = """Add new hires from a CSV (UTF-8 or GB18030) or XLSX file, all rows or none.

The first row holds the headers 姓名, 用户名, 入职日期, 团队 and optionally 带教路径 (a path's name or
slug); download the template from the people page (人员 → 批量导入). Every row is checked first
(missing fields, usernames taken or repeated, unreadable dates, unknown teams or paths); if any row
has a problem, each is printed with its line number and nothing is saved. Otherwise each new hire
is printed with a one-time sign-in link (--credentials link, the default; links start with SITE_URL
or --base-url) or a temporary password that must be changed at first sign-in (--credentials password).
With --check the file is only checked."""

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--credentials", choices=CREDENTIAL_KINDS, default=LINK)
        parser.add_argument("--base-url", default=None, help="start of the sign-in links (default: SITE_URL)")
        parser.add_argument("--check", action="store_true", help="check the file, save nothing")

    def handle(self, *args, **options):
        path: Path = options["file"]
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"{path}: {exc.strerror}")
        try:
            rows = people_rows.sheet_read(filename=path.name, data=data)
        except people_rows.SheetError as exc:
            raise CommandError(f"{path.name}: {exc}")
        checked = people_import_check(user=None, rows=rows)
        problems = [(c.raw.line, msg % params if params else msg) for c in checked for msg, params in c.errors]
        if problems:
            for line, text in problems:
                self.stderr.write(f"{path.name}:{line}: {text}")
            raise CommandError(f"{len({line for line, _t in problems})} row(s) with problems in {path.name}; nothing was saved.")
        if options["check"]:
            self.stdout.write(f"{path.name}: {len(checked)} row(s), no problems.")
            return
        base = (options["base_url"] or settings.SITE_URL).rstrip("/")
        hires = people_import(actor=None, rows=rows, credentials=options["credentials"])
        for hire in hires:
            secret = f"{base}{hire.sign_in_path}" if hire.sign_in_path else hire.password
            self.stdout.write(f"{hire.user.username}\t{hire.user.name}\t{hire.user.team.name}\t{secret}")
        self.stdout.write(f"{len(hires)} new hire(s) added.")
