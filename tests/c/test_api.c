/* The whole C API and its error paths, single-threaded. */
#define _POSIX_C_SOURCE 200809L
#include "common.h"

#include <stdint.h>

static const uint8_t PASS[] = "correct horse battery staple";
static const uint8_t PASS2[] = "a new passphrase";
#define PASS_LEN (sizeof PASS - 1)
#define PASS2_LEN (sizeof PASS2 - 1)
static const char BAD_UTF8[] = {'a', (char)0xff, 'b', 0};
static const int64_t T0 = 1795458361000; /* 2026-11-23T18:26:01Z */
static const int64_t DAY = 86400000;

static char dir[256];

static void path_in_dir(char *out, size_t len, const char *name) {
  snprintf(out, len, "%s/%s", dir, name);
}

/* How many audit events record `operation` with `outcome`. */
static size_t count_events(const sr_keystore *ks, const char *operation, const char *outcome) {
  sr_audit_filter f;
  memset(&f, 0, sizeof f);
  f.operation = operation;
  f.outcome = outcome;
  sr_audit_event_list *events = NULL;
  OK(sr_audit_events(ks, &f, &events));
  size_t n = events->len;
  sr_audit_event_list_free(events);
  return n;
}

static void test_status_names(void) {
  CHECK(strcmp(sr_status_name(SR_STATUS_OK), "Ok") == 0);
  CHECK(strcmp(sr_status_name(SR_STATUS_NOT_FOUND), "NotFound") == 0);
  CHECK(strcmp(sr_status_name(SR_STATUS_IO), "Io") == 0);
  CHECK(strcmp(sr_status_name(SR_STATUS_NULL_PARAMETER), "NullParameter") == 0);
  CHECK(strcmp(sr_status_name(SR_STATUS_INSUFFICIENT_SIZE), "InsufficientSize") == 0);
  CHECK(strcmp(sr_status_name(SR_STATUS_INVALID_UTF8), "InvalidUtf8") == 0);
  CHECK(strcmp(sr_status_name(SR_STATUS_PANIC), "Panic") == 0);
  CHECK(strcmp(sr_status_name(99), "Invalid") == 0);
  CHECK(strcmp(sr_status_name(0xffffffffu), "Invalid") == 0);
}

static void test_last_error_message(void) {
  char buf[256];
  size_t n = 12345;
  /* Nothing has failed on this thread yet: the message is empty. */
  OK(sr_last_error_message(buf, sizeof buf, &n));
  CHECK(n == 0 && buf[0] == '\0');

  /* A failure records a message. */
  EXPECT(SR_STATUS_NULL_PARAMETER, sr_options_new(NULL));
  EXPECT_MESSAGE_PREFIX("NullParameter: options_out");
  OK(sr_last_error_message(buf, sizeof buf, &n));
  size_t full = n;

  /* Short buffer: nothing copied, the size needed (with the NUL) reported. */
  memset(buf, 'x', sizeof buf);
  n = 0;
  EXPECT(SR_STATUS_INSUFFICIENT_SIZE, sr_last_error_message(buf, 4, &n));
  CHECK(n == full + 1);
  CHECK(buf[0] == 'x');
  /* Size query with no buffer at all. */
  n = 0;
  EXPECT(SR_STATUS_INSUFFICIENT_SIZE, sr_last_error_message(NULL, 0, &n));
  CHECK(n == full + 1);
  /* Exactly the size needed works. */
  OK(sr_last_error_message(buf, full + 1, &n));
  CHECK(n == full && buf[full] == '\0');
  /* NULL arguments are errors, and asking does not replace the stored message. */
  EXPECT(SR_STATUS_NULL_PARAMETER, sr_last_error_message(buf, sizeof buf, NULL));
  EXPECT(SR_STATUS_NULL_PARAMETER, sr_last_error_message(NULL, 100, &n));
  EXPECT_MESSAGE_PREFIX("NullParameter: options_out");
}

static void test_free_null_is_noop(void) {
  sr_buffer_free(NULL);
  sr_buffer empty = {NULL, 0};
  sr_buffer_free(&empty);
  sr_key_metadata_free(NULL);
  sr_key_metadata_list_free(NULL);
  sr_alias_list_free(NULL);
  sr_grant_list_free(NULL);
  sr_string_free(NULL);
  sr_data_key_free(NULL);
  sr_options_free(NULL);
  sr_manual_clock_free(NULL);
  OK(sr_keystore_close(NULL));
}

static void test_clock(void) {
  sr_manual_clock *c = NULL;
  EXPECT(SR_STATUS_NULL_PARAMETER, sr_manual_clock_new(T0, NULL));
  OK(sr_manual_clock_new(T0, &c));
  int64_t now = 0;
  OK(sr_manual_clock_now(c, &now));
  CHECK(now == T0);
  OK(sr_manual_clock_advance(c, DAY));
  OK(sr_manual_clock_now(c, &now));
  CHECK(now == T0 + DAY);
  OK(sr_manual_clock_advance(c, -2 * DAY));
  OK(sr_manual_clock_now(c, &now));
  CHECK(now == T0 - DAY);
  OK(sr_manual_clock_set(c, 5));
  OK(sr_manual_clock_now(c, &now));
  CHECK(now == 5);
  EXPECT(SR_STATUS_NULL_PARAMETER, sr_manual_clock_set(NULL, 1));
  EXPECT(SR_STATUS_NULL_PARAMETER, sr_manual_clock_advance(NULL, 1));
  EXPECT(SR_STATUS_NULL_PARAMETER, sr_manual_clock_now(NULL, &now));
  EXPECT(SR_STATUS_NULL_PARAMETER, sr_manual_clock_now(c, NULL));
  sr_manual_clock_free(c);
}

