/* sr_encrypt throughput from C at 32 B and 4 KiB.
 *   bench            a quick smoke run (used by run.sh; checks round trips, prints nothing big)
 *   bench SECONDS    measures for about SECONDS of thread CPU time per size and prints operations
 *                    per CPU second */
#define _POSIX_C_SOURCE 200809L
#include "common.h"

#include <stdint.h>
#include <time.h>

static double now_s(void) {
  struct timespec ts;
  /* CPU time of this thread: a shared, loaded machine disturbs it far less than wall time. */
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double rate(sr_keystore *ks, const char *key, size_t size, double seconds, long *ops_out) {
  static uint8_t msg[4096];
  memset(msg, 0x5a, sizeof msg);
  long ops = 0;
  double start = now_s(), end = start + seconds;
  double t = start;
  while (t < end) {
    for (int i = 0; i < 256; i++) {
      sr_buffer blob = {NULL, 0};
      OK(sr_encrypt(ks, key, msg, size, NULL, 0, &blob));
      sr_buffer_free(&blob);
    }
    ops += 256;
    t = now_s();
  }
  *ops_out = ops;
  return (double)ops / (t - start);
}

int main(int argc, char **argv) {
  double seconds = argc > 1 ? atof(argv[1]) : 0.0;
  char dir[256], path[300];
  make_dir(dir, sizeof dir);
  snprintf(path, sizeof path, "%s/bench.strongroom", dir);
  sr_options *o = fast_options();
  sr_keystore *ks = NULL;
  OK(sr_keystore_create(path, (const uint8_t *)"bench", 5, o, &ks));
  sr_options_free(o);
  sr_key_metadata *k = NULL;
  OK(sr_create_key(ks, "bench", NULL, NULL, NULL, &k));

  size_t sizes[2] = {32, 4096};
  for (int s = 0; s < 2; s++) {
    long ops = 0;
    double r = rate(ks, k->key_id, sizes[s], seconds > 0 ? seconds : 0.01, &ops);
    CHECK(ops >= 256 && r > 0);
    if (seconds > 0) printf("c    sr_encrypt %4zu B: %10.0f ops/cpu-s (%ld ops)\n", sizes[s], r, ops);
  }
  /* The smoke run also checks one round trip at each size. */
  static uint8_t msg[4096];
  for (int s = 0; s < 2; s++) {
    sr_buffer blob = {NULL, 0}, pt = {NULL, 0};
    OK(sr_encrypt(ks, k->key_id, msg, sizes[s], NULL, 0, &blob));
    OK(sr_decrypt(ks, blob.data, blob.len, NULL, 0, NULL, &pt));
    CHECK(pt.len == sizes[s]);
    sr_buffer_free(&pt);
    sr_buffer_free(&blob);
  }
  sr_key_metadata_free(k);
  OK(sr_keystore_close(ks));
  sr_keystore_free(ks);
  unlink(path);
  CHECK(rmdir(dir) == 0);
  if (seconds <= 0) printf("bench smoke run passed\n");
  return 0;
}
