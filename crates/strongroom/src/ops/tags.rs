//! Tags (AWS KMS `TagResource`, `UntagResource`, `ListResourceTags`): kept in the sealed key
//! record, so they are authenticated, rolled back or restored with the key, and destroyed with
//! it. The rules are `rules::tags`; the states that allow a change, `rules::state`
//! (`Action::EditMetadata`).

use crate::keystore::handle::Keystore;
use crate::model::operation::Operation;
use crate::model::page::{Page, PageRequest};
use crate::model::tag::Tag;
use crate::rules::paging::{self, LIST_RESOURCE_TAGS_LIMIT};
use crate::rules::state::{self, Action};
use crate::rules::tags::{apply_tags, check_tag_keys, check_tags};
use crate::{Error, Result};

impl Keystore {
    /// Adds tags to a key, replacing the value of a tag key it already has (AWS KMS
    /// `TagResource`). Every tag is checked before anything changes (`rules::tags`: key 1 to 128
    /// characters and not `aws:`, value 0 to 256, at most 50 tags on the key); `InvalidState`
    /// while the key is pending deletion.
    pub fn tag_resource(&self, key_id: &str, tags: &[Tag]) -> Result<()> {
        self.logged(Operation::TagResource, Some(key_id), None, |s| {
            if tags.is_empty() {
                return Err(Error::Validation(
                    "give at least one tag to add to the key".into(),
                ));
            }
            check_tags(tags)?;
            let id = self.resolve(key_id)?;
            s.key = Some(id);
            self.update_key(id, Operation::TagResource, s, |rec| {
                state::check(Action::EditMetadata, id, rec, self.clock.now())?;
                apply_tags(&mut rec.tags, tags)?;
                Ok(Vec::new())
            })
            .map(drop)
        })
    }

    /// Removes the tags of these tag keys from a key (AWS KMS `UntagResource`); a tag key the key
    /// does not have is not an error. `InvalidState` while the key is pending deletion.
    pub fn untag_resource(&self, key_id: &str, tag_keys: &[String]) -> Result<()> {
        self.logged(Operation::UntagResource, Some(key_id), None, |s| {
            if tag_keys.is_empty() {
                return Err(Error::Validation(
                    "give at least one tag key to remove from the key".into(),
                ));
            }
            check_tag_keys(tag_keys)?;
            let id = self.resolve(key_id)?;
            s.key = Some(id);
            self.update_key(id, Operation::UntagResource, s, |rec| {
                state::check(Action::EditMetadata, id, rec, self.clock.now())?;
                for k in tag_keys {
                    rec.tags.remove(k);
                }
                Ok(Vec::new())
            })
            .map(drop)
        })
    }

    /// One page of a key's tags, ordered by tag key (AWS KMS `ListResourceTags`; `limit` 1 to 50,
    /// default 50), in any state.
    pub fn list_resource_tags(&self, key_id: &str, page: &PageRequest) -> Result<Page<Tag>> {
        self.logged(Operation::ListResourceTags, Some(key_id), None, |s| {
            paging::check(page, LIST_RESOURCE_TAGS_LIMIT)?;
            let id = self.resolve(key_id)?;
            s.key = Some(id);
            let k = self.key(id)?;
            let tags = k.rec.tags.iter().map(|(k, v)| Tag::new(k, v)).collect();
            paging::page(
                tags,
                |t: &Tag| t.tag_key.clone(),
                page,
                LIST_RESOURCE_TAGS_LIMIT,
            )
        })
    }
}
