//! The fleet register: brands, models, engine variants, identification (VIN, serial number),
//! status, how a machine arrived, its owner and district, and the uniqueness of identifiers.
//!
//! A multi-brand centre sees Belarusian machines (MAZ and BelAZ trucks, MTZ tractors, Amkodor
//! loaders, Gomselmash harvesters) next to anything else a customer drives in, so a brand is a
//! closed list plus `Other` carrying its name as data, never a code change.
//!
//! Identification: road trucks carry a VIN, tractors and mining trucks often only a factory
//! serial number (заводской номер). A machine needs at least one of the two, and neither may be
//! registered to another machine.

use crate::fleet::regime::CorrectionFactors;
use crate::{MachineId, ModelId, OrganisationId};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::fmt;

/// The maker of a machine.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Brand {
    /// Minsk Automobile Plant: road trucks, tippers, tractor units.
    Maz,
    /// Belarusian Autoworks: mining dump trucks.
    Belaz,
    /// Minsk Tractor Works: "Belarus" tractors.
    Mtz,
    /// Amkodor: loaders, road and forestry machines.
    Amkodor,
    /// Gomselmash: combine and forage harvesters.
    Gomselmash,
    /// Any other maker, by name as entered.
    Other(String),
}

impl Brand {
    /// The stable key the web layer translates (`fleet.brand.maz`, …); `Other` shows its name.
    pub fn key(&self) -> &'static str {
        match self {
            Brand::Maz => "fleet.brand.maz",
            Brand::Belaz => "fleet.brand.belaz",
            Brand::Mtz => "fleet.brand.mtz",
            Brand::Amkodor => "fleet.brand.amkodor",
            Brand::Gomselmash => "fleet.brand.gomselmash",
            Brand::Other(_) => "fleet.brand.other",
        }
    }

    /// Recognises the usual spellings, Latin or Cyrillic, in any case ("МАЗ", "maz", "БелАЗ");
    /// anything else becomes `Other` with the trimmed text. An empty name is `None`.
    pub fn parse(input: &str) -> Option<Brand> {
        let t = input.trim();
        if t.is_empty() {
            return None;
        }
        let lower = t.to_lowercase();
        Some(match lower.as_str() {
            "maz" | "маз" => Brand::Maz,
            "belaz" | "белаз" => Brand::Belaz,
            "mtz" | "мтз" | "belarus" | "беларус" => Brand::Mtz,
            "amkodor" | "амкодор" => Brand::Amkodor,
            "gomselmash" | "гомсельмаш" => Brand::Gomselmash,
            _ => Brand::Other(t.to_string()),
        })
    }
}

/// An engine maker seen on Belarusian machines.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EngineMaker {
    /// Minsk Motor Plant (ММЗ): D-245, D-260 on MTZ, Amkodor, light MAZ.
    Mmz,
    /// Yaroslavl Motor Plant (ЯМЗ): YaMZ-536, YaMZ-238 on MAZ.
    Yamz,
    Man,
    Deutz,
    Cummins,
    Weichai,
    Mtu,
    Other(String),
}

/// The engine fitted to a model's variant: a regime may differ by engine (a MAZ-5440 with a
/// YaMZ-536 changes oil at other intervals than one with a MAN D2066).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct EngineVariant {
    pub maker: EngineMaker,
    /// The engine model as the maker writes it ("ЯМЗ-536", "D-245.5S2").
    pub model: String,
}

impl EngineVariant {
    pub fn new(maker: EngineMaker, model: &str) -> EngineVariant {
        EngineVariant { maker, model: model.trim().to_string() }
    }
}

/// A machine model: brand and designation ("МАЗ-5440", "МТЗ-82.1", "Амкодор 342").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Model {
    pub id: ModelId,
    pub brand: Brand,
    pub designation: String,
    pub kind: MachineKind,
}

/// What sort of machine a model is; decides which meters it has and which figures apply
/// (mining availability figures only for mining trucks).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MachineKind {
    RoadTruck,
    MiningTruck,
    Tractor,
    Loader,
    Harvester,
    RoadMachine,
    Other,
}

