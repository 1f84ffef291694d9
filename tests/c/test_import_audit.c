/* Importing key material (BYOK, wrapped with the openssl command AWS documents) and the audit
 * trail: events, filters, verification and JSON Lines export. */
#define _POSIX_C_SOURCE 200809L
#include "common.h"

#include <stdint.h>

static const uint8_t PASS[] = "import audit passphrase";
static const int64_t T0 = 1795458361000;
static const int64_t DAY = 86400000;
/* The expiration model of material that does not expire (also what NULL means: SPEC section 7's default). */
static const char NEVER[] = "KEY_MATERIAL_DOES_NOT_EXPIRE";
static char dir[256];

static void write_file(const char *path, const uint8_t *data, size_t len) {
  FILE *f = fopen(path, "wb");
  CHECK(f != NULL);
  CHECK(fwrite(data, 1, len, f) == len);
  CHECK(fclose(f) == 0);
}

static size_t read_file(const char *path, uint8_t *buf, size_t cap) {
  FILE *f = fopen(path, "rb");
  CHECK(f != NULL);
  size_t n = fread(buf, 1, cap, f);
  fclose(f);
  return n;
}

/* Wraps `material` under the parameters' public key with openssl, as AWS documents. */
static size_t wrap(const sr_parameters_for_import *p, const uint8_t material[32], uint8_t *out, size_t cap) {
  char pub[300], plain[300], wrapped[300], cmd[1200];
  snprintf(pub, sizeof pub, "%s/WrappingPublicKey.bin", dir);
  snprintf(plain, sizeof plain, "%s/PlaintextKeyMaterial.bin", dir);
  snprintf(wrapped, sizeof wrapped, "%s/EncryptedKeyMaterial.bin", dir);
  write_file(pub, p->public_key.data, p->public_key.len);
  write_file(plain, material, 32);
  snprintf(cmd, sizeof cmd,
           "openssl pkeyutl -encrypt -in %s -out %s -inkey %s -keyform DER -pubin "
           "-pkeyopt rsa_padding_mode:oaep -pkeyopt rsa_oaep_md:sha256 -pkeyopt rsa_mgf1_md:sha256",
           plain, wrapped, pub);
  CHECK(system(cmd) == 0);
  size_t n = read_file(wrapped, out, cap);
  unlink(pub);
  unlink(plain);
  unlink(wrapped);
  return n;
}