static void test_options_errors(void) {
  sr_options *o = NULL;
  OK(sr_options_new(&o));
  EXPECT(SR_STATUS_NULL_PARAMETER, sr_options_set_caller(o, NULL));
  EXPECT(SR_STATUS_INVALID_UTF8, sr_options_set_caller(o, BAD_UTF8));
  EXPECT(SR_STATUS_NULL_PARAMETER, sr_options_set_caller(NULL, "x"));
  EXPECT(SR_STATUS_NULL_PARAMETER, sr_options_set_max_keys(NULL, 1));
  EXPECT(SR_STATUS_NULL_PARAMETER, sr_options_set_kdf_cost(NULL, 1, 1, 1));
  EXPECT(SR_STATUS_NULL_PARAMETER, sr_options_use_insecure_fast_kdf_for_tests(NULL));
  EXPECT(SR_STATUS_NULL_PARAMETER, sr_options_set_manual_clock(o, NULL));
  EXPECT(SR_STATUS_NULL_PARAMETER, sr_options_set_manual_clock(NULL, NULL));

  char path[300];
  path_in_dir(path, sizeof path, "never");
  sr_keystore *ks = (sr_keystore *)0x1; /* must stay untouched on failure */
  /* A KDF cost below OWASP's floor is refused unless the test profile is on. */
  OK(sr_options_set_kdf_cost(o, 64, 1, 1));
  EXPECT(SR_STATUS_VALIDATION, sr_keystore_create(path, PASS, PASS_LEN, o, &ks));
  CHECK(ks == (sr_keystore *)0x1);
  CHECK(access(path, F_OK) != 0);
  OK(sr_options_use_insecure_fast_kdf_for_tests(o));
  /* Options are checked when creating: an empty caller, max_keys 0. */
  OK(sr_options_set_caller(o, ""));
  EXPECT(SR_STATUS_VALIDATION, sr_keystore_create(path, PASS, PASS_LEN, o, &ks));
  OK(sr_options_set_caller(o, "c-tests"));
  OK(sr_options_set_max_keys(o, 0));
  EXPECT(SR_STATUS_VALIDATION, sr_keystore_create(path, PASS, PASS_LEN, o, &ks));
  OK(sr_options_set_max_keys(o, 10));
  /* Arguments. */
  EXPECT(SR_STATUS_NULL_PARAMETER, sr_keystore_create(NULL, PASS, PASS_LEN, o, &ks));
  EXPECT(SR_STATUS_NULL_PARAMETER, sr_keystore_create(path, NULL, PASS_LEN, o, &ks));
  EXPECT(SR_STATUS_NULL_PARAMETER, sr_keystore_create(path, PASS, PASS_LEN, o, NULL));
  EXPECT(SR_STATUS_INVALID_UTF8, sr_keystore_create(BAD_UTF8, PASS, PASS_LEN, o, &ks));
  EXPECT(SR_STATUS_VALIDATION, sr_keystore_create(path, PASS, 0, o, &ks));
  EXPECT(SR_STATUS_NULL_PARAMETER, sr_keystore_open(NULL, PASS, PASS_LEN, o, &ks));
  EXPECT(SR_STATUS_NULL_PARAMETER, sr_keystore_open(path, PASS, PASS_LEN, o, NULL));
  EXPECT(SR_STATUS_INVALID_UTF8, sr_keystore_open(BAD_UTF8, PASS, PASS_LEN, o, &ks));
  EXPECT(SR_STATUS_NOT_FOUND, sr_keystore_open(path, PASS, PASS_LEN, o, &ks));
  CHECK(ks == (sr_keystore *)0x1);
  sr_options_free(o);
}

/* Create, lock, close, wrong passphrase, reopen, change the passphrase. */
static void test_keystore_lifecycle(void) {
  char path[300];
  path_in_dir(path, sizeof path, "life.strongroom");
  sr_options *o = fast_options();
  sr_keystore *ks = NULL;
  OK(sr_keystore_create(path, PASS, PASS_LEN, o, &ks));
  CHECK(ks != NULL);
  sr_keystore *again = NULL;
  EXPECT(SR_STATUS_ALREADY_EXISTS, sr_keystore_create(path, PASS, PASS_LEN, o, &again));
  EXPECT(SR_STATUS_LOCKED, sr_keystore_open(path, PASS, PASS_LEN, o, &again));
  CHECK(again == NULL);

  sr_key_metadata *key = NULL;
  OK(sr_create_key(ks, "survives reopen", NULL, NULL, NULL, &key));
  char key_id[64];
  snprintf(key_id, sizeof key_id, "%s", key->key_id);
  sr_key_metadata_free(key);
  OK(sr_keystore_close(ks));
  sr_keystore_free(ks);

  EXPECT(SR_STATUS_AUTHENTICATION_FAILED, sr_keystore_open(path, PASS2, PASS2_LEN, o, &ks));
  EXPECT_MESSAGE_PREFIX("AuthenticationFailed: ");
  /* Without the test profile the fast-KDF file is refused. */
  EXPECT(SR_STATUS_VALIDATION, sr_keystore_open(path, PASS, PASS_LEN, NULL, &ks));

  OK(sr_keystore_open(path, PASS, PASS_LEN, o, &ks));
  OK(sr_describe_key(ks, key_id, &key));
  CHECK(strcmp(key->description, "survives reopen") == 0);
  sr_key_metadata_free(key);

  EXPECT(SR_STATUS_AUTHENTICATION_FAILED, sr_change_passphrase(ks, PASS2, PASS2_LEN, PASS2, PASS2_LEN));
  EXPECT(SR_STATUS_NULL_PARAMETER, sr_change_passphrase(NULL, PASS, PASS_LEN, PASS2, PASS2_LEN));
  EXPECT(SR_STATUS_NULL_PARAMETER, sr_change_passphrase(ks, NULL, 3, PASS2, PASS2_LEN));
  EXPECT(SR_STATUS_VALIDATION, sr_change_passphrase(ks, PASS, PASS_LEN, PASS2, 0));
  OK(sr_change_passphrase(ks, PASS, PASS_LEN, PASS2, PASS2_LEN));
  OK(sr_keystore_close(ks));
  sr_keystore_free(ks);
  EXPECT(SR_STATUS_AUTHENTICATION_FAILED, sr_keystore_open(path, PASS, PASS_LEN, o, &ks));
  OK(sr_keystore_open(path, PASS2, PASS2_LEN, o, &ks));
  OK(sr_keystore_close(ks));
  sr_keystore_free(ks);

  /* Not a keystore. */
  char junk[300];
  path_in_dir(junk, sizeof junk, "junk");
  FILE *f = fopen(junk, "wb");
  CHECK(f != NULL);
  for (int i = 0; i < 4096; i++) fputc(i & 0x7f, f);
  fclose(f);
  EXPECT(SR_STATUS_CORRUPT, sr_keystore_open(junk, PASS, PASS_LEN, o, &ks));
  unlink(junk);
  unlink(path);
  sr_options_free(o);
}

static void test_keystore_id(sr_keystore *ks) {
  char id[64];
  size_t n = 0;
  memset(id, 'x', sizeof id);
  EXPECT(SR_STATUS_INSUFFICIENT_SIZE, sr_keystore_id(ks, id, 36, &n));
  CHECK(n == 37 && id[0] == 'x');
  EXPECT(SR_STATUS_INSUFFICIENT_SIZE, sr_keystore_id(ks, NULL, 0, &n));
  CHECK(n == 37);
  OK(sr_keystore_id(ks, id, 37, &n));
  CHECK(n == 36 && strlen(id) == 36 && id[8] == '-');
  EXPECT(SR_STATUS_NULL_PARAMETER, sr_keystore_id(ks, id, sizeof id, NULL));
  EXPECT(SR_STATUS_NULL_PARAMETER, sr_keystore_id(ks, NULL, sizeof id, &n));
  EXPECT(SR_STATUS_NULL_PARAMETER, sr_keystore_id(NULL, id, sizeof id, &n));
  /* Every key ARN names this keystore. */
  sr_key_metadata *m = NULL;
  OK(sr_create_key(ks, NULL, NULL, NULL, NULL, &m));
  CHECK(strstr(m->arn, id) != NULL);
  OK(sr_disable_key(ks, m->key_id));
  sr_key_metadata_free(m);
}

