"""`manage.py load_catalogue`: load the requirement catalogue, or import the official spreadsheet.

    manage.py load_catalogue                      # levels + every edition in fixtures/schemes/
    manage.py load_catalogue --file PATH.yaml     # one edition file (levels must be loaded)
    manage.py load_catalogue --xlsx FILE --edition CODE [--title-ja … --title-en …
                             --published YYYY-MM-DD]   # official layout → a DRAFT edition

Idempotent: loading the same files again reports "unchanged" and writes nothing.
"""

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from core.exceptions import DomainError
from scheme.loader import CatalogueFileError
from scheme.models import Edition
from scheme.services import (
    CREATED,
    UNCHANGED,
    UPDATED,
    LoadResult,
    catalogue_load_all,
    catalogue_load_file,
    edition_import_xlsx,
)
from scheme.xlsx_import import SpreadsheetInvalid


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(_("“%(value)s” is not a date (YYYY-MM-DD).") % {"value": value}) from exc


class Command(BaseCommand):
    help = "Load the star levels and catalogue editions, or import the official spreadsheet."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--file", help="load one edition YAML file")
        parser.add_argument(
            "--directory", help="folder with levels.yaml and edition files (fixtures/schemes/)"
        )
        parser.add_argument("--xlsx", help="the official spreadsheet to import as a draft")
        parser.add_argument("--edition", help="edition code of the imported draft (with --xlsx)")
        parser.add_argument("--title-ja", default="", help="Japanese title of the draft")
        parser.add_argument("--title-en", default="", help="English title of the draft")
        parser.add_argument("--published", type=_date, help="publication date, YYYY-MM-DD")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["xlsx"]:
                if not options["edition"]:
                    raise CommandError(_("--xlsx needs --edition CODE."))
                result = edition_import_xlsx(
                    path=options["xlsx"],
                    code=options["edition"],
                    title_ja=options["title_ja"],
                    title_en=options["title_en"],
                    published_on=options["published"],
                )
                self._report(result)
            elif options["file"]:
                self._report(catalogue_load_file(path=options["file"]))
            else:
                report = catalogue_load_all(directory=options["directory"])
                levels = report.levels
                self.stdout.write(
                    _("levels: %(created)d created, %(updated)d updated, %(unchanged)d unchanged")
                    % {
                        "created": len(levels.created),
                        "updated": len(levels.updated),
                        "unchanged": len(levels.unchanged),
                    }
                )
                for result in report.editions:
                    self._report(result)
        except (SpreadsheetInvalid, CatalogueFileError) as exc:
            for line in exc.message.splitlines():
                self.stderr.write(line)
            raise CommandError(_("Nothing was loaded.")) from exc
        except DomainError as exc:
            raise CommandError(exc.message) from exc

    def _report(self, result: LoadResult) -> None:
        counts = result.counts
        outcomes = {
            CREATED: pgettext("catalogue load outcome", "created"),
            UPDATED: pgettext("catalogue load outcome", "updated"),
            UNCHANGED: pgettext("catalogue load outcome", "unchanged"),
        }
        line = _(
            "%(code)s: %(outcome)s (%(status)s; %(items)d items, %(criteria)d criteria; "
            "hash %(hash)s…)"
        ) % {
            "code": result.code,
            "outcome": outcomes[result.outcome],
            "status": Edition.Status(result.status).label,
            "items": counts["items"],
            "criteria": counts["criteria"],
            "hash": result.content_hash[:12],
        }
        if result.correspondences_created:
            line += " " + _("%(count)d correspondences created") % {
                "count": result.correspondences_created
            }
        style = self.style.NOTICE if result.outcome == UNCHANGED else self.style.SUCCESS
        self.stdout.write(style(line))
