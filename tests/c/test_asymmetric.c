/* Asymmetric and HMAC keys (docs/key-types.md): sign and verify (ECDSA P-256, RSA-PSS,
 * Ed25519) with the signatures checked offline by openssl from sr_get_public_key's DER, MACs,
 * ECDH between two strongroom keys, data key pairs, RSA-OAEP with ciphertext made by openssl,
 * the algorithm lists of sr_key_metadata, and the error paths (wrong usage, NULL, bad names). */
#define _POSIX_C_SOURCE 200809L
#include "common.h"

#include <stdint.h>

static const uint8_t PASS[] = "asymmetric passphrase";
static const char BAD_UTF8[] = {'a', (char)0xff, 'b', 0};
static const uint8_t MSG[] = "release 1.0.0";
#define MSG_LEN (sizeof MSG - 1)
static char dir[256];

static void write_file(const char *name, const uint8_t *data, size_t len) {
  char path[400];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  FILE *f = fopen(path, "wb");
  CHECK(f != NULL);
  CHECK(fwrite(data, 1, len, f) == len);
  CHECK(fclose(f) == 0);
}

static size_t read_file(const char *name, uint8_t *buf, size_t cap) {
  char path[400];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  FILE *f = fopen(path, "rb");
  CHECK(f != NULL);
  size_t n = fread(buf, 1, cap, f);
  fclose(f);
  return n;
}

static void remove_file(const char *name) {
  char path[400];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  CHECK(unlink(path) == 0);
}

/* Runs a shell command in the test directory; returns its exit status. */
static int run_in_dir(const char *cmd) {
  char full[1600];
  snprintf(full, sizeof full, "cd '%s' && %s", dir, cmd);
  return system(full);
}

/* A new key of `spec` and `usage`; the caller frees the metadata. */
static sr_key_metadata *new_key(sr_keystore *ks, const char *spec, const char *usage) {
  sr_key_metadata *k = NULL;
  OK(sr_create_key(ks, NULL, spec, usage, NULL, &k));
  CHECK(strcmp(k->key_spec, spec) == 0 && strcmp(k->key_usage, usage) == 0);
  return k;
}

/* Whether `names[0..len]` is exactly `want` (a NULL-terminated list). */
static int names_are(const char *const *names, size_t len, const char *const *want) {
  size_t i = 0;
  for (; want[i] != NULL; i++) {
    if (i >= len || strcmp(names[i], want[i]) != 0) return 0;
  }
  return i == len && (len > 0 || names == NULL);
}

/* Writes the key's public key as public.der and checks its fields. */
static void save_public_key(sr_keystore *ks, const sr_key_metadata *k) {
  sr_public_key *pk = NULL;
  OK(sr_get_public_key(ks, k->key_id, &pk));
  CHECK(strcmp(pk->key_id, k->arn) == 0);
  CHECK(strcmp(pk->key_spec, k->key_spec) == 0 && strcmp(pk->key_usage, k->key_usage) == 0);
  CHECK(pk->signing_algorithms_len == k->signing_algorithms_len);
  CHECK(pk->encryption_algorithms_len == k->encryption_algorithms_len);
  CHECK(pk->key_agreement_algorithms_len == k->key_agreement_algorithms_len);
  CHECK(pk->public_key.len > 0);
  write_file("public.der", pk->public_key.data, pk->public_key.len);
  sr_public_key_free(pk);
}

/* Signs MSG, verifies it, refuses a tampered signature and another message, and has openssl
 * verify the signature with the public key (`openssl_verify`, run in the test directory). */
