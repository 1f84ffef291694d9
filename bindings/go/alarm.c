// The C side of Keystore.SetAlarm: a trampoline from strongroom's alarm callback to the exported
// Go function, carrying a runtime/cgo.Handle as the user data.
#include <stdint.h>
#include "strongroom.h"
#include "_cgo_export.h"

static void strongroom_go_alarm_trampoline(void *user_data, const sr_alarm_event *event) {
  strongroomGoAlarm((uintptr_t)user_data, (sr_alarm_event *)event);
}

sr_status strongroom_go_set_alarm(const sr_keystore *keystore, uintptr_t handle) {
  return sr_set_alarm(keystore, strongroom_go_alarm_trampoline, (void *)handle);
}
