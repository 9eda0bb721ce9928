"""``creditdesk import-mappings``: list and delete the column mappings saved for imports."""

from __future__ import annotations

import argparse
from datetime import date

from creditdesk.cli.output import print_table
from creditdesk.cli.parsing import Subcommands
from creditdesk.cli.running import EXIT_OK, fail, with_db
from creditdesk.services.company.company_file import Database
from creditdesk.services.company.locations import BooksPlace
from creditdesk.services.imports import mappings


def add_import_mappings(sub: Subcommands) -> None:
    group = sub.add_parser(
        "import-mappings",
        help="list or delete the column mappings saved for imports",
        description="A mapping is saved from the window's import; its name can then be given to "
        "'creditdesk import … --source NAME'.",
    )
    actions = group.add_subparsers(dest="action", metavar="ACTION", required=True, parser_class=type(group))
    listing = actions.add_parser("list", help="list the saved mappings")
    listing.add_argument("--kind", choices=mappings.KINDS, help="only the mappings of this kind of import")
    listing.set_defaults(run=cmd_list)
    delete = actions.add_parser("delete", help="delete a saved mapping")
    delete.add_argument("name", metavar="NAME")
    delete.add_argument("--kind", choices=mappings.KINDS, help="which kind of import it is for")
    delete.set_defaults(run=cmd_delete)


def cmd_list(args: argparse.Namespace, path: BooksPlace, as_of: date) -> int:
    def action(db: Database) -> int:
        saved = mappings.saved_mappings(db, args.kind)
        if not saved:
            print("No mapping has been saved yet.")
            return EXIT_OK
        rows = [
            [
                m.kind,
                m.name,
                ", ".join(f"{column} → {target.value}" for target, column in m.mapping.columns.items()),
            ]
            for m in saved
        ]
        print_table(rows, ("Kind", "Name", "Columns"))
        return EXIT_OK

    return with_db(path, action)


def cmd_delete(args: argparse.Namespace, path: BooksPlace, as_of: date) -> int:
    def action(db: Database) -> int:
        kind = args.kind
        if kind is None:
            wanted = args.name.strip().casefold()
            saved = mappings.saved_mappings(db)
            kinds = [m.kind for m in saved if m.name.casefold() == wanted]
            if not kinds:
                names = ", ".join(f"{m.name} ({m.kind})" for m in saved) or "none"
                return fail(f"There is no saved mapping named '{args.name}'; the saved ones are: {names}.")
            if len(kinds) > 1:
                return fail(
                    f"Mappings named '{args.name}' are saved for {', '.join(kinds)}; choose one with --kind."
                )
            kind = kinds[0]
        name = mappings.delete_mapping(db, kind, args.name)
        print(f"Deleted the saved mapping '{name}' ({kind}).")
        return EXIT_OK

    return with_db(path, action)
