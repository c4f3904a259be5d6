# accord — русский (язык по умолчанию): account

revoke = Отозвать
users-title = Пользователи
user-new = Добавить пользователя
user-new-title = Новый пользователь
user-edit-title = Изменение пользователя
user-active = Активен
user-disabled = Отключён
user-disable = Отключить учётную запись (все сеансы и токены перестанут действовать)
user-role-help = Координатору нужна сторона, исполнителю — организация; администратор и наблюдатель видят обе стороны.
account-title = Моя учётная запись
account-password = Смена пароля
account-password-change = Сменить пароль
password-current-wrong = Текущий пароль указан неверно.
account-tokens = Токены API
account-tokens-help = Токен даёт программам доступ к JSON API от вашего имени (заголовок Authorization: Bearer …).
account-token-create = Создать токен
account-token-once = Скопируйте токен сейчас: он показывается один раз.
account-rule-no-account = У оператора экземпляра нет своей учётной записи: укажите пользователя через --as.
account-rule-user-disabled = Учётная запись { $login } отключена.
# Sign-in protection, demo accounts, token expiry (issue 15)
sign-in-demo-refused = Демо-учётные записи с опубликованными паролями работают только на сервере, запущенном в демо-режиме (accord serve --demo). Попросите администратора задать вам пароль.
token-expiry-invalid = Срок действия токена: число дней (например, 90d), часов (12h) или недель (2w), не более { $max } дней; пусто — бессрочно.
field-expires = Действует до
account-token-expired = истёк
account-token-no-expiry = бессрочно
account-token-days = { $days } дн.
