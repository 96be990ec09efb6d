from django.db import models
from django.utils.translation import gettext_lazy as _


class ChecklistState(models.TextChoices):
    """The life of a rating (DOMAIN.md). Returned is a draft that carries the township's reasons."""

    DRAFT = "draft", _("填报中")
    RETURNED = "returned", _("退回修改")
    SUBMITTED = "submitted", _("已提交")
    REVIEWED = "reviewed", _("乡镇已初审")
    APPROVED = "approved", _("县级已审定")
    PUBLICITY = "publicity", _("公示中")
    AWARDED = "awarded", _("已授星")


EDITABLE_STATES = (ChecklistState.DRAFT, ChecklistState.RETURNED)


class Action(models.TextChoices):
    SUBMIT = "submit", _("提交")
    RETURN = "return", _("退回修改")
    PASS = "pass", _("乡镇初审通过")
    APPROVE = "approve", _("县级审定")
    PUBLISH = "publish", _("公示")
    UPHOLD = "uphold", _("异议成立，退回复审")
    AWARD = "award", _("授星")
    REVOKE = "revoke", _("摘星")
    REOPEN = "reopen", _("重新打开")
    # A veto event or a listing reached a rating the county had approved or put before the
    # public: it goes back to the county's approval with the new level (a fact holds in every
    # state, DOMAIN.md).
    RECHECK = "recheck", _("否决事项变更，退回县级审定")


class ObjectionStatus(models.TextChoices):
    OPEN = "open", _("待处理")
    UPHELD = "upheld", _("成立")
    DISMISSED = "dismissed", _("不成立")


class EventKind(models.TextChoices):
    """A veto event recorded on a branch. The first three are the three zeros (三零); each is the
    catalogue item marked with the fact of the same name."""

    PETITION = "petition", _("越级上访")
    ACCIDENT = "accident", _("较大及以上安全事故")
    CRIME = "crime", _("刑事案件")
    OTHER = "other", _("其他否决事项")


ZERO_KINDS = (EventKind.PETITION, EventKind.ACCIDENT, EventKind.CRIME)
# The catalogue fact that each of the three zeros answers ("zero_petition" …).
ZERO_FACTS = {kind: f"zero_{kind}" for kind in ZERO_KINDS}


class RevocationState(models.TextChoices):
    PENDING = "pending", _("待处理")
    CONFIRMED = "confirmed", _("已摘星")
    DISMISSED = "dismissed", _("不摘星")


class AuditAction(models.TextChoices):
    """What the audit trail records of the rating process (audit.labels has their words)."""

    ANSWERS_SAVE = "answers.save", _("修改答题")
    ANSWERS_IMPORT = "answers.import", _("导入答题")
    EVIDENCE_ADD = "evidence.add", _("上传佐证")
    EVIDENCE_REMOVE = "evidence.remove", _("删除佐证")
    TRANSITION = "checklist.transition", _("流程流转")
    IMPORT_RUN = "import.run", _("导入文件")
    OBJECTION = "objection.rule", _("异议处理")
    VETO_EVENT = "veto.event", _("否决事项登记")
    REVOCATION = "revocation.decide", _("摘星建议处理")
    ADJUSTMENT = "quarter.adjustment", _("季度考评加减分")
