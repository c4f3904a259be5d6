# accord — русский (язык по умолчанию)

app-name = accord
app-tagline = План мероприятий Могилёвская область — Хабаровский край, 2025–2027
skip-to-content = Перейти к содержанию
demo-banner = Демонстрационные данные: организации, люди и пользователи выдуманы для показа возможностей accord.
footer-text = accord — сопровождение соглашения о межрегиональном сотрудничестве. Время показано в часовом поясе вашей стороны.
nav-label = Разделы
nav-home = Главная
nav-directory = Справочник
nav-people = Люди
nav-admin = Администрирование
breadcrumbs = Навигационная цепочка
pagination = Страницы
page-prev = Назад
page-next = Вперёд
page-of = Страница { $page } из { $pages }
list-total = { $count ->
    [one] Всего: { $formatted } запись
    [few] Всего: { $formatted } записи
   *[many] Всего: { $formatted } записей
}
list-empty = Ничего не найдено.
search = Поиск
all = Все
apply = Применить
open = Открыть
show = Показать
save = Сохранить
cancel = Отмена
edit = Изменить
delete = Удалить
revoke = Отозвать

side-BY = Могилёвская область (Беларусь)
side-KHV = Хабаровский край (Россия)
kind-government-body = Орган власти
kind-enterprise = Предприятие
kind-university = Университет
kind-school = Школа
kind-public-association = Общественное объединение
kind-other = Другое
role-admin = Администратор
role-coordinator = Координатор
role-executor = Исполнитель
role-observer = Наблюдатель
op-create = Создание
op-update = Изменение
op-delete = Удаление

sign-in = Войти
sign-in-title = Вход в accord
sign-in-failed = Неверный логин или пароль.
sign-in-demo-hint = Демо-доступ: например, admin / admin-demo, coord.by / coord.by-demo, exec.maz / exec.maz-demo, observer / observer-demo.
sign-out = Выйти

home-title = Сотрудничество Могилёвской области и Хабаровского края
home-lead = Справочник участников соглашения, пользователи и журнал изменений.
home-organisations = организаций
home-users = Пользователи
home-agreement = О соглашении
home-agreement-text = План мероприятий на 2025–2027 годы охватывает торгово-экономическое, научно-техническое, социальное и культурное сотрудничество, работу с молодёжью и сохранение исторической памяти. Раз в квартал стороны сверяют результаты по видеосвязи.

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
confirm-delete-title = Подтвердите удаление
confirm-delete-text = Будет удалено безвозвратно (история изменений сохранится в журнале):
confirm-revoke-token = Отозвать этот токен? Программы, которые им пользуются, потеряют доступ.
history-title = История изменений

users-title = Пользователи
user-new = Добавить пользователя
user-new-title = Новый пользователь
user-edit-title = Изменение пользователя
user-active = Активен
user-disabled = Отключён
user-disable = Отключить учётную запись (все сеансы и токены перестанут действовать)
user-role-help = Координатору нужна сторона, исполнителю — организация; администратор и наблюдатель видят обе стороны.

audit-title = Журнал изменений
audit-lead = Каждое изменение данных: кто, когда, что было и что стало. Записи связаны хешами — любую правку задним числом проверка обнаружит.
audit-verify = Проверить цепочку
audit-verify-ok = { $count ->
    [one] Цепочка цела: проверена { $formatted } запись.
    [few] Цепочка цела: проверены { $formatted } записи.
   *[many] Цепочка цела: проверено { $formatted } записей.
}
audit-verify-broken = Цепочка нарушена, первая повреждённая запись
audit-before = Было
audit-after = Стало

account-title = Моя учётная запись
account-password = Смена пароля
account-password-change = Сменить пароль
password-current-wrong = Текущий пароль указан неверно.
account-tokens = Токены API
account-tokens-help = Токен даёт программам доступ к JSON API от вашего имени (заголовок Authorization: Bearer …).
account-token-create = Создать токен
account-token-once = Скопируйте токен сейчас: он показывается один раз.

flash-saved = Изменения сохранены.
flash-deleted = Запись удалена.
flash-token-revoked = Токен отозван.

field-side = Сторона
field-code = Код
field-kind = Вид
field-name_full_ru = Полное наименование
field-name_short_ru = Краткое наименование
field-name_full_en = Полное наименование (англ.)
field-name_short_en = Краткое наименование (англ.)
field-address = Адрес
field-phone = Телефон
field-email = Электронная почта
field-website = Сайт
field-version = Версия
field-reason = Причина изменения
field-organisation = Организация
field-organisation_id = Организация
field-full_name_ru = ФИО
field-full_name_en = ФИО (англ.)
field-position_ru = Должность
field-position_en = Должность (англ.)
field-login = Логин
field-password = Пароль
field-current_password = Текущий пароль
field-new_password = Новый пароль
field-display_name = Имя
field-role = Роль
field-locale = Язык
field-status = Состояние
field-label = Название
field-created = Создан
field-last_used = Последнее использование
field-when = Когда
field-actor = Кто
field-entity = Объект
field-entity_id = Идентификатор объекта
field-operation = Действие
field-change = Изменение

err-required = обязательное поле
err-too-long = слишком длинное значение
err-too-short = слишком короткое значение (пароль — не менее 8 символов)
err-invalid-email = неверный адрес электронной почты
err-invalid-phone = неверный номер телефона
err-invalid-url = адрес сайта должен начинаться с http:// или https://
err-invalid-code = код: 2–32 латинские заглавные буквы, цифры и дефис, начиная с буквы
err-invalid-login = логин: 3–64 строчные латинские буквы, цифры, точка, дефис или подчёркивание
err-unknown-value = недопустимое значение
err-not-unique = такое значение уже занято
err-not-found = не найдено
err-role-needs-side = координатору нужно указать сторону
err-role-needs-organisation = исполнителю нужно указать организацию
err-organisation-on-other-side = организация относится к другой стороне

error-status = Код ответа
error-back-home = На главную
error-title-forbidden = Доступ запрещён
error-title-not-found = Страница не найдена
error-title-conflict = Конфликт изменений
error-title-bad-input = Неверные данные
error-title-slow-down = Слишком много попыток
error-title-internal = Внутренняя ошибка
error-validation = Проверьте выделенные поля.
error-not-found = Такой записи или страницы нет.
error-conflict = Запись уже изменил кто-то другой (текущая версия { $version }). Обновите страницу и внесите изменения заново.
error-in-use = Запись используется ({ $by }) и не может быть удалена.
error-forbidden = Вашей роли это действие не разрешено.
error-unauthorized = Нужно войти в систему (для API — токен в заголовке Authorization: Bearer).
error-csrf = Форма устарела или отправлена не со страницы accord. Обновите страницу и попробуйте снова.
error-too-many-attempts = Слишком много неудачных попыток входа. Повторите через { $seconds } с.
error-bad-form = Форма заполнена неверно.
error-bad-json = Тело запроса — не JSON ожидаемого вида.
error-self-lockout = Нельзя отключить себя или изменить собственную роль.
error-internal = Что-то пошло не так на сервере. Ошибка записана в журнал.
