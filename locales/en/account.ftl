# accord — English (second language): account

revoke = Revoke
users-title = Users
user-new = Add user
user-new-title = New user
user-edit-title = Edit user
user-active = Active
user-disabled = Disabled
user-disable = Disable this account (all its sessions and tokens stop working)
user-role-help = A coordinator needs a side, an executor an organisation; administrators and observers see both sides.
account-title = My account
account-password = Change password
account-password-change = Change password
password-current-wrong = The current password is wrong.
account-tokens = API tokens
account-tokens-help = A token lets programs use the JSON API on your behalf (header Authorization: Bearer …).
account-token-create = Create token
account-token-once = Copy the token now: it is shown only once.
account-rule-no-account = The instance's operator has no account of its own: name a user with --as.
account-rule-user-disabled = The account { $login } is disabled.
# Sign-in protection, demo accounts, token expiry (issue 15)
sign-in-demo-refused = Demo accounts with published passwords work only on a server running the demo (accord serve --demo). Ask an administrator to set your password.
token-expiry-invalid = A token's lifetime is a number of days (e.g. 90d), hours (12h) or weeks (2w), at most { $max } days; empty: no expiry.
field-expires = Expires
account-token-expired = expired
account-token-no-expiry = never
account-token-days = { $days } days
