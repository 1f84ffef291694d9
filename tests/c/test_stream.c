/* sr_encrypt_stream / sr_decrypt_stream: round trips through memory callbacks (short reads,
 * partial writes) and through file descriptors, every damage refused, failing callbacks as
 * SR_STATUS_IO, and the argument checks. */
#define _POSIX_C_SOURCE 200809L
#include "common.h"

#include <fcntl.h>
#include <stdint.h>

static const uint8_t PASS[] = "correct horse";
#define PASS_LEN (sizeof PASS - 1)
#define CHUNK 65536

static char dir[256];
static sr_keystore *ks;

/* A growable byte buffer read from `pos` on; `step` bounds each read or write call (0: none). */
typedef struct {
  uint8_t *data;
  size_t len, cap, pos, step;
  int calls;
} mem;

static ptrdiff_t mem_read(void *ctx, uint8_t *buf, size_t len) {
  mem *m = ctx;
  m->calls++;
  size_t n = m->len - m->pos;
  if (n > len) n = len;
  if (m->step && n > m->step) n = m->step;
  memcpy(buf, m->data + m->pos, n);
  m->pos += n;
  return (ptrdiff_t)n;
}

static ptrdiff_t mem_write(void *ctx, const uint8_t *buf, size_t len) {
  mem *m = ctx;
  m->calls++;
  size_t n = len;
  if (m->step && n > m->step) n = m->step;
  if (m->len + n > m->cap) {
    m->cap = (m->len + n) * 2;
    m->data = realloc(m->data, m->cap);
    CHECK(m->data != NULL);
  }
  memcpy(m->data + m->len, buf, n);
  m->len += n;
  return (ptrdiff_t)n;
}

static ptrdiff_t fails(void *ctx, uint8_t *buf, size_t len) {
  (void)ctx, (void)buf, (void)len;
  return -1;
}

static ptrdiff_t reads_too_much(void *ctx, uint8_t *buf, size_t len) {
  (void)ctx, (void)buf;
  return (ptrdiff_t)len + 1;
}

static ptrdiff_t write_fails(void *ctx, const uint8_t *buf, size_t len) {
  (void)ctx, (void)buf, (void)len;
  return -1;
}

static ptrdiff_t write_takes_nothing(void *ctx, const uint8_t *buf, size_t len) {
  (void)ctx, (void)buf, (void)len;
  return 0;
}

/* POSIX file descriptors as callbacks: the context is a pointer to the descriptor. */
static ptrdiff_t fd_read(void *ctx, uint8_t *buf, size_t len) {
  return read(*(int *)ctx, buf, len);
}

static ptrdiff_t fd_write(void *ctx, const uint8_t *buf, size_t len) {
  return write(*(int *)ctx, buf, len);
}

static mem source(const uint8_t *data, size_t len, size_t step) {
  mem m = {(uint8_t *)data, len, len, 0, step, 0};
  return m;
}

static mem sink(size_t step) {
  mem m = {NULL, 0, 0, 0, step, 0};
  return m;
}

static uint8_t *pattern(size_t len, uint32_t seed) {
  uint8_t *p = malloc(len ? len : 1);
  CHECK(p != NULL);
  uint32_t x = seed | 1;
  for (size_t i = 0; i < len; i++) {
    x ^= x << 13, x ^= x >> 17, x ^= x << 5;
    p[i] = (uint8_t)x;
  }
  return p;
}

/* Encrypts `plain` under `key` into a new buffer (caller frees .data). */
static mem encrypt(const char *key, const uint8_t *plain, size_t len, const sr_context_pair *ctx,
                   size_t ctx_len) {
  mem in = source(plain, len, 1000);
  mem out = sink(5000);
  OK(sr_encrypt_stream(ks, key, mem_read, &in, ctx, ctx_len, mem_write, &out));
  CHECK(in.pos == len);
  return out;
}

