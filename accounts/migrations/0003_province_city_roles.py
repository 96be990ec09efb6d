"""Province and city staff (省委组织部, 市委组织部), bound to their place like every role."""

import django.db.models.deletion
from django.db import migrations, models

FIELDS = ("province", "city", "county", "township", "village")


def bound_to(field):
    return {f"{f}__isnull" if f == field else f: False if f == field else None for f in FIELDS}


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_user_table"),
        ("villages", "0005_provinces"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="user", name="user_role_matches_place"),
        migrations.AddField(
            model_name="user",
            name="province",
            field=models.ForeignKey(
                blank=True, null=True, on_delete=django.db.models.deletion.PROTECT,
                related_name="+", to="villages.province", verbose_name="所属省",
            ),
        ),
        migrations.AddField(
            model_name="user",
            name="city",
            field=models.ForeignKey(
                blank=True, null=True, on_delete=django.db.models.deletion.PROTECT,
                related_name="+", to="villages.city", verbose_name="所属市",
            ),
        ),
        migrations.AlterField(
            model_name="user",
            name="role",
            field=models.CharField(
                blank=True,
                choices=[
                    ("", "无"), ("province", "省委组织部"), ("city", "市委组织部"),
                    ("county", "县委组织部"), ("township", "乡镇(街道)"),
                    ("secretary", "村(社区)党组织书记"),
                ],
                max_length=10,
                verbose_name="角色",
            ),
        ),
        migrations.AddConstraint(
            model_name="user",
            constraint=models.CheckConstraint(
                condition=(
                    models.Q(role="", **bound_to(None))
                    | models.Q(role="province", **bound_to("province"))
                    | models.Q(role="city", **bound_to("city"))
                    | models.Q(role="county", **bound_to("county"))
                    | models.Q(role="township", **bound_to("township"))
                    | models.Q(role="secretary", **bound_to("village"))
                ),
                name="user_role_matches_place",
            ),
        ),
    ]