static void sign_round_trip(sr_keystore *ks, const char *spec, const char *alg, const char *openssl_verify) {
  sr_key_metadata *k = new_key(ks, spec, "SIGN_VERIFY");
  const char *const want[] = {alg, NULL};
  CHECK(k->signing_algorithms_len >= 1 && strcmp(k->signing_algorithms[0], alg) == 0);
  if (strcmp(spec, "ECC_NIST_P256") == 0) CHECK(names_are(k->signing_algorithms, k->signing_algorithms_len, want));
  CHECK(k->encryption_algorithms == NULL && k->mac_algorithms == NULL && k->key_agreement_algorithms == NULL);

  sr_buffer sig = {NULL, 0};
  OK(sr_sign(ks, k->key_id, MSG, MSG_LEN, "RAW", alg, &sig));
  CHECK(sig.len > 0);
  OK(sr_verify(ks, k->key_id, MSG, MSG_LEN, NULL, sig.data, sig.len, alg));
  OK(sr_verify(ks, k->arn, MSG, MSG_LEN, "RAW", sig.data, sig.len, alg));
  EXPECT(SR_STATUS_KMS_INVALID_SIGNATURE, sr_verify(ks, k->key_id, MSG, MSG_LEN - 1, "RAW", sig.data, sig.len, alg));
  EXPECT_MESSAGE_PREFIX("KMSInvalidSignature");

  save_public_key(ks, k);
  write_file("message.bin", MSG, MSG_LEN);
  write_file("signature.bin", sig.data, sig.len);
  CHECK(run_in_dir("openssl pkey -pubin -inform DER -in public.der -out public.pem") == 0);
  CHECK(run_in_dir(openssl_verify) == 0);

  sig.data[sig.len / 2] ^= 0x01;
  EXPECT(SR_STATUS_KMS_INVALID_SIGNATURE, sr_verify(ks, k->key_id, MSG, MSG_LEN, "RAW", sig.data, sig.len, alg));
  sr_buffer_free(&sig);

  remove_file("public.der");
  remove_file("public.pem");
  remove_file("message.bin");
  remove_file("signature.bin");
  sr_key_metadata_free(k);
}

