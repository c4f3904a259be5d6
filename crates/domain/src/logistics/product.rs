//! Products shipped through the network, their temperature regimes and shelf-life budgets.
//!
//! Shelf life is a budget of days at the product's regime temperature. A day spent warmer
//! than the regime uses more than a day of it: the factor per temperature class below. The
//! factors are round planning figures, roughly the ratio of storage lives at the two
//! temperatures (frozen fish keeps about a year at -18 °C and a week or two once thawed, so a
//! thawed day costs about 30 frozen days; berries keep about two weeks at 0-5 °C and two or
//! three days at room temperature, so about 5). They are deliberately coarse: the point is to
//! exclude routes that break the cold chain, not to model spoilage kinetics.

use super::network::CargoClass;
use super::units::{Days, TempRange};
use crate::text::fold;
use crate::trade::{CommodityCode, Money};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// The temperature a product must be kept at, from coldest to warmest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Regime {
    /// -24 °C or colder.
    DeepFrozen,
    /// -18 °C or colder.
    Frozen,
    /// 0 to +5 °C.
    Chilled,
    /// No temperature control needed.
    Ambient,
}

impl Regime {
    /// The warmest temperature of the regime (°C); `None` for ambient.
    pub fn max_c(self) -> Option<i16> {
        match self {
            Regime::DeepFrozen => Some(-24),
            Regime::Frozen => Some(-18),
            Regime::Chilled => Some(5),
            Regime::Ambient => None,
        }
    }

    /// Needs a reefer on every leg.
    pub fn needs_reefer(self) -> bool {
        self != Regime::Ambient
    }

    /// The coldest regime a reefer or store holding `range` keeps cargo in; `None` (no
    /// temperature control) is ambient.
    pub fn held_by(range: Option<TempRange>) -> Regime {
        match range {
            Some(r) if r.min_c <= -24 => Regime::DeepFrozen,
            Some(r) if r.min_c <= -18 => Regime::Frozen,
            Some(r) if r.min_c <= 5 => Regime::Chilled,
            _ => Regime::Ambient,
        }
    }

