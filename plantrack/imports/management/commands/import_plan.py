from __future__ import annotations

import json
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from plantrack.directory.models import Organisation
from plantrack.imports.pipeline import parse_bytes
from plantrack.imports.saving import SavedPlans, import_parsed
from plantrack.imports.tables import ImportFailed
from plantrack.plans.models import Plan


class Command(BaseCommand):
    help = (
        "Import plans (and the engagement registers and checklists beside them) from an xlsx, "
        "docx, pdf, csv or text file."
    )

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--dry-run", action="store_true", help="parse and report; save nothing")
        parser.add_argument("--json", action="store_true", help="print the result as JSON")
        parser.add_argument("--plan-title", default="", help="title for the imported plan")
        parser.add_argument("--organisation", help="name of the organisation that owns the plan")
        parser.add_argument("--user", help="username the import is recorded against")
        parser.add_argument(
            "--into-plan", type=int, help="id of a plan this file is a new version of"
        )

    def handle(self, *args, path, dry_run, json: bool, plan_title, **options):
        file = Path(path)
        if not file.is_file():
            raise CommandError(f"{path}: no such file")
        data = file.read_bytes()
        try:
            parsed = parse_bytes(file.name, data, plan_title=plan_title)
        except ImportFailed as exc:
            raise CommandError(str(exc)) from exc
        if dry_run:
            self._report(parsed, as_json=json)
            return
        saved = self._save(parsed, file.name, options)
        if json:
            self.stdout.write(_json_dumps(_saved_json(file.name, saved, parsed.warnings)))
            return
        for plan in saved:
            self.stdout.write(
                f"Saved plan {plan.pk}: {plan.title} ({plan.actions.count()} actions)"
            )
        for register in saved.registers:
            activities, groups = register.activities.count(), register.groups.count()
            self.stdout.write(
                f"Saved engagement register {register.pk}: {register.title} "
                f"({_count(activities, 'activity', 'activities')} in {_count(groups, 'group')})"
            )
        left_out = {r.title for r in parsed.engagement} - {r.title for r in saved.registers}
        for title in sorted(left_out):
            self.stdout.write(f"Not saved: the organisation already has a register {title!r}")
        for framework in saved.frameworks:
            items = _count(framework.items.count(), "item")
            self.stdout.write(f"Saved framework {framework.pk}: {framework.title} ({items}, draft)")
        kept = {f.title for f in parsed.frameworks} - {f.title for f in saved.frameworks}
        for title in sorted(kept):
            self.stdout.write(f"Not saved: the organisation already has a framework {title!r}")

    def _save(self, parsed, file_name: str, options) -> SavedPlans:
        if not options.get("organisation") and not options.get("into_plan"):
            raise CommandError("give --organisation NAME (or --into-plan ID) to save the import")
        user = self._user(options.get("user"))
        into = None
        if options.get("into_plan"):
            into = Plan.objects.filter(pk=options["into_plan"]).first()
            if into is None:
                raise CommandError(f"there is no plan {options['into_plan']}")
        organisation = (
            into.owner_organisation
            if into
            else (Organisation.objects.filter(name__iexact=options["organisation"]).first())
        )
        if organisation is None:
            raise CommandError(f"there is no organisation called {options['organisation']!r}")
        try:
            return import_parsed(
                actor=user,
                parsed=parsed,
                owner_organisation=organisation,
                into_plan=into,
                source_document=file_name,
            )
        except (ValidationError, PermissionDenied) as exc:
            message = "; ".join(getattr(exc, "messages", [str(exc)]))
            raise CommandError(f"nothing was saved: {message}") from exc

    def _user(self, username: str | None):
        users = get_user_model().objects
        if username:
            user = users.filter(username=username).first()
            if user is None:
                raise CommandError(f"there is no user {username!r}")
            return user
        user = users.filter(is_superuser=True, is_active=True).order_by("pk").first()
        if user is None:
            raise CommandError("give --user USERNAME: there is no site admin to record it against")
        return user

    def _report(self, parsed, *, as_json: bool) -> None:
        if as_json:
            self.stdout.write(_json_dumps(parsed.to_json()))
            return
        for plan in parsed.plans:
            if not plan.action_count and (parsed.engagement or parsed.frameworks):
                continue  # a register or a checklist alone: no plan to speak of
            self.stdout.write(f"{plan.title or '(untitled plan)'}: {plan.action_count} actions")
            for section in plan.sections:
                self.stdout.write(f"  {section.title}: {len(section.actions)}")
        for framework in parsed.frameworks:
            self.stdout.write(
                f"Framework {framework.title}: {_count(len(framework.items), 'item')}"
            )
        for register in parsed.engagement:
            count = _count(len(register.activities), "activity", "activities")
            self.stdout.write(f"Engagement register {register.title}: {count}")
            for group in register.groups:
                in_group = sum(1 for a in register.activities if a.group == group)
                self.stdout.write(f"  {group}: {in_group}")
        for warning in parsed.warnings:
            self.stdout.write(f"warning: {warning}")


def _count(n: int, one: str, many: str = "") -> str:
    return f"{n} {one if n == 1 else many or one + 's'}"


def _saved_json(file_name: str, saved: SavedPlans, warnings: list[str]) -> dict:
    return {
        "file": file_name,
        "saved": [{"id": p.pk, "title": p.title, "actions": p.actions.count()} for p in saved],
        "registers": [
            {"id": r.pk, "title": r.title, "activities": r.activities.count()}
            for r in saved.registers
        ],
        "frameworks": [
            {"id": f.pk, "title": f.title, "items": f.items.count()} for f in saved.frameworks
        ],
        "warnings": warnings,
    }


def _json_dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)