static void test_sign_verify(sr_keystore *ks) {
  sign_round_trip(ks, "ECC_NIST_P256", "ECDSA_SHA_256",
                  "openssl dgst -sha256 -verify public.pem -signature signature.bin message.bin >/dev/null");
  sign_round_trip(ks, "RSA_2048", "RSASSA_PSS_SHA_256",
                  "openssl dgst -sha256 -sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:digest "
                  "-verify public.pem -signature signature.bin message.bin >/dev/null");
  sign_round_trip(ks, "ECC_NIST_EDWARDS25519", "ED25519_SHA_512",
                  "openssl pkeyutl -verify -pubin -inkey public.pem -rawin -in message.bin "
                  "-sigfile signature.bin >/dev/null");

  sr_key_metadata *ec = new_key(ks, "ECC_NIST_P256", "SIGN_VERIFY");
  CHECK(ec->customer_master_key_spec != NULL && strcmp(ec->customer_master_key_spec, "ECC_NIST_P256") == 0);
  /* A DIGEST of the hash's length signs; one of another length does not. */
  uint8_t digest[32];
  memset(digest, 0x5a, sizeof digest);
  sr_buffer sig = {NULL, 0};
  OK(sr_sign(ks, ec->key_id, digest, sizeof digest, "DIGEST", "ECDSA_SHA_256", &sig));
  OK(sr_verify(ks, ec->key_id, digest, sizeof digest, "DIGEST", sig.data, sig.len, "ECDSA_SHA_256"));
  /* The same bytes as a RAW message are another message. */
  EXPECT(SR_STATUS_KMS_INVALID_SIGNATURE,
         sr_verify(ks, ec->key_id, digest, sizeof digest, "RAW", sig.data, sig.len, "ECDSA_SHA_256"));

  /* Refusals leave the output as it was. */
  sr_buffer untouched = {(uint8_t *)dir, 3};
  EXPECT(SR_STATUS_VALIDATION, sr_sign(ks, ec->key_id, digest, 31, "DIGEST", "ECDSA_SHA_256", &untouched));
  EXPECT(SR_STATUS_VALIDATION, sr_sign(ks, ec->key_id, MSG, 0, "RAW", "ECDSA_SHA_256", &untouched));
  EXPECT(SR_STATUS_VALIDATION, sr_sign(ks, ec->key_id, MSG, MSG_LEN, "TEXT", "ECDSA_SHA_256", &untouched));
  EXPECT_MESSAGE_PREFIX("Validation");
  EXPECT(SR_STATUS_VALIDATION, sr_sign(ks, ec->key_id, MSG, MSG_LEN, "RAW", "ECDSA_SHA256", &untouched));
  EXPECT(SR_STATUS_INVALID_KEY_USAGE, sr_sign(ks, ec->key_id, MSG, MSG_LEN, "RAW", "ECDSA_SHA_384", &untouched));
  EXPECT(SR_STATUS_INVALID_KEY_USAGE, sr_sign(ks, ec->key_id, MSG, MSG_LEN, "RAW", "RSASSA_PSS_SHA_256", &untouched));
  EXPECT(SR_STATUS_INVALID_UTF8, sr_sign(ks, ec->key_id, MSG, MSG_LEN, BAD_UTF8, "ECDSA_SHA_256", &untouched));
  EXPECT(SR_STATUS_INVALID_UTF8, sr_sign(ks, BAD_UTF8, MSG, MSG_LEN, "RAW", "ECDSA_SHA_256", &untouched));
  EXPECT(SR_STATUS_NULL_PARAMETER, sr_sign(ks, NULL, MSG, MSG_LEN, "RAW", "ECDSA_SHA_256", &untouched));
  EXPECT(SR_STATUS_NULL_PARAMETER, sr_sign(ks, ec->key_id, NULL, 5, "RAW", "ECDSA_SHA_256", &untouched));
  EXPECT(SR_STATUS_NULL_PARAMETER, sr_sign(ks, ec->key_id, MSG, MSG_LEN, "RAW", NULL, &untouched));
  EXPECT(SR_STATUS_NULL_PARAMETER, sr_sign(NULL, ec->key_id, MSG, MSG_LEN, "RAW", "ECDSA_SHA_256", &untouched));
  EXPECT(SR_STATUS_NULL_PARAMETER, sr_sign(ks, ec->key_id, MSG, MSG_LEN, "RAW", "ECDSA_SHA_256", NULL));
  EXPECT(SR_STATUS_NOT_FOUND, sr_sign(ks, "alias/none", MSG, MSG_LEN, "RAW", "ECDSA_SHA_256", &untouched));
  CHECK(untouched.data == (uint8_t *)dir && untouched.len == 3);
  EXPECT(SR_STATUS_NULL_PARAMETER, sr_verify(ks, ec->key_id, MSG, MSG_LEN, "RAW", NULL, 8, "ECDSA_SHA_256"));
  EXPECT(SR_STATUS_VALIDATION, sr_verify(ks, ec->key_id, MSG, MSG_LEN, "RAW", sig.data, 0, "ECDSA_SHA_256"));

  /* A disabled key signs nothing. */
  OK(sr_disable_key(ks, ec->key_id));
  EXPECT(SR_STATUS_DISABLED, sr_sign(ks, ec->key_id, MSG, MSG_LEN, "RAW", "ECDSA_SHA_256", &untouched));
  EXPECT(SR_STATUS_DISABLED, sr_verify(ks, ec->key_id, digest, sizeof digest, "DIGEST", sig.data, sig.len, "ECDSA_SHA_256"));
  sr_public_key *pk = NULL;
  EXPECT(SR_STATUS_DISABLED, sr_get_public_key(ks, ec->key_id, &pk));
  CHECK(pk == NULL);
  sr_buffer_free(&sig);
  sr_key_metadata_free(ec);

  /* Ed25519ph is refused, as documented. */
  sr_key_metadata *ed = new_key(ks, "ECC_NIST_EDWARDS25519", "SIGN_VERIFY");
  CHECK(ed->customer_master_key_spec == NULL);
  uint8_t d64[64] = {0};
  EXPECT(SR_STATUS_UNSUPPORTED_OPERATION, sr_sign(ks, ed->key_id, d64, sizeof d64, "DIGEST", "ED25519_PH_SHA_512", &untouched));
  sr_key_metadata_free(ed);
}

