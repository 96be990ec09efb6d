"""The three journeys, end to end in Debian's Chromium, under the production security headers.

- A village secretary on a 375 px phone opens the year's checklist, answers every item,
  photographs a piece of evidence and submits.
- A township clerk downloads the answer sheet, fills it in Excel-style, uploads it with a
  mistake, reads what is wrong, fixes it, imports it, submits and passes the reviews.
- County staff approve, open publicity, find an objection filed on the public page, rule on
  it, award the stars once the period is over, and read the dashboard.

Every page visited is watched for Content-Security-Policy violations and script errors: the
policy is only worth having if every page works under it. WUXING_SCREENSHOTS=1 refreshes the
README's screenshots from these runs.
"""

from datetime import timedelta

import openpyxl
import pytest
from django.utils import timezone
from playwright.sync_api import expect

from access.gate import SYSTEM
from branches.models import Branch
from catalogues.models import Deadline
from catalogues.services import cycle_get_or_create
from catalogues.tests.conftest import YEAR, answers_for, make_catalogue
from scoring.choices import ChecklistState
from scoring.models import Checklist, Evidence, Objection, Publicity
from scoring.services.checklists import answers_save, checklist_open
from scoring.services.workflow import checklist_pass, checklist_submit
from tallies.models import TallySnapshot
from tests.browser.conftest import screenshot, sign_in
from villages.models import Village

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]
JPEG = bytes.fromhex("ffd8ffe000104a46494600010100000100010000ffd9")
WATCH = """
window.__problems = [];
document.addEventListener('securitypolicyviolation',
  e => window.__problems.push('CSP ' + e.violatedDirective + ' ' + e.blockedURI));
window.addEventListener('error', e => window.__problems.push('JS ' + e.message));
"""


@pytest.fixture
def year(world):
    rural, community = make_catalogue("rural"), make_catalogue("community")
    for n, name in enumerate(("赵庄村", "钱岗村", "孙楼村"), start=2):
        village = Village.objects.create(
            code=f"{world.town1.code[:9]}{200 + n:03d}",
            name=name,
            township=world.town1,
            kind="rural",
        )
        Branch.objects.create(village=village, name=f"中共{name}支部委员会", members=20)
    return cycle_get_or_create(code=str(YEAR)), rural, community


def watched(context):
    """A page that records CSP violations and uncaught script errors, plus console errors."""
    context.add_init_script(WATCH)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.console_errors = []
    page.on("console", lambda m: m.type == "error" and page.console_errors.append(m.text))
    return page


def assert_clean(page):
    problems = page.evaluate("window.__problems") + page.console_errors
    assert not problems, f"{page.url}: {problems}"


def desktop(browser):
    return browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")


def test_a_secretary_answers_the_year_on_a_phone_with_a_photo_and_submits(
    browser, live_server, world, year
):
    cycle, rural, _community = year
    Deadline.objects.create(
        county=world.county, cycle=cycle, due=timezone.localdate() + timedelta(days=9)
    )
    context = browser.new_context(
        viewport={"width": 375, "height": 740}, device_scale_factor=2, locale="zh-CN"
    )
    page = watched(context)
    sign_in(page, live_server, world.sec_v1.username)
    assert world.v1.name in page.content()  # lands on the own branch's record
    expect(page.locator("#deadline")).to_contain_text("还有 9 天")  # the county's deadline
    page.click("text=开始填报")
    page.wait_for_url("**/checklists/*/")
    expect(page.locator("#deadline")).to_contain_text("还有 9 天")
    zb = rural.stars.get(code="ZB").name
    expect(page.locator('[data-chip="ZB"]')).to_contain_text(f"ZB {zb}")  # words with codes
    assert_clean(page)
    facts = set(rural.criteria.exclude(fact="").values_list("code", flat=True))
    for code, value in answers_for(rural).items():
        if code in facts:
            continue  # answered by the county's register, shown locked
        if isinstance(value, bool):
            page.check(f'input[name="a-{code}"][value="{"yes" if value else "no"}"]')
        else:
            page.fill(f'input[name="a-{code}"]', str(value))
    expect(page.locator("#level")).to_have_text("5")
    page.set_input_files(
        'input[name="e-ZB-03"]:not([capture])',
        files=[{"name": "支部大会照片.jpg", "mimeType": "image/jpeg", "buffer": JPEG}],
    )
    # The photo goes up at once; the answers save themselves and the page says where they are.
    expect(page.locator("#c-ZB-03 .upload-progress")).to_contain_text("已上传")
    expect(page.locator("#save-status")).to_contain_text("保存到服务器", timeout=10_000)
    screenshot(page, "journey-secretary.png")
    asked: list[str] = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    page.click("button[name=submit]")  # waits, if need be, for a save still on its way
    expect(page.locator("main")).to_contain_text("已提交，等待乡镇审核")
    assert asked == ["提交后由乡镇审核，审核前不能再修改。确定提交吗？"]  # asked once
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert_clean(page)
    checklist = Checklist.objects.get(branch__village=world.v1)
    assert (checklist.state, checklist.level) == (ChecklistState.SUBMITTED, 5)
    assert Evidence.objects.get().name == "支部大会照片.jpg"
    context.close()


