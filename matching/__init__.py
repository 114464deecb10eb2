"""Matching vendors and challenges, and the workflow that follows a match.

Two halves: `matching/search/` talks to the search engine (documents, indexing and the outbox, query
builders, ranking, explanations, people search, reach); the workflow (proposals, introductions and
clarifications, the award, engagements, milestones and payouts) is services and selectors like any app's.

May import hub and marketplace; never frontend. Answers hub's and marketplace's signals (apps.py)."""
