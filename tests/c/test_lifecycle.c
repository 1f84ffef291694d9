/* Rotation, scheduled deletion, maintenance and the alarm callback, driven by a manual clock. */
#define _POSIX_C_SOURCE 200809L
#include "common.h"

#include <stdint.h>

static const uint8_t PASS[] = "lifecycle passphrase";
static const int64_t T0 = 1795458361000; /* 2026-11-23T18:26:01Z */
static const int64_t DAY = 86400000;
static const char BAD_UTF8[] = {'k', (char)0xc3, 0};

struct alarms {
  int count;
  char operation[64];
  char key_id[64];
  char key_state[32];
  char outcome[32];
  int64_t event_time;
};

static void on_alarm(void *user_data, const sr_alarm_event *event) {
  struct alarms *a = user_data;
  a->count++;
  snprintf(a->operation, sizeof a->operation, "%s", event->operation);
  snprintf(a->key_id, sizeof a->key_id, "%s", event->key_id);
  snprintf(a->key_state, sizeof a->key_state, "%s", event->key_state);
  snprintf(a->outcome, sizeof a->outcome, "%s", event->outcome);
  a->event_time = event->event_time;
}

static sr_key_metadata *new_key(sr_keystore *ks, const char *origin) {
  sr_key_metadata *m = NULL;
  OK(sr_create_key(ks, "lifecycle", NULL, NULL, origin, &m));
  return m;
}

static void encrypt(sr_keystore *ks, const char *key, sr_buffer *out) {
  OK(sr_encrypt(ks, key, (const uint8_t *)"payload", 7, NULL, 0, out));
}

static void expect_decrypts(sr_keystore *ks, const sr_buffer *blob) {
  sr_buffer pt = {NULL, 0};
  OK(sr_decrypt(ks, blob->data, blob->len, NULL, 0, NULL, &pt));
  CHECK(pt.len == 7 && memcmp(pt.data, "payload", 7) == 0);
  sr_buffer_free(&pt);
}