static void test_import(sr_keystore *ks, const sr_manual_clock *clock) {
  sr_key_metadata *k = NULL;
  OK(sr_create_key(ks, "byok", NULL, NULL, "EXTERNAL", &k));
  sr_parameters_for_import *p = NULL;
  EXPECT(SR_STATUS_VALIDATION, sr_get_parameters_for_import(ks, k->key_id, "RSA_PKCS1", "RSA_2048", &p));
  EXPECT(SR_STATUS_VALIDATION, sr_get_parameters_for_import(ks, k->key_id, "RSAES_OAEP_SHA_256", "RSA_1024", &p));
  EXPECT(SR_STATUS_NULL_PARAMETER, sr_get_parameters_for_import(ks, k->key_id, NULL, "RSA_2048", &p));
  EXPECT(SR_STATUS_NULL_PARAMETER, sr_get_parameters_for_import(ks, k->key_id, "RSAES_OAEP_SHA_256", "RSA_2048", NULL));
  CHECK(p == NULL);
  OK(sr_get_parameters_for_import(ks, k->key_id, "RSAES_OAEP_SHA_256", "RSA_2048", &p));
  CHECK(strstr(p->key_id, k->key_id) != NULL);
  CHECK(p->import_token.len > 0 && p->public_key.len > 256);
  int64_t now = 0;
  OK(sr_manual_clock_now(clock, &now));
  CHECK(p->parameters_valid_to == now + DAY);

  uint8_t material[32], wrapped[1024];
  size_t n = 0;
  OK(sr_generate_random(ks, 32, material, sizeof material, &n));
  size_t wrapped_len = wrap(p, material, wrapped, sizeof wrapped);
  CHECK(wrapped_len == 256);

  /* A tampered token, garbage material. */
  p->import_token.data[p->import_token.len - 1] ^= 1;
  EXPECT(SR_STATUS_INVALID_IMPORT_TOKEN, sr_import_key_material(ks, k->key_id, p->import_token.data, p->import_token.len, wrapped, wrapped_len, NEVER, false, 0));
  p->import_token.data[p->import_token.len - 1] ^= 1;
  EXPECT(SR_STATUS_NULL_PARAMETER, sr_import_key_material(ks, k->key_id, NULL, 5, wrapped, wrapped_len, NULL, false, 0));
  EXPECT(SR_STATUS_VALIDATION, sr_import_key_material(ks, k->key_id, p->import_token.data, p->import_token.len, wrapped, wrapped_len, "SOMETIMES", false, 0));
  /* KEY_MATERIAL_EXPIRES without valid_to: a Validation error that names both ways out, before
     the token is used; NULL (KEY_MATERIAL_DOES_NOT_EXPIRE) with valid_to: Validation too. */
  EXPECT(SR_STATUS_VALIDATION, sr_import_key_material(ks, k->key_id, p->import_token.data, p->import_token.len, wrapped, wrapped_len, "KEY_MATERIAL_EXPIRES", false, 0));
  EXPECT_MESSAGE_PREFIX("Validation: KEY_MATERIAL_EXPIRES (AWS KMS's default expiration model) needs valid_to");
  EXPECT(SR_STATUS_VALIDATION, sr_import_key_material(ks, k->key_id, p->import_token.data, p->import_token.len, wrapped, wrapped_len, NULL, true, T0 + DAY));
  EXPECT_MESSAGE_PREFIX("Validation: valid_to is not valid with KEY_MATERIAL_DOES_NOT_EXPIRE");
  OK(sr_import_key_material(ks, k->key_id, p->import_token.data, p->import_token.len, wrapped, wrapped_len, NULL, false, 0)); /* NULL: does not expire */
  /* The token is used up. */
  EXPECT(SR_STATUS_INVALID_IMPORT_TOKEN, sr_import_key_material(ks, k->key_id, p->import_token.data, p->import_token.len, wrapped, wrapped_len, NEVER, false, 0));
  sr_parameters_for_import_free(p);

  sr_key_metadata *m = NULL;
  OK(sr_describe_key(ks, k->key_id, &m));
  CHECK(strcmp(m->key_state, "Enabled") == 0 && strcmp(m->origin, "EXTERNAL") == 0 && !m->has_valid_to);
  CHECK(m->expiration_model != NULL && strcmp(m->expiration_model, "KEY_MATERIAL_DOES_NOT_EXPIRE") == 0);
  CHECK(strlen(m->current_key_material_id) == 64);
  char imported[SR_KEY_MATERIAL_ID_SIZE];
  memcpy(imported, m->current_key_material_id, sizeof imported);
  sr_key_metadata_free(m);
  sr_buffer blob = {NULL, 0}, pt = {NULL, 0};
  OK(sr_encrypt(ks, k->key_id, (const uint8_t *)"imported", 8, NULL, 0, &blob));

  /* Delete the material: the key waits for the same material again. */
  OK(sr_delete_imported_key_material(ks, k->key_id));
  EXPECT(SR_STATUS_INVALID_STATE, sr_delete_imported_key_material(ks, k->key_id));
  OK(sr_describe_key(ks, k->key_id, &m));
  CHECK(strcmp(m->key_state, "PendingImport") == 0);
  sr_key_metadata_free(m);
  EXPECT(SR_STATUS_INVALID_STATE, sr_decrypt(ks, blob.data, blob.len, NULL, 0, NULL, &pt));

  /* AWS's ImportType and KeyMaterialId, checked before the token is used. */
  OK(sr_get_parameters_for_import(ks, k->key_id, "RSAES_OAEP_SHA_256", "RSA_2048", &p));
  wrapped_len = wrap(p, material, wrapped, sizeof wrapped);
  char mid[SR_KEY_MATERIAL_ID_SIZE] = {0}, unknown[SR_KEY_MATERIAL_ID_SIZE] = {0};
  memset(unknown, 'a', 64);
#define IMPORT_WITH(type, id)                                                                  \
  sr_import_key_material_with(ks, k->key_id, p->import_token.data, p->import_token.len, wrapped, \
                              wrapped_len, NEVER, false, 0, (type), (id), NULL, mid)
  EXPECT(SR_STATUS_UNSUPPORTED_OPERATION, IMPORT_WITH("NEW_KEY_MATERIAL", NULL));
  EXPECT(SR_STATUS_VALIDATION, IMPORT_WITH("SOMETIMES", NULL));
  EXPECT(SR_STATUS_NOT_FOUND, IMPORT_WITH(NULL, unknown));
  unknown[63] = 0; /* 63 hex characters: not an id */
  EXPECT(SR_STATUS_VALIDATION, IMPORT_WITH("EXISTING_KEY_MATERIAL", unknown));
  CHECK(mid[0] == 0);
  OK(IMPORT_WITH("EXISTING_KEY_MATERIAL", imported));
  CHECK(strcmp(mid, imported) == 0);
#undef IMPORT_WITH
  sr_parameters_for_import_free(p);

  /* AWS's KeyMaterialDescription: bounded, and listed by ListKeyRotations. */
  OK(sr_get_parameters_for_import(ks, k->key_id, "RSAES_OAEP_SHA_256", "RSA_2048", &p));
  wrapped_len = wrap(p, material, wrapped, sizeof wrapped);
#define DESCRIBE(d)                                                                            \
  sr_import_key_material_with(ks, k->key_id, p->import_token.data, p->import_token.len, wrapped, \
                              wrapped_len, NEVER, false, 0, NULL, NULL, (d), NULL)
  EXPECT(SR_STATUS_VALIDATION, DESCRIBE("semi;colon"));
  EXPECT(SR_STATUS_VALIDATION, DESCRIBE(""));
  OK(DESCRIBE("HSM export/2026-01"));
#undef DESCRIBE
  sr_rotations_list *rl = NULL;
  OK(sr_list_key_rotations_with(ks, k->key_id, "ALL_KEY_MATERIAL", &rl));
  CHECK(rl->len == 1 && rl->items[0].key_material_description != NULL);
  CHECK(strcmp(rl->items[0].key_material_description, "HSM export/2026-01") == 0);
  sr_rotations_list_free(rl);
  sr_parameters_for_import_free(p);
  OK(sr_decrypt(ks, blob.data, blob.len, NULL, 0, NULL, &pt));
  sr_buffer_free(&pt);

  /* Other material is refused; the same material brings the blobs back. */
  OK(sr_get_parameters_for_import(ks, k->key_id, "RSAES_OAEP_SHA_256", "RSA_2048", &p));
  uint8_t other[32];
  OK(sr_generate_random(ks, 32, other, sizeof other, &n));
  wrapped_len = wrap(p, other, wrapped, sizeof wrapped);
  EXPECT(SR_STATUS_INCORRECT_KEY_MATERIAL, sr_import_key_material(ks, k->key_id, p->import_token.data, p->import_token.len, wrapped, wrapped_len, NEVER, false, 0));
  sr_parameters_for_import_free(p);
  OK(sr_get_parameters_for_import(ks, k->key_id, "RSAES_OAEP_SHA_256", "RSA_2048", &p));
  EXPECT(SR_STATUS_INVALID_CIPHERTEXT, sr_import_key_material(ks, k->key_id, p->import_token.data, p->import_token.len, (const uint8_t *)"garbage", 7, NEVER, false, 0));
  sr_parameters_for_import_free(p);
  OK(sr_get_parameters_for_import(ks, k->key_id, "RSAES_OAEP_SHA_256", "RSA_2048", &p));
  wrapped_len = wrap(p, material, wrapped, sizeof wrapped);
  /* KEY_MATERIAL_EXPIRES with valid_to: the material expires. */
  OK(sr_import_key_material(ks, k->key_id, p->import_token.data, p->import_token.len, wrapped, wrapped_len,
                            "KEY_MATERIAL_EXPIRES", true, now + 2 * DAY));
  sr_parameters_for_import_free(p);
  OK(sr_decrypt(ks, blob.data, blob.len, NULL, 0, NULL, &pt));
  CHECK(pt.len == 8 && memcmp(pt.data, "imported", 8) == 0);
  sr_buffer_free(&pt);
  OK(sr_describe_key(ks, k->key_id, &m));
  CHECK(m->has_valid_to && m->valid_to == now + 2 * DAY);
  CHECK(m->expiration_model != NULL && strcmp(m->expiration_model, "KEY_MATERIAL_EXPIRES") == 0);
  sr_key_metadata_free(m);

  /* Expired parameters, and material expiring at valid_to. */
  OK(sr_get_parameters_for_import(ks, k->key_id, "RSAES_OAEP_SHA_256", "RSA_2048", &p));
  wrapped_len = wrap(p, material, wrapped, sizeof wrapped);
  OK(sr_manual_clock_advance(clock, 3 * DAY));
  EXPECT(SR_STATUS_EXPIRED_IMPORT_TOKEN, sr_import_key_material(ks, k->key_id, p->import_token.data, p->import_token.len, wrapped, wrapped_len, NEVER, false, 0));
  sr_parameters_for_import_free(p);
  OK(sr_run_maintenance(ks));
  OK(sr_describe_key(ks, k->key_id, &m));
  CHECK(strcmp(m->key_state, "PendingImport") == 0);
  sr_key_metadata_free(m);
  sr_buffer_free(&blob);

  /* Keys generated inside take no imports. */
  sr_key_metadata *internal = NULL;
  OK(sr_create_key(ks, NULL, NULL, NULL, NULL, &internal));
  EXPECT(SR_STATUS_UNSUPPORTED_OPERATION, sr_get_parameters_for_import(ks, internal->key_id, "RSAES_OAEP_SHA_256", "RSA_2048", &p));
  EXPECT(SR_STATUS_UNSUPPORTED_OPERATION, sr_delete_imported_key_material(ks, internal->key_id));
  EXPECT(SR_STATUS_NULL_PARAMETER, sr_delete_imported_key_material(ks, NULL));
  sr_parameters_for_import_free(NULL);
  sr_key_metadata_free(internal);
  sr_key_metadata_free(k);
}

