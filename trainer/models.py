"""People: users with a role, teams with supervisors."""
from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.models import AbstractUser
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    TRAINEE = "trainee", _("学员")
    SUPERVISOR = "supervisor", _("主管")
    ADMIN = "admin", _("管理员")


class Team(models.Model):
    name = models.CharField(_("名称"), max_length=80, unique=True)
    supervisors = models.ManyToManyField(
        "trainer.User", related_name="supervised_teams", blank=True, verbose_name=_("主管")
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    # A WeChat Work (企业微信) or DingTalk (钉钉) group robot: both take the same JSON text message.
    webhook_url = models.URLField(_("群机器人 Webhook"), max_length=500, blank=True)
    # The review queue's sampling rule: every certification reply and every flagged one, and this share
    # of the rest (by a hash of the answer id, so the same answers stay in; quizzes.selectors.QueueSampling).
    review_sample_percent = models.PositiveSmallIntegerField(
        _("其余回复抽审比例(%)"), default=100, validators=[MinValueValidator(0), MaxValueValidator(100)])
    # A certification sitting with a flagged or sampled reply not yet reviewed is pending review: no
    # certificate, band or path step until a supervisor has checked it (trainer.selectors.certification).
    # A team may choose to issue at once on the automatic scores instead.
    certify_before_review = models.BooleanField(_("认证交卷即发证(不等主管审阅)"), default=False)
    # The path of members who have none of their own (PathAssignment overrides it per trainee).
    default_path = models.ForeignKey("trainer.OnboardingPath", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="default_for_teams", verbose_name=_("默认带教路径"))
    default_path_set_at = models.DateTimeField(_("默认路径设定时间"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("团队")
        verbose_name_plural = _("团队")

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    role = models.CharField(_("角色"), max_length=16, choices=Role.choices, default=Role.TRAINEE)
    display_name = models.CharField(_("显示名"), max_length=60, blank=True)
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="members", verbose_name=_("团队")
    )
    hire_date = models.DateField(_("入职日期"), null=True, blank=True)
    # Set for a temporary password: every page sends the user to set their own first.
    must_change_password = models.BooleanField(_("须修改密码"), default=False)
    email_reminders = models.BooleanField(_("邮件提醒"), default=True)
    # Days added to every due date of the trainee's path; each grant is a PersonChange (who, when, why).
    due_extension_days = models.PositiveSmallIntegerField(_("延期天数"), default=0)

    NAME_FIELDS = ("display_name", "first_name", "last_name", "username")  # what `name` reads, for .only()

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.display_name or self.username

    @property
    def name(self) -> str:
        """What the interface calls a person: the display name, else the full name, else the username."""
        return self.display_name or f"{self.first_name} {self.last_name}".strip() or self.username

    @property
    def is_trainee(self) -> bool:
        return self.role == Role.TRAINEE

    @property
    def is_supervisor(self) -> bool:
        return self.role == Role.SUPERVISOR

    @property
    def is_platform_admin(self) -> bool:
        return self.role == Role.ADMIN or self.is_superuser

    @property
    def can_supervise(self) -> bool:
        """Supervisors and admins open the supervisor workspace."""
        return self.is_supervisor or self.is_platform_admin


class Notification(models.Model):
    """An in-app message to one user (e.g. "your answer was reviewed")."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("用户"))
    message = models.CharField(_("内容"), max_length=300)
    url = models.CharField(_("链接"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "read_at"])]
        verbose_name = _("通知")
        verbose_name_plural = _("通知")

    def __str__(self) -> str:
        return self.message


class OnboardingPath(models.Model):
    """An ordered list of steps a new hire works through, each due some days after hiring."""

    slug = models.SlugField(_("标识"), max_length=60, unique=True)
    name = models.CharField(_("名称"), max_length=120)
    description = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("带教路径")
        verbose_name_plural = _("带教路径")

    def __str__(self) -> str:
        return self.name


class CertificationExam(models.Model):
    slug = models.SlugField(_("标识"), max_length=60, unique=True)
    name = models.CharField(_("名称"), max_length=120)
    scenario_count = models.PositiveSmallIntegerField(_("情景题数"), default=6)
    question_count = models.PositiveSmallIntegerField(_("知识题数"), default=10)
    time_limit_minutes = models.PositiveSmallIntegerField(_("限时(分钟)"), default=30)
    pass_mark = models.PositiveSmallIntegerField(_("及格线"), default=80)
    validity_days = models.PositiveSmallIntegerField(_("有效期(天)"), default=90)

    class Meta:
        verbose_name = _("认证考试")
        verbose_name_plural = _("认证考试")

    def __str__(self) -> str:
        return self.name


class PathStep(models.Model):
    class Kind(models.TextChoices):
        LESSON = "lesson", _("课时")
        MODULE_QUIZ = "module_quiz", _("模块测验")
        CERTIFICATION = "certification", _("认证考试")

    path = models.ForeignKey(OnboardingPath, on_delete=models.CASCADE, related_name="steps", verbose_name=_("带教路径"))
    order = models.PositiveSmallIntegerField(_("顺序"))
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    lesson = models.ForeignKey("courses.Lesson", null=True, blank=True, on_delete=models.CASCADE, related_name="+", verbose_name=_("课时"))
    module = models.ForeignKey("courses.Module", null=True, blank=True, on_delete=models.CASCADE, related_name="+", verbose_name=_("模块"))
    exam = models.ForeignKey(CertificationExam, null=True, blank=True, on_delete=models.CASCADE, related_name="+", verbose_name=_("认证考试"))
    due_days = models.PositiveSmallIntegerField(_("入职后第几天到期"))
    pass_mark = models.PositiveSmallIntegerField(_("及格线"), default=70)

    class Meta:
        ordering = ["path", "order"]
        constraints = [models.UniqueConstraint(fields=["path", "order"], name="path_step_order_unique")]
        verbose_name = _("路径步骤")
        verbose_name_plural = _("路径步骤")

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        """What a step is called on the grid and the trainee's home: the lesson, "<module> · 测验", or the exam."""
        if self.kind == PathStep.Kind.LESSON and self.lesson_id:
            return self.lesson.title
        if self.kind == PathStep.Kind.MODULE_QUIZ and self.module_id:
            quiz = _("测验")  # outside the f-string so that makemessages extracts it
            return f"{self.module.title} · {quiz}"
        if self.exam_id:
            return self.exam.name
        return str(PathStep.Kind(self.kind).label)

    @cached_property
    def lesson_url(self) -> str:
        """The lesson's page, for lesson steps: resolved once per step read, however many trainees show it."""
        return self.lesson.get_absolute_url() if self.lesson_id else ""


class PathAssignment(models.Model):
    trainee = models.OneToOneField(User, on_delete=models.CASCADE, related_name="path_assignment", verbose_name=_("学员"))
    path = models.ForeignKey(OnboardingPath, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("带教路径"))
    assigned_at = models.DateTimeField(_("分配时间"))
    assigned_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("分配人"))

    class Meta:
        verbose_name = _("路径分配")
        verbose_name_plural = _("路径分配")


class CertificationRound(models.Model):
    """A window in which a team sits an exam (e.g. the November round)."""

    exam = models.ForeignKey(CertificationExam, on_delete=models.PROTECT, related_name="rounds", verbose_name=_("考试"))
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="certification_rounds", verbose_name=_("团队"))
    title = models.CharField(_("轮次名称"), max_length=80)
    opens_on = models.DateField(_("开始日期"))
    closes_on = models.DateField(_("截止日期"))

    class Meta:
        ordering = ["-opens_on"]
        constraints = [
            models.CheckConstraint(condition=models.Q(closes_on__gte=models.F("opens_on")), name="round_dates_ordered"),
            models.UniqueConstraint(fields=["team", "exam", "opens_on"], name="round_unique_per_team_exam_start"),
        ]
        verbose_name = _("认证轮次")
        verbose_name_plural = _("认证轮次")

    def __str__(self) -> str:
        return f"{self.team} · {self.title}"


