/* Handle lifetimes across threads (issue 17 item 8):
 *   1. sr_keystore_close while other threads are encrypting and decrypting in a loop on the same
 *      handle: every call returns OK or SR_STATUS_CLOSED, a thread that saw CLOSED never sees OK
 *      again, the file is unlocked afterwards, and the handle stays valid (refusing calls) until
 *      sr_keystore_free. Before the fix the close freed the keystore under the other threads.
 *   2. sr_set_alarm while other threads keep ringing the alarm: once the swap (or clearing)
 *      returns, the replaced callback's counter never moves again. Before the fix a callback
 *      already running finished after the swap returned.
 *   3. From inside the callback, sr_set_alarm and sr_keystore_close are refused, not deadlocks.
 * Every loop is bounded in count and in time, so a regression fails instead of hanging. */
#define _POSIX_C_SOURCE 200809L
#include "common.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <time.h>

#define WORKERS 4
/* The workers stop when the test closes the handle (or stops the ringing), not after a number of
 * rounds: under valgrind, which runs one thread at a time, a worker could otherwise finish a short
 * loop before the main thread is scheduled to close. The count bound is only a backstop. */
#define MAX_ROUNDS 10000000L
#define TIME_LIMIT_S 60.0

static const uint8_t PASS[] = "close race passphrase";
#define PASS_LEN (sizeof PASS - 1)

static sr_keystore *ks;
static char key_id[64];
static char disabled_id[64];

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void sleep_ms(long ms) {
  struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
  nanosleep(&ts, NULL);
}

/* ---- 1. close while encrypting ---- */

static atomic_long oks;

struct worker {
  int saw_closed;
  long rounds;
};

static void *encrypt_loop(void *arg) {
  struct worker *w = arg;
  static const uint8_t text[] = "close me while I work";
  double deadline = now_s() + TIME_LIMIT_S;
  for (w->rounds = 0; w->rounds < MAX_ROUNDS && now_s() < deadline; w->rounds++) {
    sr_buffer blob = {NULL, 0}, pt = {NULL, 0};
    sr_status s = sr_encrypt(ks, key_id, text, sizeof text, NULL, 0, &blob);
    if (s == SR_STATUS_OK) {
      s = sr_decrypt(ks, blob.data, blob.len, NULL, 0, key_id, &pt);
      sr_buffer_free(&blob);
      if (s == SR_STATUS_OK) {
        CHECK(pt.len == sizeof text && memcmp(pt.data, text, sizeof text) == 0);
        sr_buffer_free(&pt);
        atomic_fetch_add(&oks, 1);
        continue;
      }
    }
    EXPECT(SR_STATUS_CLOSED, s);
    EXPECT_MESSAGE_PREFIX("Closed: ");
    CHECK(blob.data == NULL && pt.data == NULL); /* out-parameters untouched */
    /* Closed stays closed. */
    EXPECT(SR_STATUS_CLOSED, sr_encrypt(ks, key_id, text, sizeof text, NULL, 0, &blob));
    w->saw_closed = 1;
    return NULL;
  }
  return NULL;
}

static void test_close_while_encrypting(const char *path, sr_options *o) {
  OK(sr_keystore_create(path, PASS, PASS_LEN, o, &ks));
  sr_key_metadata *m = NULL;
  OK(sr_create_key(ks, "close race", NULL, NULL, NULL, &m));
  snprintf(key_id, sizeof key_id, "%s", m->key_id);
  sr_key_metadata_free(m);

  pthread_t threads[WORKERS];
  struct worker workers[WORKERS];
  for (int i = 0; i < WORKERS; i++) {
    workers[i].saw_closed = 0;
    workers[i].rounds = 0;
    CHECK(pthread_create(&threads[i], NULL, encrypt_loop, &workers[i]) == 0);
  }
  /* Close once the workers are well into their loops. */
  double deadline = now_s() + TIME_LIMIT_S;
  while (atomic_load(&oks) < 4 * WORKERS && now_s() < deadline) sleep_ms(1);
  CHECK(atomic_load(&oks) >= 4 * WORKERS);
  OK(sr_keystore_close(ks));
  long closed_at = atomic_load(&oks);
  for (int i = 0; i < WORKERS; i++) {
    CHECK(pthread_join(threads[i], NULL) == 0);
    CHECK(workers[i].saw_closed);
  }
  /* At most one call per worker was already past the gate when the close began. */
  CHECK(atomic_load(&oks) <= closed_at + WORKERS);

  /* The handle refuses calls until it is freed; closing again is fine. */
  sr_buffer blob = {NULL, 0};
  EXPECT(SR_STATUS_CLOSED, sr_encrypt(ks, key_id, (const uint8_t *)"x", 1, NULL, 0, &blob));
  EXPECT_MESSAGE_PREFIX("Closed: ");
  sr_key_metadata_list *list = NULL;
  EXPECT(SR_STATUS_CLOSED, sr_list_keys(ks, &list));
  CHECK(list == NULL);
  EXPECT(SR_STATUS_CLOSED, sr_set_alarm(ks, NULL, NULL));
  OK(sr_keystore_close(ks));
  CHECK(strcmp(sr_status_name(SR_STATUS_CLOSED), "Closed") == 0);

  /* The close released the file: it opens again, with the key. */
  sr_keystore *again = NULL;
  OK(sr_keystore_open(path, PASS, PASS_LEN, o, &again));
  OK(sr_encrypt(again, key_id, (const uint8_t *)"x", 1, NULL, 0, &blob));
  sr_buffer_free(&blob);
  sr_keystore_free(ks);
  /* sr_keystore_free closes a handle that is still open. */
  sr_keystore_free(again);
  sr_keystore_free(NULL);
  ks = NULL;
}

