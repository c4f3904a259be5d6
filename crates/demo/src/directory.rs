//! The demo's directory: the organisations of both sides, the people the review invites and
//! users of every role. The signatories are those named in the agreement's announcement;
//! departments and enterprises are the kinds the plan involves. Contact details are invented.
//! Everything is created through the directory's and accounts' use cases as the operator.

use accord_app::account::UserInput;
use accord_app::directory::{OrganisationInput, PersonInput};
use accord_app::{Actor, App, Result};

/// (code, side, kind, full name RU, short name RU, full name EN, short name EN, city)
type Org =
    (&'static str, &'static str, &'static str, &'static str, &'static str, &'static str, &'static str, &'static str);

pub(crate) const ORGANISATIONS: &[Org] = &[
    (
        "MOG-OIK",
        "BY",
        "government-body",
        "Могилёвский областной исполнительный комитет",
        "Могилёвский облисполком",
        "Mogilev Oblast Executive Committee",
        "Mogilev Oblast Executive Committee",
        "Могилёв",
    ),
    (
        "MOG-FER",
        "BY",
        "government-body",
        "Главное управление по внешнеэкономической деятельности Могилёвского облисполкома",
        "ВЭД Могилёвского облисполкома",
        "Foreign Economic Relations Department, Mogilev Oblast Executive Committee",
        "Mogilev foreign economic relations",
        "Могилёв",
    ),
    (
        "MOG-IND",
        "BY",
        "government-body",
        "Комитет промышленности Могилёвского облисполкома",
        "Комитет промышленности (Могилёв)",
        "Industry Committee, Mogilev Oblast Executive Committee",
        "Mogilev industry committee",
        "Могилёв",
    ),
    (
        "MOG-AGRO",
        "BY",
        "government-body",
        "Комитет по сельскому хозяйству и продовольствию Могилёвского облисполкома",
        "Сельхозпрод (Могилёв)",
        "Agriculture and Food Committee, Mogilev Oblast Executive Committee",
        "Mogilev agriculture committee",
        "Могилёв",
    ),
    (
        "MOG-YOUTH",
        "BY",
        "government-body",
        "Управление по делам молодёжи Могилёвского облисполкома",
        "Молодёжь (Могилёв)",
        "Youth Affairs Department, Mogilev Oblast Executive Committee",
        "Mogilev youth department",
        "Могилёв",
    ),
    (
        "MOG-CULT",
        "BY",
        "government-body",
        "Управление культуры Могилёвского облисполкома",
        "Культура (Могилёв)",
        "Culture Department, Mogilev Oblast Executive Committee",
        "Mogilev culture department",
        "Могилёв",
    ),
    (
        "MAZ",
        "BY",
        "enterprise",
        "ОАО «Минский автомобильный завод» — управляющая компания холдинга «БЕЛАВТОМАЗ»",
        "МАЗ",
        "Minsk Automobile Plant (MAZ)",
        "MAZ",
        "Минск",
    ),
    (
        "BELAZ",
        "BY",
        "enterprise",
        "ОАО «БЕЛАЗ» — управляющая компания холдинга «БЕЛАЗ-ХОЛДИНГ»",
        "БЕЛАЗ",
        "BELAZ",
        "BELAZ",
        "Жодино",
    ),
    ("MTZ", "BY", "enterprise", "ОАО «Минский тракторный завод»", "МТЗ", "Minsk Tractor Works (MTZ)", "MTZ", "Минск"),
    (
        "BABUSHKINA",
        "BY",
        "enterprise",
        "ОАО «Бабушкина крынка» — управляющая компания холдинга «Могилёвская молочная компания «Бабушкина крынка»",
        "Бабушкина крынка",
        "Babushkina Krynka dairy",
        "Babushkina Krynka",
        "Могилёв",
    ),
    (
        "MOG-MEAT",
        "BY",
        "enterprise",
        "ОАО «Могилёвский мясокомбинат»",
        "Могилёвский мясокомбинат",
        "Mogilev Meat Plant",
        "Mogilev Meat Plant",
        "Могилёв",
    ),
    (
        "BRU",
        "BY",
        "university",
        "Межгосударственное образовательное учреждение высшего образования «Белорусско-Российский университет»",
        "Белорусско-Российский университет",
        "Belarusian-Russian University",
        "Belarusian-Russian University",
        "Могилёв",
    ),
    (
        "KHV-GOV",
        "KHV",
        "government-body",
        "Правительство Хабаровского края",
        "Правительство Хабаровского края",
        "Government of Khabarovsk Territory",
        "Khabarovsk Territory Government",
        "Хабаровск",
    ),
    (
        "KHV-ECON",
        "KHV",
        "government-body",
        "Министерство экономического развития Хабаровского края",
        "Минэкономразвития края",
        "Ministry of Economic Development of Khabarovsk Territory",
        "Khabarovsk economic development",
        "Хабаровск",
    ),
    (
        "KHV-IND",
        "KHV",
        "government-body",
        "Министерство промышленности и транспорта Хабаровского края",
        "Минпромтранс края",
        "Ministry of Industry and Transport of Khabarovsk Territory",
        "Khabarovsk industry and transport",
        "Хабаровск",
    ),
    (
        "KHV-AGRO",
        "KHV",
        "government-body",
        "Министерство сельского хозяйства и продовольствия Хабаровского края",
        "Минсельхоз края",
        "Ministry of Agriculture and Food of Khabarovsk Territory",
        "Khabarovsk agriculture",
        "Хабаровск",
    ),
    (
        "KHV-YOUTH",
        "KHV",
        "government-body",
        "Комитет по молодёжной политике Правительства Хабаровского края",
        "Молодёжная политика (Хабаровск)",
        "Youth Policy Committee of Khabarovsk Territory",
        "Khabarovsk youth policy",
        "Хабаровск",
    ),
    (
        "KHV-CULT",
        "KHV",
        "government-body",
        "Министерство культуры Хабаровского края",
        "Минкультуры края",
        "Ministry of Culture of Khabarovsk Territory",
        "Khabarovsk culture",
        "Хабаровск",
    ),
    (
        "KHV-PARK",
        "KHV",
        "other",
        "Индустриальный парк «Авангард» (управляющая компания)",
        "Индустриальный парк «Авангард»",
        "Avangard Industrial Park (management company)",
        "Avangard Industrial Park",
        "Хабаровск",
    ),
    (
        "KHV-FISH",
        "KHV",
        "enterprise",
        "ООО «Амурская рыбопромышленная компания»",
        "Амурская рыбопромышленная",
        "Amur Fishing Company",
        "Amur Fishing",
        "Николаевск-на-Амуре",
    ),
    (
        "KHV-SEAFOOD",
        "KHV",
        "enterprise",
        "АО «Охотские морепродукты»",
        "Охотские морепродукты",
        "Okhotsk Seafood",
        "Okhotsk Seafood",
        "Охотск",
    ),
    (
        "KHV-BERRY",
        "KHV",
        "enterprise",
        "ООО «Дары дальневосточной тайги»",
        "Дары тайги",
        "Far Eastern Taiga Harvest",
        "Taiga Harvest",
        "Хабаровск",
    ),
    (
        "KHV-UTIL",
        "KHV",
        "enterprise",
        "МУП «Городское благоустройство» г. Хабаровска",
        "Горблагоустройство Хабаровска",
        "Khabarovsk City Maintenance (municipal)",
        "Khabarovsk City Maintenance",
        "Хабаровск",
    ),
    (
        "KHV-ROADS",
        "KHV",
        "enterprise",
        "КГУП «Хабаровскавтодор»",
        "Хабаровскавтодор",
        "Khabarovskavtodor (regional road operator)",
        "Khabarovskavtodor",
        "Хабаровск",
    ),
    (
        "PNU",
        "KHV",
        "university",
        "ФГБОУ ВО «Тихоокеанский государственный университет»",
        "Тихоокеанский государственный университет",
        "Pacific National University",
        "Pacific National University",
        "Хабаровск",
    ),
];

