/* Named secrets through the C ABI (docs/secrets.md): every sr_*secret* function, AWSCURRENT and
 * AWSPREVIOUS after a put, a disabled KMS key (SR_STATUS_DECRYPTION_FAILURE on read,
 * SR_STATUS_ENCRYPTION_FAILURE on write), deletion with a window and restore, forced deletion,
 * paging, random passwords, resource policies (put, get, validate, delete; PublicPolicy,
 * MalformedPolicyDocument), and the statuses of NULL and malformed arguments (which change
 * nothing and leave out-parameters untouched). */
#define _POSIX_C_SOURCE 200809L
#include "common.h"

static const uint8_t PASS[] = "correct horse battery staple";
#define PASS_LEN (sizeof PASS - 1)
static const char BAD_UTF8[] = {'a', (char)0xff, 'b', 0};
static const int64_t T0 = 1795458361000; /* 2026-11-23T18:26:01Z */
static const int64_t DAY = 86400000;

/* A pointer no call may write over: out-parameters are written only on success. */
#define UNTOUCHED ((void *)0x5a5a)

static int has_stage(char *const *stages, size_t n, const char *stage) {
  for (size_t i = 0; i < n; i++) {
    if (strcmp(stages[i], stage) == 0) return 1;
  }
  return 0;
}

/* Creates a secret with a string value under `kms` (NULL: the default secrets key). */
static void create(sr_keystore *ks, const char *name, const char *kms, const char *value) {
  sr_secret_version_ref *r = NULL;
  OK(sr_create_secret(ks, name, NULL, NULL, kms, value, NULL, 0, NULL, 0, &r));
  CHECK(strcmp(r->name, name) == 0);
  sr_secret_version_ref_free(r);
}

/* The number of secrets listed (with or without those scheduled for deletion). */
static size_t count_secrets(const sr_keystore *ks, bool include_planned_deletion) {
  sr_secret_list *l = NULL;
  OK(sr_list_secrets(ks, include_planned_deletion, 0, NULL, NULL, 0, NULL, NULL, &l));
  size_t n = l->len;
  sr_secret_list_free(l);
  return n;
}

