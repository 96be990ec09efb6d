"""Provinces above cities. Cities kept before provinces existed get the province their code
names (its first two digits), with the name of the statistical list."""

import django.db.models.deletion
from django.db import migrations, models

PROVINCES = {
    "11": "北京市", "12": "天津市", "13": "河北省", "14": "山西省", "15": "内蒙古自治区",
    "21": "辽宁省", "22": "吉林省", "23": "黑龙江省", "31": "上海市", "32": "江苏省",
    "33": "浙江省", "34": "安徽省", "35": "福建省", "36": "江西省", "37": "山东省",
    "41": "河南省", "42": "湖北省", "43": "湖南省", "44": "广东省", "45": "广西壮族自治区",
    "46": "海南省", "50": "重庆市", "51": "四川省", "52": "贵州省", "53": "云南省",
    "54": "西藏自治区", "61": "陕西省", "62": "甘肃省", "63": "青海省", "64": "宁夏回族自治区",
    "65": "新疆维吾尔自治区",
}  # fmt: skip  (a copy: migrations never import the code they migrate)


def provinces_for_cities(apps, schema_editor):
    Province = apps.get_model("villages", "Province")
    City = apps.get_model("villages", "City")
    for city in City.objects.all():
        prefix = city.code[:2]
        province, _ = Province.objects.get_or_create(
            code=f"{prefix}0000000000", defaults={"name": PROVINCES.get(prefix, f"{prefix}省")}
        )
        City.objects.filter(pk=city.pk).update(province=province)


class Migration(migrations.Migration):
    dependencies = [("villages", "0004_models_moved_out")]

    operations = [
        migrations.CreateModel(
            name="Province",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("code", models.CharField(max_length=12, unique=True, verbose_name="区划代码")),
                ("name", models.CharField(max_length=60, verbose_name="名称")),
            ],
            options={
                "verbose_name": "省",
                "verbose_name_plural": "省",
                "ordering": ["code"],
                "abstract": False,
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            ("code__regex", "^[0-9]{12}$"),
                            ("code__endswith", "0000000000"),
                            models.Q(("code__startswith", "00"), _negated=True),
                        ),
                        name="province_code_format",
                    )
                ],
            },
        ),
        migrations.AddField(
            model_name="city",
            name="province",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="cities",
                to="villages.province",
                verbose_name="省",
            ),
        ),
        migrations.RunPython(provinces_for_cities, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="city",
            name="province",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="cities",
                to="villages.province",
                verbose_name="省",
            ),
        ),
        migrations.RemoveConstraint(model_name="city", name="city_code_format"),
        migrations.AddConstraint(
            model_name="city",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("code__regex", "^[0-9]{12}$"),
                    ("code__endswith", "00000000"),
                    models.Q(("code__endswith", "0000000000"), _negated=True),
                ),
                name="city_code_format",
            ),
        ),
    ]