static void test_rotation(sr_keystore *ks, const sr_manual_clock *clock) {
  sr_key_metadata *k = new_key(ks, NULL);
  sr_key_rotation_status *st = NULL;
  OK(sr_get_key_rotation_status(ks, k->key_id, &st));
  CHECK(strcmp(st->key_id, k->key_id) == 0);
  CHECK(!st->key_rotation_enabled && st->rotation_period_in_days == 0);
  CHECK(!st->has_next_rotation_date && !st->has_on_demand_rotation_start_date);
  sr_key_rotation_status_free(st);

  int64_t now = 0;
  OK(sr_manual_clock_now(clock, &now));
  OK(sr_enable_key_rotation(ks, k->key_id, 0));
  OK(sr_get_key_rotation_status(ks, k->key_id, &st));
  CHECK(st->key_rotation_enabled && st->rotation_period_in_days == 365);
  CHECK(st->has_next_rotation_date && st->next_rotation_date == now + 365 * DAY);
  sr_key_rotation_status_free(st);
  EXPECT(SR_STATUS_VALIDATION, sr_enable_key_rotation(ks, k->key_id, 89));
  EXPECT(SR_STATUS_VALIDATION, sr_enable_key_rotation(ks, k->key_id, 2561));
  OK(sr_disable_key_rotation(ks, k->key_id));
  OK(sr_enable_key_rotation(ks, k->key_id, 90));
  OK(sr_get_key_rotation_status(ks, k->key_id, &st));
  CHECK(st->rotation_period_in_days == 90 && st->next_rotation_date == now + 90 * DAY);
  sr_key_rotation_status_free(st);

  sr_rotations_list *rl = NULL;
  OK(sr_list_key_rotations(ks, k->key_id, &rl));
  CHECK(rl->len == 0);
  sr_rotations_list_free(rl);

  /* Ninety-one days later, maintenance adds a version; the old blob still decrypts. */
  sr_buffer old = {NULL, 0};
  encrypt(ks, k->key_id, &old);
  OK(sr_manual_clock_advance(clock, 91 * DAY));
  OK(sr_run_maintenance(ks));
  OK(sr_list_key_rotations(ks, k->key_id, &rl));
  CHECK(rl->len == 1);
  CHECK(strcmp(rl->items[0].rotation_type, "AUTOMATIC") == 0);
  CHECK(strcmp(rl->items[0].key_id, k->key_id) == 0);
  CHECK(rl->items[0].rotation_date >= now + 90 * DAY);
  sr_rotations_list_free(rl);
  expect_decrypts(ks, &old);
  sr_buffer fresh = {NULL, 0};
  encrypt(ks, k->key_id, &fresh);
  CHECK(fresh.len == old.len && memcmp(fresh.data, old.data, 20) != 0);
  expect_decrypts(ks, &fresh);
  sr_buffer_free(&fresh);

  /* On demand: 25 at most. */
  OK(sr_rotate_key_on_demand(ks, k->key_id));
  OK(sr_list_key_rotations(ks, k->key_id, &rl));
  CHECK(rl->len == 2 && strcmp(rl->items[1].rotation_type, "ON_DEMAND") == 0);
  CHECK(strcmp(rl->items[1].key_material_state, "CURRENT") == 0 && rl->items[1].import_state == NULL);
  CHECK(strcmp(rl->items[0].key_material_state, "NON_CURRENT") == 0);
  CHECK(strlen(rl->items[1].key_material_id) == 64 && strcmp(rl->items[0].key_material_id, rl->items[1].key_material_id) != 0);
  sr_key_metadata *now_meta = NULL;
  OK(sr_describe_key(ks, k->key_id, &now_meta));
  CHECK(strcmp(now_meta->current_key_material_id, rl->items[1].key_material_id) == 0);
  sr_key_metadata_free(now_meta);
  sr_rotations_list *all = NULL;
  OK(sr_list_key_rotations_with(ks, k->key_id, "ALL_KEY_MATERIAL", &all));
  CHECK(all->len == 3 && strcmp(all->items[0].rotation_type, "INITIAL") == 0);
  CHECK(strcmp(all->items[2].key_material_id, rl->items[1].key_material_id) == 0);
  sr_rotations_list_free(all);
  OK(sr_list_key_rotations_with(ks, k->key_id, NULL, &all));
  CHECK(all->len == 2);
  sr_rotations_list_free(all);
  all = NULL;
  EXPECT(SR_STATUS_VALIDATION, sr_list_key_rotations_with(ks, k->key_id, "ALL", &all));
  CHECK(all == NULL);
  sr_rotations_list_free(rl);
  for (int i = 1; i < 25; i++) OK(sr_rotate_key_on_demand(ks, k->key_id));
  EXPECT(SR_STATUS_LIMIT_EXCEEDED, sr_rotate_key_on_demand(ks, k->key_id));
  expect_decrypts(ks, &old);
  sr_buffer_free(&old);

  OK(sr_disable_key_rotation(ks, k->key_id));
  OK(sr_get_key_rotation_status(ks, k->key_id, &st));
  CHECK(!st->key_rotation_enabled && !st->has_next_rotation_date);
  sr_key_rotation_status_free(st);

  /* States: a disabled key does not rotate on demand; imported-material keys never rotate
   * automatically, and a key still waiting for its material (PendingImport) is refused by its
   * state first (SPEC section 3's table). */
  sr_key_metadata *d = new_key(ks, NULL);
  OK(sr_disable_key(ks, d->key_id));
  EXPECT(SR_STATUS_DISABLED, sr_rotate_key_on_demand(ks, d->key_id));
  EXPECT(SR_STATUS_DISABLED, sr_enable_key_rotation(ks, d->key_id, 0));
  sr_key_metadata *ext = new_key(ks, "EXTERNAL");
  EXPECT(SR_STATUS_UNSUPPORTED_OPERATION, sr_enable_key_rotation(ks, ext->key_id, 0));
  EXPECT(SR_STATUS_INVALID_STATE, sr_rotate_key_on_demand(ks, ext->key_id));

  /* Arguments. */
  EXPECT(SR_STATUS_NULL_PARAMETER, sr_enable_key_rotation(NULL, k->key_id, 0));
  EXPECT(SR_STATUS_NULL_PARAMETER, sr_enable_key_rotation(ks, NULL, 0));
  EXPECT(SR_STATUS_INVALID_UTF8, sr_enable_key_rotation(ks, BAD_UTF8, 0));
  EXPECT(SR_STATUS_NULL_PARAMETER, sr_disable_key_rotation(ks, NULL));
  EXPECT(SR_STATUS_INVALID_UTF8, sr_disable_key_rotation(ks, BAD_UTF8));
  EXPECT(SR_STATUS_NULL_PARAMETER, sr_get_key_rotation_status(ks, k->key_id, NULL));
  EXPECT(SR_STATUS_NULL_PARAMETER, sr_get_key_rotation_status(ks, NULL, &st));
  EXPECT(SR_STATUS_NOT_FOUND, sr_get_key_rotation_status(ks, "alias/none", &st));
  EXPECT(SR_STATUS_NULL_PARAMETER, sr_rotate_key_on_demand(NULL, k->key_id));
  EXPECT(SR_STATUS_INVALID_UTF8, sr_rotate_key_on_demand(ks, BAD_UTF8));
  EXPECT(SR_STATUS_NULL_PARAMETER, sr_list_key_rotations(ks, k->key_id, NULL));
  EXPECT(SR_STATUS_INVALID_UTF8, sr_list_key_rotations(ks, BAD_UTF8, &rl));
  EXPECT(SR_STATUS_NULL_PARAMETER, sr_run_maintenance(NULL));
  sr_key_rotation_status_free(NULL);
  sr_rotations_list_free(NULL);

  sr_key_metadata_free(k);
  sr_key_metadata_free(d);
  sr_key_metadata_free(ext);
}