static void test_create_get_put(sr_keystore *ks, const char *key) {
  sr_tag_input tags[] = {{"team", "db"}, {"env", "prod"}};
  sr_secret_version_ref *r = NULL;
  OK(sr_create_secret(ks, "prod/db", "11111111-2222-3333-4444-555555555555", "the database",
                      key, "{\"password\":\"hunter2\"}", NULL, 0, tags, 2, &r));
  CHECK(strncmp(r->arn, "arn:aws:secretsmanager:", 23) == 0);
  CHECK(strstr(r->arn, ":secret:prod/db-") != NULL);
  CHECK(strcmp(r->name, "prod/db") == 0);
  CHECK(strcmp(r->version_id, "11111111-2222-3333-4444-555555555555") == 0);
  char arn[256];
  snprintf(arn, sizeof arn, "%s", r->arn);
  sr_secret_version_ref_free(r);

  /* The same token and value again: nothing changes, the same version is answered. */
  r = NULL;
  EXPECT(SR_STATUS_ALREADY_EXISTS,
         sr_create_secret(ks, "prod/db", NULL, NULL, key, "other", NULL, 0, NULL, 0, &r));
  CHECK(r == NULL);

  /* By name and by ARN. */
  sr_secret_value *v = NULL;
  OK(sr_get_secret_value(ks, "prod/db", NULL, NULL, &v));
  CHECK(strcmp(v->arn, arn) == 0);
  CHECK(strcmp(v->name, "prod/db") == 0);
  CHECK(strcmp(v->version_id, "11111111-2222-3333-4444-555555555555") == 0);
  CHECK(v->secret_string != NULL);
  CHECK(v->secret_string_len == strlen("{\"password\":\"hunter2\"}"));
  CHECK(strcmp(v->secret_string, "{\"password\":\"hunter2\"}") == 0);
  CHECK(v->secret_binary.data == NULL && v->secret_binary.len == 0);
  CHECK(v->version_stages_len == 1 && strcmp(v->version_stages[0], "AWSCURRENT") == 0);
  CHECK(v->created_date == T0);
  sr_secret_value_free(v);
  v = NULL;
  OK(sr_get_secret_value(ks, arn, NULL, "AWSCURRENT", &v));
  CHECK(strcmp(v->secret_string, "{\"password\":\"hunter2\"}") == 0);
  sr_secret_value_free(v);

  /* A binary value (with a NUL inside) becomes AWSCURRENT; the first becomes AWSPREVIOUS. */
  const uint8_t bin[] = {0xde, 0x00, 0xad, 0xbe, 0xef};
  r = NULL;
  OK(sr_put_secret_value(ks, "prod/db", NULL, NULL, bin, sizeof bin, NULL, 0, &r));
  CHECK(r->version_id != NULL && strlen(r->version_id) == 36); /* a UUID */
  CHECK(r->version_stages_len == 1 && strcmp(r->version_stages[0], "AWSCURRENT") == 0);
  char second[80];
  snprintf(second, sizeof second, "%s", r->version_id);
  sr_secret_version_ref_free(r);
  v = NULL;
  OK(sr_get_secret_value(ks, "prod/db", NULL, NULL, &v));
  CHECK(v->secret_string == NULL && v->secret_string_len == 0);
  CHECK(v->secret_binary.len == sizeof bin && memcmp(v->secret_binary.data, bin, sizeof bin) == 0);
  CHECK(strcmp(v->version_id, second) == 0);
  sr_secret_value_free(v);
  v = NULL;
  OK(sr_get_secret_value(ks, "prod/db", NULL, "AWSPREVIOUS", &v));
  CHECK(strcmp(v->secret_string, "{\"password\":\"hunter2\"}") == 0);
  CHECK(has_stage(v->version_stages, v->version_stages_len, "AWSPREVIOUS"));
  sr_secret_value_free(v);
  v = NULL;
  OK(sr_get_secret_value(ks, "prod/db", "11111111-2222-3333-4444-555555555555", "AWSPREVIOUS", &v));
  sr_secret_value_free(v);
  /* Version id and stage naming different versions; an unknown label. */
  v = UNTOUCHED;
  EXPECT(SR_STATUS_VALIDATION,
         sr_get_secret_value(ks, "prod/db", "11111111-2222-3333-4444-555555555555", "AWSCURRENT", &v));
  EXPECT(SR_STATUS_NOT_FOUND, sr_get_secret_value(ks, "prod/db", NULL, "AWSPENDING", &v));
  CHECK(v == UNTOUCHED);

  /* A string with explicit labels: AWSPENDING only, so AWSCURRENT stays. */
  const char *stages[] = {"AWSPENDING"};
  r = NULL;
  OK(sr_put_secret_value(ks, "prod/db", NULL, "pending", NULL, 0, stages, 1, &r));
  CHECK(r->version_stages_len == 1 && strcmp(r->version_stages[0], "AWSPENDING") == 0);
  char pending[80];
  snprintf(pending, sizeof pending, "%s", r->version_id);
  sr_secret_version_ref_free(r);
  v = NULL;
  OK(sr_get_secret_value(ks, "prod/db", NULL, "AWSPENDING", &v));
  CHECK(strcmp(v->secret_string, "pending") == 0);
  sr_secret_value_free(v);

  /* Move AWSCURRENT to the pending version: the binary one becomes AWSPREVIOUS. */
  r = NULL;
  EXPECT(SR_STATUS_VALIDATION,
         sr_update_secret_version_stage(ks, "prod/db", "AWSCURRENT", NULL, pending, &r));
  CHECK(r == NULL);
  OK(sr_update_secret_version_stage(ks, "prod/db", "AWSCURRENT", second, pending, &r));
  CHECK(strcmp(r->name, "prod/db") == 0);
  sr_secret_version_ref_free(r);
  v = NULL;
  OK(sr_get_secret_value(ks, "prod/db", NULL, NULL, &v));
  CHECK(strcmp(v->version_id, pending) == 0);
  sr_secret_value_free(v);
  v = NULL;
  OK(sr_get_secret_value(ks, "prod/db", NULL, "AWSPREVIOUS", &v));
  CHECK(strcmp(v->version_id, second) == 0);
  sr_secret_value_free(v);

  /* Versions: three, newest first; with a page of one, a token leads on. */
  sr_secret_version_list *vl = NULL;
  OK(sr_list_secret_version_ids(ks, "prod/db", 0, NULL, true, &vl));
  CHECK(vl->len == 3 && vl->next_token == NULL);
  CHECK(strcmp(vl->name, "prod/db") == 0 && strcmp(vl->arn, arn) == 0);
  CHECK(strcmp(vl->items[0].version_id, pending) == 0);
  CHECK(vl->items[0].kms_key_ids_len == 1 && strstr(vl->items[0].kms_key_ids[0], key) != NULL);
  CHECK(has_stage(vl->items[0].version_stages, vl->items[0].version_stages_len, "AWSCURRENT"));
  sr_secret_version_list_free(vl);
  vl = NULL;
  OK(sr_list_secret_version_ids(ks, "prod/db", 1, NULL, false, &vl));
  CHECK(vl->len == 1 && vl->next_token != NULL);
  sr_secret_version_list *vl2 = NULL;
  OK(sr_list_secret_version_ids(ks, "prod/db", 1, vl->next_token, false, &vl2));
  CHECK(vl2->len == 1 && strcmp(vl2->items[0].version_id, vl->items[0].version_id) != 0);
  sr_secret_version_list_free(vl2);
  sr_secret_version_list_free(vl);
  vl = UNTOUCHED;
  EXPECT(SR_STATUS_VALIDATION, sr_list_secret_version_ids(ks, "prod/db", 101, NULL, false, &vl));
  EXPECT(SR_STATUS_NOT_FOUND, sr_list_secret_version_ids(ks, "nope", 0, NULL, false, &vl));
  CHECK(vl == UNTOUCHED);
}