/* Runs `fmt` (a shell command, one %s for the directory) in the test directory. */
static void sh(const char *fmt) {
  char cmd[2000];
  snprintf(cmd, sizeof cmd, fmt, dir, dir, dir, dir, dir, dir, dir, dir);
  CHECK(system(cmd) == 0);
}

/* Wraps the file `plain` (in the test directory) under the parameters' public key with the
 * openssl commands of docs/import.md: RSAES_OAEP_SHA_256, or RSA_AES_KEY_WRAP_SHA_256. */
static size_t wrap_file(const sr_parameters_for_import *p, const char *plain, bool aes, uint8_t *out, size_t cap) {
  char pub[300], cmd[2000];
  snprintf(pub, sizeof pub, "%s/WrappingPublicKey.bin", dir);
  write_file(pub, p->public_key.data, p->public_key.len);
  const char *oaep = "-pkeyopt rsa_padding_mode:oaep -pkeyopt rsa_oaep_md:sha256 -pkeyopt rsa_mgf1_md:sha256";
  if (aes) {
    snprintf(cmd, sizeof cmd,
             "cd %s && openssl rand -out aes-key.bin 32 && "
             "openssl enc -id-aes256-wrap-pad -K $(xxd -p -c 256 aes-key.bin) -iv A65959A6 -in %s -out km.bin && "
             "openssl pkeyutl -encrypt -pubin -keyform DER -inkey WrappingPublicKey.bin -in aes-key.bin -out ak.bin %s && "
             "cat ak.bin km.bin > EncryptedKeyMaterial.bin && rm aes-key.bin ak.bin km.bin",
             dir, plain, oaep);
  } else {
    snprintf(cmd, sizeof cmd,
             "cd %s && openssl pkeyutl -encrypt -pubin -keyform DER -inkey WrappingPublicKey.bin "
             "-in %s -out EncryptedKeyMaterial.bin %s",
             dir, plain, oaep);
  }
  CHECK(system(cmd) == 0);
  char wrapped[300];
  snprintf(wrapped, sizeof wrapped, "%s/EncryptedKeyMaterial.bin", dir);
  size_t n = read_file(wrapped, out, cap);
  unlink(pub);
  unlink(wrapped);
  return n;
}

