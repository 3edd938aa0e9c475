"""The demo team `make serve` creates: one supervisor, three trainees, one admin."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str
    role: str
    display_name: str
    hired_days_ago: int | None = None


DEMO_TEAM_NAME = "演示一组"
DEMO_LOGINS = (
    DemoLogin("zhuguan", "zhuguan-demo-2026", "supervisor", "周主管"),
    DemoLogin("xinren1", "xinren1-demo-2026", "trainee", "林小满", 3),
    DemoLogin("xinren2", "xinren2-demo-2026", "trainee", "陈一鸣", 12),
    DemoLogin("xinren3", "xinren3-demo-2026", "trainee", "王可欣", 26),
    DemoLogin("admin", "admin-demo-2026", "admin", "平台管理员"),
)


# Replies the demo trainees "sent", so the supervisor has real answers to review on a fresh install:
# one good, one mediocre, one that the scorer flags.
DEMO_REPLIES = (
    ("xinren2", 0, "model"),
    ("xinren2", 1, "亲,您好,这个我帮您问一下,稍等哦"),
    ("xinren3", 2, "不行"),
    ("xinren3", 3, "model"),
)


def demo_activity(*, team, users) -> str:
    """Path for the team, an open round, lesson completions and practice answers (added once)."""
    from courses.models import Lesson
    from courses.services import lesson_complete
    from quizzes.models import Answer, Scenario
    from quizzes.services import ReplyInput, practice_answer_submit

    from .models import CertificationExam, OnboardingPath
    from .services import path_assign, rounds_create_monthly
    from datetime import timedelta

    from courses import clock

    path = OnboardingPath.objects.filter(slug="newhire-30-days").first()
    if path is None:
        return "no onboarding path loaded yet"
    trainees = [u for u in users.values() if u.role == "trainee"]
    path_assign(path=path, trainees=trainees, assigned_by=users.get("zhuguan"))
    exam = CertificationExam.objects.first()
    if exam:
        rounds_create_monthly(team=team, exam=exam, first_month_start=clock.today().replace(day=1), months=2,
                              window_days=31)  # open all month, whatever today's date
    lessons = list(Lesson.objects.order_by("module__order", "order"))
    for username, count in (("xinren2", 6), ("xinren3", 14)):
        for lesson in lessons[:count]:
            lesson_complete(user=users[username], lesson=lesson)
    if Answer.objects.filter(user__in=trainees).exists():
        return "activity already present"
    scenarios = list(Scenario.objects.filter(is_active=True, certification_only=False).order_by("module__order", "slug")[:4])
    for username, index, reply in DEMO_REPLIES:
        if index < len(scenarios):
            scenario = scenarios[index]
            text = scenario.model_answer if reply == "model" else reply
            practice_answer_submit(user=users[username], scenario=scenario, served_at=clock.now() - timedelta(seconds=52),
                                   data=ReplyInput(reply_text=text, first_keystroke_ms=4200, submit_ms=52000))
    reviewed = _demo_reviews(users=users)
    return f"path “{path.name}” assigned, {len(DEMO_REPLIES)} demo answers, {reviewed}"


def _demo_reviews(*, users) -> str:
    """One reviewed answer (a criterion lowered, comments per criterion and on a passage) and one open
    dispute, so the result page, the review screen and the dispute page have something to show."""
    from quizzes.models import Answer
    from quizzes.services import PassageComment

    from .services import review_dispute_and_notify, review_submit_and_notify

    supervisor, trainee = users.get("zhuguan"), users.get("xinren2")
    if supervisor is None or trainee is None:
        return "no reviews"
    answers = list(Answer.objects.filter(user=trainee, scenario__isnull=False).select_related("scenario")
                   .order_by("submitted_at", "pk")[:2])
    if len(answers) < 2:
        return "no reviews"
    disputed, reviewed = answers  # the model reply (disputed below) and the one that only asks to wait
    for answer, comment, note in (
        (reviewed, "态度不错,但只说“帮您问一下”还不够:告诉买家多久给答复。", "给出明确的回复时间,比如“10 分钟内”。"),
        (disputed, "整体很好。称呼可以更亲切一些。", "开头少了一句问候。"),
    ):
        criteria = answer.auto_result["criteria"]
        lowered = next((c for c in criteria if c["earned"] > 0), criteria[0])
        reply = answer.reply_text
        review_submit_and_notify(
            answer=answer, reviewer=supervisor, points={lowered["key"]: 0}, comment=comment, seen_review_id=None,
            passages=[PassageComment(reply[: min(8, len(reply))], "这里可以更具体。")] if reply else [],
            criterion_comments={lowered["key"]: note})
    review = disputed.reviews.order_by("-created_at", "-id").first()
    review_dispute_and_notify(review_id=review.pk, trainee=trainee,
                              reason="我开头写了“亲,您好”,应该算打过招呼了,请再看一下这一项。")
    return "one reviewed answer and one open dispute"
