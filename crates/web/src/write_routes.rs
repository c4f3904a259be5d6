//! Which use case each route that changes something performs.
//!
//! Every POST, PUT, PATCH and DELETE route of the router is listed here with the use case(s) of
//! `accord_app::UseCase` it calls (a form with several buttons may call several). The route
//! walk (`tests/it/routes.rs`) reads the router's routes from the sources, fails for a write
//! route missing here or listed here but gone, and sends each one a request to show it is
//! routed; the permission matrix (`accord-app`'s tests) runs every use case as every role.

use accord_app::UseCase;

/// A route that changes state and the use cases it performs.
#[derive(Debug, Clone, Copy)]
pub struct WriteRoute {
    pub method: &'static str,
    pub path: &'static str,
    pub use_cases: &'static [UseCase],
}

const fn route(method: &'static str, path: &'static str, use_cases: &'static [UseCase]) -> WriteRoute {
    WriteRoute { method, path, use_cases }
}

/// A period's steps: one form on the page, one endpoint in the API.
const PERIOD_STEPS: &[UseCase] = &[
    UseCase::PeriodOpen,
    UseCase::PeriodStartReview,
    UseCase::PeriodClose,
    UseCase::PeriodReopen,
    UseCase::PeriodReschedule,
];

/// A report's steps: one form on the page, one endpoint in the API.
const REPORT_STEPS: &[UseCase] =
    &[UseCase::ReportSave, UseCase::ReportSubmit, UseCase::ReportReturn, UseCase::ReportAccept];

