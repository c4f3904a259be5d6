# accord — English (second language): directory

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
org-review = to review
org-review-help = Created by a plan import: check its name, kind and contacts.