static void test_mac(sr_keystore *ks) {
  sr_key_metadata *h = new_key(ks, "HMAC_384", "GENERATE_VERIFY_MAC");
  const char *const want[] = {"HMAC_SHA_384", NULL};
  CHECK(names_are(h->mac_algorithms, h->mac_algorithms_len, want));
  CHECK(h->signing_algorithms == NULL && h->signing_algorithms_len == 0);
  sr_buffer mac = {NULL, 0};
  OK(sr_generate_mac(ks, h->key_id, MSG, MSG_LEN, "HMAC_SHA_384", &mac));
  CHECK(mac.len == 48);
  OK(sr_verify_mac(ks, h->key_id, MSG, MSG_LEN, "HMAC_SHA_384", mac.data, mac.len));
  EXPECT(SR_STATUS_KMS_INVALID_MAC, sr_verify_mac(ks, h->key_id, MSG, MSG_LEN - 1, "HMAC_SHA_384", mac.data, mac.len));
  EXPECT_MESSAGE_PREFIX("KMSInvalidMac");
  EXPECT(SR_STATUS_KMS_INVALID_MAC, sr_verify_mac(ks, h->key_id, MSG, MSG_LEN, "HMAC_SHA_384", mac.data, mac.len - 1));
  mac.data[0] ^= 0x80;
  EXPECT(SR_STATUS_KMS_INVALID_MAC, sr_verify_mac(ks, h->key_id, MSG, MSG_LEN, "HMAC_SHA_384", mac.data, mac.len));
  EXPECT(SR_STATUS_INVALID_KEY_USAGE, sr_verify_mac(ks, h->key_id, MSG, MSG_LEN, "HMAC_SHA_256", mac.data, mac.len));
  EXPECT(SR_STATUS_VALIDATION, sr_verify_mac(ks, h->key_id, MSG, MSG_LEN, "HMAC_SHA_3", mac.data, mac.len));
  EXPECT(SR_STATUS_NULL_PARAMETER, sr_verify_mac(ks, h->key_id, MSG, MSG_LEN, "HMAC_SHA_384", NULL, 48));
  sr_buffer_free(&mac);
  sr_buffer untouched = {(uint8_t *)dir, 3};
  EXPECT(SR_STATUS_VALIDATION, sr_generate_mac(ks, h->key_id, MSG, 0, "HMAC_SHA_384", &untouched));
  EXPECT(SR_STATUS_NULL_PARAMETER, sr_generate_mac(ks, h->key_id, MSG, MSG_LEN, NULL, &untouched));
  EXPECT(SR_STATUS_INVALID_UTF8, sr_generate_mac(ks, h->key_id, MSG, MSG_LEN, BAD_UTF8, &untouched));
  /* An HMAC key neither signs, encrypts nor has a public key. */
  EXPECT(SR_STATUS_INVALID_KEY_USAGE, sr_sign(ks, h->key_id, MSG, MSG_LEN, "RAW", "ECDSA_SHA_256", &untouched));
  EXPECT(SR_STATUS_INVALID_KEY_USAGE, sr_encrypt(ks, h->key_id, MSG, MSG_LEN, NULL, 0, &untouched));
  sr_public_key *pk = NULL;
  EXPECT(SR_STATUS_UNSUPPORTED_OPERATION, sr_get_public_key(ks, h->key_id, &pk));
  CHECK(pk == NULL);
  CHECK(untouched.data == (uint8_t *)dir && untouched.len == 3);
  sr_key_metadata_free(h);
}

