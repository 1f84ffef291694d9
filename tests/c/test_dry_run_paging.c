/* AWS KMS's DryRun (sr_keystore_dry_run views) and paged lists (sr_list_*_page) through the C ABI. */
#define _POSIX_C_SOURCE 200809L
#include "common.h"

#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

static const uint8_t PASS[] = "dry run passphrase";
static const char ROOT[] = "arn:aws:iam::111122223333:root";
#define DRY_RUN_MESSAGE "DryRunOperation: The request would have succeeded, but the DryRun option is set."

static int64_t last_use(sr_keystore *ks, const char *key_id) {
  sr_key_last_usage *u = NULL;
  OK(sr_get_key_last_usage(ks, key_id, &u));
  int64_t t = u->operation == NULL ? -1 : u->timestamp;
  sr_key_last_usage_free(u);
  return t;
}

static size_t grant_count(sr_keystore *ks, const char *key_id) {
  sr_grant_list *g = NULL;
  OK(sr_list_grants(ks, key_id, NULL, NULL, 0, NULL, &g));
  size_t n = g->len;
  sr_grant_list_free(g);
  return n;
}

static void test_dry_run(sr_keystore *ks) {
  sr_key_metadata *k = NULL;
  OK(sr_create_key(ks, "dry", NULL, NULL, NULL, &k));
  sr_buffer blob = {NULL, 0}, out = {NULL, 0};
  OK(sr_encrypt(ks, k->key_id, (const uint8_t *)"secret", 6, NULL, 0, &blob));
  int64_t used = last_use(ks, k->key_id);

  sr_keystore *dry = NULL;
  EXPECT(SR_STATUS_NULL_PARAMETER, sr_keystore_dry_run(ks, NULL));
  OK(sr_keystore_dry_run(ks, &dry));
  /* Allowed calls: DryRunOperation, nothing written to the out-parameters, nothing changed. */
  EXPECT(SR_STATUS_DRY_RUN_OPERATION, sr_encrypt(dry, k->key_id, (const uint8_t *)"x", 1, NULL, 0, &out));
  EXPECT_MESSAGE_PREFIX(DRY_RUN_MESSAGE);
  CHECK(out.data == NULL && out.len == 0);
  EXPECT(SR_STATUS_DRY_RUN_OPERATION, sr_decrypt(dry, blob.data, blob.len, NULL, 0, NULL, &out));
  CHECK(out.data == NULL);
  const char *ops[] = {"Encrypt"};
  char *token = NULL, *grant_id = NULL;
  EXPECT(SR_STATUS_DRY_RUN_OPERATION,
         sr_create_grant(dry, k->key_id, ROOT, NULL, ops, 1, NULL, NULL, &token, &grant_id));
  CHECK(token == NULL && grant_id == NULL);
  CHECK(grant_count(ks, k->key_id) == 0);
  CHECK(last_use(ks, k->key_id) == used);
  OK(sr_create_grant(ks, k->key_id, ROOT, NULL, ops, 1, NULL, NULL, &token, &grant_id));
  EXPECT(SR_STATUS_DRY_RUN_OPERATION, sr_revoke_grant(dry, k->key_id, grant_id));
  CHECK(grant_count(ks, k->key_id) == 1);
  sr_string_free(token);
  sr_string_free(grant_id);

  /* Refused calls: their own status. */
  blob.data[blob.len - 1] ^= 1;
  EXPECT(SR_STATUS_INVALID_CIPHERTEXT, sr_decrypt(dry, blob.data, blob.len, NULL, 0, NULL, &out));
  blob.data[blob.len - 1] ^= 1;
  EXPECT(SR_STATUS_NOT_FOUND, sr_encrypt(dry, "alias/none", (const uint8_t *)"x", 1, NULL, 0, &out));
  OK(sr_disable_key(ks, k->key_id));
  EXPECT(SR_STATUS_DISABLED, sr_encrypt(dry, k->key_id, (const uint8_t *)"x", 1, NULL, 0, &out));
  OK(sr_enable_key(ks, k->key_id));
  CHECK(out.data == NULL);
  /* A view has no alarm of its own. */
  EXPECT(SR_STATUS_VALIDATION, sr_set_alarm(dry, NULL, NULL));

  /* Closing the view ends only the view; closing the keystore ends every view. */
  sr_keystore *other = NULL;
  OK(sr_keystore_dry_run(ks, &other));
  OK(sr_keystore_close(dry));
  EXPECT(SR_STATUS_CLOSED, sr_encrypt(dry, k->key_id, (const uint8_t *)"x", 1, NULL, 0, &out));
  EXPECT(SR_STATUS_DRY_RUN_OPERATION, sr_encrypt(other, k->key_id, (const uint8_t *)"x", 1, NULL, 0, &out));
  OK(sr_encrypt(ks, k->key_id, (const uint8_t *)"x", 1, NULL, 0, &out));
  sr_buffer_free(&out);
  sr_keystore_free(dry);
  sr_keystore_free(other);
  sr_buffer_free(&blob);
  sr_key_metadata_free(k);
}

