"""Every write of the expert review, one module per area:
`pool` (reviewer pool, misconduct), `assignment` (conflicts, draws, assignments,
recusal), `scoring` (scorebooks, consensus, shortlist, feedback), `onsite`
(team, report, confirmation, evaluations)."""
