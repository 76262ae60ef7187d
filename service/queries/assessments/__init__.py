"""Reads of the assessments (考核): rounds and their progress, the 优秀 quota, results (the unit's
record, the cadre's file), the yearly per-unit summary and its Excel workbook."""