static void test_key_agreement(sr_keystore *ks) {
  sr_key_metadata *a = new_key(ks, "ECC_NIST_P384", "KEY_AGREEMENT");
  sr_key_metadata *b = new_key(ks, "ECC_NIST_P384", "KEY_AGREEMENT");
  const char *const ecdh[] = {"ECDH", NULL};
  CHECK(names_are(a->key_agreement_algorithms, a->key_agreement_algorithms_len, ecdh));
  sr_public_key *pa = NULL, *pb = NULL;
  OK(sr_get_public_key(ks, a->key_id, &pa));
  OK(sr_get_public_key(ks, b->key_id, &pb));
  CHECK(names_are(pa->key_agreement_algorithms, pa->key_agreement_algorithms_len, ecdh));
  CHECK(pa->signing_algorithms == NULL && pa->encryption_algorithms == NULL);
  sr_buffer ab = {NULL, 0}, ba = {NULL, 0};
  OK(sr_derive_shared_secret(ks, a->key_id, "ECDH", pb->public_key.data, pb->public_key.len, &ab));
  OK(sr_derive_shared_secret(ks, b->key_id, "ECDH", pa->public_key.data, pa->public_key.len, &ba));
  CHECK(ab.len == 48 && ba.len == 48 && memcmp(ab.data, ba.data, 48) == 0);
  sr_buffer_free(&ab);
  sr_buffer_free(&ba);
  CHECK(ab.data == NULL && ab.len == 0);

  sr_buffer untouched = {(uint8_t *)dir, 3};
  EXPECT(SR_STATUS_VALIDATION, sr_derive_shared_secret(ks, a->key_id, "ECDH", MSG, MSG_LEN, &untouched));
  EXPECT(SR_STATUS_VALIDATION, sr_derive_shared_secret(ks, a->key_id, "DH", pb->public_key.data, pb->public_key.len, &untouched));
  EXPECT(SR_STATUS_NULL_PARAMETER, sr_derive_shared_secret(ks, a->key_id, NULL, pb->public_key.data, pb->public_key.len, &untouched));
  EXPECT(SR_STATUS_NULL_PARAMETER, sr_derive_shared_secret(ks, a->key_id, "ECDH", NULL, 91, &untouched));
  /* A P-256 peer for a P-384 key. */
  sr_key_metadata *c = new_key(ks, "ECC_NIST_P256", "KEY_AGREEMENT");
  sr_public_key *pc = NULL;
  OK(sr_get_public_key(ks, c->key_id, &pc));
  EXPECT(SR_STATUS_VALIDATION, sr_derive_shared_secret(ks, a->key_id, "ECDH", pc->public_key.data, pc->public_key.len, &untouched));
  /* A signing key does not agree. */
  sr_key_metadata *s = new_key(ks, "ECC_NIST_P384", "SIGN_VERIFY");
  EXPECT(SR_STATUS_INVALID_KEY_USAGE, sr_derive_shared_secret(ks, s->key_id, "ECDH", pb->public_key.data, pb->public_key.len, &untouched));
  CHECK(untouched.data == (uint8_t *)dir && untouched.len == 3);
  sr_public_key_free(pa);
  sr_public_key_free(pb);
  sr_public_key_free(pc);
  sr_public_key_free(NULL);
  sr_key_metadata_free(a);
  sr_key_metadata_free(b);
  sr_key_metadata_free(c);
  sr_key_metadata_free(s);
}