/* Imports the file `plain` into `key_id` with fresh parameters; returns the status. */
static sr_status import_file(sr_keystore *ks, const char *key_id, const char *alg, const char *plain) {
  sr_parameters_for_import *p = NULL;
  sr_status st = sr_get_parameters_for_import(ks, key_id, alg, "RSA_2048", &p);
  if (st != SR_STATUS_OK) return st;
  uint8_t wrapped[4096];
  size_t n = wrap_file(p, plain, strcmp(alg, "RSA_AES_KEY_WRAP_SHA_256") == 0, wrapped, sizeof wrapped);
  st = sr_import_key_material(ks, key_id, p->import_token.data, p->import_token.len, wrapped, n, NULL, false, 0);
  sr_parameters_for_import_free(p);
  return st;
}

/* Asymmetric and HMAC material made by openssl: the imported ECC key signs and openssl verifies
 * with the original public key; the imported RSA key's public key is openssl's; the HMAC key's
 * MAC is openssl's HMAC of the same key. */
static void test_import_asymmetric_and_hmac(sr_keystore *ks) {
  sh("cd %s && openssl genpkey -algorithm ec -pkeyopt ec_paramgen_curve:P-256 2>/dev/null"
     " | openssl pkcs8 -topk8 -outform der -nocrypt > ec.der"
     " && openssl pkey -inform DER -in ec.der -pubout -out ec.pem"
     " && openssl genpkey -algorithm ec -pkeyopt ec_paramgen_curve:P-384 2>/dev/null"
     " | openssl pkcs8 -topk8 -outform der -nocrypt > p384.der"
     " && openssl genpkey -algorithm rsa -pkeyopt rsa_keygen_bits:2048 2>/dev/null"
     " | openssl pkcs8 -topk8 -outform der -nocrypt > rsa.der"
     " && openssl pkey -inform DER -in rsa.der -pubout -outform DER -out rsa.pub.der");

  sr_key_metadata *ec = NULL;
  OK(sr_create_key(ks, NULL, "ECC_NIST_P256", "SIGN_VERIFY", "EXTERNAL", &ec));
  EXPECT(SR_STATUS_INCORRECT_KEY_MATERIAL, import_file(ks, ec->key_id, "RSAES_OAEP_SHA_256", "p384.der"));
  OK(import_file(ks, ec->key_id, "RSAES_OAEP_SHA_256", "ec.der"));
  static const uint8_t msg[] = "signed in C, verified by openssl";
  sr_buffer sig = {NULL, 0};
  OK(sr_sign(ks, ec->key_id, msg, sizeof msg - 1, "RAW", "ECDSA_SHA_256", &sig));
  char path[300];
  snprintf(path, sizeof path, "%s/msg.bin", dir);
  write_file(path, msg, sizeof msg - 1);
  snprintf(path, sizeof path, "%s/sig.bin", dir);
  write_file(path, sig.data, sig.len);
  sr_buffer_free(&sig);
  sh("cd %s && openssl dgst -sha256 -verify ec.pem -signature sig.bin msg.bin >/dev/null");
  sr_key_metadata_free(ec);

  sr_key_metadata *rsa = NULL;
  OK(sr_create_key(ks, NULL, "RSA_2048", "SIGN_VERIFY", "EXTERNAL", &rsa));
  sr_parameters_for_import *p = (sr_parameters_for_import *)0x1;
  EXPECT(SR_STATUS_UNSUPPORTED_OPERATION, sr_get_parameters_for_import(ks, rsa->key_id, "RSAES_OAEP_SHA_256", "RSA_4096", &p));
  CHECK(p == (sr_parameters_for_import *)0x1);
  OK(import_file(ks, rsa->key_id, "RSA_AES_KEY_WRAP_SHA_256", "rsa.der"));
  sr_public_key *pk = NULL;
  OK(sr_get_public_key(ks, rsa->key_id, &pk));
  uint8_t want[1024];
  snprintf(path, sizeof path, "%s/rsa.pub.der", dir);
  size_t want_len = read_file(path, want, sizeof want);
  CHECK(pk->public_key.len == want_len && memcmp(pk->public_key.data, want, want_len) == 0);
  sr_public_key_free(pk);
  sr_key_metadata_free(rsa);

  sr_key_metadata *h = NULL;
  OK(sr_create_key(ks, NULL, "HMAC_256", NULL, "EXTERNAL", &h));
  uint8_t key[40];
  for (size_t i = 0; i < sizeof key; i++) key[i] = (uint8_t)(i * 3 + 1);
  snprintf(path, sizeof path, "%s/hmac.bin", dir);
  write_file(path, key, 31);
  EXPECT(SR_STATUS_INVALID_CIPHERTEXT, import_file(ks, h->key_id, "RSAES_OAEP_SHA_256", "hmac.bin"));
  write_file(path, key, sizeof key);
  OK(import_file(ks, h->key_id, "RSAES_OAEP_SHA_256", "hmac.bin"));
  sr_buffer mac = {NULL, 0};
  OK(sr_generate_mac(ks, h->key_id, msg, sizeof msg - 1, "HMAC_SHA_256", &mac));
  char hex[2 * sizeof key + 1];
  for (size_t i = 0; i < sizeof key; i++) snprintf(hex + 2 * i, 3, "%02x", key[i]);
  char cmd[600];
  snprintf(cmd, sizeof cmd, "cd %s && openssl dgst -sha256 -mac HMAC -macopt hexkey:%s -binary msg.bin > mac.bin", dir, hex);
  CHECK(system(cmd) == 0);
  uint8_t want_mac[64];
  snprintf(path, sizeof path, "%s/mac.bin", dir);
  CHECK(read_file(path, want_mac, sizeof want_mac) == 32);
  CHECK(mac.len == 32 && memcmp(mac.data, want_mac, 32) == 0);
  sr_buffer_free(&mac);
  sr_key_metadata_free(h);

  /* Not importable at all. */
  sr_key_metadata *m = (sr_key_metadata *)0x1;
  EXPECT(SR_STATUS_UNSUPPORTED_OPERATION, sr_create_key(ks, NULL, "ECC_NIST_EDWARDS25519", NULL, "EXTERNAL", &m));
  CHECK(m == (sr_key_metadata *)0x1);
  sh("cd %s && rm ec.der ec.pem p384.der rsa.der rsa.pub.der msg.bin sig.bin hmac.bin mac.bin");
}

