"""Shared test data: one small world of two counties, built once per test that asks for it."""

from dataclasses import dataclass

import pytest
from rest_framework.test import APIClient

from accounts.choices import Role
from accounts.models import User
from accounts.services import user_create
from branches.models import Branch
from villages.choices import VillageKind
from villages.models import City, County, Province, Township, Village


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SECURE_SSL_REDIRECT = False


@dataclass
class World:
    county: County
    town1: Township
    town2: Township
    v1: Village  # rural, in town1
    c1: Village  # community, in town1
    v2: Village  # rural, in town2
    other_county: County
    other_town: Township
    v3: Village  # rural, in the other county
    county_user: User
    town1_user: User
    town2_user: User
    sec_v1: User
    sec_v2: User
    other_county_user: User
    city_user: User
    province_user: User

    def branch(self, village: Village) -> Branch:
        return Branch.objects.get(village=village)


@pytest.fixture
def world(db) -> World:
    province = Province.objects.create(code="410000000000", name="河南省")
    city = City.objects.create(code="419900000000", name="中原市", province=province)
    county = County.objects.create(code="419921000000", name="清河县", city=city)
    other = County.objects.create(code="419922000000", name="临河县", city=city)
    town1 = Township.objects.create(code="419921100000", name="城关镇", county=county)
    town2 = Township.objects.create(code="419921101000", name="黄寨镇", county=county)
    other_town = Township.objects.create(code="419922100000", name="柳林镇", county=other)
    v1 = Village.objects.create(
        code="419921100201", name="王庄村", township=town1, kind=VillageKind.RURAL
    )
    c1 = Village.objects.create(
        code="419921100001", name="幸福社区", township=town1, kind=VillageKind.COMMUNITY
    )
    v2 = Village.objects.create(
        code="419921101201", name="李楼村", township=town2, kind=VillageKind.RURAL
    )
    v3 = Village.objects.create(
        code="419922100201", name="张营村", township=other_town, kind=VillageKind.RURAL
    )
    accounts = [  # fixture name, username, name, role, place
        ("county_user", "county", "县干部", Role.COUNTY, county),
        ("town1_user", "town1", "镇干部", Role.TOWNSHIP, town1),
        ("town2_user", "town2", "镇干部二", Role.TOWNSHIP, town2),
        ("sec_v1", "13900000001", "王书记", Role.SECRETARY, v1),
        ("sec_v2", "13900000002", "李书记", Role.SECRETARY, v2),
        ("other_county_user", "other", "外县干部", Role.COUNTY, other),
        ("city_user", "city", "市干部", Role.CITY, city),
        ("province_user", "province", "省干部", Role.PROVINCE, province),
    ]
    users = {
        key: user_create(
            username=username, name=name, role=role, place=place, password="correct-horse-9"
        )
        for key, username, name, role, place in accounts
    }
    for village, secretary in (
        (v1, users["sec_v1"]),
        (v2, users["sec_v2"]),
        (c1, None),
        (v3, None),
    ):
        Branch.objects.create(
            village=village, name=f"中共{village.name}支部委员会", secretary=secretary, members=30
        )
    return World(county, town1, town2, v1, c1, v2, other, other_town, v3, **users)


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def tasks_in_process(monkeypatch):
    """Run Celery tasks in this process for a test of what they produce (CI sets a broker, and
    no worker listens to it for ordinary tests; tests/test_worker.py uses a real one)."""
    from config.celery import app

    monkeypatch.setitem(app.conf, "task_always_eager", True)
    monkeypatch.setitem(app.conf, "task_eager_propagates", True)
