package strongroom

/*
#include <stdint.h>
#include "strongroom.h"
sr_status strongroom_go_set_alarm(const sr_keystore *keystore, uintptr_t handle);
*/
import "C"

import (
	"runtime"
	"runtime/cgo"
	"time"
)

// AlarmEvent is a refused attempt to use a key that is Disabled or PendingDeletion.
type AlarmEvent struct {
	EventTime time.Time
	// Operation is the AWS KMS operation name: "Encrypt", "Decrypt", ...
	Operation string
	KeyId     string
	// KeyState is "Disabled" or "PendingDeletion".
	KeyState string
	// Outcome is the error name returned to the caller: "Disabled" or "InvalidState".
	Outcome string
}

//export strongroomGoAlarm
func strongroomGoAlarm(handle C.uintptr_t, event *C.sr_alarm_event) {
	fn := cgo.Handle(handle).Value().(func(AlarmEvent))
	fn(AlarmEvent{
		EventTime: fromMillis(int64(event.event_time)),
		Operation: goString(event.operation),
		KeyId:     goString(event.key_id),
		KeyState:  goString(event.key_state),
		Outcome:   goString(event.outcome),
	})
}

// SetAlarm sets (or, with nil, clears) the alarm: fn runs for every refused attempt to use a key
// that is Disabled or PendingDeletion, on the goroutine whose call was refused, before that call
// returns; it may run on several goroutines at once. fn must not call methods of this Keystore.
func (ks *Keystore) SetAlarm(fn func(AlarmEvent)) error {
	ks.mu.Lock() // no call is in flight while the callback changes
	defer ks.mu.Unlock()
	if ks.ptr == nil {
		return ErrClosed
	}
	var h cgo.Handle
	if fn != nil {
		h = cgo.NewHandle(fn)
	}
	p := ks.ptr
	err := call(func() C.sr_status {
		if fn == nil {
			return C.sr_set_alarm(p, nil, nil)
		}
		return C.strongroom_go_set_alarm(p, C.uintptr_t(h))
	})
	runtime.KeepAlive(ks)
	if err != nil {
		if h != 0 {
			h.Delete()
		}
		return err
	}
	if ks.alarm != 0 {
		ks.alarm.Delete()
	}
	ks.alarm = h
	return nil
}