/// (organisation code, full name RU, full name EN, position RU, position EN)
pub(crate) const PEOPLE: &[(&str, &str, &str, &str, &str)] = &[
    (
        "MOG-OIK",
        "Исаченко Анатолий Николаевич",
        "Anatoly Isachenko",
        "Председатель Могилёвского облисполкома",
        "Chairman of the Mogilev Oblast Executive Committee",
    ),
    (
        "KHV-GOV",
        "Демешин Дмитрий Викторович",
        "Dmitry Demeshin",
        "Губернатор Хабаровского края",
        "Governor of Khabarovsk Territory",
    ),
    (
        "MOG-FER",
        "Ковалёва Ирина Петровна",
        "Irina Kovaleva",
        "Начальник отдела внешнеэкономических связей",
        "Head of foreign economic relations",
    ),
    (
        "KHV-ECON",
        "Соколов Андрей Игоревич",
        "Andrei Sokolov",
        "Начальник отдела межрегионального сотрудничества",
        "Head of interregional cooperation",
    ),
    (
        "MAZ",
        "Жуков Сергей Владимирович",
        "Sergei Zhukov",
        "Директор по сервису на Дальнем Востоке",
        "Far East service director",
    ),
    (
        "KHV-PARK",
        "Ли Ольга Сергеевна",
        "Olga Li",
        "Руководитель проекта сервисного центра",
        "Service centre project lead",
    ),
    ("KHV-FISH", "Ермолаев Павел Андреевич", "Pavel Ermolaev", "Коммерческий директор", "Commercial director"),
    (
        "BRU",
        "Новикова Елена Михайловна",
        "Elena Novikova",
        "Проректор по международным связям",
        "Vice-rector for international relations",
    ),
    (
        "PNU",
        "Ким Денис Александрович",
        "Denis Kim",
        "Начальник управления международного сотрудничества",
        "Head of international cooperation",
    ),
];

