from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    """Every event that is addressed to a person."""

    RETURNED = "returned", _("清单被退回")
    PASSED = "passed", _("乡镇初审通过")
    APPROVED = "approved", _("县级审定")
    PUBLICITY_OPENED = "publicity_opened", _("开始公示")
    PUBLICITY_ENDING = "publicity_ending", _("公示即将结束")
    OBJECTION = "objection", _("收到异议")
    RULING = "ruling", _("异议处理结果")
    AWARDED = "awarded", _("授星")
    REVOKED = "revoked", _("摘星")
    RECHECK = "recheck", _("否决事项变更，退回审定")
    RECTIFICATION = "rectification", _("整改任务")
    RECTIFICATION_DUE = "rectification_due", _("整改即将到期")
    RECTIFICATION_OVERDUE = "rectification_overdue", _("整改已逾期")
    DEADLINE = "deadline", _("填报截止提醒")
    REMINDER = "reminder", _("乡镇催报")
    ACCOUNT = "account", _("账号激活")


class Channel(models.TextChoices):
    EMAIL = "email", _("电子邮件")
    WEBHOOK = "webhook", _("短信/企业微信")


class DeliveryState(models.TextChoices):
    PENDING = "pending", _("待发送")
    SENT = "sent", _("已发送")
    FAILED = "failed", _("发送失败")