class CertificationAttempt(models.Model):
    """One sitting of a certification exam, tied to the quiz attempt that holds the answers.

    Pass/fail and the score live on the attempt (a review can change them), so validity is derived
    from them rather than stored.
    """

    attempt = models.OneToOneField("quizzes.Attempt", on_delete=models.CASCADE, related_name="certification", verbose_name=_("答题记录"))
    exam = models.ForeignKey(CertificationExam, on_delete=models.PROTECT, related_name="attempts", verbose_name=_("考试"))
    round = models.ForeignKey(CertificationRound, null=True, blank=True, on_delete=models.SET_NULL, related_name="attempts", verbose_name=_("轮次"))
    trainee = models.ForeignKey(User, on_delete=models.CASCADE, related_name="certification_attempts", verbose_name=_("学员"))
    verification_code = models.CharField(max_length=24, unique=True, verbose_name=_("验证码"))

    class Meta:
        ordering = ["-attempt__started_at"]
        constraints = [
            # One sitting per trainee and round, however many start requests race.
            models.UniqueConstraint(fields=["trainee", "round"], condition=models.Q(round__isnull=False),
                                    name="certification_one_sitting_per_round"),
        ]
        verbose_name = _("认证记录")
        verbose_name_plural = _("认证记录")

    def get_absolute_url(self) -> str:
        return reverse("trainer:certification_result", args=[self.pk])


