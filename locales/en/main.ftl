# accord — English (second language)

app-name = accord
app-tagline = Action plan of Mogilev Oblast and Khabarovsk Territory, 2025–2027
skip-to-content = Skip to content
demo-banner = Demonstration data: the organisations, people and users are invented to show what accord does.
footer-text = accord runs an interregional cooperation agreement. Times are shown in your side's time zone.
nav-label = Modules
nav-home = Home
nav-directory = Directory
nav-people = People
nav-admin = Administration
breadcrumbs = Breadcrumbs
pagination = Pages
page-prev = Previous
page-next = Next
page-of = Page { $page } of { $pages }
list-total = { $count ->
    [one] { $formatted } record in all
   *[other] { $formatted } records in all
}
list-empty = Nothing found.
search = Search
all = All
apply = Apply
open = Open
show = Show
save = Save
cancel = Cancel
edit = Edit
delete = Delete
revoke = Revoke

side-BY = Mogilev Oblast (Belarus)
side-KHV = Khabarovsk Territory (Russia)
kind-government-body = Government body
kind-enterprise = Enterprise
kind-university = University
kind-school = School
kind-public-association = Public association
kind-other = Other
role-admin = Administrator
role-coordinator = Coordinator
role-executor = Executor
role-observer = Observer
op-create = Created
op-update = Changed
op-delete = Deleted

sign-in = Sign in
sign-in-title = Sign in to accord
sign-in-failed = Wrong login or password.
sign-in-demo-hint = Demo access, e.g. admin / admin-demo, coord.by / coord.by-demo, exec.maz / exec.maz-demo, observer / observer-demo.
sign-out = Sign out

home-title = Cooperation of Mogilev Oblast and Khabarovsk Territory
home-lead = The directory of the agreement's parties, users and the change log.
home-organisations = organisations
home-users = Users
home-agreement = About the agreement
home-agreement-text = The 2025–2027 action plan covers trade and economic, scientific and technical, social and cultural cooperation, youth work and historical memory. Every quarter the two sides compare results by videoconference.

organisations-title = Organisations
organisations-search-hint = Name or code, e.g. "mtz"
organisation-new = Add organisation
organisation-new-title = New organisation
organisation-edit-title = Edit organisation
people-title = People
people-search-hint = Name or position
person-new = Add person
person-new-title = New person
person-edit-title = Edit person
confirm-delete-title = Confirm deletion
confirm-delete-text = This will be deleted for good (its history stays in the change log):
confirm-revoke-token = Revoke this token? Programs that use it will lose access.
history-title = Change history

users-title = Users
user-new = Add user
user-new-title = New user
user-edit-title = Edit user
user-active = Active
user-disabled = Disabled
user-disable = Disable this account (all its sessions and tokens stop working)
user-role-help = A coordinator needs a side, an executor an organisation; administrators and observers see both sides.

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

account-title = My account
account-password = Change password
account-password-change = Change password
password-current-wrong = The current password is wrong.
account-tokens = API tokens
account-tokens-help = A token lets programs use the JSON API on your behalf (header Authorization: Bearer …).
account-token-create = Create token
account-token-once = Copy the token now: it is shown only once.

flash-saved = Changes saved.
flash-deleted = Deleted.
flash-token-revoked = Token revoked.

field-side = Side
field-code = Code
field-kind = Kind
field-name_full_ru = Full name (Russian)
field-name_short_ru = Short name (Russian)
field-name_full_en = Full name (English)
field-name_short_en = Short name (English)
field-address = Address
field-phone = Phone
field-email = E-mail
field-website = Website
field-version = Version
field-reason = Reason for the change
field-organisation = Organisation
field-organisation_id = Organisation
field-full_name_ru = Full name (Russian)
field-full_name_en = Full name (English)
field-position_ru = Position (Russian)
field-position_en = Position (English)
field-login = Login
field-password = Password
field-current_password = Current password
field-new_password = New password
field-display_name = Name
field-role = Role
field-locale = Language
field-status = Status
field-label = Label
field-created = Created
field-last_used = Last used
field-when = When
field-actor = Who
field-entity = Entity
field-entity_id = Entity id
field-operation = Operation
field-change = Change

err-required = required
err-too-long = too long
err-too-short = too short (a password needs at least 8 characters)
err-invalid-email = not a valid e-mail address
err-invalid-phone = not a valid phone number
err-invalid-url = a website must start with http:// or https://
err-invalid-code = code: 2-32 Latin capitals, digits and hyphens, starting with a letter
err-invalid-login = login: 3-64 lowercase Latin letters, digits, dots, hyphens or underscores
err-unknown-value = not an allowed value
err-not-unique = already taken
err-not-found = not found
err-role-needs-side = a coordinator needs a side
err-role-needs-organisation = an executor needs an organisation
err-organisation-on-other-side = the organisation belongs to the other side

error-status = Status
error-back-home = Back to the home page
error-title-forbidden = Forbidden
error-title-not-found = Page not found
error-title-conflict = Conflicting change
error-title-bad-input = Bad input
error-title-slow-down = Too many attempts
error-title-internal = Internal error
error-validation = Please check the highlighted fields.
error-not-found = There is no such record or page.
error-conflict = Someone else has changed this record (now at version { $version }). Reload the page and make your change again.
error-in-use = This record is in use ({ $by }) and cannot be deleted.
error-forbidden = Your role may not do that.
error-unauthorized = Sign in first (API clients: a token in the Authorization: Bearer header).
error-csrf = The form is stale or was not sent from an accord page. Reload the page and try again.
error-too-many-attempts = Too many failed sign-ins. Try again in { $seconds } s.
error-bad-form = The form is not filled in correctly.
error-bad-json = The request body is not JSON of the expected shape.
error-self-lockout = You cannot disable yourself or change your own role.
error-internal = Something went wrong on the server. The error has been logged.