def test_a_township_clerk_imports_the_sheet_fixes_a_mistake_and_passes_the_reviews(
    browser, live_server, world, year, tmp_path
):
    cycle, rural, _community = year
    context = desktop(browser)
    page = watched(context)
    sign_in(page, live_server, world.town1_user.username)
    page.click("nav >> text=答题表")
    with page.expect_download() as download:
        page.click("text=下载模板")
    template = tmp_path / "template.xlsx"
    download.value.save_as(template)
    book = openpyxl.load_workbook(template)
    sheet = book.active
    answers = answers_for(rural)
    codes = [cell.value for cell in sheet[1][2:]]
    places = [row[0].value for row in sheet.iter_rows(min_row=3)]
    assert len(places) == 4 and world.v1.code in places
    for row in range(3, 3 + len(places)):
        for column, code in enumerate(codes, start=3):
            value = answers[code]
            sheet.cell(row, column).value = (
                ("是" if value else "否") if isinstance(value, bool) else value
            )
    percent = next(c for c in rural.criteria.all() if c.kind == "percent").code
    bad = sheet.cell(4, 3 + codes.index(percent))
    bad.value = 120  # a typing mistake: a share over 100
    book.save(tmp_path / "城关镇.xlsx")

    page.set_input_files('input[name="file"]', str(tmp_path / "城关镇.xlsx"))
    page.click("text=上传并检查")
    page.wait_for_url("**/imports/*/")
    errors = page.locator("#errors tbody tr")
    expect(errors).to_have_count(1)
    assert "0～100" in errors.first.inner_text() and percent in errors.first.inner_text()
    screenshot(page, "journey-import-error.png")
    with page.expect_download() as marked:
        page.click("text=下载标注了错误的原表格")
    marked.value.save_as(tmp_path / "标注.xlsx")
    marked_book = openpyxl.load_workbook(tmp_path / "标注.xlsx")
    assert marked_book.active[bad.coordinate].comment is not None
    assert_clean(page)

    bad.value = 96
    book.save(tmp_path / "城关镇-改.xlsx")
    page.click("nav >> text=答题表")
    page.set_input_files('input[name="file"]', str(tmp_path / "城关镇-改.xlsx"))
    page.click("text=上传并检查")
    page.wait_for_url("**/imports/*/")
    # The check says what will change, place by place, and that nothing is written yet.
    expect(page.locator("main")).to_contain_text("这是预检：以下改动尚未写入。")
    expect(page.locator("#changes tbody tr").first).to_contain_text(world.v1.name)
    screenshot(page, "journey-import-preview.png")
    page.click('button:has-text("确认导入")')
    page.wait_for_load_state("networkidle")
    assert "已完成" in page.content()
    assert Checklist.objects.filter(cycle=cycle, level=5).count() == 4

    # The township's home: four in draft after the import, submitted in one batch.
    asked = []

    def confirm(dialog):  # type: ignore[no-untyped-def]
        asked.append(dialog.message)
        dialog.accept()

    page.on("dialog", confirm)
    page.click("nav >> text=首页")
    expect(page.locator(".tabs")).to_contain_text("填报中 4")
    page.check("input[data-select-all]")
    page.click("text=批量代为提交")
    expect(page.locator("main")).to_contain_text("已代为提交4份清单")
    assert asked[-1].startswith("确定代各村(社区)提交勾选的 4 份清单吗？")
    screenshot(page, "journey-township-home.png")
    page.click("nav >> text=待审核")
    expect(page.locator('input[name="checklist"]')).to_have_count(4)
    screenshot(page, "journey-review.png")
    page.check("input[data-select-all]")
    page.click("text=批量初审通过")  # a batch action asks first, with the count
    page.wait_for_load_state("networkidle")
    assert asked[-1] == "确定将勾选的 4 份清单全部初审通过吗？"
    assert "已通过4份清单" in page.content()
    assert_clean(page)
    states = set(Checklist.objects.values_list("state", flat=True))
    assert states == {ChecklistState.REVIEWED}
    context.close()