static void test_describe_update_tags(sr_keystore *ks, sr_manual_clock *clock, const char *key) {
  sr_secret_metadata *m = NULL;
  OK(sr_describe_secret(ks, "prod/db", &m));
  CHECK(strcmp(m->name, "prod/db") == 0);
  CHECK(strcmp(m->description, "the database") == 0);
  CHECK(m->kms_key_id != NULL && strstr(m->kms_key_id, key) != NULL);
  CHECK(m->created_date == T0 && !m->has_deleted_date);
  /* Read by test_create_get_put: the day of that read, 00:00 UTC. */
  CHECK(m->has_last_accessed_date && m->last_accessed_date == T0 - T0 % DAY);
  CHECK(m->tags_len == 2 && strcmp(m->tags[0].tag_key, "team") == 0 &&
        strcmp(m->tags[0].tag_value, "db") == 0);
  CHECK(m->version_ids_to_stages_len == 2); /* the first version lost its last label */
  sr_secret_metadata_free(m);

  OK(sr_manual_clock_advance(clock, 1000));
  sr_secret_version_ref *r = NULL;
  OK(sr_update_secret(ks, "prod/db", NULL, "a new description", NULL, NULL, NULL, 0, &r));
  CHECK(r->version_id == NULL && r->version_stages_len == 0);
  sr_secret_version_ref_free(r);
  r = NULL;
  OK(sr_update_secret(ks, "prod/db", NULL, NULL, NULL, "updated", NULL, 0, &r));
  CHECK(r->version_id != NULL);
  sr_secret_version_ref_free(r);
  sr_secret_value *v = NULL;
  OK(sr_get_secret_value(ks, "prod/db", NULL, NULL, &v));
  CHECK(strcmp(v->secret_string, "updated") == 0);
  sr_secret_value_free(v);

  sr_tag_input more[] = {{"team", "platform"}, {"cost", "42"}};
  OK(sr_tag_secret(ks, "prod/db", more, 2));
  const char *gone[] = {"env", "not-there"};
  OK(sr_untag_secret(ks, "prod/db", gone, 2));
  sr_tag_input reserved[] = {{"aws:x", "y"}};
  EXPECT(SR_STATUS_VALIDATION, sr_tag_secret(ks, "prod/db", reserved, 1));
  EXPECT(SR_STATUS_NULL_PARAMETER, sr_tag_secret(ks, "prod/db", NULL, 1));
  EXPECT(SR_STATUS_NULL_PARAMETER, sr_untag_secret(ks, "prod/db", NULL, 1));
  m = NULL;
  OK(sr_describe_secret(ks, "prod/db", &m));
  CHECK(strcmp(m->description, "a new description") == 0);
  CHECK(m->last_changed_date == T0 + 1000);
  CHECK(m->tags_len == 2);
  for (size_t i = 0; i < m->tags_len; i++) {
    if (strcmp(m->tags[i].tag_key, "team") == 0) CHECK(strcmp(m->tags[i].tag_value, "platform") == 0);
    else CHECK(strcmp(m->tags[i].tag_key, "cost") == 0);
  }
  sr_secret_metadata_free(m);
  m = UNTOUCHED;
  EXPECT(SR_STATUS_NOT_FOUND, sr_describe_secret(ks, "nope", &m));
  CHECK(m == UNTOUCHED);
}

