"""``manage.py routing_preview RULE_ID --days 30``: what a routing rule would add or remove
per agency over the declarations of the last N days, before it is activated. Reads only."""

from django.core.management.base import BaseCommand, CommandError, CommandParser

from agencies.models import RoutingRule
from agencies.routing.preview import rule_preview


class Command(BaseCommand):
    help = "Show per agency the declarations and goods items a routing rule would add or remove."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("rule_id", type=int)
        parser.add_argument("--days", type=int, default=30, help="look back this many days")

    def handle(self, *args: object, rule_id: int, days: int, **options: object) -> None:
        if days < 1:
            raise CommandError("--days must be at least 1")
        rule = RoutingRule.objects.select_related("agency").filter(pk=rule_id).first()
        if rule is None:
            raise CommandError(f"no routing rule {rule_id}")
        preview = rule_preview(rule, days=days)
        state = "active" if rule.active else "inactive"
        self.stdout.write(f"Rule {rule.pk} ({state}) -> {rule.agency}: {rule}")
        self.stdout.write(
            f"{preview.declarations} declaration(s) lodged since {preview.since:%Y-%m-%d %H:%M}"
        )
        if not preview.changes:
            self.stdout.write("No change for any agency.")
        for change in preview.changes:
            self.stdout.write(
                f"{change.agency}: declarations +{change.declarations_added} "
                f"-{change.declarations_removed}, goods items +{change.items_added} "
                f"-{change.items_removed}"
            )
            if change.examples_added:
                self.stdout.write("  added: " + "; ".join(change.examples_added))
            if change.examples_removed:
                self.stdout.write("  removed: " + "; ".join(change.examples_removed))