static void test_data_key_pairs(sr_keystore *ks) {
  sr_key_metadata *k = NULL;
  OK(sr_create_key(ks, "pairs", NULL, NULL, NULL, &k));
  const char *const sym[] = {"SYMMETRIC_DEFAULT", NULL};
  CHECK(names_are(k->encryption_algorithms, k->encryption_algorithms_len, sym));
  sr_context_pair ctx[] = {{"purpose", "pairs"}};
  sr_data_key_pair *p = NULL;
  OK(sr_generate_data_key_pair(ks, k->key_id, "ECC_NIST_P256", ctx, 1, &p));
  CHECK(strcmp(p->key_pair_spec, "ECC_NIST_P256") == 0);
  CHECK(strcmp(p->key_id, k->arn) == 0);
  CHECK(strcmp(p->key_material_id, k->current_key_material_id) == 0);
  CHECK(p->private_key_plaintext.len > 0 && p->public_key.len == 91);
  sr_buffer plain = {NULL, 0};
  OK(sr_decrypt(ks, p->private_key_ciphertext_blob.data, p->private_key_ciphertext_blob.len, ctx, 1, NULL, &plain));
  CHECK(plain.len == p->private_key_plaintext.len);
  CHECK(memcmp(plain.data, p->private_key_plaintext.data, plain.len) == 0);
  sr_buffer_free(&plain);
  EXPECT(SR_STATUS_INVALID_CIPHERTEXT,
         sr_decrypt(ks, p->private_key_ciphertext_blob.data, p->private_key_ciphertext_blob.len, NULL, 0, NULL, &plain));
  /* openssl reads the private key and it matches the public key. */
  write_file("private.der", p->private_key_plaintext.data, p->private_key_plaintext.len);
  write_file("public.der", p->public_key.data, p->public_key.len);
  CHECK(run_in_dir("openssl pkey -inform DER -in private.der -pubout -outform DER -out derived.der") == 0);
  uint8_t derived[200];
  size_t n = read_file("derived.der", derived, sizeof derived);
  CHECK(n == p->public_key.len && memcmp(derived, p->public_key.data, n) == 0);
  remove_file("private.der");
  remove_file("public.der");
  remove_file("derived.der");
  sr_data_key_pair_free(p);
  sr_data_key_pair_free(NULL);

  p = NULL;
  OK(sr_generate_data_key_pair_without_plaintext(ks, k->key_id, "RSA_2048", NULL, 0, &p));
  CHECK(p->private_key_plaintext.data == NULL && p->private_key_plaintext.len == 0);
  OK(sr_decrypt(ks, p->private_key_ciphertext_blob.data, p->private_key_ciphertext_blob.len, NULL, 0, k->key_id, &plain));
  CHECK(plain.len > 1000); /* a PKCS#8 RSA-2048 private key */
  sr_buffer_free(&plain);
  sr_data_key_pair_free(p);

  sr_data_key_pair *none = NULL;
  EXPECT(SR_STATUS_VALIDATION, sr_generate_data_key_pair(ks, k->key_id, "ECC_NIST_EDWARDS25519", NULL, 0, &none));
  EXPECT(SR_STATUS_VALIDATION, sr_generate_data_key_pair(ks, k->key_id, "DSA", NULL, 0, &none));
  EXPECT(SR_STATUS_NULL_PARAMETER, sr_generate_data_key_pair(ks, k->key_id, NULL, NULL, 0, &none));
  EXPECT(SR_STATUS_NULL_PARAMETER, sr_generate_data_key_pair(ks, k->key_id, "RSA_2048", NULL, 1, &none));
  EXPECT(SR_STATUS_NULL_PARAMETER, sr_generate_data_key_pair_without_plaintext(ks, k->key_id, "RSA_2048", NULL, 0, NULL));
  EXPECT(SR_STATUS_INVALID_UTF8, sr_generate_data_key_pair(ks, k->key_id, BAD_UTF8, NULL, 0, &none));
  sr_key_metadata *rsa = new_key(ks, "RSA_2048", "SIGN_VERIFY");
  EXPECT(SR_STATUS_INVALID_KEY_USAGE, sr_generate_data_key_pair(ks, rsa->key_id, "ECC_NIST_P256", NULL, 0, &none));
  CHECK(none == NULL);
  sr_key_metadata_free(rsa);
  sr_key_metadata_free(k);
}

