// Package strongroom is the Go binding of strongroom, an embedded, offline key management
// service: what AWS KMS gives a cloud account, a Keystore gives one program from one file.
//
// It is a thin cgo layer over the C ABI (strongroom.h) and finds the C library through
// pkg-config (strongroom.pc), which must be installed first; see docs/go-guide.md:
//
//	cargo build --release -p strongroom-ffi
//	install -Dm644 target/release/libstrongroom.a $PREFIX/lib/libstrongroom.a
//	install -Dm644 include/strongroom.h $PREFIX/include/strongroom.h
//	sed "s#@PREFIX@#$PREFIX#" crates/strongroom-ffi/strongroom.pc.in > $PREFIX/lib/pkgconfig/strongroom.pc
//	export PKG_CONFIG_PATH=$PREFIX/lib/pkgconfig
//
// Operations and fields carry the AWS KMS names in Go case (Encrypt, ScheduleKeyDeletion,
// KeyMetadata.KeyState, ...). Errors wrap one sentinel per SPEC error name, so
// errors.Is(err, strongroom.ErrDisabled) works. A Keystore is safe for concurrent use; close it
// explicitly with Close (there is no finalizer).
package strongroom

/*
// --static: the library's own link line (strongroom.pc's Libs.private, rustc's
// native-static-libs) comes with it, so it is written in one place.
#cgo pkg-config: --static strongroom
#include <stdlib.h>
#include "strongroom.h"
*/
import "C"

import (
	"runtime"
	"runtime/cgo"
	"sync"
	"time"
	"unsafe"
)

// KDFCost is the Argon2id cost of a new keystore: memory in KiB, passes and lanes.
type KDFCost struct {
	MemoryKiB uint32
	Passes    uint32
	Lanes     uint32
}

// Options for Create and Open. The zero value (or nil) means the defaults: the system clock, a
// quota of 100,000 keys, the program's name as the audit caller, and Argon2id at RFC 9106's
// second recommended cost (64 MiB, 3 passes, 4 lanes).
type Options struct {
	// Clock, if set, is the keystore's time source instead of the system clock.
	Clock *ManualClock
	// MaxKeys is the quota on the number of keys (0: the default).
	MaxKeys uint64
	// Caller is the label the audit trail records ("": the program's name).
	Caller string
	// KDF is the Argon2id cost for Create (nil: the default); Open reads it from the file.
	KDF *KDFCost
	// InsecureFastKDFForTests selects a fast Argon2id profile that protects nothing, and allows
	// opening keystores made with it. For throwaway test keystores only; never the default.
	InsecureFastKDFForTests bool
	// Audit sets what the audit trail records (nil: every call, kept within the core's default
	// retention, AuditDefaults).
	Audit *AuditOptions
}

// AuditLevel is how much the audit trail records.
type AuditLevel uint32

// The levels are the header's sr_audit_level values.
const (
	// AuditFull records every call, one event each (the default).
	AuditFull AuditLevel = C.SR_AUDIT_LEVEL_FULL
	// AuditSummary counts successful high-rate calls per key, operation, caller and minute.
	AuditSummary AuditLevel = C.SR_AUDIT_LEVEL_SUMMARY
	// AuditOff records nothing (benchmarks, throwaway keystores).
	AuditOff AuditLevel = C.SR_AUDIT_LEVEL_OFF
)

// AuditOptions: the level, and bounds on what is kept, older events being pruned behind a
// signed checkpoint. 0 is the core's default (AuditDefaults); AuditMaxEventsUnbounded and
// AuditMaxAgeDaysUnbounded remove a bound.
type AuditOptions struct {
	Level      AuditLevel
	MaxEvents  uint64
	MaxAgeDays uint32
}

// The header's "no bound" values for AuditOptions.MaxEvents and MaxAgeDays.
const (
	AuditMaxEventsUnbounded  uint64 = C.SR_AUDIT_MAX_EVENTS_UNBOUNDED
	AuditMaxAgeDaysUnbounded uint32 = C.SR_AUDIT_MAX_AGE_DAYS_UNBOUNDED
)

// AuditDefaults is the core's default audit retention, what 0 means in AuditOptions: at most
// maxEvents events, none older than maxAgeDays days.
func AuditDefaults() (maxEvents uint64, maxAgeDays uint32) {
	var e C.uint64_t
	var d C.uint32_t
	C.sr_audit_defaults(&e, &d)
	return uint64(e), uint32(d)
}

// Keystore is an open keystore file. It is safe for concurrent use by multiple goroutines.
type Keystore struct {
	mu    sync.RWMutex
	ptr   *C.sr_keystore
	alarm cgo.Handle
}

// call runs one C call on a locked OS thread, so that the thread-local error message read after
// a failure belongs to this call.
func call(f func() C.sr_status) error {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if status := f(); status != C.SR_STATUS_OK {
		return statusToError(uint32(status))
	}
	return nil
}