static void test_audit(sr_keystore *ks) {
  sr_key_metadata *k = NULL;
  OK(sr_create_key(ks, "audited", NULL, NULL, NULL, &k));
  sr_context_pair ctx[1] = {{"order", "42"}};
  sr_buffer blob = {NULL, 0};
  OK(sr_encrypt(ks, k->key_id, (const uint8_t *)"x", 1, ctx, 1, &blob));
  sr_buffer_free(&blob);
  OK(sr_disable_key(ks, k->key_id));
  EXPECT(SR_STATUS_DISABLED, sr_encrypt(ks, k->key_id, (const uint8_t *)"x", 1, NULL, 0, &blob));

  uint64_t verified = 0;
  OK(sr_verify_audit(ks, &verified));
  EXPECT(SR_STATUS_NULL_PARAMETER, sr_verify_audit(ks, NULL));
  EXPECT(SR_STATUS_NULL_PARAMETER, sr_verify_audit(NULL, &verified));

  sr_audit_event_list *all = NULL;
  OK(sr_audit_events(ks, NULL, &all));
  CHECK(all->len == verified && all->len >= 4);
  for (size_t i = 0; i < all->len; i++) CHECK(all->items[i].sequence == all->items[0].sequence + i);
  CHECK(strcmp(all->items[0].caller, "c-audit-test") == 0);
  sr_audit_event_list_free(all);

  sr_audit_filter f;
  memset(&f, 0, sizeof f);
  f.key_id = k->key_id;
  f.operation = "Encrypt";
  sr_audit_event_list *enc = NULL;
  OK(sr_audit_events(ks, &f, &enc));
  CHECK(enc->len == 2);
  CHECK(strcmp(enc->items[0].outcome, "ok") == 0);
  CHECK(strcmp(enc->items[0].key_id, k->key_id) == 0);
  CHECK(enc->items[0].has_key_version && enc->items[0].key_version == 1);
  CHECK(enc->items[0].encryption_context_len == 1);
  CHECK(strcmp(enc->items[0].encryption_context[0].key, "order") == 0);
  CHECK(strcmp(enc->items[0].encryption_context[0].value, "42") == 0);
  CHECK(strcmp(enc->items[1].outcome, "Disabled") == 0);
  CHECK(enc->items[1].encryption_context_len == 0 && enc->items[1].count == 1);
  sr_audit_event_list_free(enc);

  f.outcome = "Disabled";
  OK(sr_audit_events(ks, &f, &enc));
  CHECK(enc->len == 1);
  sr_audit_event_list_free(enc);
  memset(&f, 0, sizeof f);
  f.has_end_time = true;
  f.end_time = T0 - 1;
  OK(sr_audit_events(ks, &f, &enc));
  CHECK(enc->len == 0);
  sr_audit_event_list_free(enc);
  f.operation = "\xff";
  EXPECT(SR_STATUS_INVALID_UTF8, sr_audit_events(ks, &f, &enc));
  EXPECT(SR_STATUS_NULL_PARAMETER, sr_audit_events(ks, NULL, NULL));

  sr_buffer jsonl = {NULL, 0};
  memset(&f, 0, sizeof f);
  f.operation = "Encrypt";
  OK(sr_export_audit_jsonl(ks, &f, &jsonl));
  size_t lines = 0;
  for (size_t i = 0; i < jsonl.len; i++) lines += jsonl.data[i] == '\n';
  CHECK(lines == 2 && jsonl.data[0] == '{');
  sr_buffer_free(&jsonl);
  EXPECT(SR_STATUS_NULL_PARAMETER, sr_export_audit_jsonl(ks, NULL, NULL));
  sr_audit_event_list_free(NULL);
  sr_key_metadata_free(k);
}

