"""What a result page may show to whom (pure rule, no database): the one place exams are sealed.

Before an attempt is submitted or expired its owner sees none of it outside the exam page itself
(access_answer_by_id answers 404). After it, the owner sees what the mode allows: a module quiz or a
practice reply shows everything; a certification exam shows the total, pass or fail and the
feedback per criterion, but no model answer, no correct choice or explanation, and no evidence
marks (those would teach the pool's answers to the next sitting). Supervisors and admins see
everything, always. An item from the certification pool never shows its model answer or correct
choice to a trainee, whatever attempt it appears in.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Disclosure:
    total: bool           # the attempt's or answer's score and pass/fail
    criteria: bool        # points and feedback per criterion
    evidence: bool        # the reply with the passages the scorer matched highlighted
    model_answer: bool    # the scenario's model answer
    correct_choice: bool  # which choices were right, and the explanation


FULL = Disclosure(total=True, criteria=True, evidence=True, model_answer=True, correct_choice=True)
SEALED = Disclosure(total=False, criteria=False, evidence=False, model_answer=False, correct_choice=False)
CERTIFICATION_RESULT = Disclosure(total=True, criteria=True, evidence=False, model_answer=False, correct_choice=False)

MODE_RESULTS = {"practice": FULL, "module_quiz": FULL, "certification": CERTIFICATION_RESULT}


def disclosure_for(*, mode: str, is_open: bool, viewer_supervises: bool, certification_item: bool = False) -> Disclosure:
    """What the viewer may see of an attempt (or one item of it) in this mode and state."""
    if viewer_supervises:
        return FULL
    if is_open:
        return SEALED
    allowed = MODE_RESULTS.get(mode, SEALED)
    if certification_item:
        return Disclosure(total=allowed.total, criteria=allowed.criteria, evidence=False, model_answer=False,
                          correct_choice=False)
    return allowed