static void test_keys(sr_keystore *ks, const sr_manual_clock *clock) {
  sr_key_metadata *m = (sr_key_metadata *)0x1;
  EXPECT(SR_STATUS_NULL_PARAMETER, sr_create_key(NULL, NULL, NULL, NULL, NULL, &m));
  EXPECT(SR_STATUS_NULL_PARAMETER, sr_create_key(ks, NULL, NULL, NULL, NULL, NULL));
  EXPECT(SR_STATUS_INVALID_UTF8, sr_create_key(ks, BAD_UTF8, NULL, NULL, NULL, &m));
  EXPECT(SR_STATUS_VALIDATION, sr_create_key(ks, NULL, "NOPE", NULL, NULL, &m));
  EXPECT(SR_STATUS_UNSUPPORTED_OPERATION, sr_create_key(ks, NULL, "ML_DSA_65", NULL, "EXTERNAL", &m));
  EXPECT(SR_STATUS_VALIDATION, sr_create_key(ks, NULL, "HMAC_256", "ENCRYPT_DECRYPT", NULL, &m));
  EXPECT(SR_STATUS_VALIDATION, sr_create_key(ks, NULL, NULL, "SIGN_VERIFY", NULL, &m));
  EXPECT(SR_STATUS_VALIDATION, sr_create_key(ks, NULL, NULL, NULL, "AWS_CLOUDHSM", &m));
  CHECK(m == (sr_key_metadata *)0x1);
  /* None of the failures made a key. */
  sr_key_metadata_list *list = NULL;
  OK(sr_list_keys(ks, &list));
  CHECK(list->len == 0);
  sr_key_metadata_list_free(list);

  int64_t now = 0;
  OK(sr_manual_clock_now(clock, &now));
  OK(sr_create_key(ks, "first", "SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT", "STRONGROOM", &m));
  CHECK(strlen(m->key_id) == 36);
  CHECK(strncmp(m->arn, "arn:strongroom:kms:local:", 25) == 0);
  CHECK(strstr(m->arn, m->key_id) != NULL);
  CHECK(strcmp(m->description, "first") == 0);
  CHECK(strcmp(m->key_spec, "SYMMETRIC_DEFAULT") == 0);
  CHECK(strcmp(m->key_usage, "ENCRYPT_DECRYPT") == 0);
  CHECK(strcmp(m->origin, "AWS_KMS") == 0); /* "STRONGROOM" was accepted on input as the same */
  CHECK(strcmp(m->key_state, "Enabled") == 0);
  CHECK(m->enabled);
  CHECK(m->creation_date == now);
  CHECK(!m->has_deletion_date && !m->has_valid_to && m->pending_deletion_window_in_days == 0);
  CHECK(strcmp(m->aws_account_id, "111122223333") == 0);
  CHECK(strcmp(m->key_manager, "CUSTOMER") == 0 && !m->multi_region && m->expiration_model == NULL);
  CHECK(strlen(m->current_key_material_id) == SR_KEY_MATERIAL_ID_SIZE - 1);
  CHECK(strspn(m->current_key_material_id, "0123456789abcdef") == 64);

  /* Describe by id, by ARN; unknown ids. */
  sr_key_metadata *d = NULL;
  OK(sr_describe_key(ks, m->key_id, &d));
  CHECK(strcmp(d->key_id, m->key_id) == 0);
  sr_key_metadata_free(d);
  OK(sr_describe_key(ks, m->arn, &d));
  CHECK(strcmp(d->key_id, m->key_id) == 0);
  sr_key_metadata_free(d);
  d = NULL;
  EXPECT(SR_STATUS_NOT_FOUND, sr_describe_key(ks, "00000000-0000-4000-8000-000000000000", &d));
  EXPECT_MESSAGE_PREFIX("NotFound: ");
  EXPECT(SR_STATUS_NOT_FOUND, sr_describe_key(ks, "alias/none", &d));
  EXPECT(SR_STATUS_VALIDATION, sr_describe_key(ks, "", &d));
  EXPECT(SR_STATUS_INVALID_UTF8, sr_describe_key(ks, BAD_UTF8, &d));
  EXPECT(SR_STATUS_NULL_PARAMETER, sr_describe_key(ks, NULL, &d));
  EXPECT(SR_STATUS_NULL_PARAMETER, sr_describe_key(ks, m->key_id, NULL));
  CHECK(d == NULL);

  /* The clock moves creation dates. */
  OK(sr_manual_clock_advance(clock, 3 * DAY));
  sr_key_metadata *later = NULL;
  OK(sr_create_key(ks, NULL, NULL, NULL, NULL, &later));
  CHECK(later->creation_date == now + 3 * DAY);
  CHECK(strcmp(later->description, "") == 0);

  /* An EXTERNAL key waits for material. */
  sr_key_metadata *ext = NULL;
  OK(sr_create_key(ks, "byok", NULL, NULL, "EXTERNAL", &ext));
  CHECK(strcmp(ext->key_state, "PendingImport") == 0 && !ext->enabled);
  CHECK(strcmp(ext->origin, "EXTERNAL") == 0);
  sr_buffer blob = {NULL, 0};
  EXPECT(SR_STATUS_INVALID_STATE, sr_encrypt(ks, ext->key_id, (const uint8_t *)"x", 1, NULL, 0, &blob));
  EXPECT(SR_STATUS_INVALID_STATE, sr_enable_key(ks, ext->key_id));

  /* List. */
  OK(sr_list_keys(ks, &list));
  CHECK(list->len == 3);
  int found = 0;
  for (size_t i = 0; i < list->len; i++) {
    if (strcmp(list->items[i].key_id, m->key_id) == 0) found++;
    if (strcmp(list->items[i].key_id, ext->key_id) == 0) found++;
  }
  CHECK(found == 2);
  CHECK(strcmp(list->items[0].key_id, list->items[1].key_id) < 0);
  sr_key_metadata_list_free(list);
  EXPECT(SR_STATUS_NULL_PARAMETER, sr_list_keys(ks, NULL));
  EXPECT(SR_STATUS_NULL_PARAMETER, sr_list_keys(NULL, &list));

  /* Disable and enable. */
  OK(sr_disable_key(ks, m->key_id));
  OK(sr_describe_key(ks, m->key_id, &d));
  CHECK(strcmp(d->key_state, "Disabled") == 0 && !d->enabled);
  sr_key_metadata_free(d);
  EXPECT(SR_STATUS_DISABLED, sr_encrypt(ks, m->key_id, (const uint8_t *)"x", 1, NULL, 0, &blob));
  EXPECT_MESSAGE_PREFIX("Disabled: ");
  CHECK(blob.data == NULL);
  OK(sr_enable_key(ks, m->key_id));
  OK(sr_describe_key(ks, m->key_id, &d));
  CHECK(strcmp(d->key_state, "Enabled") == 0 && d->enabled);
  sr_key_metadata_free(d);
  EXPECT(SR_STATUS_NULL_PARAMETER, sr_enable_key(ks, NULL));
  EXPECT(SR_STATUS_NULL_PARAMETER, sr_disable_key(NULL, m->key_id));
  EXPECT(SR_STATUS_INVALID_UTF8, sr_disable_key(ks, BAD_UTF8));
  EXPECT(SR_STATUS_NOT_FOUND, sr_disable_key(ks, "alias/missing"));

  sr_key_metadata_free(m);
  sr_key_metadata_free(later);
  sr_key_metadata_free(ext);
}