static void test_round_trips(const char *key) {
  size_t sizes[] = {0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK + 5, 70 * CHUNK + 3};
  sr_context_pair ctx[1] = {{"file", "backup.tar"}};
  for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
    size_t len = sizes[i];
    uint8_t *plain = pattern(len, (uint32_t)len + 1);
    mem enc = encrypt(key, plain, len, ctx, 1);
    size_t chunks = len == 0 ? 1 : (len + CHUNK - 1) / CHUNK;
    CHECK(enc.len > len + 16 * chunks);
    CHECK(memcmp(enc.data, "SRFILE", 6) == 0);
    mem in = source(enc.data, enc.len, 777);
    mem out = sink(3000);
    OK(sr_decrypt_stream(ks, mem_read, &in, ctx, 1, key, mem_write, &out));
    CHECK(out.len == len);
    CHECK(len == 0 || memcmp(out.data, plain, len) == 0);
    free(out.data);
    free(enc.data);
    free(plain);
  }
}

static void expect_refused(const uint8_t *data, size_t len, sr_status expected, const char *prefix) {
  mem in = source(data, len, 0);
  mem out = sink(0);
  EXPECT(expected, sr_decrypt_stream(ks, mem_read, &in, NULL, 0, NULL, mem_write, &out));
  EXPECT_MESSAGE_PREFIX(prefix);
  free(out.data);
}

static void test_damage_context_and_key(const char *key, const char *other_key) {
  size_t len = 3 * CHUNK + 100;
  uint8_t *plain = pattern(len, 9);
  mem enc = encrypt(key, plain, len, NULL, 0);
  size_t header = enc.len - len - 4 * 16;

  uint8_t *copy = malloc(enc.len);
  CHECK(copy != NULL);
  memcpy(copy, enc.data, enc.len);
  copy[header + CHUNK + 40] ^= 1; /* a bit in chunk 1 */
  expect_refused(copy, enc.len, SR_STATUS_INVALID_CIPHERTEXT, "InvalidCiphertext: chunk 1");
  expect_refused(enc.data, enc.len - 1, SR_STATUS_INVALID_CIPHERTEXT, "InvalidCiphertext: chunk 3");
  expect_refused(enc.data, header + CHUNK + 16, SR_STATUS_INVALID_CIPHERTEXT,
                 "InvalidCiphertext: chunk 0");
  expect_refused(enc.data, 20, SR_STATUS_INVALID_CIPHERTEXT, "InvalidCiphertext: the header");
  expect_refused((const uint8_t *)"not a stream", 12, SR_STATUS_INVALID_CIPHERTEXT,
                 "InvalidCiphertext: not a strongroom encrypted file");

  /* A context given at decryption that was not given at encryption. */
  sr_context_pair ctx[1] = {{"k", "v"}};
  mem in = source(enc.data, enc.len, 0);
  mem out = sink(0);
  EXPECT(SR_STATUS_INVALID_CIPHERTEXT,
         sr_decrypt_stream(ks, mem_read, &in, ctx, 1, NULL, mem_write, &out));
  CHECK(out.len == 0);
  /* Another key named: refused before any plaintext is written. */
  in = source(enc.data, enc.len, 0);
  EXPECT(SR_STATUS_INCORRECT_KEY,
         sr_decrypt_stream(ks, mem_read, &in, NULL, 0, other_key, mem_write, &out));
  CHECK(out.len == 0);
  /* The undamaged stream decrypts. */
  in = source(enc.data, enc.len, 0);
  OK(sr_decrypt_stream(ks, mem_read, &in, NULL, 0, key, mem_write, &out));
  CHECK(out.len == len && memcmp(out.data, plain, len) == 0);
  free(out.data);
  free(copy);
  free(enc.data);
  free(plain);
}

