//! Trade files: UN Comtrade CSV, accord's own template (CSV and XLSX), the two central banks'
//! exchange-rate files, and the commodity nomenclature shipped with accord.

pub mod comtrade;
mod countries;
pub mod nomenclature;
mod number;
pub mod rates;
pub mod rates_write;
pub mod read;
pub mod template;

pub use comtrade::{ComtradeFile, ComtradeLayout, ComtradeReader, MAX_SKIPPED, Skipped, read_comtrade};
pub use nomenclature::{HsSection, hs_sections, load_nomenclature, nomenclature};
pub use rates::{RateFile, RateSource, read_rates};
pub use rates_write::{RateWriteError, write_cbr_xml_daily, write_nbrb_json};
pub use read::{SPLIT_AT, TradeFormat, TradeRead, TradeReadError, read_trade_bytes, read_trade_file};
pub use template::{
    MAX_PROBLEMS, Progress, ReadReport, TemplateColumn, TemplateCsvReader, generate_template_csv,
    generate_template_records, read_template_csv, read_template_xlsx, write_template_csv, write_template_records_csv,
    write_template_xlsx,
};