/// (login, display name, role, side, organisation code, locale). Password: `<login>-demo`.
type DemoUser = (&'static str, &'static str, &'static str, Option<&'static str>, Option<&'static str>, &'static str);

pub(crate) const USERS: &[DemoUser] = &[
    ("admin", "Администратор accord", "admin", None, None, "ru"),
    ("coord.by", "Ковалёва И. П. (координатор, Могилёв)", "coordinator", Some("BY"), None, "ru"),
    ("coord.khv", "Соколов А. И. (координатор, Хабаровск)", "coordinator", Some("KHV"), None, "ru"),
    ("exec.maz", "Жуков С. В. (МАЗ)", "executor", None, Some("MAZ"), "ru"),
    ("exec.fish", "Ермолаев П. А. (Амурская рыбопромышленная)", "executor", None, Some("KHV-FISH"), "ru"),
    ("observer", "Наблюдатель (read-only)", "observer", None, None, "en"),
];

/// What the directory's part of a load added.
#[derive(Debug, Default)]
pub(crate) struct Added {
    pub organisations: usize,
    pub people: usize,
    pub users: usize,
}

/// Creates the demo's organisations, people and users that are not there yet.
pub(crate) async fn load(app: &App, operator: &Actor) -> Result<Added> {
    let store = app.store();
    let mut added = Added::default();
    for (code, side, kind, full_ru, short_ru, full_en, short_en, city) in ORGANISATIONS {
        if store.organisation_by_code(code).await.is_ok() {
            continue;
        }
        let input = OrganisationInput {
            side: (*side).into(),
            code: (*code).into(),
            kind: (*kind).into(),
            name_full_ru: (*full_ru).into(),
            name_short_ru: (*short_ru).into(),
            name_full_en: Some((*full_en).into()),
            name_short_en: Some((*short_en).into()),
            address: Some((*city).into()),
            // Invented, under the reserved example domain: reminders have somewhere to go.
            email: Some(format!("office@{}.example", code.to_ascii_lowercase())),
            ..Default::default()
        };
        app.organisation_create(operator, &input).await?;
        added.organisations += 1;
    }
    for (code, name_ru, name_en, position_ru, position_en) in PEOPLE {
        let org = store.organisation_by_code(code).await?;
        let existing = store
            .person_list(
                &accord_store::PersonFilter {
                    organisation: Some(org.id),
                    query: Some((*name_ru).into()),
                    ..Default::default()
                },
                accord_store::Paging::default(),
            )
            .await?;
        if existing.total > 0 {
            continue;
        }
        let input = PersonInput {
            organisation_id: org.id.to_string(),
            full_name_ru: (*name_ru).into(),
            full_name_en: Some((*name_en).into()),
            position_ru: Some((*position_ru).into()),
            position_en: Some((*position_en).into()),
            ..Default::default()
        };
        app.person_create(operator, &input).await?;
        added.people += 1;
    }
    for (login, name, role, side, org, locale) in USERS {
        if store.user_by_login(login).await.is_ok() {
            continue;
        }
        let input = UserInput {
            login: (*login).into(),
            display_name: (*name).into(),
            password: Some(crate::demo_password(login)),
            role: (*role).into(),
            side: side.map(Into::into),
            organisation: org.map(Into::into),
            locale: Some((*locale).into()),
            ..Default::default()
        };
        app.user_create(operator, &input).await?;
        added.users += 1;
    }
    Ok(added)
}
