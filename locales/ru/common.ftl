# accord — русский (язык по умолчанию): common

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
confirm-delete-title = Подтвердите удаление
confirm-delete-text = Будет удалено безвозвратно (история изменений сохранится в журнале):
confirm-revoke-token = Отозвать этот токен? Программы, которые им пользуются, потеряют доступ.
history-title = История изменений
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
err-too-large = больше любого реального значения
err-out-of-range = вне допустимого диапазона
err-not-a-number = нужно число
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
error-upload-too-large = Файл больше, чем принимает эта форма: таблица плана, вложения и подтверждения до 10 МиБ, файлы торговли и техники до 64 МиБ, файлы логистики до 32 МиБ.
error-upload-unreadable = Файл получен не полностью (передача прервалась или файл больше допустимого).
error-bad-form = Форма заполнена неверно.
error-bad-json = Тело запроса — не JSON ожидаемого вида.
error-self-lockout = Нельзя отключить себя или изменить собственную роль.
error-internal = Что-то пошло не так на сервере. Ошибка записана в журнал.
# План мероприятий
nav-plan = План
status-not-started = Не начато
status-in-progress = Выполняется
status-done = Выполнено
status-postponed = Перенесено
status-cancelled = Отменено
download = Скачать
value-kind-quantity = Количество
value-kind-yes-no = Да/нет
field-dimension = Направление
field-executor = Исполнитель
field-executors_by = Исполнители с белорусской стороны
field-executors_khv = Исполнители с российской стороны
field-executors = Исполнители
field-tag = Метка
field-tags = Метки (через запятую)
field-due = Срок в квартале
field-number = Номер
field-section = Направление
field-title_ru = Наименование мероприятия
field-title_en = Наименование (англ.)
field-term = Срок исполнения
field-expected_result = Ожидаемый результат
field-description = Описание
field-note = Примечание
field-percent = Выполнено, %
field-weight = Вес
field-name_ru = Наименование
field-unit = Единица измерения
field-direction = Направление изменения
field-accumulation = Учёт
field-value_kind = Тип значения
field-baseline = Базовое значение
field-target = Цель на весь план
field-yearly_targets = Цели по годам
field-quarter = Квартал
field-value = Значение
error-bad-format = Неизвестный формат: используйте xlsx, csv или json.
confirm-delete-file = Удалить этот файл?
field-file = Файл
field-link = Связанное мероприятие
flash-amendment-proposed = Изменение отправлено на согласование координатору другой стороны.
flash-amendment-accepted = Изменение принято и внесено в план.
flash-amendment-rejected = Изменение отклонено.
field-signed_on = Дата подписания
field-name_en = Наименование (англ.)
field-baseline_date = Дата базового значения
error-rate-conflict = Курс { $currency } на { $date } уже записан с другим значением; файл не загружен.
error-missing-rate = Нет курса валюты для пересчёта: { $detail }. Загрузите курсы (accord import rates).
## Trade
nav-trade = Торговля
territory-by-ma = Могилёвская область
territory-ru-kha = Хабаровский край
territory-by = Беларусь
territory-ru = Россия
num-thousand = тыс.
num-million = млн
num-billion = млрд
num-trillion = трлн
## Ошибки в загружаемых файлах (план, торговля, курсы). Значения из файла — в «ёлочках».
## Текст причины начинается со строчной буквы: перед ним стоит место ошибки.