impl MachineKind {
    /// Whether machines of this kind have an odometer (tractors, loaders and harvesters only
    /// count engine hours).
    pub fn has_odometer(self) -> bool {
        matches!(self, MachineKind::RoadTruck | MachineKind::MiningTruck)
    }
}

/// Where a machine stands. "In service" here means in operation with its owner
/// (в эксплуатации), not under maintenance: maintenance days are a [`crate::fleet::kpi::DayState`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MachineStatus {
    InService,
    InRepair,
    WaitingForParts,
    BeingAssembled,
    Decommissioned,
}

impl MachineStatus {
    pub const ALL: [MachineStatus; 5] = [
        MachineStatus::InService,
        MachineStatus::InRepair,
        MachineStatus::WaitingForParts,
        MachineStatus::BeingAssembled,
        MachineStatus::Decommissioned,
    ];

    pub fn key(self) -> &'static str {
        match self {
            MachineStatus::InService => "fleet.status.in_service",
            MachineStatus::InRepair => "fleet.status.in_repair",
            MachineStatus::WaitingForParts => "fleet.status.waiting_for_parts",
            MachineStatus::BeingAssembled => "fleet.status.being_assembled",
            MachineStatus::Decommissioned => "fleet.status.decommissioned",
        }
    }

    /// Whether the machine is on the books of its owner (counts in readiness figures and the
    /// due list): commissioned and not yet written off.
    pub fn on_books(self) -> bool {
        !matches!(self, MachineStatus::BeingAssembled | MachineStatus::Decommissioned)
    }
}

/// How a machine came to Khabarovsk Territory: shipped complete, or as a kit assembled at the
/// centre (which makes the centre the assembler for warranty).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Arrival {
    ImportedComplete,
    AssembledFromKit,
}

impl Arrival {
    pub fn key(self) -> &'static str {
        match self {
            Arrival::ImportedComplete => "fleet.arrival.imported_complete",
            Arrival::AssembledFromKit => "fleet.arrival.assembled_from_kit",
        }
    }
}

/// A district (район) or city of the territory, as named in Russian ("Хабаровский район").
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct District(pub String);

/// Why an identifier was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdentError {
    #[error("VIN {value:?} has {len} characters, 17 expected")]
    VinLength { value: String, len: usize },
    #[error("VIN {value:?} contains {ch:?} at position {position}: only digits and Latin letters except I, O, Q")]
    VinCharacter { value: String, ch: char, position: usize },
    #[error("serial number is empty")]
    SerialEmpty,
    #[error("serial number {value:?} is longer than 40 characters")]
    SerialTooLong { value: String },
    #[error("serial number {value:?} contains {ch:?}: only digits, Latin or Cyrillic letters, - / .")]
    SerialCharacter { value: String, ch: char },
}

impl IdentError {
    /// The stable error key the web layer translates.
    pub fn key(&self) -> &'static str {
        match self {
            IdentError::VinLength { .. } => "fleet.error.vin_length",
            IdentError::VinCharacter { .. } => "fleet.error.vin_character",
            IdentError::SerialEmpty => "fleet.error.serial_empty",
            IdentError::SerialTooLong { .. } => "fleet.error.serial_too_long",
            IdentError::SerialCharacter { .. } => "fleet.error.serial_character",
        }
    }
}

/// A vehicle identification number (ISO 3779): 17 characters, digits and capital Latin letters
/// without I, O and Q.
///
/// The check digit (position 9) is **not** required: it is mandatory only in North America
/// (and China), and MAZ and many European VINs ("Y3M…") use position 9 as an ordinary
/// character. [`Vin::check_digit_ok`] tells whether it happens to be valid, for display.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Vin(String);