pub const WRITE_ROUTES: &[WriteRoute] = &[
    // plan: pages
    route("POST", "/plan/measures", &[UseCase::MeasureCreate]),
    route("POST", "/plan/measures/{id}", &[UseCase::MeasureChange]),
    route("POST", "/plan/measures/{id}/progress", &[UseCase::MeasureReportProgress]),
    route("POST", "/plan/measures/{id}/delete", &[UseCase::MeasureDelete]),
    route("POST", "/plan/measures/{id}/indicators", &[UseCase::IndicatorCreate]),
    route("POST", "/plan/indicators/{id}/actual", &[UseCase::IndicatorActualSet]),
    route("POST", "/plan/import", &[UseCase::PlanImport]),
    route("POST", "/plan/measures/{id}/attachments", &[UseCase::AttachmentAdd]),
    route("POST", "/plan/attachments/{id}/delete", &[UseCase::AttachmentDelete]),
    route("POST", "/plan/measures/{id}/links", &[UseCase::MeasureLink]),
    route("POST", "/plan/measures/{id}/links/{other}/delete", &[UseCase::MeasureUnlink]),
    route("POST", "/plan/versions", &[UseCase::PlanVersionFreeze]),
    route("POST", "/plan/amendments/{id}/decision", &[UseCase::AmendmentDecide]),
    route("POST", "/plan/sections", &[UseCase::SectionsSave]),
    // plan: API
    route("POST", "/api/v1/measures", &[UseCase::MeasureCreate]),
    route("PATCH", "/api/v1/measures/{id}", &[UseCase::MeasureChange, UseCase::MeasureReportProgress]),
    route("DELETE", "/api/v1/measures/{id}", &[UseCase::MeasureDelete]),
    route("POST", "/api/v1/measures/{id}/indicators", &[UseCase::IndicatorCreate]),
    route("PUT", "/api/v1/indicators/{id}/actuals/{quarter}", &[UseCase::IndicatorActualSet]),
    route("POST", "/api/v1/amendments/{id}/decision", &[UseCase::AmendmentDecide]),
    // review: pages
    route("POST", "/review/{quarter}", PERIOD_STEPS),
    route("POST", "/review/{quarter}/report/{measure}/{organisation}", REPORT_STEPS),
    route("POST", "/review/{quarter}/report/{measure}/{organisation}/files", &[UseCase::EvidenceAdd]),
    route("POST", "/review/files/{id}/delete", &[UseCase::EvidenceDelete]),
    route(
        "POST",
        "/review/{quarter}/meeting",
        &[
            UseCase::MeetingSchedule,
            UseCase::AgendaGenerate,
            UseCase::AgendaItemAdd,
            UseCase::AgendaItemMove,
            UseCase::AgendaItemRemove,
        ],
    ),
    route(
        "POST",
        "/review/{quarter}/session",
        &[
            UseCase::MeetingAttendance,
            UseCase::MinutesEdit,
            UseCase::DecisionRecord,
            UseCase::DecisionCreateMeasure,
            UseCase::MinutesApprove,
        ],
    ),
    route("POST", "/review/decisions", &[UseCase::DecisionControl]),
    // review: API
    route("POST", "/api/v1/review/{quarter}/period", PERIOD_STEPS),
    route("POST", "/api/v1/review/{quarter}/reports/{measure}/{organisation}", REPORT_STEPS),
    // directory: pages
    route("POST", "/directory/organisations", &[UseCase::OrganisationCreate]),
    route("POST", "/directory/organisations/{id}", &[UseCase::OrganisationChange]),
    route("POST", "/directory/organisations/{id}/delete", &[UseCase::OrganisationDelete]),
    route("POST", "/directory/people", &[UseCase::PersonCreate]),
    route("POST", "/directory/people/{id}", &[UseCase::PersonChange]),
    route("POST", "/directory/people/{id}/delete", &[UseCase::PersonDelete]),
    // directory: API
    route("POST", "/api/v1/organisations", &[UseCase::OrganisationCreate]),
    route("PUT", "/api/v1/organisations/{id}", &[UseCase::OrganisationChange]),
    route("DELETE", "/api/v1/organisations/{id}", &[UseCase::OrganisationDelete]),
    route("POST", "/api/v1/people", &[UseCase::PersonCreate]),
    route("PUT", "/api/v1/people/{id}", &[UseCase::PersonChange]),
    route("DELETE", "/api/v1/people/{id}", &[UseCase::PersonDelete]),
    // account: signing in and out, one's own account, users (pages)
    route("POST", "/login", &[UseCase::SignIn]),
    route("POST", "/logout", &[UseCase::SignOut]),
    route("POST", "/lang", &[UseCase::OwnLocaleChange]),
    route("POST", "/account/password", &[UseCase::OwnPasswordChange]),
    route("POST", "/account/tokens", &[UseCase::TokenCreate]),
    route("POST", "/account/tokens/{id}/revoke", &[UseCase::TokenRevoke]),
    route("POST", "/admin/users", &[UseCase::UserCreate]),
    route("POST", "/admin/users/{login}", &[UseCase::UserChange]),
    // account: API
    route("POST", "/api/v1/users", &[UseCase::UserCreate]),
    route("PUT", "/api/v1/users/{login}", &[UseCase::UserChange]),
    route("PUT", "/api/v1/me", &[UseCase::OwnLocaleChange]),
    route("POST", "/api/v1/me/password", &[UseCase::OwnPasswordChange]),
    route("POST", "/api/v1/me/tokens", &[UseCase::TokenCreate]),
    route("DELETE", "/api/v1/me/tokens/{id}", &[UseCase::TokenRevoke]),
    // trade: pages
    route("POST", "/trade/import", &[UseCase::TradeImport, UseCase::RatesImport]),
    route("POST", "/trade/groups", &[UseCase::ProductGroupSave]),
    route("POST", "/trade/mirror", &[UseCase::MirrorVerdictSet]),
    // trade: API
    route("POST", "/api/v1/trade/imports", &[UseCase::TradeImport]),
    route("POST", "/api/v1/trade/rates", &[UseCase::RatesImport]),
    route("POST", "/api/v1/trade/groups", &[UseCase::ProductGroupSave]),
    route("PUT", "/api/v1/trade/groups/{key}", &[UseCase::ProductGroupSave]),
    route("DELETE", "/api/v1/trade/groups/{key}", &[UseCase::ProductGroupDelete]),
    route("PUT", "/api/v1/trade/mirror", &[UseCase::MirrorVerdictSet]),
    // logistics: pages
    route("POST", "/logistics/import", &[UseCase::NetworkImport]),
    route("POST", "/logistics/nodes/save", &[UseCase::NetworkItemSave]),
    route("POST", "/logistics/nodes/delete", &[UseCase::NetworkItemDelete]),
    route("POST", "/logistics/legs/save", &[UseCase::NetworkItemSave]),
    route("POST", "/logistics/legs/delete", &[UseCase::NetworkItemDelete]),
    route("POST", "/logistics/indicators/link", &[UseCase::ChainIndicatorLink]),
    route("POST", "/logistics/indicators/unlink", &[UseCase::ChainIndicatorUnlink]),
    route("POST", "/logistics/indicators/record", &[UseCase::ChainIndicatorsRecord]),
    // logistics: API
    route("PUT", "/api/v1/logistics/network", &[UseCase::NetworkImport]),
    route("POST", "/api/v1/logistics/indicators", &[UseCase::ChainIndicatorLink]),
    route("DELETE", "/api/v1/logistics/indicators/{indicator}", &[UseCase::ChainIndicatorUnlink]),
    route("POST", "/api/v1/logistics/indicators/record", &[UseCase::ChainIndicatorsRecord]),
    // fleet: pages
    route("POST", "/fleet/machines/{id}/edit", &[UseCase::MachineChange]),
    route("POST", "/fleet/machines/{id}/readings", &[UseCase::ReadingAdd]),
    route("POST", "/fleet/machines/{id}/readings/{reading}/void", &[UseCase::ReadingVoid]),
    route("POST", "/fleet/machines/{id}/warranties", &[UseCase::WarrantyAdd]),
    // One form with two buttons: fit an assembly from the pool, or register a new one fitted here.
    route("POST", "/fleet/machines/{id}/assemblies", &[UseCase::AssemblyMove, UseCase::AssemblyAdd]),
    route("POST", "/fleet/machines/{id}/assemblies/{assembly}/remove", &[UseCase::AssemblyMove]),
    route("POST", "/fleet/due", &[UseCase::PreventiveOrdersCreate]),
    route("POST", "/fleet/workorders/{id}/action", &[UseCase::WorkOrderAct]),
    route("POST", "/fleet/workorders/{id}/work", &[UseCase::WorkOrderAddWork]),
    route("POST", "/fleet/workorders/{id}/issue", &[UseCase::PartIssue]),
    route("POST", "/fleet/parts/shipments", &[UseCase::ShipmentAdd]),
    route("POST", "/fleet/parts/shipments/{id}/receive", &[UseCase::ShipmentReceive]),
    route("POST", "/fleet/regimes/{id}", &[UseCase::RegimeChange]),
    route("POST", "/fleet/regimes/{id}/services/{kind}/content", &[UseCase::RegimeContentChange]),
    route("POST", "/fleet/regimes/{id}/services/{kind}/remove", &[UseCase::RegimeServiceRemove]),
    // fleet: API
    route("PUT", "/api/v1/fleet/machines/{id}", &[UseCase::MachineChange]),
    route("POST", "/api/v1/fleet/readings", &[UseCase::ReadingAdd]),
    route("POST", "/api/v1/fleet/readings/{id}/void", &[UseCase::ReadingVoid]),
    route("POST", "/api/v1/fleet/machines/{id}/warranties", &[UseCase::WarrantyAdd]),
    route("POST", "/api/v1/fleet/assemblies", &[UseCase::AssemblyAdd]),
    route("POST", "/api/v1/fleet/assemblies/{id}/move", &[UseCase::AssemblyMove]),
    route("POST", "/api/v1/fleet/due/orders", &[UseCase::PreventiveOrdersCreate]),
    route("POST", "/api/v1/fleet/workorders/{id}/actions", &[UseCase::WorkOrderAct]),
    route("POST", "/api/v1/fleet/workorders/{id}/parts", &[UseCase::PartIssue]),
    route("POST", "/api/v1/fleet/shipments", &[UseCase::ShipmentAdd]),
    route("POST", "/api/v1/fleet/shipments/{id}/receive", &[UseCase::ShipmentReceive]),
    route("PUT", "/api/v1/fleet/regimes/{id}", &[UseCase::RegimeChange]),
    route("PUT", "/api/v1/fleet/regimes/{id}/services/{kind}", &[UseCase::RegimeContentChange]),
    route("POST", "/api/v1/fleet/imports/{kind}", &[UseCase::FleetImport]),
];
