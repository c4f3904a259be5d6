//! The audit log's reads: the list, one record's history, the check of the chain. Only the
//! roles that may read the log (`Action::ReadAudit`: administrators, coordinators) get them.

use crate::{Actor, App, Result};
use accord_domain::audit::AuditEntry;
use accord_domain::directory::{Action, authorize};
use accord_store::{AuditFilter, Page, Paging, VerifyReport};

impl App {
    /// Entries of the log, newest first.
    pub async fn audit_list(&self, actor: &Actor, filter: &AuditFilter, paging: Paging) -> Result<Page<AuditEntry>> {
        authorize(&actor.role(), Action::ReadAudit)?;
        Ok(self.store.audit_list(filter, paging).await?)
    }

    /// Every entry about one record, oldest first.
    pub async fn audit_history(&self, actor: &Actor, entity: &str, id: &str) -> Result<Vec<AuditEntry>> {
        authorize(&actor.role(), Action::ReadAudit)?;
        Ok(self.store.audit_history(entity, id).await?)
    }

    /// Checks the hash chain and names the first broken entry.
    pub async fn audit_verify(&self, actor: &Actor) -> Result<VerifyReport> {
        authorize(&actor.role(), Action::ReadAudit)?;
        Ok(self.store.audit_verify().await?)
    }
}
