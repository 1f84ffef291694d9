// The C side of Keystore.EncryptStream and DecryptStream: trampolines from strongroom's read and
// write callbacks to the exported Go functions, carrying a runtime/cgo.Handle as the context.
#include <stddef.h>
#include <stdint.h>
#include "strongroom.h"
#include "_cgo_export.h"

static ptrdiff_t strongroom_go_read_trampoline(void *ctx, uint8_t *buf, size_t len) {
  return strongroomGoStreamRead((uintptr_t)ctx, buf, len);
}

static ptrdiff_t strongroom_go_write_trampoline(void *ctx, const uint8_t *buf, size_t len) {
  return strongroomGoStreamWrite((uintptr_t)ctx, (uint8_t *)buf, len);
}

sr_status strongroom_go_encrypt_stream(const sr_keystore *keystore, const char *key_id,
                                       uintptr_t handle, const sr_context_pair *pairs,
                                       size_t pairs_len) {
  return sr_encrypt_stream(keystore, key_id, strongroom_go_read_trampoline, (void *)handle, pairs,
                           pairs_len, strongroom_go_write_trampoline, (void *)handle);
}

sr_status strongroom_go_decrypt_stream(const sr_keystore *keystore, uintptr_t handle,
                                       const sr_context_pair *pairs, size_t pairs_len,
                                       const char *key_id) {
  return sr_decrypt_stream(keystore, strongroom_go_read_trampoline, (void *)handle, pairs,
                           pairs_len, key_id, strongroom_go_write_trampoline, (void *)handle);
}
