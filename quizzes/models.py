"""Question bank, scenarios with rubric snapshots, attempts, answers, score history and reviews."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from courses.models import Module, Tag


class RubricVersion(models.Model):
    """An immutable rubric snapshot (criteria with their concept phrases resolved), keyed by content hash.

    Answers point at the version they were scored with, so editing a rubric or the lexicon never
    rewrites an old result: it creates a new version.
    """

    content_hash = models.CharField(max_length=64, unique=True, verbose_name=_("内容哈希"))
    snapshot = models.JSONField(verbose_name=_("快照"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("创建时间"))

    class Meta:
        verbose_name = _("评分标准版本")
        verbose_name_plural = _("评分标准版本")

    def __str__(self) -> str:
        return self.content_hash[:12]

    @property
    def criteria(self) -> list[dict]:
        return self.snapshot.get("criteria", [])


class Scenario(models.Model):
    class Difficulty(models.IntegerChoices):
        EASY = 1, _("入门")
        NORMAL = 2, _("常规")
        HARD = 3, _("进阶")

    slug = models.SlugField(_("标识"), max_length=80, unique=True)
    title = models.CharField(_("标题"), max_length=120)
    module = models.ForeignKey(Module, on_delete=models.PROTECT, related_name="scenarios", verbose_name=_("模块"))
    tags = models.ManyToManyField(Tag, blank=True, related_name="scenarios", verbose_name=_("标签"))
    difficulty = models.PositiveSmallIntegerField(_("难度"), choices=Difficulty.choices, default=Difficulty.NORMAL)
    pass_mark = models.PositiveSmallIntegerField(_("及格线"), default=70)
    context = models.TextField(_("背景"))
    turns = models.JSONField(_("对话"), default=list)  # [{"role": "buyer"|"agent", "text": "..."}]
    model_answer = models.TextField(_("参考回复"))
    rubric = models.ForeignKey(RubricVersion, on_delete=models.PROTECT, related_name="+", verbose_name=_("当前评分标准"))
    source_path = models.CharField(_("来源文件"), max_length=255, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)
    # The exam pool: drawn only into certification exams, never offered in practice or module
    # quizzes, and its model answer is never shown to trainees (it would be learned by heart).
    certification_only = models.BooleanField(_("仅用于认证考试"), default=False)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        ordering = ["module__order", "slug"]
        verbose_name = _("情景题")
        verbose_name_plural = _("情景题")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("quizzes:scenario", args=[self.slug])

    @property
    def buyer_text(self) -> str:
        return "\n".join(t["text"] for t in self.turns if t.get("role") == "buyer")

    @property
    def topic_text(self) -> str:
        return "\n".join([self.context, *(t["text"] for t in self.turns), self.model_answer])


class Question(models.Model):
    class Kind(models.TextChoices):
        SINGLE = "single", _("单选题")
        MULTIPLE = "multiple", _("多选题")
        TRUEFALSE = "truefalse", _("判断题")

    slug = models.SlugField(_("标识"), max_length=80, unique=True)
    kind = models.CharField(_("题型"), max_length=12, choices=Kind.choices)
    module = models.ForeignKey(Module, on_delete=models.PROTECT, related_name="questions", verbose_name=_("模块"))
    tags = models.ManyToManyField(Tag, blank=True, related_name="questions", verbose_name=_("标签"))
    prompt = models.TextField(_("题干"))
    choices = models.JSONField(_("选项"), default=list)
    answer = models.JSONField(_("正确答案"))  # sorted list of choice indexes; truefalse: [0] true / [1] false
    explanation = models.TextField(_("解析"))
    source_path = models.CharField(_("来源文件"), max_length=255, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)
    certification_only = models.BooleanField(_("仅用于认证考试"), default=False)  # as Scenario.certification_only

    class Meta:
        ordering = ["module__order", "slug"]
        verbose_name = _("知识题")
        verbose_name_plural = _("知识题")

    def __str__(self) -> str:
        return self.prompt[:40]

    @property
    def display_choices(self) -> list[str]:
        if self.kind == self.Kind.TRUEFALSE:
            return [str(_("正确")), str(_("错误"))]
        return list(self.choices)


class Attempt(models.Model):
    """One sitting: a practice reply, a module quiz, or a certification exam."""

    class Mode(models.TextChoices):
        PRACTICE = "practice", _("练习")
        MODULE_QUIZ = "module_quiz", _("模块测验")
        CERTIFICATION = "certification", _("认证考试")

    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", _("进行中")
        SUBMITTED = "submitted", _("已提交")
        EXPIRED = "expired", _("超时交卷")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="attempts", verbose_name=_("用户"))
    mode = models.CharField(_("类型"), max_length=16, choices=Mode.choices)
    module = models.ForeignKey(Module, null=True, blank=True, on_delete=models.PROTECT, related_name="attempts", verbose_name=_("模块"))
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.IN_PROGRESS)
    pass_mark = models.PositiveSmallIntegerField(_("及格线"), default=70)
    started_at = models.DateTimeField(_("开始时间"))
    deadline = models.DateTimeField(_("截止时间"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    total = models.PositiveSmallIntegerField(_("总分"), null=True, blank=True)
    passed = models.BooleanField(_("通过"), null=True, blank=True)
    # Practice: the token of the form the reply came from, so a resent or doubled form records one answer.
    form_token = models.CharField(max_length=64, null=True, blank=True, verbose_name=_("表单令牌"))

    class Meta:
        ordering = ["-started_at"]
        indexes = [
            models.Index(fields=["user", "mode", "status"]),
            # Open timed attempts by deadline: what the expiry sweep reads on every page that shows results.
            models.Index(fields=["deadline"], condition=models.Q(status="in_progress", deadline__isnull=False),
                         name="attempt_open_deadline"),
            # Expired attempts not scored yet (closed by a migration): the sweep's second read.
            models.Index(fields=["id"], condition=models.Q(status="expired", total__isnull=True),
                         name="attempt_expired_unscored"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "module"], condition=models.Q(mode="module_quiz", status="in_progress"),
                name="attempt_one_open_module_quiz"),
            models.UniqueConstraint(
                fields=["user", "form_token"], condition=models.Q(form_token__isnull=False),
                name="attempt_form_token_once"),
        ]
        verbose_name = _("作答记录")
        verbose_name_plural = _("作答记录")

    def get_absolute_url(self) -> str:
        return reverse("quizzes:attempt_result", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.IN_PROGRESS


class Answer(models.Model):
    """A reply to a scenario or a choice for a question, with the automatic and the final score."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="answers", verbose_name=_("答题记录"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="answers", verbose_name=_("用户"))
    position = models.PositiveSmallIntegerField(default=0, verbose_name=_("序号"))
    scenario = models.ForeignKey(Scenario, null=True, blank=True, on_delete=models.PROTECT, related_name="answers", verbose_name=_("情景题"))
    question = models.ForeignKey(Question, null=True, blank=True, on_delete=models.PROTECT, related_name="answers", verbose_name=_("知识题"))
    reply_text = models.TextField(_("回复"), blank=True)
    selected = models.JSONField(_("所选"), default=list, blank=True)
    draft_saved_at = models.DateTimeField(null=True, blank=True, verbose_name=_("草稿保存时间"))
    # The sequence number of the autosave the draft came from: an older save arriving late is refused.
    draft_seq = models.PositiveIntegerField(default=0, verbose_name=_("草稿序号"))
    submitted_at = models.DateTimeField(null=True, blank=True, verbose_name=_("提交时间"))
    # Timing seen by the server: when the page with this item was first served, and when the reply
    # arrived (for an expired attempt: its last draft in time). These are what the results count.
    served_at = models.DateTimeField(null=True, blank=True, verbose_name=_("出题时间"))
    received_at = models.DateTimeField(null=True, blank=True, verbose_name=_("收到时间"))
    # Timing from the page (advisory): first keystroke and submit, in milliseconds after the question appeared.
    first_keystroke_ms = models.PositiveIntegerField(null=True, blank=True, verbose_name=_("首次输入(毫秒)"))
    submit_ms = models.PositiveIntegerField(null=True, blank=True, verbose_name=_("提交用时(毫秒)"))
    # Characters that arrived by paste, as the page counted them (advisory): it can only add a
    # "pasted" flag for a supervisor, never raise a score.
    pasted_chars = models.PositiveIntegerField(null=True, blank=True, verbose_name=_("粘贴字数"))
    # The current automatic result (mirrors the newest ScoreRecord) and the final one after review.
    rubric = models.ForeignKey(RubricVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="answers", verbose_name=_("评分标准版本"))
    auto_result = models.JSONField(null=True, blank=True, verbose_name=_("自动评分详情"))
    auto_total = models.PositiveSmallIntegerField(null=True, blank=True, verbose_name=_("自动得分"))
    auto_passed = models.BooleanField(null=True, blank=True, verbose_name=_("自动判定通过"))
    needs_review = models.BooleanField(default=False, verbose_name=_("需人工审阅"))
    final_total = models.PositiveSmallIntegerField(null=True, blank=True, verbose_name=_("最终得分"))
    final_passed = models.BooleanField(null=True, blank=True, verbose_name=_("最终通过"))
    reviewed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("审阅时间"))
    # The attempt's pass mark, copied when the answer is created (attempts never change it), so the
    # review queue can sort by distance from the pass mark from one index without joining attempts.
    pass_mark = models.PositiveSmallIntegerField(null=True, blank=True, verbose_name=_("及格线"))

    class Meta:
        ordering = ["attempt", "position"]
        indexes = [
            models.Index(fields=["user", "submitted_at"]),
            # The review queue: scenario replies not yet reviewed, per trainee, carrying the columns the
            # queue counts and sorts by so that neither needs the wide answer rows. (An index led by
            # needs_review made both SQLite and PostgreSQL read every flagged answer of every team.)
            models.Index(
                fields=["user", "submitted_at", "needs_review", "auto_total", "pass_mark"],
                condition=models.Q(scenario__isnull=False, submitted_at__isnull=False, reviewed_at__isnull=True),
                name="answer_review_pending",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(scenario__isnull=False) ^ models.Q(question__isnull=False),
                name="answer_scenario_xor_question",
            ),
            models.UniqueConstraint(fields=["attempt", "position"], name="answer_position_unique"),
        ]
        verbose_name = _("答案")
        verbose_name_plural = _("答案")

    def get_absolute_url(self) -> str:
        return reverse("quizzes:answer", args=[self.pk])

    @property
    def is_scenario(self) -> bool:
        return self.scenario_id is not None

    @property
    def timing(self):
        """Response time and typing speed as the results count them (server figures first)."""
        from .timing import reply_timing

        return reply_timing(served_at=self.served_at, received_at=self.received_at,
                            first_keystroke_ms=self.first_keystroke_ms, submit_ms=self.submit_ms,
                            chars=len(self.reply_text.strip()) if self.scenario_id else 0)

    @property
    def chars_per_minute(self) -> int | None:
        """Typing speed between the first keystroke and the reply's arrival."""
        return self.timing.chars_per_minute