static void test_list(sr_keystore *ks) {
  create(ks, "app/a", NULL, "a"); /* the default secrets key, made on first use */
  create(ks, "app/b", NULL, "b");
  create(ks, "other", NULL, "c");
  sr_secret_metadata *m = NULL;
  OK(sr_describe_secret(ks, "app/a", &m));
  CHECK(m->kms_key_id == NULL); /* the default key is not named, as AWS */
  CHECK(m->description == NULL && m->tags_len == 0);
  sr_secret_metadata_free(m);

  const char *prefix[] = {"app/"};
  sr_secret_filter filter = {"name", prefix, 1};
  sr_secret_list *l = NULL;
  OK(sr_list_secrets(ks, false, 1, NULL, &filter, 1, "name", "asc", &l));
  CHECK(l->len == 1 && strcmp(l->items[0].name, "app/a") == 0 && l->next_token != NULL);
  sr_secret_list *l2 = NULL;
  OK(sr_list_secrets(ks, false, 1, l->next_token, &filter, 1, "name", "asc", &l2));
  CHECK(l2->len == 1 && strcmp(l2->items[0].name, "app/b") == 0);
  sr_secret_list_free(l2);
  sr_secret_list_free(l);
  l = NULL;
  OK(sr_list_secrets(ks, false, 0, NULL, NULL, 0, "name", "desc", &l));
  CHECK(l->len == 4 && strcmp(l->items[0].name, "prod/db") == 0 && l->next_token == NULL);
  CHECK(l->items[0].version_ids_to_stages_len >= 2);
  sr_secret_list_free(l);

  l = UNTOUCHED;
  sr_secret_filter bad_key = {"colour", prefix, 1};
  EXPECT(SR_STATUS_VALIDATION, sr_list_secrets(ks, false, 0, NULL, &bad_key, 1, NULL, NULL, &l));
  sr_secret_filter no_values = {"name", NULL, 1};
  EXPECT(SR_STATUS_NULL_PARAMETER, sr_list_secrets(ks, false, 0, NULL, &no_values, 1, NULL, NULL, &l));
  EXPECT(SR_STATUS_VALIDATION, sr_list_secrets(ks, false, 0, NULL, NULL, 0, "size", NULL, &l));
  EXPECT(SR_STATUS_VALIDATION, sr_list_secrets(ks, false, 0, NULL, NULL, 0, NULL, "up", &l));
  EXPECT(SR_STATUS_VALIDATION, sr_list_secrets(ks, false, 101, NULL, NULL, 0, NULL, NULL, &l));
  EXPECT(SR_STATUS_VALIDATION, sr_list_secrets(ks, false, 0, "not-a-token", NULL, 0, NULL, NULL, &l));
  EXPECT(SR_STATUS_INVALID_UTF8, sr_list_secrets(ks, false, 0, NULL, NULL, 0, BAD_UTF8, NULL, &l));
  EXPECT(SR_STATUS_NULL_PARAMETER, sr_list_secrets(ks, false, 0, NULL, NULL, 0, NULL, NULL, NULL));
  CHECK(l == UNTOUCHED);
}

static void test_disabled_key(sr_keystore *ks, const char *key) {
  OK(sr_disable_key(ks, key));
  sr_secret_value *v = UNTOUCHED;
  EXPECT(SR_STATUS_DECRYPTION_FAILURE, sr_get_secret_value(ks, "prod/db", NULL, NULL, &v));
  EXPECT_MESSAGE_PREFIX("DecryptionFailure");
  CHECK(v == UNTOUCHED);
  sr_secret_version_ref *r = UNTOUCHED;
  EXPECT(SR_STATUS_ENCRYPTION_FAILURE,
         sr_put_secret_value(ks, "prod/db", NULL, "new", NULL, 0, NULL, 0, &r));
  CHECK(r == UNTOUCHED);
  /* The metadata stays readable. */
  sr_secret_metadata *m = NULL;
  OK(sr_describe_secret(ks, "prod/db", &m));
  sr_secret_metadata_free(m);
  OK(sr_enable_key(ks, key));
  v = NULL;
  OK(sr_get_secret_value(ks, "prod/db", NULL, NULL, &v));
  CHECK(strcmp(v->secret_string, "updated") == 0); /* the refused put left nothing */
  sr_secret_value_free(v);
}

