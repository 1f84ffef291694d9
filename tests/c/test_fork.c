/* A keystore handle used in a fork() child (issue 17 item 1): every call there fails at once with
 * SR_STATUS_LOCKED and a message that says to open the keystore in this process or use
 * `strongroom serve`; closing and freeing the handle in the child release nothing of the
 * parent's (the file stays locked by the parent, whose calls and close keep working); nothing the
 * child tried reaches the file. Before the fix the child's calls succeeded and were lost, and
 * closing joined an audit thread that does not exist in the child (a panic). */
#define _POSIX_C_SOURCE 200809L
#include "common.h"

#include <stdint.h>
#include <sys/wait.h>

static const uint8_t PASS[] = "fork test passphrase";
#define PASS_LEN (sizeof PASS - 1)

/* The child's check: `call` must be refused with SR_STATUS_LOCKED and the fork message. */
#define REFUSED(call)                                                          \
  do {                                                                         \
    EXPECT(SR_STATUS_LOCKED, call);                                            \
    char m_[1024];                                                             \
    size_t n_ = 0;                                                             \
    OK(sr_last_error_message(m_, sizeof m_, &n_));                             \
    CHECK(strstr(m_, "before a fork") != NULL);                                \
    CHECK(strstr(m_, "strongroom serve") != NULL);                             \
  } while (0)

static int wait_child(pid_t pid) {
  int status = 0;
  CHECK(waitpid(pid, &status, 0) == pid);
  CHECK(WIFEXITED(status));
  return WEXITSTATUS(status);
}

static size_t count_events(const sr_keystore *ks, const char *operation) {
  sr_audit_filter f;
  memset(&f, 0, sizeof f);
  f.operation = operation;
  sr_audit_event_list *events = NULL;
  OK(sr_audit_events(ks, &f, &events));
  size_t n = events->len;
  sr_audit_event_list_free(events);
  return n;
}

int main(void) {
  char dir[256], path[300];
  make_dir(dir, sizeof dir);
  snprintf(path, sizeof path, "%s/fork.strongroom", dir);
  sr_options *o = fast_options();
  sr_keystore *ks = NULL;
  OK(sr_keystore_create(path, PASS, PASS_LEN, o, &ks));
  sr_key_metadata *key = NULL;
  OK(sr_create_key(ks, "parent's key", NULL, NULL, NULL, &key));
  static const uint8_t text[] = "written before the fork";
  sr_buffer blob = {NULL, 0};
  OK(sr_encrypt(ks, key->key_id, text, sizeof text, NULL, 0, &blob));
  fflush(stdout);

  /* 1. The child calls, closes and frees: every call refused, no crash. */
  pid_t pid = fork();
  CHECK(pid >= 0);
  if (pid == 0) {
    sr_buffer out = {NULL, 0};
    REFUSED(sr_encrypt(ks, key->key_id, text, sizeof text, NULL, 0, &out));
    CHECK(out.data == NULL);
    REFUSED(sr_decrypt(ks, blob.data, blob.len, NULL, 0, NULL, &out));
    CHECK(out.data == NULL);
    sr_key_metadata *m = NULL;
    REFUSED(sr_create_key(ks, "child's key", NULL, NULL, NULL, &m));
    REFUSED(sr_describe_key(ks, key->key_id, &m));
    CHECK(m == NULL);
    REFUSED(sr_disable_key(ks, key->key_id));
    REFUSED(sr_run_maintenance(ks));
    REFUSED(sr_keystore_close(ks));
    sr_keystore_free(ks);
    _exit(0);
  }
  CHECK(wait_child(pid) == 0);

  /* 2. The child only frees the handle (no close): nothing released, no crash. */
  pid = fork();
  CHECK(pid >= 0);
  if (pid == 0) {
    sr_keystore_free(ks);
    _exit(0);
  }
  CHECK(wait_child(pid) == 0);

  /* The parent still holds the file: another open is refused, and its own handle works. */
  sr_keystore *other = NULL;
  EXPECT(SR_STATUS_LOCKED, sr_keystore_open(path, PASS, PASS_LEN, o, &other));
  sr_buffer pt = {NULL, 0};
  OK(sr_decrypt(ks, blob.data, blob.len, NULL, 0, NULL, &pt));
  CHECK(pt.len == sizeof text && memcmp(pt.data, text, sizeof text) == 0);
  sr_buffer_free(&pt);
  sr_key_metadata *second = NULL;
  OK(sr_create_key(ks, "parent's second key", NULL, NULL, NULL, &second));
  sr_key_metadata_free(second);
  OK(sr_keystore_close(ks));
  sr_keystore_free(ks);

  /* Nothing of the children's in the file: the parent's two keys, the first still enabled, and
   * only the parent's calls in an intact trail. */
  OK(sr_keystore_open(path, PASS, PASS_LEN, o, &ks));
  sr_key_metadata_list *keys = NULL;
  OK(sr_list_keys(ks, &keys));
  CHECK(keys->len == 2);
  sr_key_metadata_list_free(keys);
  sr_key_metadata *d = NULL;
  OK(sr_describe_key(ks, key->key_id, &d));
  CHECK(strcmp(d->key_state, "Enabled") == 0);
  sr_key_metadata_free(d);
  CHECK(count_events(ks, "CreateKey") == 2);
  CHECK(count_events(ks, "DisableKey") == 0);
  uint64_t verified = 0;
  OK(sr_verify_audit(ks, &verified));
  CHECK(verified > 0);
  OK(sr_keystore_close(ks));
  sr_keystore_free(ks);

  sr_buffer_free(&blob);
  sr_key_metadata_free(key);
  sr_options_free(o);
  unlink(path);
  CHECK(rmdir(dir) == 0);
  printf("test_fork: a forked child's calls, close and free are refused and release nothing\n");
  return 0;
}
