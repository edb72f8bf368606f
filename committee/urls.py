from django.urls import path

from .views import ballots, decision, evaluation, meetings, members

app_name = "committee"

urlpatterns = [
    # The office: comprehensive evaluation, the committee, meetings and ballots.
    path("evaluation/", evaluation.evaluation, name="evaluation"),
    path(
        "evaluation/<int:cycle_pk>/comparison/",
        evaluation.comparison_save,
        name="evaluation_comparison",
    ),
    path("evaluation/cases/<int:pk>/decide/", evaluation.decide, name="evaluation_decide"),
    path("evaluation/<int:cycle_pk>/dispatch/", evaluation.dispatch, name="evaluation_dispatch"),
    path("members/", members.members, name="members"),
    path("members/<int:pk>/remove/", members.member_remove, name="member_remove"),
    path("meetings/", meetings.meetings, name="meetings"),
    path("meetings/<int:pk>/", meetings.meeting, name="meeting"),
    path("meetings/<int:pk>/attendance/", meetings.attendance, name="meeting_attendance"),
    path("meetings/<int:pk>/rounds/open/", meetings.round_open, name="round_open"),
    path("meetings/<int:pk>/rounds/runoff/", meetings.runoff_open, name="runoff_open"),
    path("rounds/<int:pk>/close/", meetings.round_close, name="round_close"),
    path("meetings/<int:pk>/minutes/", meetings.minutes, name="minutes"),
    # Members: their meetings, candidates, declarations and ballots.
    path("my/", ballots.my_meetings, name="my_meetings"),
    path("my/candidates/", ballots.candidates, name="candidates"),
    path("my/candidates/<int:pk>/declaration/", ballots.declare, name="declare"),
    path("my/meetings/<int:pk>/", ballots.member_meeting, name="member_meeting"),
    path("my/meetings/<int:pk>/ballot/", ballots.ballot, name="ballot"),
    # The committee director: the tallies and the adoption of the resolution.
    path("decision/", decision.decision, name="decision"),
    path("decision/meetings/<int:pk>/adopt/", decision.adopt, name="decision_adopt"),
]
