"""The ``pg_trgm`` extension for the HS code search's trigram similarity (PostgreSQL only:
the operation does nothing on SQLite)."""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("agencies", "0005_routing_conditions_reasons_history")]
    operations = [TrigramExtension()]