// lastErrorMessage reads the calling thread's last error message (the thread must be locked).
func lastErrorMessage() string {
	buf := make([]byte, 512)
	for {
		var n C.size_t
		status := C.sr_last_error_message((*C.char)(unsafe.Pointer(&buf[0])), C.size_t(len(buf)), &n)
		switch status {
		case C.SR_STATUS_OK:
			return string(buf[:n])
		case C.SR_STATUS_INSUFFICIENT_SIZE:
			buf = make([]byte, int(n))
		default:
			return ""
		}
	}
}

// with runs f with the live handle under the read lock; ErrClosed after Close.
func (ks *Keystore) with(f func(p *C.sr_keystore) C.sr_status) error {
	ks.mu.RLock()
	defer ks.mu.RUnlock()
	if ks.ptr == nil {
		return ErrClosed
	}
	err := call(func() C.sr_status { return f(ks.ptr) })
	runtime.KeepAlive(ks)
	return err
}

// cOptions builds C options; the caller frees them with C.sr_options_free.
func cOptions(o *Options) (*C.sr_options, error) {
	var opts *C.sr_options
	if err := call(func() C.sr_status { return C.sr_options_new(&opts) }); err != nil {
		return nil, err
	}
	fail := func(err error) (*C.sr_options, error) {
		C.sr_options_free(opts)
		return nil, err
	}
	if o == nil {
		return opts, nil
	}
	if o.InsecureFastKDFForTests {
		if err := call(func() C.sr_status { return C.sr_options_use_insecure_fast_kdf_for_tests(opts) }); err != nil {
			return fail(err)
		}
	}
	if o.KDF != nil {
		k := o.KDF
		if err := call(func() C.sr_status {
			return C.sr_options_set_kdf_cost(opts, C.uint32_t(k.MemoryKiB), C.uint32_t(k.Passes), C.uint32_t(k.Lanes))
		}); err != nil {
			return fail(err)
		}
	}
	if o.MaxKeys != 0 {
		if err := call(func() C.sr_status { return C.sr_options_set_max_keys(opts, C.uint64_t(o.MaxKeys)) }); err != nil {
			return fail(err)
		}
	}
	if o.Caller != "" {
		caller, err := cString(o.Caller, "Caller")
		if err != nil {
			return fail(err)
		}
		defer C.free(unsafe.Pointer(caller))
		if err := call(func() C.sr_status { return C.sr_options_set_caller(opts, caller) }); err != nil {
			return fail(err)
		}
	}
	if a := o.Audit; a != nil {
		if err := call(func() C.sr_status {
			return C.sr_options_set_audit(opts, C.uint32_t(a.Level), C.uint64_t(a.MaxEvents), C.uint32_t(a.MaxAgeDays))
		}); err != nil {
			return fail(err)
		}
	}
	if o.Clock != nil {
		err := o.Clock.with(func(c *C.sr_manual_clock) C.sr_status { return C.sr_options_set_manual_clock(opts, c) })
		if err != nil {
			return fail(err)
		}
	}
	return opts, nil
}

type opener func(path *C.char, pass *C.uint8_t, passLen C.size_t, opts *C.sr_options, out **C.sr_keystore) C.sr_status

func openWith(f opener, path string, passphrase []byte, o *Options) (*Keystore, error) {
	cpath, err := cString(path, "path")
	if err != nil {
		return nil, err
	}
	defer C.free(unsafe.Pointer(cpath))
	opts, err := cOptions(o)
	if err != nil {
		return nil, err
	}
	defer C.sr_options_free(opts)
	pass, passLen := bytesArg(passphrase)
	var ptr *C.sr_keystore
	if err := call(func() C.sr_status { return f(cpath, pass, passLen, opts, &ptr) }); err != nil {
		return nil, err
	}
	runtime.KeepAlive(passphrase)
	return &Keystore{ptr: ptr}, nil
}

// Create makes a new keystore file at path (which must not exist), protected by passphrase (1 to
// 1024 bytes). opts may be nil.
func Create(path string, passphrase []byte, opts *Options) (*Keystore, error) {
	return openWith(func(p *C.char, pp *C.uint8_t, n C.size_t, o *C.sr_options, out **C.sr_keystore) C.sr_status {
		return C.sr_keystore_create(p, pp, n, o, out)
	}, path, passphrase, opts)
}

// Open opens the keystore at path. A wrong passphrase is ErrAuthenticationFailed (the file is
// untouched); a file held by another process is ErrLocked. opts may be nil.
func Open(path string, passphrase []byte, opts *Options) (*Keystore, error) {
	return openWith(func(p *C.char, pp *C.uint8_t, n C.size_t, o *C.sr_options, out **C.sr_keystore) C.sr_status {
		return C.sr_keystore_open(p, pp, n, o, out)
	}, path, passphrase, opts)
}