static void test_audit_options(void) {
  sr_options *o = fast_options();
  EXPECT(SR_STATUS_VALIDATION, sr_options_set_audit(o, 0, 0, 0));
  EXPECT(SR_STATUS_VALIDATION, sr_options_set_audit(o, 4, 0, 0));
  EXPECT(SR_STATUS_NULL_PARAMETER, sr_options_set_audit(NULL, SR_AUDIT_LEVEL_OFF, 0, 0));
  OK(sr_options_set_audit(o, SR_AUDIT_LEVEL_OFF, 0, 0));
  char path[300];
  snprintf(path, sizeof path, "%s/quiet.strongroom", dir);
  sr_keystore *ks = NULL;
  OK(sr_keystore_create(path, PASS, sizeof PASS - 1, o, &ks));
  sr_key_metadata *k = NULL;
  OK(sr_create_key(ks, NULL, NULL, NULL, NULL, &k));
  sr_key_metadata_free(k);
  sr_audit_event_list *all = NULL;
  OK(sr_audit_events(ks, NULL, &all));
  CHECK(all->len == 0);
  sr_audit_event_list_free(all);
  OK(sr_keystore_close(ks));
  sr_keystore_free(ks);
  unlink(path);
  sr_options_free(o);
}

int main(void) {
  make_dir(dir, sizeof dir);
  char path[300];
  snprintf(path, sizeof path, "%s/import.strongroom", dir);
  sr_manual_clock *clock = NULL;
  OK(sr_manual_clock_new(T0, &clock));
  sr_options *o = fast_options();
  OK(sr_options_set_manual_clock(o, clock));
  OK(sr_options_set_caller(o, "c-audit-test"));
  OK(sr_options_set_audit(o, SR_AUDIT_LEVEL_FULL, 0, 0));
  sr_keystore *ks = NULL;
  OK(sr_keystore_create(path, PASS, sizeof PASS - 1, o, &ks));
  sr_options_free(o);
  test_audit(ks);
  test_import(ks, clock);
  test_import_asymmetric_and_hmac(ks);
  OK(sr_keystore_close(ks));
  sr_keystore_free(ks);
  test_audit_options();
  sr_manual_clock_free(clock);
  unlink(path);
  CHECK(rmdir(dir) == 0);
  printf("test_import_audit: all checks passed\n");
  return 0;
}