static void test_rsa_oaep(sr_keystore *ks) {
  sr_key_metadata *k = new_key(ks, "RSA_3072", "ENCRYPT_DECRYPT");
  const char *const oaep[] = {"RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256", NULL};
  CHECK(names_are(k->encryption_algorithms, k->encryption_algorithms_len, oaep));
  /* Ciphertext made offline by openssl with the public key decrypts. */
  save_public_key(ks, k);
  write_file("secret.txt", MSG, MSG_LEN);
  CHECK(run_in_dir("openssl pkeyutl -encrypt -pubin -keyform DER -inkey public.der -in secret.txt -out secret.bin "
                   "-pkeyopt rsa_padding_mode:oaep -pkeyopt rsa_oaep_md:sha256 -pkeyopt rsa_mgf1_md:sha256") == 0);
  uint8_t ct[512];
  size_t n = read_file("secret.bin", ct, sizeof ct);
  CHECK(n == 384);
  sr_buffer plain = {NULL, 0};
  OK(sr_decrypt_with_algorithm(ks, ct, n, NULL, 0, k->key_id, "RSAES_OAEP_SHA_256", &plain));
  CHECK(plain.len == MSG_LEN && memcmp(plain.data, MSG, MSG_LEN) == 0);
  sr_buffer_free(&plain);
  remove_file("public.der");
  remove_file("secret.txt");
  remove_file("secret.bin");

  sr_buffer untouched = {(uint8_t *)dir, 3};
  EXPECT(SR_STATUS_INVALID_CIPHERTEXT, sr_decrypt_with_algorithm(ks, ct, n, NULL, 0, k->key_id, "RSAES_OAEP_SHA_1", &untouched));
  EXPECT(SR_STATUS_VALIDATION, sr_decrypt_with_algorithm(ks, ct, n, NULL, 0, NULL, "RSAES_OAEP_SHA_256", &untouched));
  EXPECT(SR_STATUS_VALIDATION, sr_decrypt_with_algorithm(ks, ct, n, NULL, 0, k->key_id, "RSAES_OAEP", &untouched));
  sr_context_pair ctx[] = {{"k", "v"}};
  EXPECT(SR_STATUS_VALIDATION, sr_decrypt_with_algorithm(ks, ct, n, ctx, 1, k->key_id, "RSAES_OAEP_SHA_256", &untouched));

  /* And round trips through strongroom with both hashes. */
  const char *algs[] = {"RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"};
  for (size_t i = 0; i < 2; i++) {
    sr_buffer c = {NULL, 0};
    OK(sr_encrypt_with_algorithm(ks, k->key_id, MSG, MSG_LEN, NULL, 0, algs[i], &c));
    CHECK(c.len == 384);
    OK(sr_decrypt_with_algorithm(ks, c.data, c.len, NULL, 0, k->arn, algs[i], &plain));
    CHECK(plain.len == MSG_LEN && memcmp(plain.data, MSG, MSG_LEN) == 0);
    sr_buffer_free(&plain);
    sr_buffer_free(&c);
  }
  /* The size limit: 3072 / 8 - 2 * 32 - 2 = 318 bytes with SHA-256. */
  uint8_t big[319];
  memset(big, 7, sizeof big);
  sr_buffer c = {NULL, 0};
  OK(sr_encrypt_with_algorithm(ks, k->key_id, big, 318, NULL, 0, "RSAES_OAEP_SHA_256", &c));
  sr_buffer_free(&c);
  EXPECT(SR_STATUS_VALIDATION, sr_encrypt_with_algorithm(ks, k->key_id, big, 319, NULL, 0, "RSAES_OAEP_SHA_256", &untouched));
  /* An RSA key does not take SYMMETRIC_DEFAULT (NULL), nor the plain sr_encrypt. */
  EXPECT(SR_STATUS_INVALID_KEY_USAGE, sr_encrypt_with_algorithm(ks, k->key_id, MSG, MSG_LEN, NULL, 0, NULL, &untouched));
  EXPECT(SR_STATUS_INVALID_KEY_USAGE, sr_encrypt(ks, k->key_id, MSG, MSG_LEN, NULL, 0, &untouched));
  EXPECT(SR_STATUS_INVALID_KEY_USAGE, sr_sign(ks, k->key_id, MSG, MSG_LEN, "RAW", "RSASSA_PSS_SHA_256", &untouched));
  /* A symmetric key with NULL is sr_encrypt / sr_decrypt. */
  sr_key_metadata *sym = NULL;
  OK(sr_create_key(ks, NULL, NULL, NULL, NULL, &sym));
  EXPECT(SR_STATUS_INVALID_KEY_USAGE, sr_encrypt_with_algorithm(ks, sym->key_id, MSG, MSG_LEN, NULL, 0, "RSAES_OAEP_SHA_256", &untouched));
  OK(sr_encrypt_with_algorithm(ks, sym->key_id, MSG, MSG_LEN, ctx, 1, NULL, &c));
  OK(sr_decrypt_with_algorithm(ks, c.data, c.len, ctx, 1, NULL, "SYMMETRIC_DEFAULT", &plain));
  CHECK(plain.len == MSG_LEN && memcmp(plain.data, MSG, MSG_LEN) == 0);
  sr_buffer_free(&plain);
  sr_buffer_free(&c);
  CHECK(untouched.data == (uint8_t *)dir && untouched.len == 3);
  sr_key_metadata_free(sym);
  sr_key_metadata_free(k);
}