static void test_deletion_and_alarm(sr_keystore *ks, const sr_manual_clock *clock) {
  struct alarms alarms;
  memset(&alarms, 0, sizeof alarms);
  OK(sr_set_alarm(ks, on_alarm, &alarms));
  EXPECT(SR_STATUS_NULL_PARAMETER, sr_set_alarm(NULL, on_alarm, &alarms));

  sr_key_metadata *k = new_key(ks, NULL);
  OK(sr_create_alias(ks, "alias/doomed", k->key_id));
  sr_buffer blob = {NULL, 0};
  encrypt(ks, k->key_id, &blob);

  /* A refused use of a disabled key rings the alarm. */
  OK(sr_disable_key(ks, k->key_id));
  sr_buffer none = {NULL, 0};
  EXPECT(SR_STATUS_DISABLED, sr_encrypt(ks, k->key_id, (const uint8_t *)"x", 1, NULL, 0, &none));
  CHECK(alarms.count == 1);
  CHECK(strcmp(alarms.operation, "Encrypt") == 0);
  CHECK(strcmp(alarms.key_id, k->key_id) == 0);
  CHECK(strcmp(alarms.key_state, "Disabled") == 0);
  CHECK(strcmp(alarms.outcome, "Disabled") == 0);
  int64_t now = 0;
  OK(sr_manual_clock_now(clock, &now));
  CHECK(alarms.event_time == now);

  /* Schedule deletion: default window 30 days. */
  int64_t date = 0;
  EXPECT(SR_STATUS_VALIDATION, sr_schedule_key_deletion(ks, k->key_id, 6, &date));
  EXPECT(SR_STATUS_VALIDATION, sr_schedule_key_deletion(ks, k->key_id, 31, &date));
  EXPECT(SR_STATUS_NULL_PARAMETER, sr_schedule_key_deletion(ks, k->key_id, 0, NULL));
  EXPECT(SR_STATUS_NULL_PARAMETER, sr_schedule_key_deletion(ks, NULL, 0, &date));
  EXPECT(SR_STATUS_INVALID_UTF8, sr_schedule_key_deletion(ks, BAD_UTF8, 0, &date));
  CHECK(date == 0);
  OK(sr_schedule_key_deletion(ks, k->key_id, 0, &date));
  CHECK(date == now + 30 * DAY);
  sr_key_metadata *m = NULL;
  OK(sr_describe_key(ks, k->key_id, &m));
  CHECK(strcmp(m->key_state, "PendingDeletion") == 0 && !m->enabled);
  CHECK(m->has_deletion_date && m->deletion_date == date);
  CHECK(m->pending_deletion_window_in_days == 30);
  sr_key_metadata_free(m);
  EXPECT(SR_STATUS_INVALID_STATE, sr_schedule_key_deletion(ks, k->key_id, 7, &date));
  EXPECT(SR_STATUS_INVALID_STATE, sr_enable_key(ks, k->key_id));

  /* Using it is refused and rings the alarm. */
  sr_buffer pt = {NULL, 0};
  EXPECT(SR_STATUS_INVALID_STATE, sr_decrypt(ks, blob.data, blob.len, NULL, 0, NULL, &pt));
  CHECK(alarms.count == 2);
  CHECK(strcmp(alarms.operation, "Decrypt") == 0);
  CHECK(strcmp(alarms.key_state, "PendingDeletion") == 0);
  CHECK(strcmp(alarms.outcome, "InvalidState") == 0);

  /* Cancel: back to Disabled. */
  OK(sr_cancel_key_deletion(ks, k->key_id));
  EXPECT(SR_STATUS_INVALID_STATE, sr_cancel_key_deletion(ks, k->key_id));
  EXPECT(SR_STATUS_NULL_PARAMETER, sr_cancel_key_deletion(ks, NULL));
  EXPECT(SR_STATUS_NULL_PARAMETER, sr_cancel_key_deletion(NULL, k->key_id));
  EXPECT(SR_STATUS_INVALID_UTF8, sr_cancel_key_deletion(ks, BAD_UTF8));
  OK(sr_describe_key(ks, k->key_id, &m));
  CHECK(strcmp(m->key_state, "Disabled") == 0 && !m->has_deletion_date);
  sr_key_metadata_free(m);

  /* A cleared alarm stays quiet. */
  OK(sr_set_alarm(ks, NULL, NULL));
  EXPECT(SR_STATUS_DISABLED, sr_encrypt(ks, k->key_id, (const uint8_t *)"x", 1, NULL, 0, &none));
  CHECK(alarms.count == 2);

  /* Seven days after scheduling, the key and its aliases are gone for good. */
  OK(sr_schedule_key_deletion(ks, k->key_id, 7, &date));
  OK(sr_manual_clock_advance(clock, 6 * DAY));
  OK(sr_run_maintenance(ks));
  OK(sr_describe_key(ks, k->key_id, &m));
  sr_key_metadata_free(m);
  OK(sr_manual_clock_advance(clock, 2 * DAY));
  OK(sr_run_maintenance(ks));
  m = NULL;
  EXPECT(SR_STATUS_NOT_FOUND, sr_describe_key(ks, k->key_id, &m));
  EXPECT(SR_STATUS_NOT_FOUND, sr_decrypt(ks, blob.data, blob.len, NULL, 0, NULL, &pt));
  EXPECT(SR_STATUS_NOT_FOUND, sr_describe_key(ks, "alias/doomed", &m));
  sr_alias_list *al = NULL;
  OK(sr_list_aliases(ks, NULL, &al));
  for (size_t i = 0; i < al->len; i++) CHECK(strcmp(al->items[i].alias_name, "alias/doomed") != 0);
  sr_alias_list_free(al);
  CHECK(pt.data == NULL && none.data == NULL);
  sr_buffer_free(&blob);
  sr_key_metadata_free(k);
}

