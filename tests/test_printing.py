"""Issue 15.2: the notices the programme needs on paper, as PDFs with our CJK font embedded:
the county's publicity notice (public while the publicity lasts), a branch's rating record, a
checklist with its evidence, and the township's A3 wall chart, each only within scope."""

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from access.gate import SYSTEM
from catalogues.tests.conftest import YEAR, answers_for
from scoring.models import Publicity
from scoring.services.checklists import answers_save, checklist_open
from scoring.services.evidence import evidence_add
from scoring.services.publicity import publicity_open
from scoring.services.workflow import (
    checklist_approve,
    checklist_pass,
    checklist_return,
    checklist_submit,
)
from scoring.tests.test_workflow import approved
from tallies.services import tally_inline

pytestmark = pytest.mark.django_db
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"
    b"\x90wS\xde\x00\x00\x00\x0cIDATx\x9cc\xf8\xcf\xc0\x00\x00\x03\x01\x01\x00\xc9\xfe\x92\xef"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)


def text_of(response) -> str:
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    fonts = [
        font.get_object() for page in reader.pages for font in page["/Resources"]["/Font"].values()
    ]
    for font in fonts:
        # Our own CJK font, subset and embedded: the PDF needs no font on the reader's computer.
        assert "+Wuxing-CJK" in str(font["/BaseFont"]), font["/BaseFont"]
        descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
        assert {"/FontFile2", "/FontFile3"} & set(descriptor), descriptor.keys()
    return "\n".join(page.extract_text() for page in reader.pages)


@pytest.fixture
def checklist(world, rural, cycle):
    return checklist_open(branch=world.branch(world.v1), cycle=cycle, user=SYSTEM)


def test_the_publicity_notice_is_public_while_the_publicity_lasts(client, world, checklist):
    world.county.notice_phone = "0371-12345678"
    world.county.save()
    approved(world, checklist)
    url = reverse("publicity-notice-pdf", args=[world.county.code])
    assert client.get(url).status_code == 404  # nothing in publicity yet
    publicity_open(checklists=[checklist], user=world.county_user, days=5)
    text = text_of(client.get(url))  # no sign-in: the public reads it
    for words in (
        f"{world.county.name}{YEAR}年度“五星”支部创建",
        "评定结果公示",
        world.town1.name,
        world.v1.name,
        "5星",
        "监督电话：0371-12345678",
        f"中共{world.county.name}委员会组织部",
        f"/public/{world.county.code}/",
    ):
        assert words in text, words
    page = client.get(reverse("publicity-notice", args=[world.county.code])).content.decode()
    assert "data:image/svg+xml" in page  # the QR code of the public page, inline
    # Issue 28: a second batch put before the public later has its own period on the notice
    # (every batch stood under one period and date).
    second = checklist_open(branch=world.branch(world.v2), cycle=checklist.cycle, user=SYSTEM)
    answers_save(checklist=second, user=world.sec_v2, answers=answers_for(second.catalogue))
    checklist_submit(checklist=second, user=world.sec_v2)
    checklist_pass(checklist=second, user=world.town2_user)
    checklist_approve(checklist=second, user=world.county_user)
    later = publicity_open(checklists=[second], user=world.county_user, days=7)
    Publicity.objects.filter(pk=later.pk).update(
        starts_at=later.starts_at + timedelta(days=2), ends_at=later.ends_at + timedelta(days=2)
    )
    page = client.get(reverse("publicity-notice", args=[world.county.code])).content.decode()
    assert "第1批" in page and "第2批" in page
    first_batch, second_batch = page.split("第2批")
    assert world.v1.name in first_batch and world.v2.name in second_batch
    assert second_batch.count("公示时间") == 1
    Publicity.objects.update(
        starts_at=timezone.now() - timedelta(days=6), ends_at=timezone.now() - timedelta(minutes=1)
    )
    assert client.get(url).status_code == 404  # publicity over


def test_a_branch_record_and_a_checklist_print_with_notes_and_evidence(client, world, checklist):
    answers_save(
        checklist=checklist,
        user=world.sec_v1,
        answers=answers_for(checklist.catalogue, failing=("CY-01",)),
    )
    photo = SimpleUploadedFile("会议.png", PNG, "image/png")
    evidence_add(checklist=checklist, criterion_code="ZB-03", upload=photo, user=world.sec_v1)
    checklist_submit(checklist=checklist, user=world.sec_v1)
    checklist_return(
        checklist=checklist, user=world.town1_user, reason="请补充", reasons={"ZB-03": "缺签到表"}
    )
    client.force_login(world.town1_user)
    record = text_of(client.get(reverse("branch-record-pdf", args=[world.v1.code])))
    assert world.branch(world.v1).name in record and "短板清单" in record and "CY-01" in record
    response = client.get(reverse("checklist-pdf", args=[checklist.pk]))
    sheet = text_of(response)
    assert "退回意见：缺签到表" in sheet and "ZB-03" in sheet and "退回修改" in sheet
    reader = PdfReader(io.BytesIO(response.content))
    images = [image for page in reader.pages for image in page.images]
    assert images, "the evidence photo is in the PDF as a thumbnail"
    html = client.get(reverse("checklist-print", args=[checklist.pk])).content.decode()
    assert (
        reverse(
            "evidence-file", args=[checklist.answers.get(criterion__code="ZB-03").evidence.get().pk]
        )
        in html
    )
    # Another township's clerk gets nothing.
    client.force_login(world.town2_user)
    assert client.get(reverse("checklist-pdf", args=[checklist.pk])).status_code == 404
    assert client.get(reverse("branch-record-pdf", args=[world.v1.code])).status_code == 404


def test_the_township_wall_chart_is_an_a3_page_of_villages_by_stars(
    client, world, checklist, cycle
):
    answers_save(
        checklist=checklist,
        user=world.sec_v1,
        answers=answers_for(checklist.catalogue, failing=("WM",)),
    )
    tally_inline(place=world.county, cycle=cycle)
    client.force_login(world.town1_user)
    response = client.get(reverse("wallchart", args=[world.town1.code]), {"cycle": cycle.code})
    text = text_of(response)
    assert "挂图作战表" in text and world.v1.name in text and "4星" in text and "未填报" in text
    box = PdfReader(io.BytesIO(response.content)).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (1191, 842)  # A3 landscape
    client.force_login(world.town2_user)
    assert client.get(reverse("wallchart", args=[world.town1.code])).status_code == 404
    client.force_login(world.sec_v1)
    assert client.get(reverse("wallchart", args=[world.town1.code])).status_code == 403