class ScoreRecord(models.Model):
    """Every automatic score an answer ever had; rescoring adds one and keeps the old."""

    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="score_records", verbose_name=_("作答"))
    rubric = models.ForeignKey(RubricVersion, on_delete=models.PROTECT, related_name="+", verbose_name=_("评分标准版本"))
    engine_version = models.CharField(max_length=20, verbose_name=_("评分引擎版本"))
    result = models.JSONField(verbose_name=_("评分详情"))
    total = models.PositiveSmallIntegerField(verbose_name=_("得分"))
    passed = models.BooleanField(verbose_name=_("通过"))
    needs_review = models.BooleanField(default=False, verbose_name=_("需人工审阅"))
    created_at = models.DateTimeField(verbose_name=_("创建时间"))

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("评分记录")
        verbose_name_plural = _("评分记录")


class Review(models.Model):
    """A supervisor's review of one answer. Append-only: a later review supersedes, never overwrites.

    `criteria` keeps, per criterion, the automatic and the supervisor's points, so agreement
    statistics and the history of who changed what stay exact.
    """

    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="reviews", verbose_name=_("作答"))
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reviews_given", verbose_name=_("审阅人"))
    created_at = models.DateTimeField(_("审阅时间"))
    comment = models.TextField(_("总体点评"), blank=True)
    criteria = models.JSONField(default=list, verbose_name=_("逐项评分"))  # [{key, label, kind, max, auto_earned, final_earned}]
    auto_total = models.PositiveSmallIntegerField(verbose_name=_("自动得分"))
    final_total = models.PositiveSmallIntegerField(verbose_name=_("最终得分"))
    final_passed = models.BooleanField(verbose_name=_("最终通过"))
    rubric = models.ForeignKey(RubricVersion, on_delete=models.PROTECT, related_name="+", verbose_name=_("评分标准版本"))
    # The token of the review form it was submitted from: a resent form (force=1 twice, a double
    # click, a retry after a timeout) finds its review already made and makes no second one.
    submit_token = models.CharField(max_length=64, blank=True, default="", verbose_name=_("提交令牌"))
    # The capping reasons of the automatic result ({code, message}) the reviewer found do not apply:
    # their cap is lifted from the final total. Kept as shown, so the trainee reads what was cleared.
    cleared_caps = models.JSONField(default=list, blank=True, verbose_name=_("已撤销的扣分上限"))

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["rubric", "created_at"])]
        constraints = [
            models.UniqueConstraint(fields=["answer", "submit_token"], condition=~models.Q(submit_token=""),
                                    name="review_submit_token_once"),
        ]
        verbose_name = _("主管审阅")
        verbose_name_plural = _("主管审阅")

    @property
    def changed_criteria(self) -> list[dict]:
        return [c for c in self.criteria if c["final_earned"] != c["auto_earned"]]


