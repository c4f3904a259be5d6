# accord — русский (язык по умолчанию): directory

organisations-title = Организации
organisations-search-hint = Название или код, например «мтз»
organisation-new = Добавить организацию
organisation-new-title = Новая организация
organisation-edit-title = Изменение организации
people-title = Люди
people-search-hint = ФИО или должность
person-new = Добавить человека
person-new-title = Новый человек
person-edit-title = Изменение данных человека
org-review = проверить
org-review-help = Создана при импорте плана: проверьте наименование, вид и контакты.