static void test_aliases(sr_keystore *ks) {
  sr_key_metadata *a = NULL, *b = NULL;
  OK(sr_create_key(ks, "alias target a", NULL, NULL, NULL, &a));
  OK(sr_create_key(ks, "alias target b", NULL, NULL, NULL, &b));
  OK(sr_create_alias(ks, "alias/app", a->key_id));
  OK(sr_create_alias(ks, "alias/other_one-2", a->key_id));
  EXPECT(SR_STATUS_ALREADY_EXISTS, sr_create_alias(ks, "alias/app", b->key_id));
  EXPECT(SR_STATUS_VALIDATION, sr_create_alias(ks, "app", a->key_id));
  EXPECT(SR_STATUS_VALIDATION, sr_create_alias(ks, "alias/", a->key_id));
  EXPECT(SR_STATUS_VALIDATION, sr_create_alias(ks, "alias/aws/x", a->key_id));
  EXPECT(SR_STATUS_VALIDATION, sr_create_alias(ks, "alias/sp ace", a->key_id));
  EXPECT(SR_STATUS_NOT_FOUND, sr_create_alias(ks, "alias/dangling", "00000000-0000-4000-8000-000000000000"));
  EXPECT(SR_STATUS_NULL_PARAMETER, sr_create_alias(ks, NULL, a->key_id));
  EXPECT(SR_STATUS_NULL_PARAMETER, sr_create_alias(ks, "alias/x", NULL));
  EXPECT(SR_STATUS_NULL_PARAMETER, sr_create_alias(NULL, "alias/x", a->key_id));
  EXPECT(SR_STATUS_INVALID_UTF8, sr_create_alias(ks, BAD_UTF8, a->key_id));

  /* The alias resolves, by name and by ARN. */
  sr_key_metadata *d = NULL;
  OK(sr_describe_key(ks, "alias/app", &d));
  CHECK(strcmp(d->key_id, a->key_id) == 0);
  sr_key_metadata_free(d);

  sr_alias_list *list = NULL;
  OK(sr_list_aliases(ks, NULL, &list));
  CHECK(list->len == 2);
  CHECK(strcmp(list->items[0].alias_name, "alias/app") == 0);
  CHECK(strcmp(list->items[0].target_key_id, a->key_id) == 0);
  CHECK(strstr(list->items[0].alias_arn, ":alias/app") != NULL);
  CHECK(list->items[0].creation_date == list->items[0].last_updated_date);
  char alias_arn[300];
  snprintf(alias_arn, sizeof alias_arn, "%s", list->items[0].alias_arn);
  sr_alias_list_free(list);
  OK(sr_describe_key(ks, alias_arn, &d));
  CHECK(strcmp(d->key_id, a->key_id) == 0);
  sr_key_metadata_free(d);

  /* Move it: the manual-rotation step. */
  OK(sr_update_alias(ks, "alias/app", b->key_id));
  OK(sr_list_aliases(ks, b->key_id, &list));
  CHECK(list->len == 1 && strcmp(list->items[0].alias_name, "alias/app") == 0);
  sr_alias_list_free(list);
  OK(sr_list_aliases(ks, a->key_id, &list));
  CHECK(list->len == 1 && strcmp(list->items[0].alias_name, "alias/other_one-2") == 0);
  sr_alias_list_free(list);
  EXPECT(SR_STATUS_NOT_FOUND, sr_update_alias(ks, "alias/nope", b->key_id));
  EXPECT(SR_STATUS_NULL_PARAMETER, sr_update_alias(ks, "alias/app", NULL));
  EXPECT(SR_STATUS_INVALID_UTF8, sr_update_alias(ks, "alias/app", BAD_UTF8));
  EXPECT(SR_STATUS_NULL_PARAMETER, sr_list_aliases(ks, NULL, NULL));
  EXPECT(SR_STATUS_INVALID_UTF8, sr_list_aliases(ks, BAD_UTF8, &list));

  OK(sr_delete_alias(ks, "alias/other_one-2"));
  EXPECT(SR_STATUS_NOT_FOUND, sr_delete_alias(ks, "alias/other_one-2"));
  EXPECT(SR_STATUS_NULL_PARAMETER, sr_delete_alias(ks, NULL));
  OK(sr_describe_key(ks, a->key_id, &d)); /* the key stays */
  sr_key_metadata_free(d);
  OK(sr_list_aliases(ks, a->key_id, &list));
  CHECK(list->len == 0);
  sr_alias_list_free(list);
  OK(sr_delete_alias(ks, "alias/app"));

  sr_key_metadata_free(a);
  sr_key_metadata_free(b);
}