impl Vin {
    /// Trims, upper-cases and checks length and alphabet.
    pub fn parse(input: &str) -> Result<Vin, IdentError> {
        let v: String = input.trim().to_ascii_uppercase();
        let len = v.chars().count();
        if len != 17 {
            return Err(IdentError::VinLength { value: input.trim().to_string(), len });
        }
        for (i, ch) in v.chars().enumerate() {
            if !ch.is_ascii_alphanumeric() || matches!(ch, 'I' | 'O' | 'Q') {
                return Err(IdentError::VinCharacter { value: v.clone(), ch, position: i + 1 });
            }
        }
        Ok(Vin(v))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The world manufacturer identifier: the first three characters ("Y3M" for MAZ).
    pub fn wmi(&self) -> &str {
        &self.0[..3]
    }

    /// Whether position 9 is the North-American check digit of the other sixteen (weights
    /// 8,7,6,5,4,3,2,10,·,9,8,7,6,5,4,3,2 on the transliterated values, sum mod 11, 10 = 'X').
    pub fn check_digit_ok(&self) -> bool {
        const WEIGHTS: [u32; 17] = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2];
        let value = |c: u8| -> u32 {
            match c {
                b'0'..=b'9' => u32::from(c - b'0'),
                b'A'..=b'H' => u32::from(c - b'A') + 1,
                b'J'..=b'N' => u32::from(c - b'J') + 1,
                b'P' => 7,
                b'R' => 9,
                b'S'..=b'Z' => u32::from(c - b'S') + 2,
                _ => 0,
            }
        };
        let bytes = self.0.as_bytes();
        let sum: u32 = bytes.iter().zip(WEIGHTS).map(|(&c, w)| value(c) * w).sum();
        let expected = match sum % 11 {
            10 => b'X',
            d => b'0' + d as u8,
        };
        bytes[8] == expected
    }
}

impl fmt::Display for Vin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for Vin {
    type Error = IdentError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Vin::parse(&s)
    }
}

impl From<Vin> for String {
    fn from(v: Vin) -> String {
        v.0
    }
}

/// A factory serial number of a machine or an assembly (заводской номер): 1 to 40 characters,
/// letters (Latin or Cyrillic, upper-cased), digits and `-`, `/`, `.`; inner spaces dropped,
/// since plates print them inconsistently.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct SerialNumber(String);

impl SerialNumber {
    pub fn parse(input: &str) -> Result<SerialNumber, IdentError> {
        let v: String = input.chars().filter(|c| !c.is_whitespace()).flat_map(char::to_uppercase).collect();
        if v.is_empty() {
            return Err(IdentError::SerialEmpty);
        }
        if v.chars().count() > 40 {
            return Err(IdentError::SerialTooLong { value: v });
        }
        if let Some(ch) = v.chars().find(|c| !(c.is_alphanumeric() || matches!(c, '-' | '/' | '.'))) {
            return Err(IdentError::SerialCharacter { value: v, ch });
        }
        Ok(SerialNumber(v))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for SerialNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for SerialNumber {
    type Error = IdentError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        SerialNumber::parse(&s)
    }
}

impl From<SerialNumber> for String {
    fn from(v: SerialNumber) -> String {
        v.0
    }
}

/// A machine of the register.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Machine {
    pub id: MachineId,
    pub model: ModelId,
    pub brand: Brand,
    /// The modification as the maker writes it ("5440B9-1420-031"), if known.
    pub modification: Option<String>,
    pub engine: Option<EngineVariant>,
    pub vin: Option<Vin>,
    pub serial: Option<SerialNumber>,
    pub year: u16,
    pub owner: OrganisationId,
    pub district: District,
    pub status: MachineStatus,
    pub arrival: Arrival,
    /// The day the machine went into operation; `None` while it is being assembled.
    pub commissioned_on: Option<NaiveDate>,
    /// Operating category and climate factors applied to every maintenance interval.
    pub factors: CorrectionFactors,
}

/// Why a machine cannot be registered as entered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RegisterError {
    #[error("machine {machine} has neither a VIN nor a serial number")]
    NoIdentifier { machine: MachineId },
    #[error("VIN {vin} of machine {machine} is already registered to machine {other}")]
    VinTaken { machine: MachineId, vin: Vin, other: MachineId },
    #[error("serial number {serial} of machine {machine} is already registered to machine {other}")]
    SerialTaken { machine: MachineId, serial: SerialNumber, other: MachineId },
    #[error("machine {machine}: year {year} is outside 1950..={max}")]
    Year { machine: MachineId, year: u16, max: u16 },
    #[error("machine {machine} has status {status:?} but no commissioning date")]
    NotCommissioned { machine: MachineId, status: MachineStatus },
}

