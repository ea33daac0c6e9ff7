"""Every write of the certification app, one module per concern:

- registrations: create a registration (number, scope snapshot, validity, renewal continuity)
- lifecycle: suspend, reinstate, revoke, withdraw, expire, supersede; the nightly expiry sweep
- submissions: the registration body's part of a ★3 application (submit, register, return,
  reject)
- reminders: renewal reminders and review nudges, each sent once (claimed keys)
- certificates: render and store the certificate of registration (PDF)

Services take keyword-only arguments with the actor as `by`, lock the rows they change, check who
(certification.permissions) and the state (certification.workflows), write an audit record and
the public ledger entry in the same transaction, and leave e-mail and PDF rendering to tasks
started after commit.
"""
