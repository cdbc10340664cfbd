"""Forms of case work: ``work`` (assessments, plan, services, approvals, closure) and
``notes`` (notes, tasks, the police report, the sanction track)."""