static void test_delete_restore(sr_keystore *ks) {
  size_t listed = count_secrets(ks, false);
  sr_deleted_secret *d = UNTOUCHED;
  EXPECT(SR_STATUS_VALIDATION, sr_delete_secret(ks, "app/a", 6, false, &d));
  EXPECT(SR_STATUS_VALIDATION, sr_delete_secret(ks, "app/a", 31, false, &d));
  EXPECT(SR_STATUS_VALIDATION, sr_delete_secret(ks, "app/a", 7, true, &d));
  EXPECT(SR_STATUS_NOT_FOUND, sr_delete_secret(ks, "nope", 0, false, &d));
  CHECK(d == UNTOUCHED);
  CHECK(count_secrets(ks, false) == listed);

  d = NULL;
  OK(sr_delete_secret(ks, "app/a", 7, false, &d));
  CHECK(strcmp(d->name, "app/a") == 0 && d->has_deletion_date);
  CHECK(d->deletion_date >= T0 + 7 * DAY);
  sr_deleted_secret_free(d);
  CHECK(count_secrets(ks, false) == listed - 1);
  CHECK(count_secrets(ks, true) == listed);
  sr_secret_value *v = UNTOUCHED;
  EXPECT(SR_STATUS_INVALID_STATE, sr_get_secret_value(ks, "app/a", NULL, NULL, &v));
  CHECK(v == UNTOUCHED);
  sr_secret_version_ref *r = UNTOUCHED;
  EXPECT(SR_STATUS_INVALID_STATE, sr_put_secret_value(ks, "app/a", NULL, "x", NULL, 0, NULL, 0, &r));
  EXPECT(SR_STATUS_INVALID_STATE, /* its name cannot be reused until it is destroyed */
         sr_create_secret(ks, "app/a", NULL, NULL, NULL, "x", NULL, 0, NULL, 0, &r));
  CHECK(r == UNTOUCHED);
  sr_secret_metadata *m = NULL;
  OK(sr_describe_secret(ks, "app/a", &m));
  CHECK(m->has_deleted_date);
  sr_secret_metadata_free(m);

  d = NULL;
  OK(sr_restore_secret(ks, "app/a", &d));
  CHECK(strcmp(d->name, "app/a") == 0 && !d->has_deletion_date);
  sr_deleted_secret_free(d);
  v = NULL;
  OK(sr_get_secret_value(ks, "app/a", NULL, NULL, &v));
  CHECK(strcmp(v->secret_string, "a") == 0);
  sr_secret_value_free(v);
  CHECK(count_secrets(ks, false) == listed);

  /* Forced: gone at once, and the name is free again. */
  d = NULL;
  OK(sr_delete_secret(ks, "app/b", 0, true, &d));
  sr_deleted_secret_free(d);
  v = UNTOUCHED;
  EXPECT(SR_STATUS_NOT_FOUND, sr_get_secret_value(ks, "app/b", NULL, NULL, &v));
  CHECK(v == UNTOUCHED);
  CHECK(count_secrets(ks, true) == listed - 1);
  create(ks, "app/b", NULL, "again");
  d = UNTOUCHED;
  EXPECT(SR_STATUS_NOT_FOUND, sr_restore_secret(ks, "nope", &d));
  EXPECT(SR_STATUS_NULL_PARAMETER, sr_restore_secret(ks, NULL, &d));
  CHECK(d == UNTOUCHED);
}

static void test_random_password(sr_keystore *ks) {
  char *p = NULL;
  OK(sr_get_random_password(ks, NULL, &p));
  CHECK(strlen(p) == 32);
  sr_random_password_free(p);
  sr_password_options o = {0};
  o.password_length = 64;
  o.exclude_characters = "abcdef";
  o.exclude_punctuation = true;
  o.exclude_uppercase = true;
  o.require_each_included_type = true;
  p = NULL;
  OK(sr_get_random_password(ks, &o, &p));
  CHECK(strlen(p) == 64);
  int digit = 0;
  for (const char *c = p; *c; c++) {
    CHECK((*c >= 'g' && *c <= 'z') || (*c >= '0' && *c <= '9'));
    digit |= (*c >= '0' && *c <= '9');
  }
  CHECK(digit);
  sr_random_password_free(p);
  o.include_space = true;
  o.exclude_numbers = true;
  o.exclude_lowercase = true;
  o.password_length = 8;
  p = NULL;
  OK(sr_get_random_password(ks, &o, &p));
  CHECK(strcmp(p, "        ") == 0); /* only the space is left */
  sr_random_password_free(p);

  p = UNTOUCHED;
  o = (sr_password_options){0};
  o.password_length = 4097;
  EXPECT(SR_STATUS_VALIDATION, sr_get_random_password(ks, &o, &p));
  o.password_length = 8;
  o.exclude_numbers = o.exclude_punctuation = o.exclude_uppercase = o.exclude_lowercase = true;
  EXPECT(SR_STATUS_VALIDATION, sr_get_random_password(ks, &o, &p));
  o = (sr_password_options){0};
  o.exclude_characters = BAD_UTF8;
  EXPECT(SR_STATUS_INVALID_UTF8, sr_get_random_password(ks, &o, &p));
  EXPECT(SR_STATUS_NULL_PARAMETER, sr_get_random_password(NULL, NULL, &p));
  EXPECT(SR_STATUS_NULL_PARAMETER, sr_get_random_password(ks, NULL, NULL));
  CHECK(p == UNTOUCHED);
}