/* Walks ListKeys with `limit` per page; returns the number of keys seen and checks the order. */
static size_t walk_keys(sr_keystore *ks, uint32_t limit, const sr_key_metadata_list *all) {
  size_t seen = 0;
  char *marker = NULL;
  for (;;) {
    sr_key_metadata_list *page = NULL;
    OK(sr_list_keys_page(ks, limit, marker, &page));
    free(marker);
    marker = NULL;
    CHECK(page->len <= limit);
    for (size_t i = 0; i < page->len; i++) {
      CHECK(seen < all->len && strcmp(page->items[i].key_id, all->items[seen].key_id) == 0);
      seen++;
    }
    CHECK(page->truncated == (page->next_marker != NULL));
    if (!page->truncated) {
      sr_key_metadata_list_free(page);
      return seen;
    }
    marker = strdup(page->next_marker);
    sr_key_metadata_list_free(page);
  }
}

static void test_paging(sr_keystore *ks) {
  for (int i = 0; i < 4; i++) {
    sr_key_metadata *k = NULL;
    OK(sr_create_key(ks, NULL, NULL, NULL, NULL, &k));
    char alias[32];
    snprintf(alias, sizeof alias, "alias/p%d", i);
    OK(sr_create_alias(ks, alias, k->key_id));
    sr_key_metadata_free(k);
  }
  sr_key_metadata_list *all = NULL;
  OK(sr_list_keys(ks, &all));
  CHECK(all->len == 5 && !all->truncated && all->next_marker == NULL);
  CHECK(walk_keys(ks, 2, all) == 5);
  CHECK(walk_keys(ks, 1, all) == 5);

  /* Limit: 1 to 1000 for ListKeys and ListKeyRotations, 1 to 100 for ListAliases; 0 the default. */
  sr_key_metadata_list *keys = NULL;
  EXPECT(SR_STATUS_VALIDATION, sr_list_keys_page(ks, 1001, NULL, &keys));
  CHECK(keys == NULL);
  OK(sr_list_keys_page(ks, 1000, NULL, &keys));
  CHECK(keys->len == 5 && !keys->truncated);
  sr_key_metadata_list_free(keys);
  OK(sr_list_keys_page(ks, 0, NULL, &keys));
  CHECK(keys->len == 5);
  sr_key_metadata_list_free(keys);

  sr_alias_list *aliases = NULL;
  EXPECT(SR_STATUS_VALIDATION, sr_list_aliases_page(ks, NULL, 101, NULL, &aliases));
  OK(sr_list_aliases_page(ks, NULL, 100, NULL, &aliases));
  CHECK(aliases->len == 4 && !aliases->truncated && aliases->next_marker == NULL);
  sr_alias_list_free(aliases);
  OK(sr_list_aliases_page(ks, NULL, 3, NULL, &aliases));
  CHECK(aliases->len == 3 && aliases->truncated && strcmp(aliases->items[0].alias_name, "alias/p0") == 0);
  char *alias_marker = strdup(aliases->next_marker);
  sr_alias_list_free(aliases);
  OK(sr_list_aliases_page(ks, NULL, 3, alias_marker, &aliases));
  CHECK(aliases->len == 1 && !aliases->truncated && strcmp(aliases->items[0].alias_name, "alias/p3") == 0);
  sr_alias_list_free(aliases);
  sr_key_metadata *p2 = NULL;
  OK(sr_describe_key(ks, "alias/p2", &p2));
  OK(sr_list_aliases_page(ks, p2->key_id, 1, NULL, &aliases));
  CHECK(aliases->len == 1 && !aliases->truncated && strcmp(aliases->items[0].alias_name, "alias/p2") == 0);
  sr_alias_list_free(aliases);
  sr_key_metadata_free(p2);

  const char *key = all->items[0].key_id;
  OK(sr_rotate_key_on_demand(ks, key));
  OK(sr_rotate_key_on_demand(ks, key));
  sr_rotations_list *rotations = NULL;
  EXPECT(SR_STATUS_VALIDATION, sr_list_key_rotations_page(ks, key, NULL, 1001, NULL, &rotations));
  OK(sr_list_key_rotations_page(ks, key, NULL, 1000, NULL, &rotations));
  CHECK(rotations->len == 2 && !rotations->truncated);
  sr_rotations_list_free(rotations);
  OK(sr_list_key_rotations_page(ks, key, "ALL_KEY_MATERIAL", 2, NULL, &rotations));
  CHECK(rotations->len == 2 && rotations->truncated);
  char *rotation_marker = strdup(rotations->next_marker);
  sr_rotations_list_free(rotations);
  OK(sr_list_key_rotations_page(ks, key, "ALL_KEY_MATERIAL", 2, rotation_marker, &rotations));
  CHECK(rotations->len == 1 && !rotations->truncated);
  sr_rotations_list_free(rotations);
  EXPECT(SR_STATUS_VALIDATION, sr_list_key_rotations_page(ks, key, "SOME", 0, NULL, &rotations));

  /* A marker is good only for the list that returned it; garbage is InvalidMarker too. */
  keys = NULL;
  aliases = NULL;
  EXPECT(SR_STATUS_INVALID_MARKER, sr_list_keys_page(ks, 2, alias_marker, &keys));
  EXPECT_MESSAGE_PREFIX("InvalidMarker: ");
  EXPECT(SR_STATUS_INVALID_MARKER, sr_list_aliases_page(ks, NULL, 2, rotation_marker, &aliases));
  EXPECT(SR_STATUS_INVALID_MARKER, sr_list_key_rotations_page(ks, key, NULL, 2, alias_marker, &rotations));
  EXPECT(SR_STATUS_INVALID_MARKER, sr_list_keys_page(ks, 2, "not a marker", &keys));
  EXPECT(SR_STATUS_INVALID_MARKER, sr_list_aliases_page(ks, NULL, 2, "zz", &aliases));
  CHECK(keys == NULL && aliases == NULL);
  free(alias_marker);
  free(rotation_marker);
  sr_key_metadata_list_free(all);
}

int main(void) {
  char dir[256], path[300];
  make_dir(dir, sizeof dir);
  snprintf(path, sizeof path, "%s/dry.strongroom", dir);
  sr_options *o = fast_options();
  sr_keystore *ks = NULL;
  OK(sr_keystore_create(path, PASS, sizeof PASS - 1, o, &ks));
  test_dry_run(ks);
  test_paging(ks);
  /* Closing the keystore ends its views, and makes no new one. */
  sr_keystore *view = NULL;
  OK(sr_keystore_dry_run(ks, &view));
  OK(sr_keystore_close(ks));
  sr_buffer out = {NULL, 0};
  EXPECT(SR_STATUS_CLOSED, sr_encrypt(view, "alias/p0", (const uint8_t *)"x", 1, NULL, 0, &out));
  sr_keystore *late = NULL;
  EXPECT(SR_STATUS_CLOSED, sr_keystore_dry_run(ks, &late));
  CHECK(late == NULL);
  sr_keystore_free(ks);
  sr_keystore_free(view);
  sr_options_free(o);
  unlink(path);
  CHECK(rmdir(dir) == 0);
  printf("test_dry_run_paging: all checks passed\n");
  return 0;
}
