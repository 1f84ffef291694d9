package strongroom

/*
#include <stddef.h>
#include <stdint.h>
#include "strongroom.h"
sr_status strongroom_go_encrypt_stream(const sr_keystore *keystore, const char *key_id,
                                       uintptr_t handle, const sr_context_pair *pairs,
                                       size_t pairs_len);
sr_status strongroom_go_decrypt_stream(const sr_keystore *keystore, uintptr_t handle,
                                       const sr_context_pair *pairs, size_t pairs_len,
                                       const char *key_id);
*/
import "C"

import (
	"io"
	"runtime/cgo"
	"unsafe"
)

// stream is what the C callbacks reach through their cgo.Handle: the caller's reader and writer,
// and what went wrong on the Go side (returned instead of the bare ErrIo).
type stream struct {
	r   io.Reader
	w   io.Writer
	eof bool
	// pending is a reader error that came with data: reported on the next read.
	pending error
	err     error
	panic   interface{}
}

// StreamError is returned by EncryptStream and DecryptStream when the reader or writer fails. It
// wraps that error (errors.Is and errors.As reach it) and matches ErrIo.
type StreamError struct {
	// Op is "reading the input" or "writing the output".
	Op  string
	Err error
}

func (e *StreamError) Error() string { return "strongroom: " + e.Op + ": " + e.Err.Error() }

// Unwrap returns the reader's or writer's error.
func (e *StreamError) Unwrap() error { return e.Err }

// Is reports whether target is ErrIo: a StreamError is an I/O failure.
func (e *StreamError) Is(target error) bool { return target == ErrIo }

// fail records the first Go-side failure and returns the callback's failure value.
func (s *stream) fail(op string, err error) C.ptrdiff_t {
	if s.err == nil {
		s.err = &StreamError{Op: op, Err: err}
	}
	return -1
}

// catch turns a panic in the caller's reader or writer into a failed callback; the panic is
// raised again once the C call has returned (a panic must not unwind through C and Rust frames).
func (s *stream) catch(ret *C.ptrdiff_t) {
	if p := recover(); p != nil {
		s.panic = p
		*ret = -1
	}
}

//export strongroomGoStreamRead
func strongroomGoStreamRead(handle C.uintptr_t, buf *C.uint8_t, n C.size_t) (ret C.ptrdiff_t) {
	s := cgo.Handle(handle).Value().(*stream)
	defer s.catch(&ret)
	if s.pending != nil {
		err := s.pending
		s.pending = nil
		return s.fail("reading the input", err)
	}
	if s.eof || n == 0 {
		return 0
	}
	b := unsafe.Slice((*byte)(unsafe.Pointer(buf)), int(n))
	for {
		k, err := s.r.Read(b)
		if k < 0 || k > len(b) {
			return s.fail("reading the input", io.ErrShortBuffer)
		}
		switch {
		case err == io.EOF:
			s.eof = true
		case err != nil && k > 0:
			s.pending = err
		case err != nil:
			return s.fail("reading the input", err)
		}
		if k > 0 || s.eof {
			return C.ptrdiff_t(k)
		}
		// 0 bytes and no error: io.Reader allows it; ask again.
	}
}

//export strongroomGoStreamWrite
func strongroomGoStreamWrite(handle C.uintptr_t, buf *C.uint8_t, n C.size_t) (ret C.ptrdiff_t) {
	s := cgo.Handle(handle).Value().(*stream)
	defer s.catch(&ret)
	b := unsafe.Slice((*byte)(unsafe.Pointer(buf)), int(n))
	k, err := s.w.Write(b)
	if err == nil && k != len(b) {
		err = io.ErrShortWrite
	}
	if err != nil {
		return s.fail("writing the output", err)
	}
	return C.ptrdiff_t(k)
}

// run makes the C call with s behind a handle, then returns the Go-side failure if there was one
// (it explains the C call's ErrIo), else the C call's error; a panic in r or w is raised again.
func (s *stream) run(ks *Keystore, f func(p *C.sr_keystore, h C.uintptr_t) C.sr_status) error {
	h := cgo.NewHandle(s)
	defer h.Delete()
	err := ks.with(func(p *C.sr_keystore) C.sr_status { return f(p, C.uintptr_t(h)) })
	if s.panic != nil {
		panic(s.panic)
	}
	if err != nil && s.err != nil {
		return s.err
	}
	return err
}

// EncryptStream encrypts everything r yields, of any size, into w (docs/STREAM-FORMAT.md; the
// format of `strongroom encrypt-file`): a fresh data key from keyID (key id, ARN, alias name or
// alias ARN) whose blob goes in the stream's header, then 64 KiB chunks sealed with AES-256-GCM
// on every core, in bounded memory. The same ctx is needed to decrypt.
//
// r and w are called only on the calling goroutine, before EncryptStream returns, and must not
// call methods of this Keystore. If r or w fails, the error is a *StreamError wrapping theirs (it
// matches ErrIo) and w holds an incomplete stream; a key that is refused (ErrNotFound,
// ErrDisabled, ...) is reported before r is read or w written.
func (ks *Keystore) EncryptStream(keyID string, ctx map[string]string, r io.Reader, w io.Writer) error {
	c, err := newContext(ctx, "encryption context")
	if err != nil {
		return err
	}
	defer c.free()
	s := &stream{r: r, w: w}
	return ks.keyCallStream(keyID, s, func(p *C.sr_keystore, id *C.char, h C.uintptr_t) C.sr_status {
		return C.strongroom_go_encrypt_stream(p, id, h, c.pairs, c.n)
	})
}

// DecryptStream decrypts a stream made by EncryptStream (or `strongroom encrypt-file`) from r
// into w. The key comes from the stream's header; keyID may be "", or names the key the caller
// expects (ErrIncorrectKey if it is another). A wrong ctx, or a stream that was modified,
// truncated, reordered or extended, is ErrInvalidCiphertext.
//
// Plaintext is written to w chunk by chunk as each chunk is authenticated, before the end of the
// stream is: on any error, discard what w received (write to a temporary file and keep it only
// when DecryptStream returns nil). r and w are called as for EncryptStream.
func (ks *Keystore) DecryptStream(ctx map[string]string, keyID string, r io.Reader, w io.Writer) error {
	c, err := newContext(ctx, "encryption context")
	if err != nil {
		return err
	}
	defer c.free()
	id, err := optCString(keyID, "keyID")
	if err != nil {
		return err
	}
	defer freeAll(id)
	s := &stream{r: r, w: w}
	return s.run(ks, func(p *C.sr_keystore, h C.uintptr_t) C.sr_status {
		return C.strongroom_go_decrypt_stream(p, h, c.pairs, c.n, id)
	})
}

// keyCallStream is keyCall for the stream calls.
func (ks *Keystore) keyCallStream(keyID string, s *stream, f func(p *C.sr_keystore, id *C.char, h C.uintptr_t) C.sr_status) error {
	id, err := cString(keyID, "keyID")
	if err != nil {
		return err
	}
	defer freeAll(id)
	return s.run(ks, func(p *C.sr_keystore, h C.uintptr_t) C.sr_status { return f(p, id, h) })
}
