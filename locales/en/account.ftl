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
