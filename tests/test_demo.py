"""`seed_demo` builds a believable county, idempotently, and each role lands on its own page."""

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from accounts.choices import Role
from accounts.models import User
from branches.models import Branch
from scoring.choices import ChecklistState
from scoring.models import Answer, Checklist, Transition
from villages.choices import VillageKind
from villages.models import Township, Village

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """Seeded once for the module (it takes seconds), committed, and flushed afterwards so
    that no other module sees it; each test still runs in its own rolled-back transaction."""
    md5 = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # as every test uses (conftest)
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=md5):
        call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
        yield
        call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def demo(seeded, db):
    return None


def test_the_demo_county_is_big_enough_to_be_real(demo):
    assert Township.objects.count() >= 10
    assert Village.objects.filter(kind=VillageKind.RURAL).count() >= 250
    assert Village.objects.filter(kind=VillageKind.COMMUNITY).count() >= 15
    assert Branch.objects.count() == Village.objects.count()
    assert not Branch.objects.filter(secretary=None).exists()
    assert Branch.objects.filter(weak_lax=True).exists()
    assert Branch.objects.exclude(first_secretary="").exists()


def test_seeding_twice_changes_nothing(demo):
    def counts():
        return (
            Village.objects.count(),
            Branch.objects.count(),
            User.objects.count(),
            Answer.objects.count(),
            Transition.objects.count(),
        )

    before = counts()
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert counts() == before


def test_the_demo_answers_give_a_realistic_spread_of_levels_and_states(demo):
    annual = Checklist.objects.filter(cycle__code=str(timezone.localdate().year))
    assert annual.count() == Branch.objects.count()
    levels = dict(annual.values_list("level").annotate(n=Count("pk")).values_list("level", "n"))
    assert len(levels) >= 5, levels
    share = sum(n for level, n in levels.items() if level >= 3) / annual.count()
    assert 0.5 < share < 0.9, levels
    states = set(annual.values_list("state", flat=True))
    assert {ChecklistState.DRAFT, ChecklistState.SUBMITTED, ChecklistState.PUBLICITY} <= states
    quarterly = Checklist.objects.filter(cycle__quarter__isnull=False)
    assert quarterly.count() == 2 * Branch.objects.count()  # two quarters, for trends


@pytest.mark.parametrize(
    ("username", "expected"),
    [("county", "清河县"), ("town03", "城关镇"), ("13921100201", "薛岗村")],
)
def test_each_demo_account_signs_in_to_its_own_place(client, demo, username, expected):
    response = client.post(reverse("login"), {"username": username, "password": "wuxing2026"})
    assert response.status_code == 302, "the demo password must sign in through the login page"
    page = client.get(reverse("home"), follow=True).content.decode()
    assert expected in page


def test_the_login_page_speaks_chinese_by_default(client):
    page = client.get(reverse("login")).content.decode()
    assert "登录" in page and 'lang="zh-hans"' in page


def test_the_county_page_shows_each_township_in_a_fixed_number_of_queries(
    client, demo, django_assert_max_num_queries
):
    client.force_login(User.objects.get(username="county"))
    with django_assert_max_num_queries(8):
        page = client.get(reverse("home")).content.decode()
    assert all(t.name in page for t in Township.objects.all())
    assert User.objects.get(username="county").role == Role.COUNTY


def test_english_is_available_for_those_who_choose_it(client, demo):
    client.force_login(User.objects.get(username="county"))
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("home")).content.decode()
    assert "Party branch" in page or "Sign out" in page
    assert "退出" not in page


def test_an_english_browser_still_gets_chinese_until_the_user_chooses(client):
    page = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "登录" in page


def test_the_demo_has_targets_and_a_dashboard_to_open(client, demo):
    from scoring.models import TallySnapshot

    # Two quarters and the year (a trend to draw), each for three counties, the city and the
    # province.
    assert TallySnapshot.objects.filter(county__isnull=False).count() == 3 * 3
    assert TallySnapshot.objects.filter(province__isnull=False).count() == 3
    client.force_login(User.objects.get(username="county"))
    page = client.get(reverse("dashboard")).content.decode()
    assert "各乡镇星级分布" in page and "目标" in page and "预警" in page
    client.force_login(User.objects.get(username="city"))
    page = client.get(reverse("dashboard"), follow=True).content.decode()
    assert "中原市" in page and "各县(市、区)星级分布" in page
    assert all(name in page for name in ("清河县", "临河县", "石桥区"))
    assert "农村" in page and "城市社区" in page
