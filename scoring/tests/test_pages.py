"""The checklist, review, county, public and branch pages, through the Django test client."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from access.gate import SYSTEM
from catalogues.models import Criterion, Star
from catalogues.tests.conftest import YEAR, answers_for
from scoring.choices import ChecklistState
from scoring.models import Checklist, Evidence, Objection, Publicity
from scoring.services.checklists import answers_save, checklist_open
from scoring.services.publicity import publicity_open
from scoring.services.workflow import checklist_approve, checklist_pass, checklist_submit

pytestmark = pytest.mark.django_db
S = ChecklistState
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF" + b"\x00" * 200


@pytest.fixture
def checklist(world, rural, cycle):
    return checklist_open(branch=world.branch(world.v1), cycle=cycle, user=SYSTEM)


def form_data(checklist, answers):
    data = {"revision": checklist.revision}
    for code, value in answers.items():
        if value is True:
            data[f"a-{code}"] = "yes"
        elif value is False:
            data[f"a-{code}"] = "no"
        else:
            data[f"a-{code}"] = str(value)
    return data


def test_a_secretary_lands_on_the_own_branch_record_and_opens_the_checklist(
    client, world, rural, cycle
):
    client.force_login(world.sec_v1)
    page = client.get(reverse("home"), follow=True).content.decode()
    assert "创星清单" in page and "开始填报" in page
    response = client.post(reverse("checklist-open", args=[world.v1.code, str(YEAR)]))
    checklist = Checklist.objects.get(branch__village=world.v1)
    assert response["Location"] == reverse("checklist", args=[checklist.pk])


def test_the_checklist_page_groups_criteria_by_star_in_chinese(client, world, checklist):
    client.force_login(world.sec_v1)
    page = client.get(reverse("checklist", args=[checklist.pk])).content.decode()
    assert "支部过硬星" in page and "产业兴旺星" in page
    assert "村集体经济年经营性收入" in page and "一票否决" in page and "硬指标" in page
    assert 'name="a-CY-01"' in page and 'capture="environment"' in page
    assert "保存草稿" in page and "提交审核" in page


def test_saving_a_draft_with_thousands_separators_and_full_width_digits(client, world, checklist):
    client.force_login(world.sec_v1)
    data = form_data(checklist, {"ZB-01": True, "CY-01": "250,000", "ZB-03": "１２"})
    response = client.post(reverse("checklist", args=[checklist.pk]), data)
    assert response.status_code == 302
    values = {a.criterion.code: a.value for a in checklist.answers.select_related("criterion")}
    assert values["ZB-01"] is True and values["CY-01"] == 250000 and values["ZB-03"] == 12


def test_a_bad_value_is_marked_in_chinese_and_nothing_is_saved(client, world, checklist):
    client.force_login(world.sec_v1)
    data = form_data(checklist, {"ZB-01": True, "CY-01": "二十万", "ZB-08": "120"})
    response = client.post(reverse("checklist", args=[checklist.pk]), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "“二十万”不是数字" in page and "本次没有保存" in page
    assert not checklist.answers.filter(criterion__fact="").exists()  # registers set the rest
    assert 'value="二十万"' in page  # what was typed comes back to be corrected
    assert 'name="a-ZB-01" value="yes" checked' in page
    response = client.post(
        reverse("checklist", args=[checklist.pk]), form_data(checklist, {"ZB-08": "120"})
    )
    assert response.status_code == 400 and "百分比须在0～100之间" in response.content.decode()


def test_submitting_from_the_page_locks_the_answers(client, world, checklist):
    client.force_login(world.sec_v1)
    data = form_data(checklist, answers_for(checklist.catalogue)) | {"submit": "1"}
    client.post(reverse("checklist", args=[checklist.pk]), data)
    checklist.refresh_from_db()
    assert checklist.state == S.SUBMITTED
    page = client.get(reverse("checklist", args=[checklist.pk])).content.decode()
    assert 'name="a-ZB-01"' not in page and "已提交" in page
    again = form_data(checklist, {"ZB-01": False})
    client.post(reverse("checklist", args=[checklist.pk]), again, follow=True)
    assert checklist.answers.get(criterion__code="ZB-01").value is True


def test_submitting_an_incomplete_checklist_says_what_is_missing(client, world, checklist):
    client.force_login(world.sec_v1)
    data = form_data(checklist, {"ZB-01": True}) | {"submit": "1"}
    page = client.post(reverse("checklist", args=[checklist.pk]), data, follow=True)
    assert "全部作答后才能提交" in page.content.decode()
    checklist.refresh_from_db()
    assert checklist.state == S.DRAFT


def test_evidence_is_checked_saved_and_served_only_within_scope(client, world, checklist):
    client.force_login(world.sec_v1)
    data = form_data(checklist, {}) | {
        "e-ZB-03": SimpleUploadedFile("会议记录.jpg", JPEG, "image/jpeg")
    }
    client.post(reverse("checklist", args=[checklist.pk]), data)
    evidence = Evidence.objects.get()
    assert evidence.name == "会议记录.jpg" and evidence.content_type == "image/jpeg"
    url = reverse("evidence-file", args=[evidence.pk])
    assert client.get(url).status_code == 200
    client.force_login(world.town1_user)
    assert client.get(url).status_code == 200
    for outsider in (world.sec_v2, world.town2_user, world.other_county_user):
        client.force_login(outsider)
        assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302


def test_a_file_that_is_not_a_photo_or_pdf_is_refused_and_nothing_saved(client, world, checklist):
    client.force_login(world.sec_v1)
    data = form_data(checklist, {"ZB-01": True}) | {
        "e-ZB-03": SimpleUploadedFile("photo.jpg", b"MZ\x90\x00 an executable", "image/jpeg")
    }
    response = client.post(reverse("checklist", args=[checklist.pk]), data)
    assert response.status_code == 400 and "不是照片" in response.content.decode()
    assert not Evidence.objects.exists() and not checklist.answers.filter(value_bool=True).exists()


def test_a_file_over_the_size_limit_is_refused(client, world, checklist, settings):
    settings.WUXING_EVIDENCE_MAX_BYTES = 1024
    client.force_login(world.sec_v1)
    big = SimpleUploadedFile("big.pdf", b"%PDF-1.7" + b"0" * 4096, "application/pdf")
    response = client.post(
        reverse("checklist", args=[checklist.pk]), form_data(checklist, {}) | {"e-ZB-03": big}
    )
    assert response.status_code == 400 and "太大" in response.content.decode()
    assert not Evidence.objects.exists()


def test_a_secretary_cannot_open_another_branchs_checklist(client, world, rural, cycle):
    other = checklist_open(branch=world.branch(world.v2), cycle=cycle, user=SYSTEM)
    client.force_login(world.sec_v1)
    assert client.get(reverse("checklist", args=[other.pk])).status_code == 404
    assert client.post(reverse("checklist", args=[other.pk]), {}).status_code == 404


def submit(world, checklist):
    answers_save(checklist=checklist, user=world.sec_v1, answers=answers_for(checklist.catalogue))
    checklist_submit(checklist=checklist, user=world.sec_v1)


def test_the_township_returns_with_reasons_the_secretary_then_sees(client, world, checklist):
    submit(world, checklist)
    client.force_login(world.town1_user)
    page = client.get(reverse("checklist", args=[checklist.pk])).content.decode()
    assert "初审通过" in page and 'name="r-CY-01"' in page
    client.post(
        reverse("checklist-action", args=[checklist.pk, "return"]),
        {"reason": "材料不全", "r-CY-01": "请附集体经济账目"},
    )
    client.force_login(world.sec_v1)
    page = client.get(reverse("checklist", args=[checklist.pk])).content.decode()
    assert "退回修改" in page and "请附集体经济账目" in page and "材料不全" in page
    # The returned items open the page, each by code and name, linked to the item itself.
    assert "有 1 项附了退回意见" in page
    text = Criterion.objects.get(catalogue=checklist.catalogue, code="CY-01").text
    assert f'<a href="#c-CY-01"><span class="code">CY-01</span> {text[:29]}' in page
    assert 'id="c-CY-01"' in page


def test_stars_and_criteria_are_named_wherever_they_are_read(client, world, checklist):
    answers = answers_for(checklist.catalogue, failing=("CY",))
    answers_save(checklist=checklist, user=world.sec_v1, answers=answers)
    client.force_login(world.sec_v1)
    page = client.get(reverse("checklist", args=[checklist.pk])).content.decode()
    zb = Star.objects.get(catalogue=checklist.catalogue, code="ZB").name
    assert f"ZB {zb}" in page and '"stars": {' in page  # the chips, and the names for the script
    assert "达到本星合格分" in page  # a reason is a sentence, not a bare figure


def test_the_review_queue_passes_several_at_once(client, world, rural, community, cycle):
    lists = [
        checklist_open(branch=world.branch(v), cycle=cycle, user=SYSTEM)
        for v in (world.v1, world.c1)
    ]
    for checklist in lists:
        answers_save(
            checklist=checklist, user=world.town1_user, answers=answers_for(checklist.catalogue)
        )
        checklist_submit(checklist=checklist, user=world.town1_user)
    client.force_login(world.town1_user)
    page = client.get(reverse("review")).content.decode()
    assert world.v1.name in page and world.c1.name in page
    response = client.post(reverse("review"), {"checklist": [c.pk for c in lists]}, follow=True)
    assert "已通过2份清单" in response.content.decode()
    assert set(Checklist.objects.values_list("state", flat=True)) == {S.REVIEWED}


def test_the_review_queue_shows_only_the_own_township_in_fixed_queries(
    client, world, rural, community, cycle, django_assert_max_num_queries
):
    for village in (world.v1, world.c1, world.v2):
        checklist = checklist_open(branch=world.branch(village), cycle=cycle, user=SYSTEM)
        answers_save(
            checklist=checklist,
            user=_clerk(world, village),
            answers=answers_for(checklist.catalogue),
        )
        checklist_submit(checklist=checklist, user=_clerk(world, village))
    client.force_login(world.town1_user)
    with django_assert_max_num_queries(8):
        page = client.get(reverse("review")).content.decode()
    assert world.v1.name in page and world.v2.name not in page
    client.force_login(world.sec_v1)
    assert client.get(reverse("review")).status_code == 403


def _clerk(world, village):
    return world.town1_user if village.township == world.town1 else world.town2_user


def test_the_checklist_page_runs_a_fixed_number_of_queries(
    client, world, checklist, django_assert_max_num_queries
):
    answers_save(checklist=checklist, user=world.sec_v1, answers=answers_for(checklist.catalogue))
    client.force_login(world.sec_v1)
    # The branch's standing veto events and the header's unread count are one query each.
    with django_assert_max_num_queries(18):
        assert client.get(reverse("checklist", args=[checklist.pk])).status_code == 200


def test_the_county_approves_and_opens_publicity_in_batches(client, world, checklist):
    submit(world, checklist)
    checklist_pass(checklist=checklist, user=world.town1_user)
    client.force_login(world.county_user)
    page = client.get(reverse("ratings") + f"?cycle={YEAR}&state=reviewed").content.decode()
    assert world.v1.name in page and "批量审定" in page
    client.post(
        reverse("ratings-approve") + f"?cycle={YEAR}&state=reviewed",
        {"checklist": [checklist.pk]},
    )
    checklist.refresh_from_db()
    assert checklist.state == S.APPROVED
    # Issue 28: the notice silently left out the county's phone and address when none was
    # set; the page says so before publishing, and the publishing says so again.
    unset = "公示通知上还没有监督电话或来信来访地址"
    page = client.get(reverse("ratings") + f"?cycle={YEAR}&state=approved").content.decode()
    assert unset in page
    published = client.post(
        reverse("ratings-publish") + f"?cycle={YEAR}&state=approved",
        {"checklist": [checklist.pk], "days": "7"},
        follow=True,
    ).content.decode()
    checklist.refresh_from_db()
    publicity = Publicity.objects.get()
    assert checklist.state == S.PUBLICITY and (publicity.ends_at - publicity.starts_at).days == 7
    assert "已对1个支部开始公示" in published and unset in published
    client.post(
        reverse("ratings-contact") + f"?cycle={YEAR}&state=publicity",
        {"address": "县委组织部一楼", "phone": "0371-12345678"},
    )
    page = client.get(reverse("ratings") + f"?cycle={YEAR}&state=publicity").content.decode()
    assert unset not in page


def test_publishing_from_the_checklist_page_warns_of_the_notice_missing_its_contact(
    client, world, checklist
):
    """The warning holds on both paths that put a rating before the public."""
    submit(world, checklist)
    checklist_pass(checklist=checklist, user=world.town1_user)
    checklist_approve(checklist=checklist, user=world.county_user)
    client.force_login(world.county_user)
    page = client.post(
        reverse("checklist-action", args=[checklist.pk, "publish"]), {"days": "5"}, follow=True
    ).content.decode()
    checklist.refresh_from_db()
    assert checklist.state == S.PUBLICITY and "已开始公示。" in page
    assert "公示通知上还没有监督电话或来信来访地址" in page


def test_the_public_page_lists_ratings_under_publicity_and_takes_objections(
    client, world, checklist
):
    submit(world, checklist)
    checklist_pass(checklist=checklist, user=world.town1_user)
    checklist_approve(checklist=checklist, user=world.county_user)
    publicity_open(checklists=[checklist], user=world.county_user)
    url = reverse("public", args=[world.county.code])
    page = client.get(url).content.decode()  # no sign-in
    assert world.v1.name in page and "提出异议" in page
    assert (
        world.v1.name
        not in client.get(reverse("public", args=[world.other_county.code])).content.decode()
    )
    response = client.post(
        url,
        {
            "checklist": checklist.pk,
            "name": "张三",
            "contact": "13800000000",
            "text": "集体收入数据不实",
        },
        follow=True,
    )
    assert "异议已收到" in response.content.decode()
    objection = Objection.objects.get()
    assert objection.contact == "13800000000" and objection.client
    bad = client.post(url, {"checklist": checklist.pk, "name": "", "contact": "x", "text": "短"})
    assert bad.status_code == 400
    client.force_login(world.county_user)
    page = client.get(reverse("ratings") + "?state=publicity").content.decode()
    assert "待处理异议" in page and "集体收入数据不实" in page


def test_objections_are_throttled_per_client(client, world, checklist, settings):
    settings.WUXING_OBJECTIONS_PER_HOUR = 2
    submit(world, checklist)
    checklist_pass(checklist=checklist, user=world.town1_user)
    checklist_approve(checklist=checklist, user=world.county_user)
    publicity_open(checklists=[checklist], user=world.county_user)
    url = reverse("public", args=[world.county.code])
    data = {
        "checklist": checklist.pk,
        "name": "张三",
        "contact": "13800000000",
        "text": "数据不实的异议",
    }
    for _ in range(2):
        client.post(url, data)
    third = client.post(url, data)
    assert third.status_code == 400 and "过于频繁" in third.content.decode()
    assert Objection.objects.count() == 2


def test_the_county_opens_cycles_only_for_years_with_a_published_catalogue(client, world, rural):
    client.force_login(world.county_user)
    url = reverse("ratings-cycle")
    page = client.post(url, {"code": f"{YEAR + 5}"}, follow=True).content.decode()
    assert "还没有发布星级标准" in page
    page = client.post(url, {"code": f"{YEAR}Q2"}, follow=True).content.decode()
    assert f"已开设评定周期{YEAR}Q2" in page
    assert client.post(url, {"code": "20x6"}, follow=True).status_code == 200
    from catalogues.models import Cycle

    assert list(Cycle.objects.values_list("code", flat=True)) == [f"{YEAR}Q2"]
    client.force_login(world.town1_user)
    assert client.post(url, {"code": f"{YEAR}"}).status_code == 403


def test_a_submitted_checklist_can_still_be_simulated_without_saving(client, world, checklist):
    submit(world, checklist)
    client.force_login(world.sec_v1)
    page = client.get(reverse("checklist", args=[checklist.pk])).content.decode()
    assert "?simulate=1" in page and 'name="a-ZB-01"' not in page
    page = client.get(reverse("checklist", args=[checklist.pk]) + "?simulate=1").content.decode()
    assert 'data-simulate="1"' in page and 'name="a-ZB-01"' in page
    assert 'name="save"' not in page and "不会保存" in page