static void test_resource_policies(sr_keystore *ks) {
  static const char DENY[] = "{\"Statement\": [{\"Effect\": \"Deny\", \"Principal\": \"*\", "
                             "\"Action\": \"secretsmanager:DeleteSecret\", \"Resource\": \"*\"}]}";
  static const char PUBLIC[] = "{\"Statement\": [{\"Effect\": \"Allow\", \"Principal\": {\"AWS\": \"*\"}, "
                               "\"Action\": \"secretsmanager:GetSecretValue\", \"Resource\": \"*\"}]}";
  create(ks, "rp/db", NULL, "v");
  sr_secret_policy *p = NULL;
  OK(sr_get_resource_policy(ks, "rp/db", NULL, &p));
  CHECK(p->resource_policy == NULL && strcmp(p->policy_name, "default") == 0);
  CHECK(strcmp(p->name, "rp/db") == 0 && strstr(p->arn, ":secret:rp/db-") != NULL);
  sr_secret_policy_free(p);
  p = NULL;
  OK(sr_put_resource_policy(ks, "rp/db", DENY, true, NULL, &p));
  CHECK(strcmp(p->name, "rp/db") == 0 && p->resource_policy == NULL);
  sr_secret_policy_free(p);
  p = NULL;
  OK(sr_get_resource_policy(ks, "rp/db", "default", &p));
  CHECK(strcmp(p->resource_policy, DENY) == 0);
  sr_secret_policy_free(p);

  sr_secret_policy *untouched = UNTOUCHED;
  EXPECT(SR_STATUS_PUBLIC_POLICY, sr_put_resource_policy(ks, "rp/db", PUBLIC, true, NULL, &untouched));
  EXPECT(SR_STATUS_MALFORMED_POLICY_DOCUMENT, sr_put_resource_policy(ks, "rp/db", "{", false, NULL, &untouched));
  EXPECT(SR_STATUS_VALIDATION, sr_put_resource_policy(ks, "rp/db", DENY, false, "other", &untouched));
  EXPECT(SR_STATUS_NOT_FOUND, sr_put_resource_policy(ks, "nope", DENY, false, NULL, &untouched));
  EXPECT(SR_STATUS_NULL_PARAMETER, sr_put_resource_policy(ks, "rp/db", NULL, false, NULL, &untouched));
  EXPECT(SR_STATUS_NULL_PARAMETER, sr_put_resource_policy(ks, "rp/db", DENY, false, NULL, NULL));
  EXPECT(SR_STATUS_INVALID_UTF8, sr_put_resource_policy(ks, "rp/db", BAD_UTF8, false, NULL, &untouched));
  EXPECT(SR_STATUS_NOT_FOUND, sr_get_resource_policy(ks, "rp/db", "other", &untouched));
  CHECK(untouched == UNTOUCHED);
  CHECK(strcmp(sr_status_name(SR_STATUS_PUBLIC_POLICY), "PublicPolicy") == 0);
  OK(sr_get_resource_policy(ks, "rp/db", NULL, &p));
  CHECK(strcmp(p->resource_policy, DENY) == 0); /* unchanged by the refusals */
  sr_secret_policy_free(p);

  sr_policy_validation *v = NULL;
  OK(sr_validate_resource_policy(ks, NULL, PUBLIC, &v));
  CHECK(!v->passed && v->errors_len == 1 && strcmp(v->errors[0].check_name, "BROAD_ACCESS") == 0);
  CHECK(strlen(v->errors[0].error_message) > 0);
  sr_policy_validation_free(v);
  v = NULL;
  OK(sr_validate_resource_policy(ks, "rp/db", "not json", &v));
  CHECK(!v->passed && v->errors_len == 1 && strcmp(v->errors[0].check_name, "SYNTAX_CHECK") == 0);
  sr_policy_validation_free(v);
  v = NULL;
  OK(sr_validate_resource_policy(ks, "rp/db", DENY, &v));
  CHECK(v->passed && v->errors_len == 0);
  sr_policy_validation_free(v);
  sr_policy_validation *vu = UNTOUCHED;
  EXPECT(SR_STATUS_NOT_FOUND, sr_validate_resource_policy(ks, "nope", DENY, &vu));
  EXPECT(SR_STATUS_NULL_PARAMETER, sr_validate_resource_policy(ks, NULL, NULL, &vu));
  CHECK(vu == UNTOUCHED);

  p = NULL;
  OK(sr_delete_resource_policy(ks, "rp/db", NULL, &p));
  CHECK(strcmp(p->policy_name, "default") == 0);
  sr_secret_policy_free(p);
  p = NULL;
  OK(sr_get_resource_policy(ks, "rp/db", NULL, &p));
  CHECK(p->resource_policy == NULL);
  sr_secret_policy_free(p);
  sr_secret_policy_free(NULL);
  sr_policy_validation_free(NULL);
}

