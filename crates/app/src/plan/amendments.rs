//! The second key: the other side's coordinator accepts or rejects a proposed change.

use crate::{Actor, App, Error, Result};
use accord_domain::plan::version::may_decide;
use accord_store::Amendment;

impl App {
    /// Accepts (applying the change or the deletion) or rejects a waiting amendment. Only the
    /// coordinator of the side that did not propose it holds this key.
    pub async fn amendment_decide(
        &self,
        actor: &Actor,
        id: &str,
        accept: bool,
        note: Option<String>,
    ) -> Result<Amendment> {
        let amendment = self.store.amendment(id).await?;
        if !may_decide(&actor.role(), amendment.proposer_side) {
            return Err(Error::forbidden());
        }
        let mut w = self.store.begin_write(actor.author()).await?;
        let decided = self.store.amendment_decide_in(&mut w, &amendment, accept, note).await?;
        w.commit().await?;
        Ok(decided)
    }
}