static void test_crypto(sr_keystore *ks) {
  sr_key_metadata *k = NULL, *k2 = NULL;
  OK(sr_create_key(ks, "crypto", NULL, NULL, NULL, &k));
  OK(sr_create_key(ks, "crypto 2", NULL, NULL, NULL, &k2));
  OK(sr_create_alias(ks, "alias/crypto", k->key_id));

  const uint8_t msg[] = "attack at dawn";
  sr_context_pair ctx[2] = {{"purpose", "test"}, {"tenant", "ünïcode"}};
  sr_context_pair reordered[2] = {{"tenant", "ünïcode"}, {"purpose", "test"}};
  sr_context_pair wrong[1] = {{"purpose", "test"}};

  sr_buffer blob = {NULL, 0};
  OK(sr_encrypt(ks, "alias/crypto", msg, sizeof msg, ctx, 2, &blob));
  CHECK(blob.data != NULL && blob.len > sizeof msg);

  sr_buffer pt = {NULL, 0};
  OK(sr_decrypt(ks, blob.data, blob.len, reordered, 2, NULL, &pt));
  CHECK(pt.len == sizeof msg && memcmp(pt.data, msg, sizeof msg) == 0);
  sr_buffer_free(&pt);
  CHECK(pt.data == NULL && pt.len == 0);
  sr_buffer_free(&pt); /* freeing twice through the struct is harmless */
  OK(sr_decrypt(ks, blob.data, blob.len, ctx, 2, k->key_id, &pt));
  sr_buffer_free(&pt);
  /* The form that also names the key and its material. */
  sr_decrypted *dec = NULL;
  OK(sr_decrypt_with_key_id(ks, blob.data, blob.len, ctx, 2, NULL, &dec));
  CHECK(dec->plaintext.len == sizeof msg && memcmp(dec->plaintext.data, msg, sizeof msg) == 0);
  CHECK(strstr(dec->key_id, k->key_id) != NULL && strncmp(dec->key_id, "arn:strongroom:kms:local:", 25) == 0);
  CHECK(strcmp(dec->key_material_id, k->current_key_material_id) == 0);
  sr_decrypted_free(dec);
  sr_decrypted_free(NULL);
  dec = (sr_decrypted *)0x1;
  EXPECT(SR_STATUS_INCORRECT_KEY, sr_decrypt_with_key_id(ks, blob.data, blob.len, ctx, 2, k2->key_id, &dec));
  EXPECT(SR_STATUS_INVALID_CIPHERTEXT, sr_decrypt_with_key_id(ks, blob.data, blob.len, NULL, 0, NULL, &dec));
  EXPECT(SR_STATUS_NULL_PARAMETER, sr_decrypt_with_key_id(ks, blob.data, blob.len, ctx, 2, NULL, NULL));
  CHECK(dec == (sr_decrypted *)0x1);

  /* Outputs stay untouched on failure. */
  sr_buffer sentinel = {(uint8_t *)0x1, 7};
  EXPECT(SR_STATUS_INVALID_CIPHERTEXT, sr_decrypt(ks, blob.data, blob.len, wrong, 1, NULL, &sentinel));
  EXPECT_MESSAGE_PREFIX("InvalidCiphertext: ");
  EXPECT(SR_STATUS_INVALID_CIPHERTEXT, sr_decrypt(ks, blob.data, blob.len, NULL, 0, NULL, &sentinel));
  EXPECT(SR_STATUS_INCORRECT_KEY, sr_decrypt(ks, blob.data, blob.len, ctx, 2, k2->key_id, &sentinel));
  CHECK(sentinel.data == (uint8_t *)0x1 && sentinel.len == 7);
  /* Every tampered byte is caught, the key id's too. */
  for (size_t i = 0; i < blob.len; i += 3) {
    blob.data[i] ^= 0x01;
    EXPECT(SR_STATUS_INVALID_CIPHERTEXT, sr_decrypt(ks, blob.data, blob.len, ctx, 2, NULL, &sentinel));
    blob.data[i] ^= 0x01;
  }
  EXPECT(SR_STATUS_INVALID_CIPHERTEXT, sr_decrypt(ks, blob.data, 10, ctx, 2, NULL, &sentinel));
  CHECK(sentinel.data == (uint8_t *)0x1);

  /* Plaintext bounds and pointers. */
  static uint8_t big[4097];
  memset(big, 0xab, sizeof big);
  sr_buffer b2 = {NULL, 0};
  EXPECT(SR_STATUS_VALIDATION, sr_encrypt(ks, k->key_id, big, 0, NULL, 0, &b2));
  EXPECT(SR_STATUS_VALIDATION, sr_encrypt(ks, k->key_id, NULL, 0, NULL, 0, &b2));
  EXPECT(SR_STATUS_VALIDATION, sr_encrypt(ks, k->key_id, big, 4097, NULL, 0, &b2));
  OK(sr_encrypt(ks, k->key_id, big, 4096, NULL, 0, &b2));
  OK(sr_decrypt(ks, b2.data, b2.len, NULL, 0, NULL, &pt));
  CHECK(pt.len == 4096 && memcmp(pt.data, big, 4096) == 0);
  sr_buffer_free(&pt);
  sr_buffer_free(&b2);
  EXPECT(SR_STATUS_NULL_PARAMETER, sr_encrypt(ks, k->key_id, NULL, 5, NULL, 0, &b2));
  EXPECT(SR_STATUS_NULL_PARAMETER, sr_encrypt(ks, NULL, msg, 5, NULL, 0, &b2));
  EXPECT(SR_STATUS_NULL_PARAMETER, sr_encrypt(NULL, k->key_id, msg, 5, NULL, 0, &b2));
  EXPECT(SR_STATUS_NULL_PARAMETER, sr_encrypt(ks, k->key_id, msg, 5, NULL, 0, NULL));
  EXPECT(SR_STATUS_NULL_PARAMETER, sr_encrypt(ks, k->key_id, msg, 5, NULL, 1, &b2));
  EXPECT(SR_STATUS_INVALID_UTF8, sr_encrypt(ks, BAD_UTF8, msg, 5, NULL, 0, &b2));
  EXPECT(SR_STATUS_NOT_FOUND, sr_encrypt(ks, "alias/unknown", msg, 5, NULL, 0, &b2));
  /* Context errors. */
  sr_context_pair null_value[1] = {{"k", NULL}};
  sr_context_pair null_key[1] = {{NULL, "v"}};
  sr_context_pair bad_value[1] = {{"k", BAD_UTF8}};
  sr_context_pair bad_key[1] = {{BAD_UTF8, "v"}};
  sr_context_pair empty_key[1] = {{"", "v"}};
  sr_context_pair dup[2] = {{"k", "v"}, {"k", "w"}};
  EXPECT(SR_STATUS_NULL_PARAMETER, sr_encrypt(ks, k->key_id, msg, 5, null_value, 1, &b2));
  EXPECT(SR_STATUS_NULL_PARAMETER, sr_encrypt(ks, k->key_id, msg, 5, null_key, 1, &b2));
  EXPECT(SR_STATUS_INVALID_UTF8, sr_encrypt(ks, k->key_id, msg, 5, bad_value, 1, &b2));
  EXPECT(SR_STATUS_INVALID_UTF8, sr_encrypt(ks, k->key_id, msg, 5, bad_key, 1, &b2));
  EXPECT(SR_STATUS_VALIDATION, sr_encrypt(ks, k->key_id, msg, 5, empty_key, 1, &b2));
  EXPECT(SR_STATUS_VALIDATION, sr_encrypt(ks, k->key_id, msg, 5, dup, 2, &b2));
  CHECK(b2.data == NULL);
  /* Decrypt pointer errors. */
  EXPECT(SR_STATUS_NULL_PARAMETER, sr_decrypt(ks, NULL, 5, NULL, 0, NULL, &pt));
  EXPECT(SR_STATUS_NULL_PARAMETER, sr_decrypt(ks, blob.data, blob.len, ctx, 2, NULL, NULL));
  EXPECT(SR_STATUS_NULL_PARAMETER, sr_decrypt(NULL, blob.data, blob.len, ctx, 2, NULL, &pt));
  EXPECT(SR_STATUS_INVALID_UTF8, sr_decrypt(ks, blob.data, blob.len, ctx, 2, BAD_UTF8, &pt));
  EXPECT(SR_STATUS_INVALID_CIPHERTEXT, sr_decrypt(ks, NULL, 0, NULL, 0, NULL, &pt));

  /* Re-encrypt under the second key with a new context. */
  sr_buffer moved = {NULL, 0};
  OK(sr_re_encrypt(ks, blob.data, blob.len, k2->key_id, ctx, 2, wrong, 1, NULL, &moved));
  OK(sr_decrypt(ks, moved.data, moved.len, wrong, 1, k2->key_id, &pt));
  CHECK(pt.len == sizeof msg && memcmp(pt.data, msg, sizeof msg) == 0);
  sr_buffer_free(&pt);
  EXPECT(SR_STATUS_INCORRECT_KEY, sr_decrypt(ks, moved.data, moved.len, wrong, 1, k->key_id, &pt));
  sr_buffer_free(&moved);
  EXPECT(SR_STATUS_INVALID_CIPHERTEXT, sr_re_encrypt(ks, blob.data, blob.len, k2->key_id, NULL, 0, NULL, 0, NULL, &moved));
  EXPECT(SR_STATUS_INCORRECT_KEY, sr_re_encrypt(ks, blob.data, blob.len, k2->key_id, ctx, 2, NULL, 0, k2->key_id, &moved));
  EXPECT(SR_STATUS_NULL_PARAMETER, sr_re_encrypt(ks, blob.data, blob.len, NULL, ctx, 2, NULL, 0, NULL, &moved));
  EXPECT(SR_STATUS_NULL_PARAMETER, sr_re_encrypt(ks, blob.data, blob.len, k2->key_id, ctx, 2, NULL, 1, NULL, &moved));
  EXPECT(SR_STATUS_NULL_PARAMETER, sr_re_encrypt(ks, blob.data, blob.len, k2->key_id, ctx, 2, NULL, 0, NULL, NULL));
  EXPECT(SR_STATUS_INVALID_UTF8, sr_re_encrypt(ks, blob.data, blob.len, k2->key_id, ctx, 2, NULL, 0, BAD_UTF8, &moved));
  OK(sr_disable_key(ks, k2->key_id));
  EXPECT(SR_STATUS_DISABLED, sr_re_encrypt(ks, blob.data, blob.len, k2->key_id, ctx, 2, NULL, 0, NULL, &moved));
  OK(sr_enable_key(ks, k2->key_id));
  CHECK(moved.data == NULL);
  OK(sr_disable_key(ks, k->key_id));
  EXPECT(SR_STATUS_DISABLED, sr_decrypt(ks, blob.data, blob.len, ctx, 2, NULL, &pt));
  OK(sr_enable_key(ks, k->key_id));
  sr_buffer_free(&blob);

  /* Data keys. */
  sr_data_key *dk = NULL;
  OK(sr_generate_data_key(ks, k->key_id, NULL, 0, ctx, 2, &dk));
  CHECK(dk->plaintext.len == 32 && dk->ciphertext_blob.len > 32);
  CHECK(strstr(dk->key_id, k->key_id) != NULL);
  CHECK(strcmp(dk->key_material_id, k->current_key_material_id) == 0);
  OK(sr_decrypt(ks, dk->ciphertext_blob.data, dk->ciphertext_blob.len, ctx, 2, NULL, &pt));
  CHECK(pt.len == 32 && memcmp(pt.data, dk->plaintext.data, 32) == 0);
  sr_buffer_free(&pt);
  sr_data_key_free(dk);
  OK(sr_generate_data_key(ks, "alias/crypto", "AES_128", 0, NULL, 0, &dk));
  CHECK(dk->plaintext.len == 16);
  sr_data_key_free(dk);
  OK(sr_generate_data_key(ks, k->key_id, NULL, 1024, NULL, 0, &dk));
  CHECK(dk->plaintext.len == 1024);
  sr_data_key_free(dk);
  dk = NULL;
  EXPECT(SR_STATUS_VALIDATION, sr_generate_data_key(ks, k->key_id, "AES_256", 32, NULL, 0, &dk));
  EXPECT(SR_STATUS_VALIDATION, sr_generate_data_key(ks, k->key_id, "AES_512", 0, NULL, 0, &dk));
  EXPECT(SR_STATUS_VALIDATION, sr_generate_data_key(ks, k->key_id, NULL, 1025, NULL, 0, &dk));
  EXPECT(SR_STATUS_INVALID_UTF8, sr_generate_data_key(ks, k->key_id, BAD_UTF8, 0, NULL, 0, &dk));
  EXPECT(SR_STATUS_NULL_PARAMETER, sr_generate_data_key(ks, NULL, NULL, 0, NULL, 0, &dk));
  EXPECT(SR_STATUS_NULL_PARAMETER, sr_generate_data_key(ks, k->key_id, NULL, 0, NULL, 0, NULL));
  EXPECT(SR_STATUS_NULL_PARAMETER, sr_generate_data_key(ks, k->key_id, NULL, 0, NULL, 3, &dk));
  CHECK(dk == NULL);
  OK(sr_generate_data_key_without_plaintext(ks, k->key_id, "AES_256", 0, wrong, 1, &dk));
  CHECK(dk->plaintext.data == NULL && dk->plaintext.len == 0);
  OK(sr_decrypt(ks, dk->ciphertext_blob.data, dk->ciphertext_blob.len, wrong, 1, NULL, &pt));
  CHECK(pt.len == 32);
  sr_buffer_free(&pt);
  sr_data_key_free(dk);
  dk = NULL;
  EXPECT(SR_STATUS_VALIDATION, sr_generate_data_key_without_plaintext(ks, k->key_id, "AES_128", 16, NULL, 0, &dk));
  EXPECT(SR_STATUS_NULL_PARAMETER, sr_generate_data_key_without_plaintext(NULL, k->key_id, NULL, 0, NULL, 0, &dk));
  OK(sr_disable_key(ks, k->key_id));
  EXPECT(SR_STATUS_DISABLED, sr_generate_data_key(ks, k->key_id, NULL, 0, NULL, 0, &dk));
  EXPECT(SR_STATUS_DISABLED, sr_generate_data_key_without_plaintext(ks, k->key_id, NULL, 0, NULL, 0, &dk));
  OK(sr_enable_key(ks, k->key_id));
  CHECK(dk == NULL);

  /* Random bytes, with short buffers reporting the size needed. */
  uint8_t r1[64], r2[64];
  size_t n = 0;
  size_t random_ok = count_events(ks, "GenerateRandom", "ok");
  OK(sr_generate_random(ks, 64, r1, sizeof r1, &n));
  CHECK(n == 64);
  OK(sr_generate_random(ks, 64, r2, sizeof r2, &n));
  CHECK(memcmp(r1, r2, 64) != 0);
  memset(r2, 0, sizeof r2);
  n = 0;
  EXPECT(SR_STATUS_INSUFFICIENT_SIZE, sr_generate_random(ks, 64, r2, 16, &n));
  CHECK(n == 64);
  for (size_t i = 0; i < sizeof r2; i++) CHECK(r2[i] == 0);
  EXPECT_MESSAGE_PREFIX("InsufficientSize: ");
  EXPECT(SR_STATUS_VALIDATION, sr_generate_random(ks, 0, r2, sizeof r2, &n));
  EXPECT(SR_STATUS_VALIDATION, sr_generate_random(ks, 1025, r2, sizeof r2, &n));
  EXPECT(SR_STATUS_NULL_PARAMETER, sr_generate_random(ks, 8, NULL, 8, &n));
  EXPECT(SR_STATUS_NULL_PARAMETER, sr_generate_random(ks, 8, r2, 8, NULL));
  EXPECT(SR_STATUS_NULL_PARAMETER, sr_generate_random(NULL, 8, r2, 8, &n));
  /* A refused buffer (short, or NULL with a length) is checked before anything is generated or
     audited: only the two calls that succeeded left a GenerateRandom ok event. */
  EXPECT(SR_STATUS_INSUFFICIENT_SIZE, sr_generate_random(ks, 8, NULL, 0, &n));
  CHECK(count_events(ks, "GenerateRandom", "ok") == random_ok + 2);
  CHECK(count_events(ks, "GenerateRandom", "InsufficientSize") == 0);
  CHECK(count_events(ks, "GenerateRandom", "NullParameter") == 0);

  OK(sr_delete_alias(ks, "alias/crypto"));
  sr_key_metadata_free(k);
  sr_key_metadata_free(k2);
}

