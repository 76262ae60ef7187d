"""Assessments (考核, seed 四（三）): the county's yearly round (rounds.py), the term-end assessment
(term_end.py), the guard of the county's grade (grading.py: the 优秀 share), and the result a
completed assessment leaves (results.py: the unit's record and the cadre's file). Started and
graded through bpmn/assessment.bpmn.

Import from the modules: this package is imported by commands.reactions, which commands.uow
imports, so it imports nothing itself.
"""