impl RegisterError {
    pub fn key(&self) -> &'static str {
        match self {
            RegisterError::NoIdentifier { .. } => "fleet.error.no_identifier",
            RegisterError::VinTaken { .. } => "fleet.error.vin_taken",
            RegisterError::SerialTaken { .. } => "fleet.error.serial_taken",
            RegisterError::Year { .. } => "fleet.error.year",
            RegisterError::NotCommissioned { .. } => "fleet.error.not_commissioned",
        }
    }

    /// The input field the error is about.
    pub fn field(&self) -> &'static str {
        match self {
            RegisterError::NoIdentifier { .. } | RegisterError::VinTaken { .. } => "vin",
            RegisterError::SerialTaken { .. } => "serial",
            RegisterError::Year { .. } => "year",
            RegisterError::NotCommissioned { .. } => "commissioned_on",
        }
    }
}

/// The identifiers in use, to refuse a VIN or serial number that belongs to another machine.
/// The store enforces the same with unique indexes; this is the rule and its error.
#[derive(Debug, Default, Clone)]
pub struct Register {
    vins: HashMap<Vin, MachineId>,
    serials: HashMap<SerialNumber, MachineId>,
}

impl Register {
    /// Checks `machine` (self-consistency and uniqueness) and records its identifiers.
    /// Re-registering the same machine (an edit) is allowed; `today` bounds the year.
    pub fn register(&mut self, machine: &Machine, today: NaiveDate) -> Result<(), RegisterError> {
        check_machine(machine, today)?;
        if let Some(vin) = &machine.vin
            && let Some(&other) = self.vins.get(vin)
            && other != machine.id
        {
            return Err(RegisterError::VinTaken { machine: machine.id, vin: vin.clone(), other });
        }
        if let Some(serial) = &machine.serial
            && let Some(&other) = self.serials.get(serial)
            && other != machine.id
        {
            return Err(RegisterError::SerialTaken { machine: machine.id, serial: serial.clone(), other });
        }
        self.vins.retain(|_, m| *m != machine.id);
        self.serials.retain(|_, m| *m != machine.id);
        if let Some(vin) = &machine.vin {
            self.vins.insert(vin.clone(), machine.id);
        }
        if let Some(serial) = &machine.serial {
            self.serials.insert(serial.clone(), machine.id);
        }
        Ok(())
    }

    pub fn by_vin(&self, vin: &Vin) -> Option<MachineId> {
        self.vins.get(vin).copied()
    }

    pub fn by_serial(&self, serial: &SerialNumber) -> Option<MachineId> {
        self.serials.get(serial).copied()
    }
}

