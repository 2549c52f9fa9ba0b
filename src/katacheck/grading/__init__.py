"""Grading a whole class: many learner workspaces, one gradebook.

- :mod:`katacheck.grading.submissions`: what the teacher pointed at (workspace clones, a folder
  of clones, the JSON reports of each repository's CI) as a list of submissions;
- :mod:`katacheck.grading.batch`: every kata of every submission verified in its own child
  process (the same sandbox as ``katacheck verify``), several at a time;
- :mod:`katacheck.grading.gradebook`: the rows (one per learner per kata, plus a total per
  learner) and their CSV and JSON forms.

Nothing a submission does stops the batch: a crash, a hang, a cheat or an empty folder becomes
that submission's rows, with the cause.
"""

from katacheck.grading.batch import grade
from katacheck.grading.gradebook import Gradebook, LearnerGrade, Row
from katacheck.grading.submissions import Submission, find_submissions

__all__ = ["Gradebook", "LearnerGrade", "Row", "Submission", "find_submissions", "grade"]