static void test_quota(void) {
  char path[300];
  path_in_dir(path, sizeof path, "quota.strongroom");
  sr_options *o = fast_options();
  OK(sr_options_set_max_keys(o, 1));
  sr_keystore *ks = NULL;
  OK(sr_keystore_create(path, PASS, PASS_LEN, o, &ks));
  sr_key_metadata *m = NULL;
  OK(sr_create_key(ks, NULL, NULL, NULL, NULL, &m));
  sr_key_metadata_free(m);
  m = NULL;
  EXPECT(SR_STATUS_LIMIT_EXCEEDED, sr_create_key(ks, NULL, NULL, NULL, NULL, &m));
  EXPECT_MESSAGE_PREFIX("LimitExceeded: ");
  CHECK(m == NULL);
  OK(sr_keystore_close(ks));
  sr_keystore_free(ks);
  unlink(path);
  sr_options_free(o);
}

/* Issue 18 item 4: description, tags (with their bounds and paging), last use. */
static void test_metadata(sr_keystore *ks, sr_manual_clock *clock) {
  sr_tag_input tags[2] = {{"Team", "blue"}, {"Env", ""}};
  sr_key_metadata *m = NULL;
  OK(sr_create_key_with_tags(ks, "tagged", NULL, NULL, NULL, tags, 2, &m));
  char key[64];
  snprintf(key, sizeof key, "%s", m->key_id);
  sr_key_metadata_free(m);
  OK(sr_update_key_description(ks, key, "new words"));
  OK(sr_describe_key(ks, key, &m));
  CHECK(strcmp(m->description, "new words") == 0);
  sr_key_metadata_free(m);

  sr_tag_input more[1] = {{"Team", "red"}};
  OK(sr_tag_resource(ks, key, more, 1));
  sr_tag_input reserved[1] = {{"AWS:cost", "1"}};
  EXPECT(SR_STATUS_INVALID_TAG, sr_tag_resource(ks, key, reserved, 1));
  CHECK(strcmp(sr_status_name(SR_STATUS_INVALID_TAG), "InvalidTag") == 0);
  EXPECT(SR_STATUS_NULL_PARAMETER, sr_tag_resource(ks, key, NULL, 1));
  sr_tag_list *list = NULL;
  OK(sr_list_resource_tags(ks, key, 1, NULL, &list));
  CHECK(list->len == 1 && list->truncated && list->next_marker != NULL);
  CHECK(strcmp(list->items[0].tag_key, "Env") == 0 && list->items[0].tag_value[0] == '\0');
  sr_tag_list *rest = NULL;
  OK(sr_list_resource_tags(ks, key, 0, list->next_marker, &rest));
  CHECK(rest->len == 1 && !rest->truncated && rest->next_marker == NULL);
  CHECK(strcmp(rest->items[0].tag_value, "red") == 0);
  sr_tag_list_free(rest);
  sr_tag_list_free(list);
  EXPECT(SR_STATUS_INVALID_MARKER, sr_list_resource_tags(ks, key, 0, "zz", &list));
  EXPECT(SR_STATUS_VALIDATION, sr_list_resource_tags(ks, key, 51, NULL, &list));
  const char *gone[1] = {"Env"};
  OK(sr_untag_resource(ks, key, gone, 1));
  OK(sr_list_resource_tags(ks, key, 0, NULL, &list));
  CHECK(list->len == 1);
  sr_tag_list_free(list);

  sr_key_last_usage *u = NULL;
  OK(sr_get_key_last_usage(ks, key, &u));
  CHECK(strcmp(u->key_id, key) == 0 && u->operation == NULL && u->has_tracking_start_date);
  sr_key_last_usage_free(u);
  OK(sr_manual_clock_advance(clock, 5));
  sr_buffer blob = {0};
  OK(sr_encrypt(ks, key, (const uint8_t *)"x", 1, NULL, 0, &blob));
  sr_buffer_free(&blob);
  OK(sr_get_key_last_usage(ks, key, &u));
  CHECK(u->operation != NULL && strcmp(u->operation, "Encrypt") == 0);
  CHECK(u->timestamp >= u->key_creation_date);
  sr_key_last_usage_free(u);
  sr_tag_list_free(NULL);
  sr_key_last_usage_free(NULL);
}