def certification_valid_until(attempt: "CertificationAttempt"):
    """The last day a passed certification counts; None when it did not pass or is not finished."""
    quiz = attempt.attempt
    return certification_valid_until_date(passed=quiz.passed, submitted_at=quiz.submitted_at,
                                    validity_days=attempt.exam.validity_days)


def certification_valid_until_date(*, passed: bool | None, submitted_at, validity_days: int):
    """The valid-until date from the plain values of a sitting (for lists read as tuples)."""
    if not passed or submitted_at is None:
        return None
    return timezone.localdate(submitted_at) + timedelta(days=validity_days)


class PersonChange(models.Model):
    """One change a supervisor made to a person (added, moved, hire date, deactivated): who, when, what."""

    class Action(models.TextChoices):
        CREATED = "created", _("新增")
        TEAM_MOVED = "team_moved", _("调动团队")
        HIRE_DATE = "hire_date", _("修改入职日期")
        DEACTIVATED = "deactivated", _("停用")
        REACTIVATED = "reactivated", _("恢复")
        CREDENTIALS = "credentials", _("重新发放登录方式")
        PATH = "path", _("更换带教路径")
        EXTENSION = "extension", _("延长期限")

    person = models.ForeignKey(User, on_delete=models.CASCADE, related_name="changes", verbose_name=_("人员"))
    actor = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                              verbose_name=_("操作人"))
    action = models.CharField(_("操作"), max_length=16, choices=Action.choices)
    before = models.CharField(_("修改前"), max_length=200, blank=True)
    after = models.CharField(_("修改后"), max_length=200, blank=True)
    note = models.CharField(_("原因"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("时间"))

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["person", "created_at"])]
        verbose_name = _("人员变更记录")
        verbose_name_plural = _("人员变更记录")

    def __str__(self) -> str:
        return f"{self.person} · {self.get_action_display()}"


class ReminderSent(models.Model):
    """That one reminder went out: to a user or a team's group, about one thing, for one day.

    The unique constraints make `send_reminders` idempotent: run twice on a day, it sends nothing twice.
    """

    class Kind(models.TextChoices):
        STEP_DUE = "step_due", _("明天到期")
        OVERDUE = "overdue", _("已逾期")
        ROUND_OPEN = "round_open", _("认证轮次开放")
        FLAGGED = "flagged", _("标记待审")
        TEAM_OVERDUE = "team_overdue", _("学员逾期")
        EXPIRING = "expiring", _("证书即将到期")
        TEAM_DIGEST = "team_digest", _("团队群提醒")
        DISPUTE_OPEN = "dispute_open", _("异议待处理")

    user = models.ForeignKey(User, null=True, blank=True, on_delete=models.CASCADE, related_name="+",
                             verbose_name=_("用户"))
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.CASCADE, related_name="+",
                             verbose_name=_("团队"))
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    subject = models.CharField(_("对象"), max_length=60, blank=True)
    on_date = models.DateField(_("日期"))
    created_at = models.DateTimeField(_("发送时间"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind", "subject", "on_date"], condition=models.Q(user__isnull=False),
                                    name="reminder_once_per_user_thing_day"),
            models.UniqueConstraint(fields=["team", "kind", "subject", "on_date"], condition=models.Q(team__isnull=False),
                                    name="reminder_once_per_team_thing_day"),
            models.CheckConstraint(condition=models.Q(user__isnull=False) ^ models.Q(team__isnull=False),
                                   name="reminder_user_or_team"),
        ]
        verbose_name = _("已发提醒")
        verbose_name_plural = _("已发提醒")
