"""cadreflow engine layer: SpiffWorkflow wrapper, sandbox, rules, calendar, clock.

Never imports Flask, SQLAlchemy or service/ (the dependency arrow points service -> workflows).
"""
