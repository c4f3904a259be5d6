# accord — English (second language): admin

audit-title = Change log
audit-lead = Every change to the data: who, when, what it was and what it became. Entries are chained by hashes, so verification finds any later edit.
audit-verify = Verify the chain
audit-verify-ok = { $count ->
    [one] The chain is intact: { $formatted } entry checked.
   *[other] The chain is intact: { $formatted } entries checked.
}
audit-verify-broken = The chain is broken; first damaged entry
audit-before = Before
audit-after = After