// DryRun returns a view of the same keystore on which every call is a dry run (AWS KMS's DryRun,
// the core's Keystore::dry_run): it is checked completely (the key, its state and usage, the
// ciphertext and its context, a signature or MAC, a grant's rules) and changes nothing (no
// grant is created, retired or revoked, no use becomes the key's last use, nothing is written).
// A call that would have succeeded returns ErrDryRunOperation ("The request would have
// succeeded, but the DryRun option is set."); one that would have failed, its real error.
//
//	dry, err := ks.DryRun()
//	...
//	defer dry.Close()
//	_, err = dry.Encrypt(keyID, plaintext, nil) // errors.Is(err, ErrDryRunOperation): allowed
//
// Close the view when done: closing it ends only the view; closing ks ends every view of it
// (their calls return ErrClosed). A view has no alarm of its own: SetAlarm on it is
// ErrValidation (the keystore's alarm rings for a view's calls too).
func (ks *Keystore) DryRun() (*Keystore, error) {
	var view *C.sr_keystore
	if err := ks.with(func(p *C.sr_keystore) C.sr_status { return C.sr_keystore_dry_run(p, &view) }); err != nil {
		return nil, err
	}
	return &Keystore{ptr: view}, nil
}

// Close flushes and unlocks the file and frees the handle. It waits for calls in progress and
// is idempotent: later calls return nil, and other methods return ErrClosed.
func (ks *Keystore) Close() error {
	ks.mu.Lock()
	defer ks.mu.Unlock()
	if ks.ptr == nil {
		return nil
	}
	p := ks.ptr
	ks.ptr = nil
	err := call(func() C.sr_status { return C.sr_keystore_close(p) })
	C.sr_keystore_free(p) // no call is in flight (write lock) and ptr is nil for later ones
	if ks.alarm != 0 {
		ks.alarm.Delete()
		ks.alarm = 0
	}
	runtime.KeepAlive(ks)
	return err
}

// ChangePassphrase re-wraps the root key under newPassphrase. A wrong oldPassphrase is
// ErrAuthenticationFailed and changes nothing.
func (ks *Keystore) ChangePassphrase(oldPassphrase, newPassphrase []byte) error {
	o, on := bytesArg(oldPassphrase)
	n, nn := bytesArg(newPassphrase)
	err := ks.with(func(p *C.sr_keystore) C.sr_status { return C.sr_change_passphrase(p, o, on, n, nn) })
	runtime.KeepAlive(oldPassphrase)
	runtime.KeepAlive(newPassphrase)
	return err
}

// RunMaintenance runs due work now: automatic rotations and destruction of keys whose deletion
// date has passed.
func (ks *Keystore) RunMaintenance() error {
	return ks.with(func(p *C.sr_keystore) C.sr_status { return C.sr_run_maintenance(p) })
}

// ManualClock is a clock that moves only when told to, for tests and simulations. Pass it as
// Options.Clock; moving it moves the keystore's time. Safe for concurrent use; free it with
// Close (a keystore keeps its own reference).
type ManualClock struct {
	mu  sync.RWMutex
	ptr *C.sr_manual_clock
}

// NewManualClock returns a clock stopped at start (millisecond precision).
func NewManualClock(start time.Time) (*ManualClock, error) {
	var ptr *C.sr_manual_clock
	if err := call(func() C.sr_status { return C.sr_manual_clock_new(C.int64_t(start.UnixMilli()), &ptr) }); err != nil {
		return nil, err
	}
	return &ManualClock{ptr: ptr}, nil
}

func (c *ManualClock) with(f func(p *C.sr_manual_clock) C.sr_status) error {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if c.ptr == nil {
		return ErrClosed
	}
	err := call(func() C.sr_status { return f(c.ptr) })
	runtime.KeepAlive(c)
	return err
}

// Set sets the time.
func (c *ManualClock) Set(t time.Time) error {
	return c.with(func(p *C.sr_manual_clock) C.sr_status { return C.sr_manual_clock_set(p, C.int64_t(t.UnixMilli())) })
}

// Advance moves the time by d (backwards if negative), at millisecond precision.
func (c *ManualClock) Advance(d time.Duration) error {
	return c.with(func(p *C.sr_manual_clock) C.sr_status {
		return C.sr_manual_clock_advance(p, C.int64_t(d.Milliseconds()))
	})
}

// Now returns the clock's time.
func (c *ManualClock) Now() (time.Time, error) {
	var ms C.int64_t
	err := c.with(func(p *C.sr_manual_clock) C.sr_status { return C.sr_manual_clock_now(p, &ms) })
	return fromMillis(int64(ms)), err
}

// Close frees the clock. Idempotent.
func (c *ManualClock) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ptr != nil {
		C.sr_manual_clock_free(c.ptr)
		c.ptr = nil
	}
	runtime.KeepAlive(c)
	return nil
}

// KeystoreID returns this keystore's id (a UUID), part of every ARN.
func (ks *Keystore) KeystoreID() (string, error) {
	buf := make([]byte, 64)
	var n C.size_t
	err := ks.with(func(p *C.sr_keystore) C.sr_status {
		return C.sr_keystore_id(p, (*C.char)(unsafe.Pointer(&buf[0])), C.size_t(len(buf)), &n)
	})
	runtime.KeepAlive(buf)
	if err != nil {
		return "", err
	}
	return string(buf[:n]), nil
}