/* How many grants `key` has. */
static size_t count_grants(const sr_keystore *ks, const char *key) {
  sr_grant_list *list = NULL;
  OK(sr_list_grants(ks, key, NULL, NULL, 100, NULL, &list));
  size_t n = list->len;
  sr_grant_list_free(list);
  return n;
}

/* Grants: create (with a name, constraints, a retiring principal), list with paging and filters,
 * list retirable, retire by token and by id, revoke, and the refusals of bad input, which change
 * nothing and write no output. C acts as the account root: the grantee is the root here, since C
 * cannot create IAM users. */
static void test_grants(sr_keystore *ks, sr_manual_clock *clock) {
  static const char ROOT[] = "arn:aws:iam::111122223333:root";
  static const char SUBSET[] = "{\"EncryptionContextSubset\": {\"tenant\": \"acme\"}}";
  sr_key_metadata *m = NULL;
  OK(sr_create_key(ks, "granted", NULL, NULL, NULL, &m));
  char key[64];
  snprintf(key, sizeof key, "%s", m->key_id);
  sr_key_metadata_free(m);

  const char *ops[2] = {"Encrypt", "Decrypt"};
  char *token = NULL, *id = NULL;
  OK(sr_create_grant(ks, key, ROOT, ROOT, ops, 2, SUBSET, "app-grant", &token, &id));
  CHECK(token != NULL && strlen(id) == 64 && strspn(id, "0123456789abcdef") == 64);
  /* The same name and arguments give the same grant. */
  char *token2 = NULL, *id2 = NULL;
  OK(sr_create_grant(ks, key, ROOT, ROOT, ops, 2, SUBSET, "app-grant", &token2, &id2));
  CHECK(strcmp(id2, id) == 0);
  sr_string_free(token2);
  sr_string_free(id2);
  OK(sr_manual_clock_advance(clock, 1000)); /* lists are oldest first, then by grant id */
  const char *describe[1] = {"DescribeKey"};
  char *other_token = NULL, *other = NULL;
  OK(sr_create_grant(ks, key, ROOT, NULL, describe, 1, NULL, NULL, &other_token, &other));
  sr_string_free(other_token);

  sr_grant_list *list = NULL;
  OK(sr_list_grants(ks, key, NULL, NULL, 1, NULL, &list));
  CHECK(list->len == 1 && list->truncated && list->next_marker != NULL);
  const sr_grant_list_entry *g = &list->items[0];
  CHECK(strcmp(g->grant_id, id) == 0);
  CHECK(strstr(g->key_id, key) != NULL);
  CHECK(g->name != NULL && strcmp(g->name, "app-grant") == 0);
  CHECK(strcmp(g->grantee_principal, ROOT) == 0);
  CHECK(g->retiring_principal != NULL && strcmp(g->retiring_principal, ROOT) == 0);
  CHECK(strcmp(g->issuing_account, ROOT) == 0);
  CHECK(g->operations_len == 2);
  CHECK(strcmp(g->operations[0], "Encrypt") == 0 && strcmp(g->operations[1], "Decrypt") == 0);
  CHECK(g->constraints != NULL && strstr(g->constraints, "\"EncryptionContextSubset\"") != NULL);
  CHECK(strstr(g->constraints, "\"tenant\":\"acme\"") != NULL);
  CHECK(g->creation_date > 0);
  sr_grant_list *rest = NULL;
  OK(sr_list_grants(ks, key, NULL, NULL, 0, list->next_marker, &rest));
  CHECK(rest->len == 1 && !rest->truncated && rest->next_marker == NULL);
  g = &rest->items[0];
  CHECK(strcmp(g->grant_id, other) == 0);
  CHECK(g->name == NULL && g->retiring_principal == NULL && g->constraints == NULL);
  CHECK(g->operations_len == 1 && strcmp(g->operations[0], "DescribeKey") == 0);
  sr_grant_list_free(rest);
  sr_grant_list_free(list);

  /* Filters: one grant by id, a grantee's; the grants the root may retire. */
  OK(sr_list_grants(ks, key, other, NULL, 0, NULL, &list));
  CHECK(list->len == 1 && strcmp(list->items[0].grant_id, other) == 0);
  sr_grant_list_free(list);
  OK(sr_list_grants(ks, key, NULL, "arn:aws:iam::111122223333:user/nobody", 0, NULL, &list));
  CHECK(list->len == 0);
  sr_grant_list_free(list);
  OK(sr_list_grants(ks, key, NULL, ROOT, 0, NULL, &list));
  CHECK(list->len == 2);
  sr_grant_list_free(list);
  OK(sr_list_retirable_grants(ks, ROOT, 0, NULL, &list));
  CHECK(list->len == 1 && strcmp(list->items[0].grant_id, id) == 0);
  sr_grant_list_free(list);

  /* Refusals: nothing created, no output written. */
  size_t before = count_grants(ks, key);
  char *t = (char *)0x1, *i = (char *)0x1;
  const char *unknown[2] = {"Encrypt", "Fly"};
  EXPECT(SR_STATUS_VALIDATION, sr_create_grant(ks, key, ROOT, NULL, unknown, 2, NULL, NULL, &t, &i));
  EXPECT_MESSAGE_PREFIX("Validation: ");
  EXPECT(SR_STATUS_VALIDATION, sr_create_grant(ks, key, ROOT, NULL, ops, 0, NULL, NULL, &t, &i));
  EXPECT(SR_STATUS_VALIDATION, sr_create_grant(ks, key, ROOT, NULL, ops, 2, "{", NULL, &t, &i));
  EXPECT(SR_STATUS_VALIDATION,
         sr_create_grant(ks, key, ROOT, NULL, ops, 2, "{\"SourceArn\": {}}", NULL, &t, &i));
  EXPECT(SR_STATUS_VALIDATION,
         sr_create_grant(ks, key, ROOT, NULL, describe, 1, SUBSET, NULL, &t, &i));
  EXPECT(SR_STATUS_VALIDATION, /* a user the keystore does not have */
         sr_create_grant(ks, key, "arn:aws:iam::111122223333:user/nobody", NULL, ops, 2, NULL,
                         NULL, &t, &i));
  EXPECT(SR_STATUS_VALIDATION, sr_create_grant(ks, key, ROOT, NULL, ops, 2, NULL, "bad name!", &t, &i));
  const char *bad_utf8[1] = {BAD_UTF8};
  EXPECT(SR_STATUS_INVALID_UTF8, sr_create_grant(ks, key, ROOT, NULL, bad_utf8, 1, NULL, NULL, &t, &i));
  EXPECT(SR_STATUS_INVALID_UTF8, sr_create_grant(ks, key, ROOT, NULL, ops, 2, BAD_UTF8, NULL, &t, &i));
  const char *null_op[2] = {"Encrypt", NULL};
  EXPECT(SR_STATUS_NULL_PARAMETER, sr_create_grant(ks, key, ROOT, NULL, null_op, 2, NULL, NULL, &t, &i));
  EXPECT(SR_STATUS_NULL_PARAMETER, sr_create_grant(ks, key, ROOT, NULL, NULL, 2, NULL, NULL, &t, &i));
  EXPECT(SR_STATUS_NULL_PARAMETER, sr_create_grant(ks, NULL, ROOT, NULL, ops, 2, NULL, NULL, &t, &i));
  EXPECT(SR_STATUS_NULL_PARAMETER, sr_create_grant(ks, key, NULL, NULL, ops, 2, NULL, NULL, &t, &i));
  EXPECT(SR_STATUS_NULL_PARAMETER, sr_create_grant(ks, key, ROOT, NULL, ops, 2, NULL, NULL, NULL, &i));
  EXPECT(SR_STATUS_NULL_PARAMETER, sr_create_grant(ks, key, ROOT, NULL, ops, 2, NULL, NULL, &t, NULL));
  EXPECT(SR_STATUS_NULL_PARAMETER, sr_create_grant(NULL, key, ROOT, NULL, ops, 2, NULL, NULL, &t, &i));
  EXPECT(SR_STATUS_NOT_FOUND,
         sr_create_grant(ks, "alias/none", ROOT, NULL, ops, 2, NULL, NULL, &t, &i));
  CHECK(t == (char *)0x1 && i == (char *)0x1);
  CHECK(count_grants(ks, key) == before);
  list = (sr_grant_list *)0x1;
  EXPECT(SR_STATUS_VALIDATION, sr_list_grants(ks, key, NULL, NULL, 101, NULL, &list));
  EXPECT(SR_STATUS_INVALID_MARKER, sr_list_grants(ks, key, NULL, NULL, 0, "zz", &list));
  EXPECT(SR_STATUS_NULL_PARAMETER, sr_list_grants(ks, NULL, NULL, NULL, 0, NULL, &list));
  EXPECT(SR_STATUS_NULL_PARAMETER, sr_list_grants(ks, key, NULL, NULL, 0, NULL, NULL));
  EXPECT(SR_STATUS_NULL_PARAMETER, sr_list_retirable_grants(ks, NULL, 0, NULL, &list));
  EXPECT(SR_STATUS_INVALID_UTF8, sr_list_retirable_grants(ks, BAD_UTF8, 0, NULL, &list));
  CHECK(list == (sr_grant_list *)0x1);

  /* Retire by token, revoke by id, retire by key and id. */
  EXPECT(SR_STATUS_VALIDATION, sr_retire_grant(ks, NULL, NULL, NULL));
  EXPECT(SR_STATUS_VALIDATION, sr_retire_grant(ks, NULL, key, NULL));
  EXPECT(SR_STATUS_INVALID_GRANT_TOKEN, sr_retire_grant(ks, "not-a-token", NULL, NULL));
  CHECK(strcmp(sr_status_name(SR_STATUS_INVALID_GRANT_TOKEN), "InvalidGrantToken") == 0);
  EXPECT(SR_STATUS_NULL_PARAMETER, sr_revoke_grant(ks, key, NULL));
  EXPECT(SR_STATUS_NOT_FOUND, sr_revoke_grant(ks, key, "0000"));
  CHECK(count_grants(ks, key) == before);
  OK(sr_retire_grant(ks, token, NULL, NULL));
  EXPECT(SR_STATUS_NOT_FOUND, sr_retire_grant(ks, token, NULL, NULL));
  OK(sr_revoke_grant(ks, key, other));
  EXPECT(SR_STATUS_NOT_FOUND, sr_revoke_grant(ks, key, other));
  CHECK(count_grants(ks, key) == 0);
  sr_string_free(token);
  sr_string_free(id);
  sr_string_free(other);
  OK(sr_create_grant(ks, key, ROOT, NULL, ops, 2, NULL, NULL, &token, &id));
  OK(sr_retire_grant(ks, NULL, key, id));
  CHECK(count_grants(ks, key) == 0);
  sr_string_free(token);
  sr_string_free(id);
  CHECK(count_events(ks, "CreateGrant", "ok") >= 3);
  CHECK(count_events(ks, "RevokeGrant", "ok") == 1);
  sr_grant_list_free(NULL);
}

int main(void) {
  make_dir(dir, sizeof dir);
  test_status_names();
  test_last_error_message();
  test_free_null_is_noop();
  test_clock();
  test_options_errors();
  test_keystore_lifecycle();
  test_quota();

  char path[300];
  path_in_dir(path, sizeof path, "main.strongroom");
  sr_manual_clock *clock = NULL;
  OK(sr_manual_clock_new(T0, &clock));
  sr_options *o = fast_options();
  OK(sr_options_set_manual_clock(o, clock));
  OK(sr_options_set_caller(o, "c-api-test"));
  sr_keystore *ks = NULL;
  OK(sr_keystore_create(path, PASS, PASS_LEN, o, &ks));
  sr_options_free(o); /* the keystore keeps no reference to its options */
  test_keys(ks, clock);
  test_keystore_id(ks);
  test_aliases(ks);
  test_crypto(ks);
  test_metadata(ks, clock);
  test_grants(ks, clock);
  OK(sr_keystore_close(ks));
  sr_keystore_free(ks);
  sr_manual_clock_free(clock);
  unlink(path);
  CHECK(rmdir(dir) == 0);
  printf("test_api: all checks passed\n");
  return 0;
}