problem-where = { $where }: { $reason }
problem-where-sheet = лист «{ $sheet }»
problem-where-row = строка { $row }
problem-where-column = столбец «{ $column }»
problem-skipped-row = Строка { $row } пропущена: { $reason }
problem-value-empty = значение не заполнено
problem-file-unreadable = файл не читается: { $detail }
problem-file-empty = файл пуст: в первой строке должны быть заголовки столбцов
problem-header-unreadable = строка заголовков не читается: { $detail }
problem-xlsx-unreadable = файл не читается как книга Excel (XLSX): { $detail }
problem-xlsx-no-sheets = в книге нет ни одного листа
problem-sheet-unreadable = лист не читается: { $detail }
problem-csv-unreadable = файл не читается как CSV: { $detail }
problem-text-invalid = файл не является текстом в кодировке { $encoding }
problem-text-invalid-undeclared = файл не является текстом в кодировке { $encoding } (возможно, это файл в windows-1251, из которого удалено объявление XML)
problem-number-invalid = «{ $value }» — не число
problem-number-two-separators = в числе «{ $value }» есть и точка, и запятая: оставьте один десятичный разделитель, а разряды отделяйте только пробелами
problem-number-exponent = число «{ $value }» записано в экспоненциальной форме, а электронные таблицы такие числа округляют: запишите все цифры
problem-number-not-whole = «{ $value }» — нужно целое число
problem-number-too-precise = в числе «{ $value }» больше { $places } знаков после запятой
problem-number-negative = «{ $value }» — отрицательное число
problem-number-too-large = число «{ $value }» слишком велико
problem-number-not-non-negative = «{ $value }» — нужно неотрицательное число
problem-number-not-positive = «{ $value }» — нужно положительное число
problem-number-not-positive-whole = «{ $value }» — нужно целое положительное число
problem-xml-declaration-unclosed = объявление XML не закрыто
problem-xml-encoding-malformed = кодировка в объявлении XML записана с ошибкой
problem-xml-encoding-unknown = неизвестная кодировка «{ $value }» в объявлении XML
problem-xml-malformed = ошибка в разметке XML: { $detail }
problem-xml-truncated = файл обрывается до закрытия элементов: возможно, он загружен не полностью
problem-json-truncated = JSON обрывается: возможно, файл загружен не полностью ({ $detail })
## logistics
nav-logistics = Логистика
## review
nav-review = Обзор выполнения
## fleet
nav-fleet = Техника
error-invalid-file = Файл не загружен: в нём есть ошибки.
problem-xlsx-too-large = { $limit ->
    [columns] лист доходит до столбца номер { $value }, допустимо не дальше { $max }-го: проверьте, нет ли значений или форматирования далеко справа
    [cells] лист занимает { $value } ячеек от первой до последней заполненной, допустимо не более { $max }: удалите пустые строки и столбцы или разделите файл
    [parts] в книге { $value } частей, допустимо не более { $max }
    [shared_strings] в книге { $value } строковых значений, допустимо не более { $max }
   *[other] часть книги после распаковки занимает { $value } байт, допустимо не более { $max }
}
## limits and encodings (issue 15)
problem-file-too-large = в файле { $value } байт, для файла этого вида допустимо не более { $max }: разделите его
problem-csv-too-large = { $limit ->
    [fields] в строке { $value } полей, допустимо не более { $max }: верен ли разделитель?
    [cells] в файле больше { $max } ячеек (уже { $value }): разделите его
   *[other] длина строки { $value } байт или больше, допустимо не более { $max }: это точно CSV-файл, с переводами строк?
}
problem-json-too-large = { $limit ->
    [depth] списки и объекты JSON вложены на глубину { $value }, допустимо не более { $max }
   *[other] в JSON { $value } байт, допустимо не более { $max }
}
problem-text-utf8-invalid = текст в UTF-8, но в нём есть байт не из UTF-8 (0x{ $byte }): файл повреждён или в нём смешаны кодировки; сохраните его заново в UTF-8
problem-text-encoding-unknown = текст не в UTF-8 и не в Windows-1251 (байт 0x{ $byte }): сохраните файл как «CSV UTF-8»
problem-json-syntax = ошибка в JSON: строка { $line }, позиция { $column }
problem-json-ends-early = JSON обрывается на строке { $line }, позиция { $column }: возможно, файл загружен не полностью
problem-json-field-missing = нет поля «{ $field }»
problem-json-field-unknown = неизвестное поле «{ $field }» (ожидаются: { $expected })
problem-json-value-unknown = неизвестное значение «{ $value }» (ожидается одно из: { $expected })
problem-json-type-invalid = неверное значение: { $found }, ожидается { $expected }