def test_county_staff_approve_publicise_rule_on_an_objection_award_and_read_the_dashboard(
    browser, live_server, world, year, tasks_in_process
):
    cycle, rural, community = year
    for village in Village.objects.filter(township__county=world.county):
        catalogue = community if village.kind == "community" else rural
        failing = ("CY",) if village.code.endswith("3") else ()
        checklist = checklist_open(branch=world.branch(village), cycle=cycle, user=SYSTEM)
        answers_save(
            checklist=checklist,
            user=world.town1_user if village.township == world.town1 else world.town2_user,
            answers=answers_for(catalogue, failing=failing),
        )
        clerk = world.town1_user if village.township == world.town1 else world.town2_user
        checklist_submit(checklist=checklist, user=clerk)
        checklist_pass(checklist=checklist, user=clerk)
    total = Checklist.objects.count()

    context = desktop(browser)
    page = watched(context)
    sign_in(page, live_server, world.county_user.username)
    asked = []  # every batch action asks first, naming how many rows it touches

    def confirm(dialog):  # type: ignore[no-untyped-def]
        asked.append(dialog.message)
        dialog.accept()

    page.on("dialog", confirm)
    page.click("nav >> text=星级评定")
    page.click(".tabs >> text=乡镇已初审")
    page.check("input[data-select-all]")
    page.click("text=批量审定")
    page.wait_for_load_state("networkidle")
    assert asked[-1] == f"确定对勾选的 {total} 个支部执行这项操作吗？"
    assert f"已审定{total}个支部" in page.content()
    page.click(".tabs >> text=县级已审定")
    page.check("input[data-select-all]")
    page.fill('input[name="days"]', "5")
    page.click("text=对所选支部开始公示")
    page.wait_for_load_state("networkidle")
    assert Publicity.objects.count() == 1
    assert_clean(page)

    public = watched(desktop(browser))  # a villager, not signed in
    public.goto(f"{live_server.url}/public/{world.county.code}/")
    public.click(f"tr:has-text('{world.v1.name}') >> text=提出异议")
    public.fill('input[name="name"]', "王某")
    public.fill('input[name="contact"]', "13800000000")
    public.fill('textarea[name="text"]', "村集体收入统计有误，请核实。")
    public.click("text=提交异议")
    public.wait_for_load_state("networkidle")
    assert Objection.objects.get().checklist.branch.village == world.v1
    assert_clean(public)

    page.reload()
    objection = page.locator(".objection")
    expect(objection).to_contain_text("村集体收入统计有误")
    screenshot(page, "journey-objection.png")
    objection.locator('input[name="ruling"]').fill("经核实，收入数据有银行流水佐证，异议不成立。")
    objection.locator("text=不成立").click()
    page.wait_for_load_state("networkidle")
    assert Objection.objects.get().status == "dismissed"
    # While the period runs, no award button is shown: the service would refuse it.
    page.goto(f"{live_server.url}/ratings/?cycle={cycle.code}&state=publicity")
    assert page.locator('button[value="award"]').count() == 0
    expect(page.locator("main")).to_contain_text("暂无可授星的支部")

    now = timezone.now()  # five days later: the period has run out
    Publicity.objects.update(starts_at=now - timedelta(days=5), ends_at=now - timedelta(minutes=1))
    page.goto(f"{live_server.url}/ratings/?cycle={cycle.code}&state=publicity")
    page.click(f"text=公示期满无异议的 {total} 个支部，授星")
    page.wait_for_load_state("networkidle")
    assert asked[-1] == (
        f"为公示期满无异议的 {total} 个支部授予{cycle.year}年星级吗？授星后记入支部档案。"
    )
    assert f"{total}个支部已授星" in page.content(), page.locator(".messages").inner_text()
    assert Checklist.objects.filter(state=ChecklistState.AWARDED).count() == total

    page.click("nav >> text=驾驶舱")
    page.click("text=立即统计")
    page.wait_for_load_state("networkidle")
    assert TallySnapshot.objects.filter(run__cycle=cycle).exists()
    expect(page.locator("#chart-townships canvas")).to_be_visible()
    expect(page.locator("#ranking tbody tr")).to_have_count(2)
    screenshot(page, "journey-dashboard.png")
    assert_clean(page)
    context.close()


def test_every_other_page_works_under_the_content_security_policy(
    browser, live_server, world, year, admin_user
):
    """The pages the journeys do not pass through, signed in as county staff, then the admin
    as a superuser: none may trip the policy or a script error."""
    context = desktop(browser)
    page = watched(context)
    sign_in(page, live_server, world.county_user.username)
    for path in ("/audit/", "/targets/", "/bulletin/", "/password/", "/api/v1/docs/", "/"):
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("networkidle")
        assert_clean(page)
    expect(page.locator("text=五星支部")).not_to_have_count(0)
    page.goto(f"{live_server.url}/api/v1/docs/")
    expect(page.locator(".swagger-ui .opblock").first).to_be_visible()  # the docs drew
    admin = watched(desktop(browser))
    sign_in(admin, live_server, admin_user.username, "password")
    for path in (
        "/admin/",
        "/admin/villages/village/",
        f"/admin/villages/village/{world.v1.pk}/change/",
    ):
        admin.goto(f"{live_server.url}{path}")
        admin.wait_for_load_state("networkidle")
        assert_clean(admin)
    context.close()