static void test_bad_input(sr_keystore *ks) {
  size_t before = count_secrets(ks, true);
  sr_secret_version_ref *r = UNTOUCHED;
  const uint8_t one = 1;
  EXPECT(SR_STATUS_NULL_PARAMETER, sr_create_secret(NULL, "n", NULL, NULL, NULL, "v", NULL, 0, NULL, 0, &r));
  EXPECT(SR_STATUS_NULL_PARAMETER, sr_create_secret(ks, NULL, NULL, NULL, NULL, "v", NULL, 0, NULL, 0, &r));
  EXPECT(SR_STATUS_NULL_PARAMETER, sr_create_secret(ks, "n", NULL, NULL, NULL, "v", NULL, 0, NULL, 0, NULL));
  EXPECT(SR_STATUS_NULL_PARAMETER, sr_create_secret(ks, "n", NULL, NULL, NULL, NULL, NULL, 4, NULL, 0, &r));
  EXPECT(SR_STATUS_NULL_PARAMETER, sr_create_secret(ks, "n", NULL, NULL, NULL, "v", NULL, 0, NULL, 2, &r));
  sr_tag_input null_tag[] = {{"k", NULL}};
  EXPECT(SR_STATUS_NULL_PARAMETER, sr_create_secret(ks, "n", NULL, NULL, NULL, "v", NULL, 0, null_tag, 1, &r));
  EXPECT(SR_STATUS_INVALID_UTF8, sr_create_secret(ks, BAD_UTF8, NULL, NULL, NULL, "v", NULL, 0, NULL, 0, &r));
  EXPECT(SR_STATUS_INVALID_UTF8, sr_create_secret(ks, "n", NULL, BAD_UTF8, NULL, "v", NULL, 0, NULL, 0, &r));
  EXPECT(SR_STATUS_INVALID_UTF8, sr_create_secret(ks, "n", NULL, NULL, NULL, BAD_UTF8, NULL, 0, NULL, 0, &r));
  EXPECT(SR_STATUS_VALIDATION, sr_create_secret(ks, "n", NULL, NULL, NULL, "v", &one, 1, NULL, 0, &r));
  EXPECT(SR_STATUS_VALIDATION, sr_create_secret(ks, "bad name!", NULL, NULL, NULL, "v", NULL, 0, NULL, 0, &r));
  EXPECT(SR_STATUS_VALIDATION, sr_create_secret(ks, "n", "short", NULL, NULL, "v", NULL, 0, NULL, 0, &r));
  EXPECT(SR_STATUS_VALIDATION, sr_create_secret(ks, "n", NULL, NULL, NULL, "", NULL, 0, NULL, 0, &r));
  EXPECT(SR_STATUS_NOT_FOUND, sr_create_secret(ks, "n", NULL, NULL, "alias/none", "v", NULL, 0, NULL, 0, &r));
  static uint8_t big[65537];
  EXPECT(SR_STATUS_VALIDATION, sr_create_secret(ks, "n", NULL, NULL, NULL, NULL, big, sizeof big, NULL, 0, &r));
  EXPECT(SR_STATUS_VALIDATION, sr_put_secret_value(ks, "prod/db", NULL, NULL, NULL, 0, NULL, 0, &r));
  EXPECT(SR_STATUS_VALIDATION, sr_put_secret_value(ks, "prod/db", NULL, "v", &one, 1, NULL, 0, &r));
  EXPECT(SR_STATUS_NULL_PARAMETER, sr_put_secret_value(ks, "prod/db", NULL, "v", NULL, 0, NULL, 1, &r));
  const char *bad_stages[] = {BAD_UTF8};
  EXPECT(SR_STATUS_INVALID_UTF8, sr_put_secret_value(ks, "prod/db", NULL, "v", NULL, 0, bad_stages, 1, &r));
  EXPECT(SR_STATUS_NULL_PARAMETER, sr_put_secret_value(ks, NULL, NULL, "v", NULL, 0, NULL, 0, &r));
  EXPECT(SR_STATUS_NOT_FOUND, sr_put_secret_value(ks, "nope", NULL, "v", NULL, 0, NULL, 0, &r));
  EXPECT(SR_STATUS_NULL_PARAMETER, sr_update_secret(ks, NULL, NULL, "d", NULL, NULL, NULL, 0, &r));
  EXPECT(SR_STATUS_INVALID_UTF8, sr_update_secret(ks, "prod/db", NULL, BAD_UTF8, NULL, NULL, NULL, 0, &r));
  EXPECT(SR_STATUS_NULL_PARAMETER, sr_update_secret(ks, "prod/db", NULL, "d", NULL, NULL, NULL, 0, NULL));
  EXPECT(SR_STATUS_NULL_PARAMETER, sr_update_secret_version_stage(ks, "prod/db", NULL, NULL, NULL, &r));
  CHECK(r == UNTOUCHED);
  CHECK(count_secrets(ks, true) == before);

  sr_secret_value *v = UNTOUCHED;
  EXPECT(SR_STATUS_NULL_PARAMETER, sr_get_secret_value(NULL, "prod/db", NULL, NULL, &v));
  EXPECT(SR_STATUS_NULL_PARAMETER, sr_get_secret_value(ks, NULL, NULL, NULL, &v));
  EXPECT(SR_STATUS_NULL_PARAMETER, sr_get_secret_value(ks, "prod/db", NULL, NULL, NULL));
  EXPECT(SR_STATUS_INVALID_UTF8, sr_get_secret_value(ks, BAD_UTF8, NULL, NULL, &v));
  EXPECT(SR_STATUS_INVALID_UTF8, sr_get_secret_value(ks, "prod/db", BAD_UTF8, NULL, &v));
  EXPECT(SR_STATUS_VALIDATION, sr_get_secret_value(ks, "prod/db", "short", NULL, &v));
  CHECK(v == UNTOUCHED);
  sr_secret_metadata *m = UNTOUCHED;
  EXPECT(SR_STATUS_NULL_PARAMETER, sr_describe_secret(ks, NULL, &m));
  EXPECT(SR_STATUS_NULL_PARAMETER, sr_describe_secret(ks, "prod/db", NULL));
  CHECK(m == UNTOUCHED);
  sr_deleted_secret *d = UNTOUCHED;
  EXPECT(SR_STATUS_NULL_PARAMETER, sr_delete_secret(ks, "prod/db", 7, false, NULL));
  EXPECT(SR_STATUS_INVALID_UTF8, sr_delete_secret(ks, BAD_UTF8, 7, false, &d));
  CHECK(d == UNTOUCHED);
  EXPECT(SR_STATUS_NULL_PARAMETER, sr_list_secret_version_ids(ks, NULL, 0, NULL, false, NULL));
  EXPECT(SR_STATUS_NULL_PARAMETER, sr_tag_secret(ks, NULL, NULL, 0));
  EXPECT(SR_STATUS_NULL_PARAMETER, sr_untag_secret(NULL, "prod/db", NULL, 0));

  /* _free(NULL) is a no-op for every secret result. */
  sr_secret_version_ref_free(NULL);
  sr_secret_value_free(NULL);
  sr_secret_metadata_free(NULL);
  sr_secret_list_free(NULL);
  sr_secret_version_list_free(NULL);
  sr_deleted_secret_free(NULL);
  sr_random_password_free(NULL);
}

