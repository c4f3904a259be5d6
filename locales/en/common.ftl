# accord — English (second language): common

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
confirm-delete-title = Confirm deletion
confirm-delete-text = This will be deleted for good (its history stays in the change log):
confirm-revoke-token = Revoke this token? Programs that use it will lose access.
history-title = Change history
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
err-too-large = larger than any real value
err-out-of-range = outside the allowed range
err-not-a-number = a number is needed
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
error-upload-too-large = The file is larger than this form accepts: plan tables, attachments and evidence up to 10 MiB, trade and fleet files up to 64 MiB, logistics files up to 32 MiB.
error-upload-unreadable = The file did not arrive whole (the upload was cut off or is larger than allowed).
error-bad-form = The form is not filled in correctly.
error-bad-json = The request body is not JSON of the expected shape.
error-self-lockout = You cannot disable yourself or change your own role.
error-internal = Something went wrong on the server. The error has been logged.
# Action plan
nav-plan = Plan
status-not-started = Not started
status-in-progress = In progress
status-done = Done
status-postponed = Postponed
status-cancelled = Cancelled
download = Download
value-kind-quantity = Quantity
value-kind-yes-no = Yes/no
field-dimension = Dimension
field-executor = Executor
field-executors_by = Belarusian side executors
field-executors_khv = Russian side executors
field-executors = Executors
field-tag = Tag
field-tags = Tags (comma-separated)
field-due = Due in quarter
field-number = Number
field-section = Dimension
field-title_ru = Measure (Russian)
field-title_en = Measure (English)
field-term = Term
field-expected_result = Expected result
field-description = Description
field-note = Note
field-percent = Done, %
field-weight = Weight
field-name_ru = Name
field-unit = Unit
field-direction = Direction
field-accumulation = Counting
field-value_kind = Value type
field-baseline = Baseline
field-target = Target for the plan
field-yearly_targets = Targets by year
field-quarter = Quarter
field-value = Value
error-bad-format = Unknown format: use xlsx, csv or json.
confirm-delete-file = Delete this file?
field-file = File
field-link = Related measure
flash-amendment-proposed = The change was sent to the other side's coordinator for approval.
flash-amendment-accepted = The change was accepted and applied to the plan.
flash-amendment-rejected = The change was rejected.
field-signed_on = Signed on
field-name_en = Name (English)
field-baseline_date = Baseline date
error-rate-conflict = The { $currency } rate for { $date } is already stored with a different value; the file was not imported.
error-missing-rate = An exchange rate needed for the conversion is missing: { $detail }. Import rates (accord import rates).
## Trade
nav-trade = Trade
territory-by-ma = Mogilev Oblast
territory-ru-kha = Khabarovsk Territory
territory-by = Belarus
territory-ru = Russia
num-thousand = k
num-million = M
num-billion = bn
num-trillion = tn
## Problems in imported files (plan, trade, rates). Values from the file in double quotes.
## A reason starts in lower case: where the problem is comes before it.

problem-where = { $where }: { $reason }
problem-where-sheet = sheet '{ $sheet }'
problem-where-row = row { $row }
problem-where-column = column '{ $column }'
problem-skipped-row = Row { $row } left out: { $reason }
problem-value-empty = empty
problem-file-unreadable = cannot read the file: { $detail }
problem-file-empty = the file is empty: the first row must hold the column headers
problem-header-unreadable = cannot read the header row: { $detail }
problem-xlsx-unreadable = not a readable Excel workbook (XLSX): { $detail }
problem-xlsx-no-sheets = the workbook has no sheets
problem-sheet-unreadable = the sheet cannot be read: { $detail }
problem-csv-unreadable = not readable as CSV: { $detail }
problem-text-invalid = the file is not valid { $encoding } text
problem-text-invalid-undeclared = the file is not valid { $encoding } text (a windows-1251 file without its XML declaration?)
problem-number-invalid = "{ $value }" is not a number
problem-number-two-separators = "{ $value }" has both a decimal point and a comma: write one decimal separator and no thousands separators other than spaces
problem-number-exponent = "{ $value }" is in scientific notation, which spreadsheets round: write all the digits
problem-number-not-whole = "{ $value }" must be a whole number
problem-number-too-precise = "{ $value }" has more than { $places } decimal places
problem-number-negative = "{ $value }" is negative
problem-number-too-large = "{ $value }" is too large
problem-number-not-non-negative = "{ $value }" is not a non-negative number
problem-number-not-positive = "{ $value }" is not a positive number
problem-number-not-positive-whole = "{ $value }" is not a positive whole number
problem-xml-declaration-unclosed = the XML declaration is not closed
problem-xml-encoding-malformed = malformed encoding in the XML declaration
problem-xml-encoding-unknown = unknown encoding "{ $value }" in the XML declaration
problem-xml-malformed = malformed XML: { $detail }
problem-xml-truncated = the file ends before its elements close: truncated?
problem-json-truncated = the JSON ends early: truncated? ({ $detail })
## logistics
nav-logistics = Logistics
## review
nav-review = Review
## fleet
nav-fleet = Fleet
error-invalid-file = The file was not imported: it has problems.
problem-xlsx-too-large = { $limit ->
    [columns] the sheet reaches column number { $value }, at most column { $max } is allowed: look for values or formatting far to the right
    [cells] the sheet spans { $value } cells from its first to its last used one, at most { $max } are allowed: delete empty rows and columns or split the file
    [parts] the workbook has { $value } parts, at most { $max } are allowed
    [shared_strings] the workbook has { $value } text values, at most { $max } are allowed
   *[other] a part of the workbook unpacks to { $value } bytes, at most { $max } are allowed
}
## limits and encodings (issue 15)
problem-file-too-large = the file has { $value } bytes, at most { $max } are allowed for a file of this kind: split it
problem-csv-too-large = { $limit ->
    [fields] the row has { $value } fields, at most { $max } are allowed: is the delimiter right?
    [cells] the file has more than { $max } cells ({ $value } so far): split it
   *[other] the row is { $value } bytes long or more, at most { $max } are allowed: is this a CSV file, with line breaks?
}
problem-json-too-large = { $limit ->
    [depth] the JSON nests lists and objects { $value } deep, at most { $max } are allowed
   *[other] the JSON has { $value } bytes, at most { $max } are allowed
}
problem-text-utf8-invalid = the text is UTF-8 but has a byte that is not (0x{ $byte }): the file is damaged or mixes encodings; save it as UTF-8 again
problem-text-encoding-unknown = the text is neither UTF-8 nor Windows-1251 (byte 0x{ $byte }): save the file as CSV UTF-8
problem-json-syntax = not valid JSON: the error is at line { $line }, column { $column }
problem-json-ends-early = the JSON ends early, at line { $line }, column { $column }: truncated?
problem-json-field-missing = the field “{ $field }” is missing
problem-json-field-unknown = unknown field “{ $field }” (expected: { $expected })
problem-json-value-unknown = unknown value “{ $value }” (expected: { $expected })
problem-json-type-invalid = wrong value: { $found }, expected { $expected }