static void test_create_key_specs(sr_keystore *ks) {
  /* The specs not used above, with their default usage (NULL) where they have one. */
  const char *specs[] = {"RSA_4096", "ECC_NIST_P521", "ECC_SECG_P256K1", "ML_DSA_44", "ML_DSA_87", "HMAC_224", "HMAC_512"};
  for (size_t i = 0; i < sizeof specs / sizeof specs[0]; i++) {
    sr_key_metadata *k = NULL;
    const char *usage = strcmp(specs[i], "ECC_NIST_P521") == 0 ? "SIGN_VERIFY" : NULL;
    OK(sr_create_key(ks, NULL, specs[i], usage, NULL, &k));
    CHECK(strcmp(k->key_spec, specs[i]) == 0);
    CHECK(k->encryption_algorithms_len + k->signing_algorithms_len + k->mac_algorithms_len > 0);
    sr_key_metadata_free(k);
  }
  sr_key_metadata *k = NULL;
  OK(sr_create_key(ks, NULL, "ML_DSA_65", "SIGN_VERIFY", NULL, &k));
  const char *const mldsa[] = {"ML_DSA_SHAKE_256", NULL};
  CHECK(names_are(k->signing_algorithms, k->signing_algorithms_len, mldsa));
  CHECK(k->customer_master_key_spec == NULL);
  sr_buffer sig = {NULL, 0};
  OK(sr_sign(ks, k->key_id, MSG, MSG_LEN, "RAW", "ML_DSA_SHAKE_256", &sig));
  OK(sr_verify(ks, k->key_id, MSG, MSG_LEN, "RAW", sig.data, sig.len, "ML_DSA_SHAKE_256"));
  sr_buffer_free(&sig);
  /* describe_key gives the same lists. */
  sr_key_metadata *d = NULL;
  OK(sr_describe_key(ks, k->key_id, &d));
  CHECK(names_are(d->signing_algorithms, d->signing_algorithms_len, mldsa));
  sr_key_metadata_free(d);
  sr_key_metadata_free(k);

  sr_key_metadata *none = NULL;
  EXPECT(SR_STATUS_VALIDATION, sr_create_key(ks, NULL, "ECC_NIST_P256", NULL, NULL, &none));
  EXPECT(SR_STATUS_VALIDATION, sr_create_key(ks, NULL, "HMAC_256", "SIGN_VERIFY", NULL, &none));
  EXPECT(SR_STATUS_VALIDATION, sr_create_key(ks, NULL, "RSA_1024", NULL, NULL, &none));
  EXPECT(SR_STATUS_VALIDATION, sr_create_key(ks, NULL, "ECC_SECG_P256K1", "KEY_AGREEMENT", NULL, &none));
  CHECK(none == NULL);

  /* Asymmetric keys do not rotate. */
  OK(sr_create_key(ks, NULL, "ECC_NIST_P256", "SIGN_VERIFY", NULL, &k));
  EXPECT(SR_STATUS_UNSUPPORTED_OPERATION, sr_enable_key_rotation(ks, k->key_id, 0));
  sr_key_metadata_free(k);
}

int main(void) {
  make_dir(dir, sizeof dir);
  char path[300];
  snprintf(path, sizeof path, "%s/asymmetric.strongroom", dir);
  sr_options *o = fast_options();
  sr_keystore *ks = NULL;
  OK(sr_keystore_create(path, PASS, sizeof PASS - 1, o, &ks));
  sr_options_free(o);
  test_sign_verify(ks);
  test_mac(ks);
  test_key_agreement(ks);
  test_data_key_pairs(ks);
  test_rsa_oaep(ks);
  test_create_key_specs(ks);
  OK(sr_keystore_close(ks));
  sr_keystore_free(ks);
  unlink(path);
  CHECK(rmdir(dir) == 0);
  printf("test_asymmetric: all checks passed\n");
  return 0;
}