/* ---- 2. the alarm swap waits ---- */

struct counter {
  atomic_long calls;
  long sleep_ms; /* how long each call takes before it counts */
};

static void slow_count(void *user_data, const sr_alarm_event *event) {
  struct counter *c = user_data;
  CHECK(strcmp(event->key_id, disabled_id) == 0);
  sleep_ms(c->sleep_ms);
  atomic_fetch_add(&c->calls, 1);
}

static atomic_int stop_ringing;

static void *ring_loop(void *arg) {
  (void)arg;
  double deadline = now_s() + TIME_LIMIT_S;
  for (long i = 0; i < MAX_ROUNDS && !atomic_load(&stop_ringing) && now_s() < deadline; i++) {
    sr_buffer blob = {NULL, 0};
    sr_status s = sr_encrypt(ks, disabled_id, (const uint8_t *)"x", 1, NULL, 0, &blob);
    if (s == SR_STATUS_CLOSED) return NULL; /* the test closed the handle under us */
    EXPECT(SR_STATUS_DISABLED, s);
  }
  return NULL;
}

/* Waits (bounded) until the counter reaches n. */
static void wait_for(struct counter *c, long n) {
  double deadline = now_s() + TIME_LIMIT_S;
  while (atomic_load(&c->calls) < n && now_s() < deadline) sleep_ms(1);
  CHECK(atomic_load(&c->calls) >= n);
}

/* 3. Re-entrancy: the calls that would wait for this callback are refused. */
static atomic_int reentered;

static void reentrant(void *user_data, const sr_alarm_event *event) {
  (void)user_data;
  (void)event;
  EXPECT(SR_STATUS_VALIDATION, sr_set_alarm(ks, NULL, NULL));
  EXPECT_MESSAGE_PREFIX("Validation: sr_set_alarm was called from inside an alarm callback");
  EXPECT(SR_STATUS_VALIDATION, sr_keystore_close(ks));
  /* Other calls are fine, on this handle too. */
  sr_key_metadata *m = NULL;
  OK(sr_describe_key(ks, disabled_id, &m));
  sr_key_metadata_free(m);
  atomic_store(&reentered, 1);
}

static void test_alarm_swap(const char *path, sr_options *o) {
  OK(sr_keystore_create(path, PASS, PASS_LEN, o, &ks));
  sr_key_metadata *m = NULL;
  OK(sr_create_key(ks, "disabled", NULL, NULL, NULL, &m));
  snprintf(disabled_id, sizeof disabled_id, "%s", m->key_id);
  sr_key_metadata_free(m);
  OK(sr_disable_key(ks, disabled_id));

  struct counter a = {0, 2}, b = {0, 2};
  OK(sr_set_alarm(ks, slow_count, &a));
  pthread_t threads[WORKERS];
  for (int i = 0; i < WORKERS; i++) CHECK(pthread_create(&threads[i], NULL, ring_loop, NULL) == 0);
  for (int round = 0; round < 3; round++) {
    /* Swap a -> b: after the swap returns, a never moves again. */
    wait_for(&a, 3);
    OK(sr_set_alarm(ks, slow_count, &b));
    long frozen = atomic_load(&a.calls);
    wait_for(&b, 3);
    sleep_ms(20);
    CHECK(atomic_load(&a.calls) == frozen);
    /* Clear: after it returns, b never moves again. */
    OK(sr_set_alarm(ks, NULL, NULL));
    frozen = atomic_load(&b.calls);
    sleep_ms(20);
    CHECK(atomic_load(&b.calls) == frozen);
    atomic_store(&a.calls, 0);
    atomic_store(&b.calls, 0);
    OK(sr_set_alarm(ks, slow_count, &a));
  }
  /* Closing waits for callbacks in progress too: afterwards a never moves again. */
  wait_for(&a, 3);
  OK(sr_keystore_close(ks));
  long frozen = atomic_load(&a.calls);
  atomic_store(&stop_ringing, 1);
  for (int i = 0; i < WORKERS; i++) CHECK(pthread_join(threads[i], NULL) == 0);
  CHECK(atomic_load(&a.calls) == frozen);
  sr_keystore_free(ks);

  OK(sr_keystore_open(path, PASS, PASS_LEN, o, &ks));
  OK(sr_set_alarm(ks, reentrant, NULL));
  sr_buffer blob = {NULL, 0};
  EXPECT(SR_STATUS_DISABLED, sr_encrypt(ks, disabled_id, (const uint8_t *)"x", 1, NULL, 0, &blob));
  CHECK(atomic_load(&reentered) == 1);
  OK(sr_keystore_close(ks));
  sr_keystore_free(ks);
  ks = NULL;
}

int main(void) {
  char dir[256], path1[300], path2[300];
  make_dir(dir, sizeof dir);
  snprintf(path1, sizeof path1, "%s/close.strongroom", dir);
  snprintf(path2, sizeof path2, "%s/alarm.strongroom", dir);
  sr_options *o = fast_options();
  test_close_while_encrypting(path1, o);
  test_alarm_swap(path2, o);
  sr_options_free(o);
  unlink(path1);
  unlink(path2);
  CHECK(rmdir(dir) == 0);
  printf("test_close_race: close during %d encrypting threads, alarm swaps and re-entrancy passed\n",
         WORKERS);
  return 0;
}