class ReviewComment(models.Model):
    """A comment on a selected passage of the reply."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="comments", verbose_name=_("审阅"))
    start = models.PositiveIntegerField(verbose_name=_("起始位置"))
    end = models.PositiveIntegerField(verbose_name=_("结束位置"))
    quote = models.CharField(max_length=500, verbose_name=_("原文"))
    text = models.CharField(_("批注"), max_length=1000)

    class Meta:
        ordering = ["start"]
        verbose_name = _("原文批注")
        verbose_name_plural = _("原文批注")


class ReviewLock(models.Model):
    """Who is reviewing an answer right now; expires so an abandoned screen frees the answer."""

    answer = models.OneToOneField(Answer, on_delete=models.CASCADE, related_name="review_lock", verbose_name=_("作答"))
    holder = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("审阅人"))
    expires_at = models.DateTimeField(verbose_name=_("到期时间"))

    class Meta:
        verbose_name = _("审阅锁")
        verbose_name_plural = _("审阅锁")


class ReviewResponse(models.Model):
    """The trainee's answer to a review: acknowledged, or disputed with a reason. One per review.

    A dispute names who should resolve it (decided by the people side and passed in) and, once
    resolved, who did, when, how and why. A changed score is a new Review (`resolution_review`), so
    totals, attempt totals and certification results follow through the ordinary review machinery.
    """

    class Kind(models.TextChoices):
        ACKNOWLEDGED = "acknowledged", _("已确认")
        DISPUTED = "disputed", _("有异议")

    class Outcome(models.TextChoices):
        UPHELD = "upheld", _("维持原评分")
        CHANGED = "changed", _("调整评分")

    review = models.OneToOneField(Review, on_delete=models.CASCADE, related_name="response", verbose_name=_("审阅"))
    trainee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("学员"))
    kind = models.CharField(_("回应"), max_length=16, choices=Kind.choices)
    reason = models.TextField(_("异议理由"), blank=True)
    created_at = models.DateTimeField(_("回应时间"))
    assigned_to = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("处理人"))
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("裁定人"))
    resolved_at = models.DateTimeField(_("裁定时间"), null=True, blank=True)
    outcome = models.CharField(_("裁定结果"), max_length=16, choices=Outcome.choices, blank=True)
    resolution = models.TextField(_("裁定说明"), blank=True)
    resolution_review = models.OneToOneField(Review, null=True, blank=True, on_delete=models.SET_NULL,
                                             related_name="resolves", verbose_name=_("裁定后的审阅"))

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # Open disputes: what the queue, the supervisor home and the daily reminders read.
            models.Index(fields=["created_at"], condition=models.Q(kind="disputed", resolved_at__isnull=True),
                         name="review_dispute_open"),
        ]
        verbose_name = _("审阅回应")
        verbose_name_plural = _("审阅回应")

    @property
    def is_dispute(self) -> bool:
        return self.kind == self.Kind.DISPUTED

    @property
    def is_open(self) -> bool:
        return self.is_dispute and self.resolved_at is None
