/* Helpers shared by the C tests: checks that print the failing line, the status name and the
 * thread's last error message, then exit non-zero. */
#ifndef STRONGROOM_TEST_COMMON_H
#define STRONGROOM_TEST_COMMON_H

#include "strongroom.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static inline void sr_test_print_last_error(void) {
  char msg[1024];
  size_t n = 0;
  if (sr_last_error_message(msg, sizeof msg, &n) == SR_STATUS_OK) {
    fprintf(stderr, "  last error: %s\n", msg);
  }
}

#define CHECK(cond)                                                            \
  do {                                                                         \
    if (!(cond)) {                                                             \
      fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
      sr_test_print_last_error();                                              \
      exit(1);                                                                 \
    }                                                                          \
  } while (0)

/* The call must return `expected`. */
#define EXPECT(expected, call)                                                 \
  do {                                                                         \
    sr_status got_ = (call);                                                   \
    if (got_ != (sr_status)(expected)) {                                       \
      fprintf(stderr, "%s:%d: %s\n  returned %s, expected %s\n", __FILE__,     \
              __LINE__, #call, sr_status_name(got_),                           \
              sr_status_name((expected)));                                     \
      sr_test_print_last_error();                                              \
      exit(1);                                                                 \
    }                                                                          \
  } while (0)

#define OK(call) EXPECT(SR_STATUS_OK, call)

/* The thread's last error message must start with `prefix`. */
#define EXPECT_MESSAGE_PREFIX(prefix)                                          \
  do {                                                                         \
    char m_[1024];                                                             \
    size_t n_ = 0;                                                             \
    OK(sr_last_error_message(m_, sizeof m_, &n_));                             \
    CHECK(n_ == strlen(m_));                                                   \
    if (strncmp(m_, (prefix), strlen(prefix)) != 0) {                          \
      fprintf(stderr, "%s:%d: message %s does not start with %s\n", __FILE__,  \
              __LINE__, m_, (prefix));                                         \
      exit(1);                                                                 \
    }                                                                          \
  } while (0)

/* A fresh directory for keystore files; removed by remove_dir. */
static inline void make_dir(char *tmpl_out, size_t len) {
  const char *base = getenv("TMPDIR");
  snprintf(tmpl_out, len, "%s/strongroom-c-XXXXXX", base ? base : "/tmp");
  CHECK(mkdtemp(tmpl_out) != NULL);
}

/* Options with the insecure fast KDF: for tests only. */
static inline sr_options *fast_options(void) {
  sr_options *o = NULL;
  OK(sr_options_new(&o));
  OK(sr_options_use_insecure_fast_kdf_for_tests(o));
  return o;
}

#endif