int main(void) {
  char dir[256];
  make_dir(dir, sizeof dir);
  char path[300];
  snprintf(path, sizeof path, "%s/secrets.strongroom", dir);
  sr_manual_clock *clock = NULL;
  OK(sr_manual_clock_new(T0, &clock));
  sr_options *o = fast_options();
  OK(sr_options_set_manual_clock(o, clock));
  sr_keystore *ks = NULL;
  OK(sr_keystore_create(path, PASS, PASS_LEN, o, &ks));
  sr_options_free(o);
  sr_key_metadata *key = NULL;
  OK(sr_create_key(ks, "secrets", NULL, NULL, NULL, &key));
  char key_id[80];
  snprintf(key_id, sizeof key_id, "%s", key->key_id);
  sr_key_metadata_free(key);

  test_create_get_put(ks, key_id);
  test_describe_update_tags(ks, clock, key_id);
  test_list(ks);
  test_disabled_key(ks, key_id);
  test_delete_restore(ks);
  test_random_password(ks);
  test_resource_policies(ks);
  test_bad_input(ks);

  OK(sr_keystore_close(ks));
  sr_keystore_free(ks);
  sr_manual_clock_free(clock);
  unlink(path);
  CHECK(rmdir(dir) == 0);
  printf("test_secrets: all checks passed\n");
  return 0;
}