static void test_failing_callbacks(const char *key) {
  uint8_t *plain = pattern(2 * CHUNK, 3);
  mem enc = encrypt(key, plain, 2 * CHUNK, NULL, 0);
  mem in = source(plain, 2 * CHUNK, 0);
  mem out = sink(0);

  EXPECT(SR_STATUS_IO, sr_encrypt_stream(ks, key, fails, NULL, NULL, 0, mem_write, &out));
  EXPECT_MESSAGE_PREFIX("Io: reading the encrypted stream's input failed: the read callback returned -1");
  EXPECT(SR_STATUS_IO, sr_encrypt_stream(ks, key, reads_too_much, NULL, NULL, 0, mem_write, &out));
  EXPECT_MESSAGE_PREFIX("Io: reading");
  EXPECT(SR_STATUS_IO, sr_encrypt_stream(ks, key, mem_read, &in, NULL, 0, write_fails, NULL));
  EXPECT_MESSAGE_PREFIX("Io: writing the encrypted stream's output failed: the write callback returned -1");
  in = source(plain, 2 * CHUNK, 0);
  EXPECT(SR_STATUS_IO, sr_encrypt_stream(ks, key, mem_read, &in, NULL, 0, write_takes_nothing, NULL));
  EXPECT_MESSAGE_PREFIX("Io: writing");
  EXPECT(SR_STATUS_IO, sr_decrypt_stream(ks, fails, NULL, NULL, 0, NULL, mem_write, &out));
  EXPECT_MESSAGE_PREFIX("Io: reading");
  in = source(enc.data, enc.len, 0);
  EXPECT(SR_STATUS_IO, sr_decrypt_stream(ks, mem_read, &in, NULL, 0, NULL, write_fails, NULL));
  EXPECT_MESSAGE_PREFIX("Io: writing");
  free(out.data);
  free(enc.data);
  free(plain);
}

static void test_arguments_and_state(const char *key) {
  static const char BAD_UTF8[] = {'a', (char)0xff, 0};
  mem in = source((const uint8_t *)"x", 1, 0);
  mem out = sink(0);
  EXPECT(SR_STATUS_NULL_PARAMETER,
         sr_encrypt_stream(NULL, key, mem_read, &in, NULL, 0, mem_write, &out));
  EXPECT_MESSAGE_PREFIX("NullParameter: keystore");
  EXPECT(SR_STATUS_NULL_PARAMETER,
         sr_encrypt_stream(ks, NULL, mem_read, &in, NULL, 0, mem_write, &out));
  EXPECT_MESSAGE_PREFIX("NullParameter: key_id");
  EXPECT(SR_STATUS_NULL_PARAMETER, sr_encrypt_stream(ks, key, NULL, &in, NULL, 0, mem_write, &out));
  EXPECT_MESSAGE_PREFIX("NullParameter: read");
  EXPECT(SR_STATUS_NULL_PARAMETER, sr_encrypt_stream(ks, key, mem_read, &in, NULL, 0, NULL, &out));
  EXPECT_MESSAGE_PREFIX("NullParameter: write");
  EXPECT(SR_STATUS_NULL_PARAMETER,
         sr_encrypt_stream(ks, key, mem_read, &in, NULL, 2, mem_write, &out));
  EXPECT_MESSAGE_PREFIX("NullParameter: encryption_context");
  EXPECT(SR_STATUS_INVALID_UTF8,
         sr_encrypt_stream(ks, BAD_UTF8, mem_read, &in, NULL, 0, mem_write, &out));
  EXPECT(SR_STATUS_NOT_FOUND,
         sr_encrypt_stream(ks, "alias/missing", mem_read, &in, NULL, 0, mem_write, &out));
  EXPECT(SR_STATUS_NULL_PARAMETER,
         sr_decrypt_stream(NULL, mem_read, &in, NULL, 0, NULL, mem_write, &out));
  EXPECT(SR_STATUS_NULL_PARAMETER, sr_decrypt_stream(ks, NULL, &in, NULL, 0, NULL, mem_write, &out));
  EXPECT_MESSAGE_PREFIX("NullParameter: read");
  EXPECT(SR_STATUS_NULL_PARAMETER, sr_decrypt_stream(ks, mem_read, &in, NULL, 0, NULL, NULL, &out));
  EXPECT_MESSAGE_PREFIX("NullParameter: write");
  EXPECT(SR_STATUS_INVALID_UTF8,
         sr_decrypt_stream(ks, mem_read, &in, NULL, 0, BAD_UTF8, mem_write, &out));
  /* Nothing was read or written by any refused call. */
  CHECK(in.calls == 0 && out.calls == 0);

  /* A disabled key: refused before the input is touched. */
  OK(sr_disable_key(ks, key));
  EXPECT(SR_STATUS_DISABLED, sr_encrypt_stream(ks, key, mem_read, &in, NULL, 0, mem_write, &out));
  CHECK(in.calls == 0 && out.calls == 0);
  OK(sr_enable_key(ks, key));
  free(out.data);
}

