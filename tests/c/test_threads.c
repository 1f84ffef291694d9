/* One keystore handle shared by several pthreads: encrypt/decrypt on shared and private keys,
 * key creation, and per-thread error messages. */
#define _POSIX_C_SOURCE 200809L
#include "common.h"

#include <pthread.h>
#include <stdint.h>

#define THREADS 8
#define ROUNDS 100

static const uint8_t PASS[] = "thread test passphrase";
static sr_keystore *ks;
static char shared_key[64];
static char disabled_key[64];

struct job {
  int index;
  int ok;
};

static void *worker(void *arg) {
  struct job *job = arg;
  sr_key_metadata *own = NULL;
  OK(sr_create_key(ks, "per-thread", NULL, NULL, NULL, &own));
  char text[64];
  for (int i = 0; i < ROUNDS; i++) {
    int n = snprintf(text, sizeof text, "thread %d round %d", job->index, i);
    const char *key = (i % 2) ? shared_key : own->key_id;
    char value[16];
    snprintf(value, sizeof value, "%d", job->index);
    sr_context_pair ctx[1] = {{"thread", value}};
    sr_buffer blob = {NULL, 0}, pt = {NULL, 0};
    OK(sr_encrypt(ks, key, (const uint8_t *)text, (size_t)n, ctx, 1, &blob));
    OK(sr_decrypt(ks, blob.data, blob.len, ctx, 1, key, &pt));
    CHECK(pt.len == (size_t)n && memcmp(pt.data, text, (size_t)n) == 0);
    sr_buffer_free(&pt);
    sr_buffer_free(&blob);

    /* Errors land in this thread's message only, whatever the others do meanwhile. */
    if (job->index % 2) {
      EXPECT(SR_STATUS_DISABLED, sr_encrypt(ks, disabled_key, (const uint8_t *)"x", 1, NULL, 0, &blob));
      EXPECT_MESSAGE_PREFIX("Disabled: ");
    } else {
      EXPECT(SR_STATUS_NOT_FOUND, sr_encrypt(ks, "alias/missing", (const uint8_t *)"x", 1, NULL, 0, &blob));
      EXPECT_MESSAGE_PREFIX("NotFound: ");
    }
  }
  sr_key_metadata_free(own);
  job->ok = 1;
  return NULL;
}

int main(void) {
  char dir[256], path[300];
  make_dir(dir, sizeof dir);
  snprintf(path, sizeof path, "%s/threads.strongroom", dir);
  sr_options *o = fast_options();
  OK(sr_keystore_create(path, PASS, sizeof PASS - 1, o, &ks));
  sr_options_free(o);

  sr_key_metadata *m = NULL;
  OK(sr_create_key(ks, "shared", NULL, NULL, NULL, &m));
  snprintf(shared_key, sizeof shared_key, "%s", m->key_id);
  sr_key_metadata_free(m);
  OK(sr_create_key(ks, "disabled", NULL, NULL, NULL, &m));
  snprintf(disabled_key, sizeof disabled_key, "%s", m->key_id);
  sr_key_metadata_free(m);
  OK(sr_disable_key(ks, disabled_key));

  pthread_t threads[THREADS];
  struct job jobs[THREADS];
  for (int i = 0; i < THREADS; i++) {
    jobs[i].index = i;
    jobs[i].ok = 0;
    CHECK(pthread_create(&threads[i], NULL, worker, &jobs[i]) == 0);
  }
  for (int i = 0; i < THREADS; i++) {
    CHECK(pthread_join(threads[i], NULL) == 0);
    CHECK(jobs[i].ok);
  }

  sr_key_metadata_list *list = NULL;
  OK(sr_list_keys(ks, &list));
  CHECK(list->len == THREADS + 2);
  sr_key_metadata_list_free(list);
  OK(sr_keystore_close(ks));
  sr_keystore_free(ks);
  unlink(path);
  CHECK(rmdir(dir) == 0);
  printf("test_threads: %d threads x %d rounds passed\n", THREADS, ROUNDS);
  return 0;
}
