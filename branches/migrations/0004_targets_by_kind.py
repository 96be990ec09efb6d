"""Targets by kind (rural, community) at every level. Targets set before kept both kinds in
one figure: they become kind "all", as they were meant."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("branches", "0003_targets"),
        ("villages", "0005_provinces"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="target", name="target_for_county_or_township"),
        migrations.RemoveConstraint(model_name="target", name="target_one_per_county_year"),
        migrations.RemoveConstraint(model_name="target", name="target_one_per_township_year"),
        migrations.AddField(
            model_name="target",
            name="kind",
            field=models.CharField(
                choices=[("rural", "农村"), ("community", "城市社区"), ("all", "合计")],
                default="all",
                max_length=10,
                verbose_name="类型",
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="target",
            name="province",
            field=models.ForeignKey(
                blank=True, null=True, on_delete=django.db.models.deletion.CASCADE,
                related_name="+", to="villages.province",
            ),
        ),
        migrations.AddField(
            model_name="target",
            name="city",
            field=models.ForeignKey(
                blank=True, null=True, on_delete=django.db.models.deletion.CASCADE,
                related_name="+", to="villages.city",
            ),
        ),
        migrations.AddConstraint(
            model_name="target",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("city", None), ("county", None), ("province__isnull", False), ("township", None)),
                    models.Q(("city__isnull", False), ("county", None), ("province", None), ("township", None)),
                    models.Q(("city", None), ("county__isnull", False), ("province", None), ("township", None)),
                    models.Q(("city", None), ("county", None), ("province", None), ("township__isnull", False)),
                    _connector="OR",
                ),
                name="target_for_one_place",
            ),
        ),
        *(
            migrations.AddConstraint(
                model_name="target",
                constraint=models.UniqueConstraint(
                    fields=("year", "kind", field), name=f"target_one_per_{field}_kind_year"
                ),
            )
            for field in ("province", "city", "county", "township")
        ),
        migrations.AddConstraint(
            model_name="target",
            constraint=models.CheckConstraint(
                condition=models.Q(("kind__in", ["rural", "community", "all"])),
                name="target_kind_valid",
            ),
        ),
    ]