int main(void) {
  char dir[256], path[300];
  make_dir(dir, sizeof dir);
  snprintf(path, sizeof path, "%s/lifecycle.strongroom", dir);
  sr_manual_clock *clock = NULL;
  OK(sr_manual_clock_new(T0, &clock));
  sr_options *o = fast_options();
  OK(sr_options_set_manual_clock(o, clock));
  sr_keystore *ks = NULL;
  OK(sr_keystore_create(path, PASS, sizeof PASS - 1, o, &ks));
  test_rotation(ks, clock);
  test_deletion_and_alarm(ks, clock);
  OK(sr_keystore_close(ks));
  sr_keystore_free(ks);

  /* Due work also runs on open: a key scheduled for deletion is gone after reopening later. */
  OK(sr_keystore_open(path, PASS, sizeof PASS - 1, o, &ks));
  sr_key_metadata *k = NULL;
  OK(sr_create_key(ks, NULL, NULL, NULL, NULL, &k));
  int64_t date = 0;
  OK(sr_schedule_key_deletion(ks, k->key_id, 7, &date));
  OK(sr_keystore_close(ks));
  sr_keystore_free(ks);
  OK(sr_manual_clock_set(clock, date + 1));
  OK(sr_keystore_open(path, PASS, sizeof PASS - 1, o, &ks));
  sr_key_metadata *gone = NULL;
  EXPECT(SR_STATUS_NOT_FOUND, sr_describe_key(ks, k->key_id, &gone));
  OK(sr_keystore_close(ks));
  sr_keystore_free(ks);
  sr_key_metadata_free(k);

  sr_options_free(o);
  sr_manual_clock_free(clock);
  unlink(path);
  CHECK(rmdir(dir) == 0);
  printf("test_lifecycle: all checks passed\n");
  return 0;
}
