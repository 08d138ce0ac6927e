"""The LRN is unique per company whatever its case (``lrn-1`` and ``LRN-1`` are one LRN)."""

import django.db.models.functions.text
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("declarations", "0005_clearance_per_item_statuses"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="declaration",
            name="unique_lrn_per_company",
        ),
        migrations.AddConstraint(
            model_name="declaration",
            constraint=models.UniqueConstraint(
                models.F("company"),
                django.db.models.functions.text.Lower("lrn"),
                condition=models.Q(("lrn", ""), _negated=True),
                name="unique_lrn_per_company",
            ),
        ),
    ]
