"""Every write of the assessments app, one module per aggregate:

- applications: start, scope, effort, answers, withdrawal
- evidence: upload (content-checked), attach, detach, delete
- engagements: invite an advisor, accept, decline, end
- reviews: send for review, per-criterion verdicts, return for revision, approve
- declarations: the management declaration and its PDF
- checklist: apply confirmed rows of an uploaded Excel checklist
- registration (the registration body's part): submit, register, return, reject

Services take keyword-only arguments with the actor as `by`, lock the rows they change, check who
(assessments.permissions) and the state (assessments.workflows), write an audit record in the same
transaction and send e-mail only after commit.
"""
