package strongroom

/*
#include <stdlib.h>
#include "strongroom.h"
*/
import "C"

import (
	"fmt"
	"strings"
	"time"
	"unsafe"
)

// cString copies s to C memory (free it with C.free). A NUL byte inside s is a Validation error:
// C would silently cut the string there.
func cString(s, what string) (*C.char, error) {
	if strings.IndexByte(s, 0) >= 0 {
		return nil, &Error{Status: uint32(C.SR_STATUS_VALIDATION), Name: "Validation",
			Message: fmt.Sprintf("Validation: %s contains a NUL byte", what), sentinel: ErrValidation}
	}
	return C.CString(s), nil
}

// optCString is cString with "" meaning NULL (not given).
func optCString(s, what string) (*C.char, error) {
	if s == "" {
		return nil, nil
	}
	return cString(s, what)
}

// freeAll frees C strings (NULL is fine).
func freeAll(ps ...*C.char) {
	for _, p := range ps {
		C.free(unsafe.Pointer(p))
	}
}

// bytesArg passes a Go slice to C without copying (the memory holds no Go pointers). Keep the
// slice alive across the call with runtime.KeepAlive.
func bytesArg(b []byte) (*C.uint8_t, C.size_t) {
	if len(b) == 0 {
		return nil, 0
	}
	return (*C.uint8_t)(unsafe.Pointer(&b[0])), C.size_t(len(b))
}

// cContext is an encryption context in C memory; free it with free.
type cContext struct {
	pairs *C.sr_context_pair
	n     C.size_t
}

func newContext(ctx map[string]string, what string) (cContext, error) {
	if len(ctx) == 0 {
		return cContext{}, nil
	}
	size := C.size_t(unsafe.Sizeof(C.sr_context_pair{}))
	mem := (*C.sr_context_pair)(C.calloc(C.size_t(len(ctx)), size))
	c := cContext{pairs: mem, n: C.size_t(len(ctx))}
	items := unsafe.Slice(mem, len(ctx))
	i := 0
	for k, v := range ctx {
		ck, err := cString(k, what+" key")
		if err != nil {
			c.free()
			return cContext{}, err
		}
		items[i].key = ck
		cv, err := cString(v, what+" value")
		if err != nil {
			c.free()
			return cContext{}, err
		}
		items[i].value = cv
		i++
	}
	return c, nil
}

func (c cContext) free() {
	if c.pairs == nil {
		return
	}
	for _, p := range unsafe.Slice(c.pairs, int(c.n)) {
		C.free(unsafe.Pointer(p.key))
		C.free(unsafe.Pointer(p.value))
	}
	C.free(unsafe.Pointer(c.pairs))
}

// takeBuffer copies a strongroom buffer into Go memory and frees (and zeroes) the C copy.
func takeBuffer(b *C.sr_buffer) []byte {
	var out []byte
	if b.data != nil {
		out = C.GoBytes(unsafe.Pointer(b.data), C.int(b.len))
	}
	C.sr_buffer_free(b)
	return out
}

func fromMillis(ms int64) time.Time {
	return time.UnixMilli(ms).UTC()
}

func optTime(has C.bool, ms C.int64_t) *time.Time {
	if !bool(has) {
		return nil
	}
	t := fromMillis(int64(ms))
	return &t
}

func goString(p *C.char) string {
	if p == nil {
		return ""
	}
	return C.GoString(p)
}

// statusName is the C status's name ("NotFound", "NullParameter", ...).
func statusName(status uint32) string {
	return C.GoString(C.sr_status_name(C.uint32_t(status)))
}