    /// How many days of shelf life one day at `held` uses for a product of this regime: 1 at
    /// the regime or colder, more when warmer (see the module notes).
    pub fn consumption_factor(self, held: Regime) -> u32 {
        use Regime::*;
        match (self, held) {
            (_, h) if h <= self => 1,
            (DeepFrozen, Frozen) => 2,
            (DeepFrozen, Chilled) => 60,
            (DeepFrozen, Ambient) => 600,
            (Frozen, Chilled) => 30,
            (Frozen, Ambient) => 300,
            (Chilled, Ambient) => 5,
            _ => 1,
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            Regime::DeepFrozen => "logistics.regime.deep-frozen",
            Regime::Frozen => "logistics.regime.frozen",
            Regime::Chilled => "logistics.regime.chilled",
            Regime::Ambient => "logistics.regime.ambient",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Unit {
    Kg,
    Tonne,
    Piece,
}

/// Shelf life in days at the regime, and how many must be left on arrival for the buyer to
/// sell the goods (a retailer refuses berries with two days left).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShelfLife {
    pub days: Days,
    #[serde(default)]
    pub min_left_on_arrival: Days,
}

impl ShelfLife {
    /// The days the journey may use.
    pub fn journey_budget(&self) -> Days {
        Days::from_tenths(self.days.tenths() - self.min_left_on_arrival.tenths())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Product {
    /// A short stable key (`pollock-frozen`), used by chains and URLs.
    pub key: String,
    /// TN VED EAEU code, as precise as known ("0303 67", "8701").
    pub code: CommodityCode,
    pub name_ru: String,
    pub name_en: String,
    pub unit: Unit,
    /// Value of one unit at the producer (ex-works), for insurance and financing in transit.
    pub value_per_unit: Money,
    /// Gross mass of one unit in kilograms (packed), for tariffs per tonne.
    pub mass_per_unit_kg: Decimal,
    /// Units in one container load (a 40' reefer holds about 26 t of frozen fish).
    pub units_per_container: Decimal,
    /// `None` only for goods that need none; a perishable product without one is refused.
    #[serde(default)]
    pub regime: Option<Regime>,
    #[serde(default)]
    pub shelf_life: Option<ShelfLife>,
    #[serde(default)]
    pub cargo: Vec<CargoClass>,
    /// Listed foods taxed at Russia's reduced VAT rate (10%).
    #[serde(default)]
    pub reduced_vat_food: bool,
    #[serde(default)]
    pub source: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProductError {
    #[error(
        "product {0}: perishable (it has a shelf life or is fish, animal or plant cargo) but has no temperature regime"
    )]
    NoRegime(String),
    #[error("product {0}: regime {1:?} needs a shelf-life budget")]
    NoShelfLife(String, Regime),
    #[error("product {product}: {field} must be positive")]
    NotPositive { product: String, field: &'static str },
    #[error("product {0}: the days that must be left on arrival exceed the shelf life")]
    BudgetExceeded(String),
    #[error("product {0}: the key is used twice")]
    Duplicate(String),
    #[error("product {0}: the key is empty or has characters other than a-z, 0-9 and '-'")]
    BadKey(String),
    #[error("no product with the key, code or name {0:?}")]
    NotFound(String),
    #[error("{query:?} matches several products: {}", .keys.join(", "))]
    Ambiguous { query: String, keys: Vec<String> },
}

impl ProductError {
    /// What the refusal is about, without words (see `NetworkError::detail`).
    pub fn detail(&self) -> String {
        match self {
            ProductError::NoRegime(p)
            | ProductError::BudgetExceeded(p)
            | ProductError::Duplicate(p)
            | ProductError::BadKey(p)
            | ProductError::NotFound(p) => p.clone(),
            ProductError::NoShelfLife(p, regime) => format!("{p}: {}", super::network::serde_code(regime)),
            ProductError::NotPositive { product, field } => format!("{product}: {field}"),
            ProductError::Ambiguous { query, keys } => format!("«{query}»: {}", keys.join(", ")),
        }
    }

    pub fn key(&self) -> &'static str {
        match self {
            ProductError::NoRegime(_) => "logistics.product.no-regime",
            ProductError::NoShelfLife(..) => "logistics.product.no-shelf-life",
            ProductError::NotPositive { .. } => "logistics.product.not-positive",
            ProductError::BudgetExceeded(_) => "logistics.product.budget-exceeded",
            ProductError::Duplicate(_) => "logistics.product.duplicate",
            ProductError::BadKey(_) => "logistics.product.bad-key",
            ProductError::NotFound(_) => "logistics.product.not-found",
            ProductError::Ambiguous { .. } => "logistics.product.ambiguous",
        }
    }
}

impl Product {
    /// Every problem with one product.
    pub fn validate(&self) -> Vec<ProductError> {
        let mut errors = Vec::new();
        let k = || self.key.clone();
        if self.key.is_empty() || !self.key.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-') {
            errors.push(ProductError::BadKey(k()));
        }
        let perishable = self.shelf_life.is_some()
            || self.cargo.iter().any(|c| {
                matches!(c, CargoClass::Fish | CargoClass::AnimalProduct | CargoClass::Plant | CargoClass::Reefer)
            });
        match self.regime {
            None if perishable => errors.push(ProductError::NoRegime(k())),
            Some(r) if r.needs_reefer() && self.shelf_life.is_none() => errors.push(ProductError::NoShelfLife(k(), r)),
            _ => {}
        }
        for (field, v) in [
            ("value_per_unit", self.value_per_unit.to_decimal()),
            ("mass_per_unit_kg", self.mass_per_unit_kg),
            ("units_per_container", self.units_per_container),
        ] {
            if v <= Decimal::ZERO {
                errors.push(ProductError::NotPositive { product: k(), field });
            }
        }
        if let Some(s) = self.shelf_life {
            if s.days.tenths() <= 0 {
                errors.push(ProductError::NotPositive { product: k(), field: "shelf_life.days" });
            } else if s.journey_budget().tenths() < 0 || s.min_left_on_arrival.is_negative() {
                errors.push(ProductError::BudgetExceeded(k()));
            }
        }
        errors
    }

    /// The product's regime, ambient when it has none (valid products have one when needed).
    pub fn regime_or_ambient(&self) -> Regime {
        self.regime.unwrap_or(Regime::Ambient)
    }

    /// Tonnes in `units`.
    pub fn tonnes(&self, units: Decimal) -> Decimal {
        units * self.mass_per_unit_kg / Decimal::ONE_THOUSAND
    }
}

/// Validates a list of products: each alone, and unique keys.
pub fn validate_products(products: &[Product]) -> Vec<ProductError> {
    let mut errors = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for p in products {
        if !seen.insert(p.key.as_str()) {
            errors.push(ProductError::Duplicate(p.key.clone()));
        }
        errors.extend(p.validate());
    }
    errors
}

/// A product by its key, its commodity code or a prefix of it (`0303`), or its Russian or
/// English name (any case, ё as е). A prefix or a name matching several products is ambiguous.
pub fn find_product<'a>(products: &'a [Product], query: &str) -> Result<&'a Product, ProductError> {
    let q = query.trim();
    if let Some(p) = products.iter().find(|p| p.key == q) {
        return Ok(p);
    }
    let matches: Vec<&Product> = match CommodityCode::parse(q) {
        Ok(code) => products.iter().filter(|p| p.code.starts_with(code)).collect(),
        Err(_) => {
            let f = fold(q);
            let exact: Vec<&Product> =
                products.iter().filter(|p| fold(&p.name_ru) == f || fold(&p.name_en) == f).collect();
            if exact.is_empty() {
                products.iter().filter(|p| fold(&p.name_ru).contains(&f) || fold(&p.name_en).contains(&f)).collect()
            } else {
                exact
            }
        }
    };
    match matches.as_slice() {
        [] => Err(ProductError::NotFound(query.to_string())),
        [one] => Ok(one),
        many => Err(ProductError::Ambiguous {
            query: query.to_string(),
            keys: many.iter().map(|p| p.key.clone()).collect(),
        }),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::trade::Currency;
    use std::str::FromStr;

    pub(crate) fn pollock() -> Product {
        Product {
            key: "pollock-frozen".into(),
            code: CommodityCode::parse("0303 67").expect("code"),
            name_ru: "Минтай мороженый".into(),
            name_en: "Frozen Alaska pollock".into(),
            unit: Unit::Kg,
            value_per_unit: Money::new(20000, Currency::Rub),
            mass_per_unit_kg: Decimal::ONE,
            units_per_container: Decimal::from(26000),
            regime: Some(Regime::Frozen),
            shelf_life: Some(ShelfLife { days: Days::whole(300), min_left_on_arrival: Days::whole(60) }),
            cargo: vec![CargoClass::Reefer, CargoClass::Fish, CargoClass::AnimalProduct],
            reduced_vat_food: true,
            source: String::new(),
        }
    }

    #[test]
    fn warmer_days_use_more_budget() {
        assert_eq!(Regime::Frozen.consumption_factor(Regime::Frozen), 1);
        assert_eq!(Regime::Frozen.consumption_factor(Regime::DeepFrozen), 1);
        assert_eq!(Regime::Frozen.consumption_factor(Regime::Chilled), 30);
        assert_eq!(Regime::Chilled.consumption_factor(Regime::Ambient), 5);
        assert_eq!(Regime::Ambient.consumption_factor(Regime::Ambient), 1);
        assert_eq!(Regime::held_by(Some(TempRange::new(-25, 25))), Regime::DeepFrozen);
        assert_eq!(Regime::held_by(Some(TempRange::new(0, 5))), Regime::Chilled);
        assert_eq!(Regime::held_by(None), Regime::Ambient);
    }

    #[test]
    fn a_perishable_product_needs_a_regime() {
        let mut p = pollock();
        assert!(p.validate().is_empty());
        p.regime = None;
        assert_eq!(p.validate(), vec![ProductError::NoRegime("pollock-frozen".into())]);
        p.regime = Some(Regime::Chilled);
        p.shelf_life = None;
        assert!(p.validate().contains(&ProductError::NoShelfLife("pollock-frozen".into(), Regime::Chilled)));
        p.shelf_life = Some(ShelfLife { days: Days::whole(5), min_left_on_arrival: Days::whole(6) });
        assert!(p.validate().contains(&ProductError::BudgetExceeded("pollock-frozen".into())));
    }

    #[test]
    fn found_by_key_code_prefix_or_name() {
        let mut crab = pollock();
        crab.key = "crab-frozen".into();
        crab.code = CommodityCode::parse("030614").expect("code");
        crab.name_ru = "Краб мороженый".into();
        crab.name_en = "Frozen crab".into();
        let all = vec![pollock(), crab];
        assert_eq!(find_product(&all, "crab-frozen").map(|p| p.key.as_str()), Ok("crab-frozen"));
        assert_eq!(find_product(&all, "030367").map(|p| p.key.as_str()), Ok("pollock-frozen"));
        assert_eq!(find_product(&all, "0306").map(|p| p.key.as_str()), Ok("crab-frozen"));
        assert!(matches!(find_product(&all, "03"), Err(ProductError::Ambiguous { .. })));
        assert_eq!(find_product(&all, "МИНТАЙ").map(|p| p.key.as_str()), Ok("pollock-frozen"));
        assert_eq!(find_product(&all, "frozen crab").map(|p| p.key.as_str()), Ok("crab-frozen"));
        assert!(matches!(find_product(&all, "8701"), Err(ProductError::NotFound(_))));
        assert_eq!(pollock().tonnes(Decimal::from(26000)), Decimal::from_str("26").expect("d"));
    }
}