/* The way a C program usually holds its files: descriptors, with read(2) and write(2). */
static void test_file_descriptors(const char *key) {
  char plain_path[300], enc_path[300], dec_path[300];
  snprintf(plain_path, sizeof plain_path, "%s/plain", dir);
  snprintf(enc_path, sizeof enc_path, "%s/plain.sr", dir);
  snprintf(dec_path, sizeof dec_path, "%s/plain.out", dir);
  size_t len = 5 * CHUNK + 11;
  uint8_t *plain = pattern(len, 5);
  int fd = open(plain_path, O_WRONLY | O_CREAT | O_EXCL, 0600);
  CHECK(fd >= 0 && write(fd, plain, len) == (ssize_t)len && close(fd) == 0);

  int in = open(plain_path, O_RDONLY);
  int out = open(enc_path, O_WRONLY | O_CREAT | O_EXCL, 0600);
  CHECK(in >= 0 && out >= 0);
  OK(sr_encrypt_stream(ks, key, fd_read, &in, NULL, 0, fd_write, &out));
  CHECK(close(in) == 0 && close(out) == 0);

  in = open(enc_path, O_RDONLY);
  out = open(dec_path, O_WRONLY | O_CREAT | O_EXCL, 0600);
  CHECK(in >= 0 && out >= 0);
  OK(sr_decrypt_stream(ks, fd_read, &in, NULL, 0, NULL, fd_write, &out));
  CHECK(close(in) == 0 && close(out) == 0);

  uint8_t *back = malloc(len + 1);
  CHECK(back != NULL);
  fd = open(dec_path, O_RDONLY);
  CHECK(fd >= 0 && read(fd, back, len + 1) == (ssize_t)len && close(fd) == 0);
  CHECK(memcmp(back, plain, len) == 0);
  /* A closed descriptor: read(2) fails, the call is SR_STATUS_IO. */
  int closed = in;
  mem sinkm = sink(0);
  EXPECT(SR_STATUS_IO, sr_encrypt_stream(ks, key, fd_read, &closed, NULL, 0, mem_write, &sinkm));
  free(sinkm.data);
  free(back);
  free(plain);
  unlink(plain_path), unlink(enc_path), unlink(dec_path);
}

int main(void) {
  make_dir(dir, sizeof dir);
  char path[300];
  snprintf(path, sizeof path, "%s/stream.strongroom", dir);
  sr_options *o = fast_options();
  OK(sr_keystore_create(path, PASS, PASS_LEN, o, &ks));
  sr_options_free(o);
  sr_key_metadata *k1 = NULL, *k2 = NULL;
  OK(sr_create_key(ks, "stream", NULL, NULL, NULL, &k1));
  OK(sr_create_key(ks, "other", NULL, NULL, NULL, &k2));

  test_round_trips(k1->key_id);
  test_damage_context_and_key(k1->key_id, k2->key_id);
  test_failing_callbacks(k1->key_id);
  test_arguments_and_state(k1->key_id);
  test_file_descriptors(k1->key_id);

  sr_key_metadata_free(k1);
  sr_key_metadata_free(k2);
  OK(sr_keystore_close(ks));
  sr_keystore_free(ks);
  unlink(path);
  CHECK(rmdir(dir) == 0);
  printf("test_stream: all checks passed\n");
  return 0;
}