/// The checks of one machine on its own: an identifier, a plausible year, and a commissioning
/// date once it is on the books.
pub fn check_machine(machine: &Machine, today: NaiveDate) -> Result<(), RegisterError> {
    use chrono::Datelike;
    if machine.vin.is_none() && machine.serial.is_none() {
        return Err(RegisterError::NoIdentifier { machine: machine.id });
    }
    let max = u16::try_from(today.year() + 1).unwrap_or(u16::MAX);
    if machine.year < 1950 || machine.year > max {
        return Err(RegisterError::Year { machine: machine.id, year: machine.year, max });
    }
    if machine.status.on_books() && machine.commissioned_on.is_none() {
        return Err(RegisterError::NotCommissioned { machine: machine.id, status: machine.status });
    }
    Ok(())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("valid test date")
    }

    pub(crate) fn machine(n: u64) -> Machine {
        Machine {
            id: MachineId::new_at(n, [0; 10]),
            model: ModelId::new_at(1, [0; 10]),
            brand: Brand::Maz,
            modification: None,
            engine: Some(EngineVariant::new(EngineMaker::Yamz, "ЯМЗ-536")),
            vin: None,
            serial: None,
            year: 2022,
            owner: OrganisationId::new_at(1, [1; 10]),
            district: District("Хабаровский район".into()),
            status: MachineStatus::InService,
            arrival: Arrival::ImportedComplete,
            commissioned_on: Some(d(2022, 5, 1)),
            factors: CorrectionFactors::NEUTRAL,
        }
    }

    #[test]
    fn vin_alphabet_and_length() {
        let v = Vin::parse(" y3m5440b9k0012345 ").expect("valid");
        assert_eq!(v.as_str(), "Y3M5440B9K0012345");
        assert_eq!(v.wmi(), "Y3M");
        assert!(matches!(Vin::parse("Y3M5440B9K001234"), Err(IdentError::VinLength { len: 16, .. })));
        assert!(matches!(Vin::parse("Y3M5440B9K00123O5"), Err(IdentError::VinCharacter { ch: 'O', position: 16, .. })));
        assert!(matches!(Vin::parse("Y3M5440Б9K0012345"), Err(IdentError::VinCharacter { ch: 'Б', .. })));
    }

    #[test]
    fn check_digit_is_reported_not_required() {
        // The textbook example: check digit X.
        assert!(Vin::parse("1M8GDM9AXKP042788").expect("valid").check_digit_ok());
        // Seventeen ones: sum = 1 * (sum of weights 89) = 89, 89 mod 11 = 1.
        assert!(Vin::parse("11111111111111111").expect("valid").check_digit_ok());
        // A MAZ-style VIN without a check digit is still a valid VIN.
        let maz = Vin::parse("Y3M5440B9K0012345").expect("valid");
        assert!(!maz.check_digit_ok());
    }

    #[test]
    fn serial_numbers_normalise() {
        assert_eq!(SerialNumber::parse(" 808 123 456 ").expect("ok").as_str(), "808123456");
        assert_eq!(SerialNumber::parse("д-245.5с/17").expect("ok").as_str(), "Д-245.5С/17");
        assert_eq!(SerialNumber::parse("   "), Err(IdentError::SerialEmpty));
        assert!(matches!(SerialNumber::parse("12#4"), Err(IdentError::SerialCharacter { ch: '#', .. })));
    }

    #[test]
    fn brands_parse_in_both_scripts() {
        assert_eq!(Brand::parse("МАЗ"), Some(Brand::Maz));
        assert_eq!(Brand::parse("belaz"), Some(Brand::Belaz));
        assert_eq!(Brand::parse(" Liebherr "), Some(Brand::Other("Liebherr".into())));
        assert_eq!(Brand::parse(""), None);
        assert_eq!(Brand::Other("x".into()).key(), "fleet.brand.other");
    }

    #[test]
    fn register_refuses_identifier_of_another_machine() {
        let today = d(2025, 1, 1);
        let mut reg = Register::default();
        let mut a = machine(1);
        a.vin = Some(Vin::parse("Y3M5440B9K0012345").expect("vin"));
        reg.register(&a, today).expect("first");
        // Editing the same machine is fine.
        reg.register(&a, today).expect("same machine again");
        let mut b = machine(2);
        b.vin = a.vin.clone();
        let err = reg.register(&b, today).unwrap_err();
        assert_eq!(err, RegisterError::VinTaken { machine: b.id, vin: b.vin.clone().expect("vin"), other: a.id });
        assert_eq!(err.field(), "vin");
        b.vin = None;
        b.serial = Some(SerialNumber::parse("123").expect("serial"));
        reg.register(&b, today).expect("serial only");
        let mut c = machine(3);
        c.serial = b.serial.clone();
        assert!(matches!(reg.register(&c, today), Err(RegisterError::SerialTaken { other, .. }) if other == b.id));
        assert_eq!(reg.by_serial(&SerialNumber::parse("123").expect("s")), Some(b.id));
    }

    #[test]
    fn machine_checks() {
        let today = d(2025, 1, 1);
        let mut m = machine(1);
        assert_eq!(check_machine(&m, today), Err(RegisterError::NoIdentifier { machine: m.id }));
        m.serial = Some(SerialNumber::parse("1").expect("s"));
        m.year = 2027;
        assert!(matches!(check_machine(&m, today), Err(RegisterError::Year { year: 2027, max: 2026, .. })));
        m.year = 2024;
        m.commissioned_on = None;
        assert!(matches!(check_machine(&m, today), Err(RegisterError::NotCommissioned { .. })));
        m.status = MachineStatus::BeingAssembled;
        assert_eq!(check_machine(&m, today), Ok(()));
    }
}
