"""Reminders: what is due today (selectors), sending it once per day in-app, by email and to each
team's group robot (services), the background tasks that do the slow part (tasks), and the
group-robot message itself (webhooks)."""
